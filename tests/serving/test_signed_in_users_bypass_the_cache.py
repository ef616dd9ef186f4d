"""Signed-in users and token holders never get a cached answer and never fill the cache:
what they see may differ from what the public sees (editors see drafts)."""

import pytest

from minerals.models import Mineral
from publishing.models import Status
from tests.factories import arranged

from .conftest import cache_status, signed_in, text, token_client

pytestmark = pytest.mark.django_db

PAGES = ["/minerals/", "/sectors/space/", "/", "/api/v1/minerals/?page_size=100"]
API_LIST = "/api/v1/minerals/?page_size=100"
DRAFT = "/api/v1/minerals/osmium/"


@pytest.fixture
def someone(db, django_user_model):
    """A signed-in user with no editorial role."""
    return django_user_model.objects.create_user("sam", password="pw-12345")


@pytest.fixture
def draft_mineral(content):
    """A draft only editors see in the API list."""
    with arranged():
        Mineral.objects.create(
            slug="osmium", name="Osmium", symbol="Os", group="other", status=Status.DRAFT
        )


@pytest.mark.parametrize("path", PAGES)
def test_a_signed_in_request_neither_reads_nor_fills_the_cache(content, reader, someone, path):
    member = signed_in(someone)
    for _ in range(2):
        response = member.get(path)
        assert response.status_code == 200
        assert cache_status(response) is None, "a signed-in answer went through the cache"

    assert cache_status(reader.get(path)) == "miss", "a signed-in answer was left in the cache"


@pytest.mark.parametrize("path", PAGES)
def test_a_signed_in_request_after_anonymous_ones_is_not_served_from_the_cache(
    content, reader, someone, path
):
    reader.get(path)
    assert cache_status(reader.get(path)) == "hit"

    response = signed_in(someone).get(path)

    assert response.status_code == 200
    assert cache_status(response) is None


def test_a_signed_in_editor_sees_drafts_the_cached_public_list_leaves_out(
    draft_mineral, reader, editor
):
    reader.get(API_LIST)
    assert DRAFT not in text(reader.get(API_LIST))

    assert DRAFT in text(signed_in(editor).get(API_LIST))
    assert DRAFT not in text(reader.get(API_LIST))


def test_a_token_request_after_anonymous_ones_is_not_served_from_the_cache(
    draft_mineral, reader, editor
):
    reader.get(API_LIST)
    assert cache_status(reader.get(API_LIST)) == "hit"

    response = token_client(editor).get(API_LIST)

    assert cache_status(response) is None
    assert DRAFT in text(response), "an editor's script got the public's cached list"


def test_a_token_request_leaves_nothing_an_anonymous_one_then_gets(draft_mineral, reader, editor):
    script = token_client(editor)
    for _ in range(2):
        response = script.get(API_LIST)
        assert cache_status(response) is None
        assert DRAFT in text(response)

    response = reader.get(API_LIST)

    assert cache_status(response) == "miss"
    assert DRAFT not in text(response), "the public got an editor's list with drafts"
