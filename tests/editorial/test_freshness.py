"""Freshness: when each item was last checked against its sources and when it is due again.

Marking an item as checked is recorded in its history, with who and when, but it is not a
change the public sees: no entry in the change log, no new public version, and the page
cache stays warm. The inbox lists overdue items, most overdue first; an item's own review
interval overrides its kind's; item pages say when they were last checked, in English and
in Hindi; and readers see the archived copy of a source whose address is dead.
"""

import datetime

import pytest
from django.test import Client, override_settings
from django.urls import reverse
from django.utils import timezone

from initiatives.models import Figure, Initiative, LinkStatus, Milestone, Sector, Source
from minerals.models import Mineral
from publishing.models import Change, EditorProfile, PublicChange
from tests.editorial.conftest import admin_url, open_change_form
from tests.factories import arranged

pytestmark = pytest.mark.django_db

INBOX = reverse("admin:review-dashboard")


def checked_days_ago(model, slug, days):
    with arranged():
        model.objects.filter(slug=slug).update(
            last_checked=timezone.now() - datetime.timedelta(days=days)
        )
    return model.objects.get(slug=slug)


def overdue_in_inbox(client):
    response = client.get(INBOX)
    assert response.status_code == 200
    return [entry.item for entry in response.context["inbox"].groups["overdue"]], response


def test_the_inbox_lists_overdue_items_most_overdue_first_with_links(content, editor_client):
    lithium = checked_days_ago(Mineral, "lithium", 400)
    cobalt = checked_days_ago(Mineral, "cobalt", 200)
    fresh = checked_days_ago(Mineral, "nickel", 10)

    overdue, response = overdue_in_inbox(editor_client)

    assert lithium in overdue and cobalt in overdue
    assert overdue.index(lithium) < overdue.index(cobalt)
    assert fresh not in overdue
    page = response.content.decode()
    assert "Overdue for a check against sources" in page
    assert f'href="{admin_url(lithium, "change")}"' in page


def test_marking_an_item_checked_is_in_its_history_but_is_no_public_change(
    content, editor, editor_client
):
    lithium = checked_days_ago(Mineral, "lithium", 400)
    public_changes = PublicChange.objects.count()

    response = editor_client.post(admin_url(lithium, "checked"))

    assert response.status_code == 302
    lithium.refresh_from_db()
    assert timezone.now() - lithium.last_checked < datetime.timedelta(minutes=1)
    latest = Change.filter_item(lithium).first()
    assert latest.action == Change.Action.CHECKED and latest.user == editor
    history = editor_client.get(admin_url(lithium, "history")).content.decode()
    assert "Checked against sources" in history and "edith" in history
    assert PublicChange.objects.count() == public_changes
    overdue, _ = overdue_in_inbox(editor_client)
    assert lithium not in overdue


def test_marking_checked_keeps_the_public_page_and_its_etag(content, editor):
    lithium = checked_days_ago(Mineral, "lithium", 400)
    page = lithium.get_absolute_url()
    with override_settings(PAGE_CACHE_SECONDS=300):
        reader = Client()
        first = reader.get(page)
        editor_client = Client()
        editor_client.force_login(editor)
        editor_client.post(admin_url(lithium, "checked"))
        again = reader.get(page)

    assert first.status_code == again.status_code == 200
    assert again["ETag"] == first["ETag"]
    assert again.get("X-Page-Cache") == "hit"


def test_the_list_action_marks_the_selected_items_checked(content, editor, editor_client):
    lithium = checked_days_ago(Mineral, "lithium", 400)
    cobalt = checked_days_ago(Mineral, "cobalt", 300)
    public_changes = PublicChange.objects.count()

    response = editor_client.post(
        admin_url(Mineral, "changelist"),
        {"action": "mark_checked", "_selected_action": [lithium.pk, cobalt.pk]},
        follow=True,
    )

    assert "2 items marked as checked against their sources." in response.content.decode()
    for item in (lithium, cobalt):
        assert Change.filter_item(item).first().action == Change.Action.CHECKED
    assert PublicChange.objects.count() == public_changes
    overdue, _ = overdue_in_inbox(editor_client)
    assert lithium not in overdue and cobalt not in overdue


def test_a_check_keeps_unpublished_changes_waiting_and_publishing_them_keeps_the_check(
    content, editor_client, publisher_client
):
    lithium = checked_days_ago(Mineral, "lithium", 400)
    data = open_change_form(editor_client, lithium)
    editor_client.post(admin_url(lithium, "change"), {**data, "summary": "Edith's summary."})
    editor_client.post(admin_url(lithium, "checked"))
    checked = Mineral.objects.get(pk=lithium.pk).last_checked

    form = editor_client.get(admin_url(lithium, "change"))
    assert form.context["original"].last_checked == checked, "the form shows an older check"
    data = open_change_form(editor_client, lithium)
    assert data["summary"] == "Edith's summary.", "the check dropped the unpublished changes"
    lithium.refresh_from_db()
    assert lithium.summary != "Edith's summary."  # the public still sees the live version
    publisher_client.post(admin_url(lithium, "change"), {**data, "_publish": "1"})

    lithium.refresh_from_db()
    assert lithium.summary == "Edith's summary."
    assert lithium.last_checked == checked, "publishing took the check back"


