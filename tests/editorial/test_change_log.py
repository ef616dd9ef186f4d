"""The public change log: dated changes to public content, never drafts, comments or names."""

import datetime
import zoneinfo

import pytest
import time_machine
from django.test import Client
from django.utils import timezone

from initiatives.models import Figure, Sector, Source
from minerals.models import Mineral
from publishing.models import EditorProfile, PublicChange, Status
from tests.editorial.conftest import admin_url, open_change_form
from tests.factories import FigureFactory, arranged

pytestmark = pytest.mark.django_db


def publish_change(client, item, **changes):
    data = open_change_form(client, item)
    data.update(changes)
    data["_publish"] = "Publish"
    response = client.post(admin_url(item, "change"), data)
    assert response.status_code == 302


def test_a_published_figure_change_shows_old_and_new_values(content, publisher_client):
    figure = Figure.objects.get(slug="ncmm-outlay")
    publish_change(publisher_client, figure, value="170000000000")

    page = Client().get("/changes/").content.decode()

    assert "National Critical Minerals Mission" in page or figure.label in page
    assert "₹16,300 crore" in page and "₹17,000 crore" in page


def test_a_change_lists_the_fields_and_links_the_item(content, publisher_client):
    space = Sector.objects.get(slug="space")
    publish_change(publisher_client, space, summary="Orbits, launchers and satellites.")

    page = Client().get("/changes/").content.decode()

    assert "Changed: Summary." in page
    assert 'href="/sectors/space/"' in page


def test_the_change_log_never_shows_drafts_comments_or_names(
    content, editor_client, publisher_client
):
    space = Sector.objects.get(slug="space")
    draft = open_change_form(editor_client, space)
    draft["summary"] = "Secret draft words."
    draft["_submit"] = "Submit"
    editor_client.post(admin_url(space, "change"), draft)
    publisher_client.post(
        admin_url(space, "review"), {"_send_back": "1", "comment": "A private review comment."}
    )
    with arranged():
        Mineral.objects.create(slug="osmium", name="Osmium", symbol="Os", group="other")

    pages = [Client().get(path).content.decode() for path in ("/changes/", "/changes/feed/")]

    for page in pages:
        assert "Secret draft words." not in page
        assert "A private review comment." not in page
        assert "Osmium" not in page
        assert "edith" not in page and "paula" not in page


def test_an_item_page_shows_when_its_content_last_changed(content, publisher_client):
    space = Sector.objects.get(slug="space")
    publish_change(publisher_client, space, summary="Orbits.")
    entry = PublicChange.filter_item(space).get()

    page = Client().get("/sectors/space/").content.decode()

    assert 'href="/changes/sector/space/"' in page
    item_changes = Client().get("/changes/sector/space/").content.decode()
    assert f'id="change-{entry.pk}"' in item_changes


def test_an_unpublished_item_takes_its_entries_with_it(content, publisher_client):
    space = Sector.objects.get(slug="space")
    publish_change(publisher_client, space, summary="Orbits.")
    with arranged():
        Sector.objects.filter(pk=space.pk).update(status=Status.DRAFT)

    assert "/sectors/space/" not in Client().get("/changes/").content.decode()
    assert Client().get("/changes/sector/space/").status_code == 404


def test_newly_published_item_is_listed_as_added(content, publisher_client):
    with arranged():
        Sector.objects.filter(slug="space").update(status=Status.DRAFT)
    space = Sector.objects.get(slug="space")
    publish_change(publisher_client, space)

    page = Client().get("/changes/").content.decode()

    assert "Added:" in page and 'href="/sectors/space/"' in page


def test_the_change_log_never_names_an_item_the_public_cannot_see(content, publisher_client):
    with arranged():
        secret = Source.objects.create(
            slug="secret-source", title="A draft source nobody may see yet", status=Status.DRAFT
        )
    figure = Figure.objects.get(slug="ncmm-outlay")
    data = open_change_form(publisher_client, figure)
    data["sources"] = [*data["sources"], str(secret.pk)]
    data["value"] = "170000000000"
    data["_publish"] = "Publish"
    publisher_client.post(admin_url(figure, "change"), data)

    for path in ("/changes/", "/changes/feed/", "/changes/figure/ncmm-outlay/"):
        page = Client().get(path).content.decode()
        assert "₹17,000 crore" in page
        assert "A draft source nobody may see yet" not in page, path


def schedule(client, item, go_live_at, **fields):
    data = open_change_form(client, item)
    data.update(fields)
    # The form's boxes are in the editor's own zone (their profile's default, here).
    local = timezone.localtime(go_live_at, zoneinfo.ZoneInfo(EditorProfile.DEFAULT_TIME_ZONE))
    data["go_live_at_0"], data["go_live_at_1"] = local.strftime("%Y-%m-%d %H:%M:%S").split()
    data["_publish"] = "Publish"
    response = client.post(admin_url(item, "change"), data)
    assert response.status_code == 302, response.context and response.context["errors"]


def test_corrections_before_a_scheduled_item_goes_live_are_not_changes_the_public_saw(
    content, publisher_client
):
    with arranged():
        figure = FigureFactory(slug="new-figure", label="A new figure", value=5, unit="count")
        Figure.objects.filter(pk=figure.pk).update(status=Status.DRAFT)
    go_live = (timezone.now() + datetime.timedelta(hours=2)).replace(microsecond=0)
    schedule(publisher_client, figure, go_live)
    schedule(publisher_client, figure, go_live, value="777")
    schedule(publisher_client, figure, go_live, value="9")

    with time_machine.travel(go_live + datetime.timedelta(minutes=1), tick=False):
        page = Client().get("/changes/figure/new-figure/").content.decode()

    assert page.count('id="change-') == 1
    assert "Added" in page and "777" not in page


def test_bringing_a_go_live_time_forward_dates_the_addition_when_it_goes_live(
    content, publisher_client
):
    with arranged():
        Sector.objects.filter(slug="space").update(status=Status.DRAFT)
    space = Sector.objects.get(slug="space")
    schedule(publisher_client, space, timezone.now() + datetime.timedelta(days=3))

    schedule(publisher_client, space, timezone.now() - datetime.timedelta(minutes=1))

    assert Client().get("/sectors/space/").status_code == 200
    page = Client().get("/changes/").content.decode()
    assert "Added:" in page and 'href="/sectors/space/"' in page
