"""Times in each editor's own zone, named wherever they are shown, and entered in it; the
public pages in UTC, named too. Storage stays UTC whoever saves."""

import datetime
import zoneinfo

import pytest
import time_machine
from django.test import Client
from django.urls import reverse

from initiatives.models import Sector
from publishing.models import EditorProfile, ShareLink, when
from tests.editorial.conftest import admin_url, open_change_form

pytestmark = pytest.mark.django_db

#: 08:35 UTC: 14:05 in India (IST, UTC+5:30), 03:35 in New York (EST, UTC-5).
MOMENT = datetime.datetime(2026, 12, 2, 8, 35, tzinfo=datetime.UTC)


def lives_in(user, zone):
    profile = EditorProfile.of(user)
    profile.time_zone = zone
    profile.save()


def edit_at(client, item, moment, button="_continue", **fields):
    with time_machine.travel(moment, tick=False):
        data = open_change_form(client, item)
        data.update(fields)
        data[button] = "1"
        response = client.post(admin_url(item, "change"), data)
    assert response.status_code == 302, response.context and response.context["errors"]


def test_a_new_editor_reads_times_in_india_with_the_zone_named(content, editor, editor_client):
    space = Sector.objects.get(slug="space")
    edit_at(editor_client, space, MOMENT, summary="Orbits.")

    history = editor_client.get(admin_url(space, "history")).content.decode()

    assert "2 Dec 2026, 14:05 IST" in history
    assert "08:35" not in history


def test_one_moment_reads_in_each_editors_own_zone(
    content, editor, editor_client, publisher, publisher_client
):
    lives_in(publisher, "America/New_York")
    space = Sector.objects.get(slug="space")
    edit_at(editor_client, space, MOMENT, summary="Orbits.")

    in_india = editor_client.get(admin_url(space, "history")).content.decode()
    in_new_york = publisher_client.get(admin_url(space, "history")).content.decode()

    assert "2 Dec 2026, 14:05 IST" in in_india
    assert "2 Dec 2026, 03:35 EST" in in_new_york
    assert "IST" not in in_new_york


def test_a_schedule_is_entered_in_the_publishers_zone_and_stored_in_utc(
    content, publisher, publisher_client
):
    lives_in(publisher, "America/New_York")
    space = Sector.objects.get(slug="space")
    data = open_change_form(publisher_client, space)
    data["expire_at_0"], data["expire_at_1"] = "2027-01-15", "09:00:00"
    data["_publish"] = "Publish"

    assert publisher_client.post(admin_url(space, "change"), data).status_code == 302
    assert Sector.objects.get(slug="space").expire_at == datetime.datetime(
        2027, 1, 15, 14, 0, tzinfo=datetime.UTC
    )
    form = publisher_client.get(admin_url(space, "change")).content.decode()
    assert 'value="09:00:00"' in form
    assert "Times are in your time zone, America/New York (EST or EDT)." in form


def test_the_review_screen_and_a_share_links_expiry_name_the_zone(
    content, editor, editor_client, publisher, publisher_client
):
    lives_in(publisher, "America/New_York")
    space = Sector.objects.get(slug="space")
    edit_at(editor_client, space, MOMENT, button="_submit", summary="Orbits.")
    ShareLink.objects.create(
        item=space,
        created_by=editor,
        expires_at=datetime.datetime(2027, 7, 1, 12, 0, tzinfo=datetime.UTC),
    )

    review = publisher_client.get(admin_url(space, "review")).content.decode()

    assert "Submitted by edith, 2 Dec 2026, 03:35 EST." in review
    assert "until 1 Jul 2027, 08:00 EDT" in review


def test_the_inbox_names_the_zone_of_each_entry(content, editor, editor_client):
    space = Sector.objects.get(slug="space")
    edit_at(editor_client, space, MOMENT, summary="Orbits.")

    inbox = editor_client.get(reverse("admin:review-dashboard")).content.decode()

    assert "2 Dec 2026, 14:05 IST" in inbox


def test_public_pages_name_their_zone_as_utc(content, editor_client, publisher_client):
    space = Sector.objects.get(slug="space")
    edit_at(publisher_client, space, MOMENT, button="_publish", summary="Orbits.")

    changes = Client().get(reverse("changes")).content.decode()

    assert "2 Dec 2026, 08:35 UTC" in changes


def test_the_profile_refuses_a_zone_that_does_not_exist(editor, editor_client):
    response = editor_client.post(
        reverse("editor-profile"),
        {"time_zone": "Mars/Olympus_Mons", "notifications": "on", "save_settings": "1"},
    )

    assert response.status_code == 200
    assert "Select a valid choice" in response.content.decode()
    assert EditorProfile.of(editor).time_zone == "Asia/Kolkata"


def test_a_zone_without_a_lettered_name_is_named_by_its_offset():
    assert when(MOMENT, zoneinfo.ZoneInfo("Asia/Kathmandu")) == "2 Dec 2026, 14:20 UTC+5:45"
