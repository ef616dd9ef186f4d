"""The API follows the same workflow as the admin: roles, unpublished changes, history, 412."""

import pytest
from rest_framework.test import APIClient

from initiatives.models import Figure, Milestone, Sector
from minerals.models import Application, Mineral
from publishing.models import Change, Draft, Status
from tests.factories import (
    ApplicationFactory,
    FigureFactory,
    SectorFactory,
    api_token_for,
    arranged,
)

pytestmark = pytest.mark.django_db


def token_client(user):
    client = APIClient()
    client.credentials(HTTP_AUTHORIZATION=f"Token {api_token_for(user)}")
    return client


@pytest.fixture
def editor_api(editor):
    return token_client(editor)


@pytest.fixture
def publisher_api(publisher):
    return token_client(publisher)


NEW_SECTOR = {"slug": "robotics", "name": "Robotics", "summary": "Machines that act."}


def test_new_item_from_an_editor_starts_as_a_draft(content, editor_api):
    response = editor_api.post("/api/v1/sectors/", NEW_SECTOR, format="json")

    assert response.status_code == 201, response.json()
    assert response.json()["status"] == "draft"
    assert APIClient().get("/api/v1/sectors/robotics/").status_code == 404


def test_editor_cannot_create_a_published_item(content, editor_api):
    response = editor_api.post(
        "/api/v1/minerals/",
        {
            "slug": "osmium",
            "name": "Osmium",
            "symbol": "Os",
            "group": "other",
            "status": "published",
        },
        format="json",
    )

    assert response.status_code == 403
    assert "Publisher" in response.json()["detail"]
    assert not Mineral.objects.filter(slug="osmium").exists()


def test_publisher_creates_a_published_item(content, publisher_api):
    response = publisher_api.post(
        "/api/v1/sectors/", NEW_SECTOR | {"status": "published"}, format="json"
    )

    assert response.status_code == 201
    assert APIClient().get("/api/v1/sectors/robotics/").status_code == 200


def test_editor_write_to_a_live_item_waits_for_review(content, editor_api):
    response = editor_api.patch(
        "/api/v1/sectors/space/", {"summary": "Orbits and launchers.", "status": "review"}
    )

    assert response.status_code == 202, response.json()
    assert response.json()["summary"] == "Orbits and launchers."
    assert response.json()["status"] == "published"
    assert APIClient().get("/api/v1/sectors/space/").json()["summary"] != "Orbits and launchers."
    assert editor_api.get("/api/v1/sectors/space/").json()["summary"] == "Orbits and launchers."
    space = Sector.objects.get(slug="space")
    assert Draft.filter_item(space).get().in_review


def test_editor_cannot_unpublish_or_delete(content, editor_api):
    assert editor_api.patch("/api/v1/sectors/space/", {"status": "draft"}).status_code == 403
    assert editor_api.delete("/api/v1/sectors/space/").status_code == 403
    assert Sector.objects.get(slug="space").status == Status.PUBLISHED


def test_editor_cannot_schedule(content, editor_api):
    response = editor_api.patch(
        "/api/v1/sectors/space/", {"expire_at": "2030-01-01T00:00:00Z"}, format="json"
    )

    assert response.status_code == 403
    assert Sector.objects.get(slug="space").expire_at is None


def test_publisher_write_to_a_live_item_is_live_at_once(content, publisher_api):
    response = publisher_api.patch("/api/v1/sectors/space/", {"summary": "Orbits."})

    assert response.status_code == 200
    assert APIClient().get("/api/v1/sectors/space/").json()["summary"] == "Orbits."


def test_stale_if_match_that_conflicts_is_refused_with_412_and_the_current_etag_succeeds(
    content, editor_api, publisher_api
):
    read = publisher_api.get("/api/v1/sectors/space/")
    stale_tag = read["ETag"]
    editor_api.patch("/api/v1/sectors/space/", {"summary": "An editor's change."})

    refused = publisher_api.patch(
        "/api/v1/sectors/space/", {"summary": "Mine."}, HTTP_IF_MATCH=stale_tag
    )

    assert refused.status_code == 412
    assert "Summary" in refused.json()["detail"]
    assert "edith" in refused.json()["detail"]
    current = publisher_api.get("/api/v1/sectors/space/")["ETag"]
    accepted = publisher_api.patch(
        "/api/v1/sectors/space/", {"body": "Mine."}, HTTP_IF_MATCH=current
    )
    assert accepted.status_code == 200
    assert accepted.json()["summary"] == "An editor's change."


