"""A Publisher's API write never publishes, unseen, the changes others left waiting."""

import pytest
from rest_framework.test import APIClient

from minerals.models import Mineral
from publishing.api.conditional import representation_etag, version_in
from publishing.models import Draft
from tests.factories import api_token_for

pytestmark = pytest.mark.django_db

LITHIUM = "/api/v1/minerals/lithium/"
WAITING = "Lithium, as the editor would have it."


def token_client(user):
    client = APIClient()
    client.credentials(HTTP_AUTHORIZATION=f"Token {api_token_for(user)}")
    return client


@pytest.fixture
def waiting(content, editor):
    response = token_client(editor).patch(LITHIUM, {"summary": WAITING}, format="json")
    assert response.status_code == 202, response.json()


def public_summary():
    return APIClient().get(LITHIUM).json()["summary"]


def test_a_publishers_write_is_refused_while_an_editors_changes_wait_unseen(waiting, publisher):
    before = public_summary()

    response = token_client(publisher).patch(LITHIUM, {"body": "The publisher's body."})

    assert response.status_code == 409, response.json()
    detail = response.json()["detail"]
    assert "unpublished changes by edith" in detail and '"status": "published"' in detail
    assert public_summary() == before != WAITING
    assert Draft.filter_item(Mineral.objects.get(slug="lithium")).exists()


def test_a_publisher_who_asks_to_publish_publishes_the_waiting_changes_with_theirs(
    waiting, publisher
):
    response = token_client(publisher).patch(
        LITHIUM, {"body": "The publisher's body.", "status": "published"}, format="json"
    )

    assert response.status_code == 200, response.json()
    assert public_summary() == WAITING


def test_a_publisher_may_add_their_write_to_the_waiting_changes_for_review(waiting, publisher):
    before = public_summary()

    response = token_client(publisher).patch(
        LITHIUM, {"body": "The publisher's body.", "status": "review"}, format="json"
    )

    assert response.status_code == 202, response.json()
    assert public_summary() == before
    assert response.json()["summary"] == WAITING


def test_a_publishers_write_goes_live_when_only_their_own_changes_wait(content, publisher):
    api = token_client(publisher)
    assert api.patch(LITHIUM, {"summary": WAITING, "status": "review"}).status_code == 202

    response = api.patch(LITHIUM, {"body": "The publisher's body."}, format="json")

    assert response.status_code == 200, response.json()
    assert public_summary() == WAITING


def test_a_publisher_who_read_the_item_as_it_is_publishes_the_changes_they_read(waiting, publisher):
    api = token_client(publisher)
    tag = api.get(LITHIUM)["ETag"]

    response = api.patch(LITHIUM, {"body": "The publisher's body."}, HTTP_IF_MATCH=tag)

    assert response.status_code == 200, response.json()
    assert public_summary() == WAITING


def test_the_refusal_comes_in_the_language_the_api_is_asked_in(waiting, publisher):
    response = token_client(publisher).patch(
        LITHIUM + "?lang=hi", {"body": "The publisher's body."}, format="json"
    )

    assert response.status_code == 409
    assert "edith" in response.json()["detail"]
    assert "unpublished changes" not in response.json()["detail"]


def test_an_item_read_as_a_change_committed_merges_with_that_change_not_a_false_412(
    content, editor, publisher
):
    """A read that took the item's rows just before a change committed and its version
    just after pairs the older data with the newer version: a write on it must be merged
    with that change, not refused as changed "by someone (the change was not recorded)"."""
    editor_api = token_client(editor)
    read = editor_api.get(LITHIUM)
    data_before = read.json()
    assert token_client(publisher).patch(LITHIUM, {"summary": WAITING}).status_code == 200
    version_after = version_in(editor_api.get(LITHIUM)["ETag"])
    raced = representation_etag(data_before, "application/json", version_after)

    response = editor_api.patch(
        LITHIUM, {"body": "The editor's body."}, format="json", HTTP_IF_MATCH=raced
    )

    assert response.status_code == 202, response.json()
    assert response["Merged-With"] == "paula: Summary"
    assert response.json()["summary"] == WAITING
    assert response.json()["body"] == "The editor's body."