def test_an_items_own_review_interval_overrides_its_kinds(content, publisher_client):
    lithium = checked_days_ago(Mineral, "lithium", 100)
    assert Mineral.review_days == 180 and not lithium.is_overdue
    overdue, _ = overdue_in_inbox(publisher_client)
    assert lithium not in overdue
    public_changes = PublicChange.objects.count()
    form = publisher_client.get(admin_url(lithium, "change")).content.decode()
    assert "Empty: 180 days, the default for minerals." in form

    data = open_change_form(publisher_client, lithium)
    response = publisher_client.post(
        admin_url(lithium, "change"), {**data, "review_interval": "90", "_publish": "1"}
    )

    assert response.status_code == 302
    lithium.refresh_from_db()
    assert lithium.review_interval == 90 and lithium.is_overdue
    overdue, _ = overdue_in_inbox(publisher_client)
    assert lithium in overdue
    assert Mineral.objects.overdue().filter(pk=lithium.pk).exists()
    assert PublicChange.objects.count() == public_changes, "an interval is no public change"


def test_the_review_interval_refuses_nonsense(content, publisher_client):
    lithium = Mineral.objects.get(slug="lithium")
    data = open_change_form(publisher_client, lithium)

    response = publisher_client.post(
        admin_url(lithium, "change"), {**data, "review_interval": "0", "_publish": "1"}
    )

    assert response.status_code == 200
    assert "review_interval" in response.context["adminform"].form.errors


ITEM_PAGES = [
    (Mineral, "lithium"),
    (Sector, "semiconductors"),
    (Initiative, None),
    (Figure, None),
    (Milestone, None),
]


@pytest.mark.parametrize("model,slug", ITEM_PAGES, ids=lambda value: getattr(value, "__name__", ""))
def test_every_item_page_says_when_it_was_last_checked(content, client, model, slug):
    item = model.objects.published().get(slug=slug) if slug else model.objects.published()[0]
    with arranged():
        model.objects.filter(pk=item.pk).update(
            last_checked=datetime.datetime(2026, 11, 25, 9, 30, tzinfo=datetime.UTC)
        )

    page = client.get(item.get_absolute_url()).content.decode()

    assert (
        'Last checked against sources on <time datetime="2026-11-25">25 November 2026</time>.'
        in page
    )


def test_the_hindi_page_says_it_in_hindi_with_a_hindi_date(content, client):
    lithium = Mineral.objects.get(slug="lithium")

    page = client.get(f"/hi{lithium.get_absolute_url()}").content.decode()

    assert 'स्रोतों से अंतिम जाँच <time datetime="2026-11-25">25 नवंबर 2026</time> को की गई।' in page
    assert "Last checked against sources" not in page


@pytest.fixture
def dead_source(content):
    lithium = Mineral.objects.get(slug="lithium")
    with arranged():
        source = Source.objects.create(
            slug="lithium-report",
            title="Lithium supply report",
            url="https://gone.example.org/report.pdf",
            archived_url="https://web.archive.org/web/2026/https://gone.example.org/report.pdf",
            link_status=LinkStatus.DEAD,
            link_error="HTTP 404",
            status=Source.Status.PUBLISHED,
        )
        lithium.sources.add(source)
    return source


def test_readers_see_the_archived_copy_beside_a_dead_source(dead_source, client):
    page = client.get("/minerals/lithium/").content.decode()
    about = client.get("/about/").content.decode()
    hindi = client.get("/hi/minerals/lithium/").content.decode()

    link = f'<a href="{dead_source.archived_url}" rel="noopener noreferrer">archived copy</a>'
    assert link in page and link in about
    assert "संग्रहीत प्रति" in hindi


def test_no_archived_copy_is_shown_while_the_address_answers(dead_source, client):
    with arranged():
        Source.objects.filter(pk=dead_source.pk).update(link_status=LinkStatus.OK)

    page = client.get("/minerals/lithium/").content.decode()

    assert "Lithium supply report" in page and "archived copy" not in page


def test_editors_see_dead_sources_in_the_source_list_and_the_inbox(dead_source, editor_client):
    listed = editor_client.get(admin_url(Source, "changelist"), {"link_status": "dead"})
    inbox = editor_client.get(INBOX)

    assert [source.pk for source in listed.context["cl"].result_list] == [dead_source.pk]
    assert "Address dead (HTTP 404); archived copy given" in listed.content.decode()
    assert dead_source in [entry.item for entry in inbox.context["inbox"].groups["problems"]]


def test_an_editor_in_hindi_reads_what_a_dead_source_answered_in_hindi(
    dead_source, editor, editor_client
):
    profile = EditorProfile.of(editor)
    profile.language = "hi"
    profile.save()

    inbox = editor_client.get(INBOX).content.decode()
    listed = editor_client.get(admin_url(Source, "changelist")).content.decode()

    assert "पता काम नहीं करता (HTTP 404); संग्रहीत प्रति दी गई है" in inbox
    assert "काम नहीं करता (4xx: नहीं मिला, हटाया गया, अस्वीकृत)" in listed
    assert "Address dead" not in inbox + listed