def test_if_match_also_guards_deletion(content, publisher_api):
    figure = FigureFactory(initiative=None)
    tag = publisher_api.get(f"/api/v1/figures/{figure.slug}/")["ETag"]
    publisher_api.patch(f"/api/v1/figures/{figure.slug}/", {"notes": "Checked."})

    assert (
        publisher_api.delete(f"/api/v1/figures/{figure.slug}/", HTTP_IF_MATCH=tag).status_code
        == 412
    )
    assert Figure.objects.filter(pk=figure.pk).exists()


def test_history_is_for_editors_only(content, editor_api, django_user_model):
    editor_api.patch("/api/v1/sectors/space/", {"summary": "Orbits."})
    reader = token_client(django_user_model.objects.create_user("reader"))

    assert APIClient().get("/api/v1/sectors/space/history/").status_code == 401
    assert reader.get("/api/v1/sectors/space/history/").status_code == 403
    assert editor_api.get("/api/v1/sectors/no-such-sector/history/").status_code == 404
    response = editor_api.get("/api/v1/sectors/space/history/")
    assert response.status_code == 200
    latest, baseline = response.json()["results"]
    assert latest["user"] == "edith"
    assert latest["unpublished"] is True
    assert latest["changes"][0]["label"] == "Summary"
    assert latest["changes"][0]["new"] == "Orbits."
    assert baseline["action"] == Change.Action.BASELINE


def test_delete_conflict_names_only_what_the_user_may_see(content, django_user_model):
    lithium = Mineral.objects.get(slug="lithium")
    sector = SectorFactory(slug="hidden-use-sector", name="Hidden sector")
    ApplicationFactory(mineral=lithium, sector=sector, use="A secret use", status=Status.DRAFT)
    reader = django_user_model.objects.create_user("deleter")
    reader.user_permissions.add(
        *__import__(
            "django.contrib.auth.models", fromlist=["Permission"]
        ).Permission.objects.filter(codename__in=["delete_sector"])
    )

    response = token_client(reader).delete("/api/v1/sectors/hidden-use-sector/")

    assert response.status_code == 409
    assert "secret" not in response.json()["detail"].lower()
    assert "Lithium" not in response.json()["detail"]
    assert "1 unpublished item" in response.json()["detail"]


def test_all_validation_errors_are_reported_at_once(content, publisher_api):
    response = publisher_api.post(
        "/api/v1/minerals/",
        {"slug": "bad", "name": "Bad", "symbol": "bad", "group": "no-such-group"},
        format="json",
    )

    assert response.status_code == 400
    assert {"group", "symbol"} <= set(response.json())


@pytest.mark.parametrize("path", ["/minerals/?sector=defence", "/api/v1/minerals/?sector=defence"])
def test_a_draft_application_links_no_mineral_to_a_sector(client, content, path):
    with arranged():
        osmium = Mineral.objects.create(
            slug="osmium", name="Osmium", symbol="Os", group="other", status=Status.PUBLISHED
        )
    ApplicationFactory(
        mineral=osmium, sector=Sector.objects.get(slug="defence"), status=Status.DRAFT
    )

    response = client.get(path)

    assert response.status_code == 200
    assert "osmium" not in response.content.decode().lower()
    assert "neodymium" in response.content.decode().lower()


def test_a_write_that_changes_the_slug_answers_with_the_item_at_its_new_address(
    content, publisher_api
):
    response = publisher_api.patch("/api/v1/sectors/space/", {"slug": "outer-space"})

    assert response.status_code == 200, response.content
    assert response.json()["slug"] == "outer-space"
    assert response.json()["url"].endswith("/api/v1/sectors/outer-space/")
    assert APIClient().get("/api/v1/sectors/outer-space/").status_code == 200


