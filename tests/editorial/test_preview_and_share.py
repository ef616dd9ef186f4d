"""Staff preview unpublished items at their public address; a share link lets one outsider in."""

import datetime

import pytest
import time_machine
from django.test import Client
from django.utils import timezone

from initiatives.models import Figure, Sector
from minerals.models import Mineral
from publishing.models import ShareLink, Status
from publishing.preview import preview_url
from tests.editorial.conftest import admin_url, open_change_form
from tests.factories import arranged

pytestmark = pytest.mark.django_db


@pytest.fixture
def draft_mineral(content):
    with arranged():
        created = Mineral.objects.create(
            slug="osmium",
            name="Osmium",
            symbol="Os",
            group=Mineral.Group.OTHER,
            summary="The densest element.",
            status=Status.DRAFT,
        )
    return created


@pytest.mark.parametrize(
    "state, words",
    [
        ({"status": Status.DRAFT}, "Draft"),
        ({"status": Status.REVIEW}, "In review"),
        ({"status": Status.PUBLISHED, "go_live_at": "future"}, "Scheduled to go live"),
    ],
)
def test_staff_preview_at_the_public_address_and_the_public_gets_404(
    draft_mineral, editor_client, state, words
):
    if state.get("go_live_at") == "future":
        state["go_live_at"] = timezone.now() + datetime.timedelta(days=2)
    with arranged():
        Mineral.objects.filter(pk=draft_mineral.pk).update(**state)

    assert Client().get("/minerals/osmium/").status_code == 404
    response = editor_client.get("/minerals/osmium/")

    assert response.status_code == 200
    body = response.content.decode()
    assert "Preview" in body and words in body
    assert "The densest element." in body
    assert "no-store" in response["Cache-Control"]


def test_preview_shows_unpublished_changes_of_a_live_item(content, editor_client):
    space = Sector.objects.get(slug="space")
    data = open_change_form(editor_client, space)
    data["summary"] = "Unpublished words about space."
    editor_client.post(admin_url(space, "change"), data)

    live = editor_client.get("/sectors/space/").content.decode()
    preview = editor_client.get(preview_url(space)).content.decode()

    assert "Unpublished words about space." not in live
    assert "Unpublished words about space." in preview
    assert "with unpublished changes" in preview
    assert "Unpublished words" not in Client().get(preview_url(space)).content.decode()


def test_preview_of_an_item_without_a_page_shows_it_where_it_appears(content, editor_client):
    with arranged():
        figure = Figure.objects.create(
            slug="draft-figure", label="A draft figure", value=5, unit="count", status=Status.DRAFT
        )

    response = editor_client.get(preview_url(figure))

    assert "A draft figure" in response.content.decode()
    assert "A draft figure" not in Client().get("/figures/").content.decode()


def test_share_link_lets_an_outsider_read_one_preview_until_it_expires(
    draft_mineral, publisher_client
):
    publisher_client.post(admin_url(draft_mineral, "share"), {"days": "1"})
    link = ShareLink.filter_item(draft_mineral).get()
    outsider = Client()

    shared = outsider.get(link.get_absolute_url())
    assert shared.status_code == 200
    assert "The densest element." in shared.content.decode()
    assert "Preview" in shared.content.decode()
    assert "no-store" in shared["Cache-Control"]
    assert outsider.get("/minerals/osmium/").status_code == 404, "only the shared page"

    with time_machine.travel(link.expires_at + datetime.timedelta(seconds=1)):
        expired = outsider.get(link.get_absolute_url())
    assert expired.status_code == 410
    assert "The densest element." not in expired.content.decode()
    assert outsider.get("/share/not-a-real-token/").status_code == 404


def test_only_publishers_make_share_links(draft_mineral, editor_client):
    response = editor_client.post(admin_url(draft_mineral, "share"), {"days": "1"})

    assert response.status_code == 403
    assert not ShareLink.objects.exists()


def test_a_revoked_share_link_stops_working(draft_mineral, publisher_client):
    publisher_client.post(admin_url(draft_mineral, "share"), {"days": "7"})
    link = ShareLink.objects.get()
    publisher_client.post(admin_url(draft_mineral, "share"), {"revoke": link.pk})

    assert Client().get(link.get_absolute_url()).status_code == 404