def test_deleting_with_the_etag_of_the_working_copy_read_succeeds(
    content, editor_api, publisher_api
):
    editor_api.patch("/api/v1/milestones/icet-launched/", {"title": "iCET began"})
    read = publisher_api.get("/api/v1/milestones/icet-launched/")
    assert read.json()["title"] == "iCET began"

    response = publisher_api.delete("/api/v1/milestones/icet-launched/", HTTP_IF_MATCH=read["ETag"])

    assert response.status_code == 204, response.content
    assert not Milestone.objects.filter(slug="icet-launched").exists()
    assert Change.objects.filter(action=Change.Action.DELETED, object_repr__contains="iCET")


def test_deleting_an_item_deletes_and_records_the_items_that_go_with_it(content, publisher_api):
    scandium = Mineral.objects.get(slug="scandium")
    applications = list(scandium.applications.all())
    assert applications

    response = publisher_api.delete("/api/v1/minerals/scandium/")

    assert response.status_code == 204, response.content
    for application in applications:
        deleted = Change.filter_item(application).get(action=Change.Action.DELETED)
        assert deleted.user.username == "paula"
    assert not Application.objects.filter(pk__in=[a.pk for a in applications]).exists()


def test_the_workflows_refusals_come_in_the_language_the_api_is_asked_in(content, editor_api):
    new_mineral = {"slug": "osmium", "name": "Osmium", "symbol": "Os", "group": "other"}

    hindi = editor_api.post(
        "/api/v1/minerals/?lang=hi", new_mineral | {"status": "published"}, format="json"
    )
    english = editor_api.patch("/api/v1/sectors/space/", {"status": "draft"})
    hindi_unpublish = editor_api.patch(
        "/api/v1/sectors/space/", {"status": "draft"}, HTTP_ACCEPT_LANGUAGE="hi"
    )

    assert hindi.status_code == 403
    assert hindi.json()["detail"] == "केवल प्रकाशक ही प्रविष्टियाँ प्रकाशित कर सकता है।"
    assert hindi["Content-Language"] == "hi"
    assert english.status_code == hindi_unpublish.status_code == 403
    assert english.json()["detail"] == "Only a Publisher may unpublish items."
    assert hindi_unpublish.json()["detail"] == "केवल प्रकाशक ही प्रविष्टियाँ अप्रकाशित कर सकता है।"


def test_an_editor_asking_to_publish_a_draft_is_refused(content, editor_api):
    draft = SectorFactory(status=Status.DRAFT)

    response = editor_api.patch(f"/api/v1/sectors/{draft.slug}/", {"status": "published"})

    assert response.status_code == 403
    assert response.json()["detail"] == "Only a Publisher may publish items."
    assert Sector.objects.get(pk=draft.pk).status == Status.DRAFT


def test_an_editor_asking_to_publish_waiting_changes_is_refused_not_answered_200(
    content, editor_api
):
    """A live item's unpublished changes wait; an Editor's PATCH of ``published`` alone
    would otherwise be answered 200 ("nothing changed") while nothing is published."""
    editor_api.patch("/api/v1/sectors/space/", {"summary": "Orbits and launchers."})

    response = editor_api.patch("/api/v1/sectors/space/", {"status": "published"})
    hindi = editor_api.patch("/api/v1/sectors/space/?lang=hi", {"status": "published"})

    assert response.status_code == 403
    assert response.json()["detail"] == "Only a Publisher may publish items."
    assert hindi.json()["detail"] == "केवल प्रकाशक ही प्रविष्टियाँ प्रकाशित कर सकता है।"
    assert APIClient().get("/api/v1/sectors/space/").json()["summary"] != "Orbits and launchers."
    assert Draft.filter_item(Sector.objects.get(slug="space")).exists()


def test_an_editors_write_to_a_live_item_that_keeps_it_published_waits_as_documented(
    content, editor_api
):
    """``published`` is then the live item's current status: the change waits (202), as
    every Editor's change to a live item does, and the answer says the item is live."""
    response = editor_api.patch(
        "/api/v1/sectors/space/", {"summary": "Orbits.", "status": "published"}
    )

    assert response.status_code == 202, response.json()
    assert response.json()["status"] == "published"
    assert APIClient().get("/api/v1/sectors/space/").json()["summary"] != "Orbits."


def test_an_editor_may_not_set_a_status_that_does_not_exist(content, editor_api):
    response = editor_api.patch("/api/v1/sectors/space/", {"status": "archived"})

    assert response.status_code == 400
    assert "status" in response.json()
