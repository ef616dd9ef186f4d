"""The editors' inbox: every unfinished piece of work, grouped and counted, with who
touched it last; only what the user may see; and the lists' filters for the same work."""

import datetime

import pytest
from django.contrib.auth.models import Permission
from django.test import Client
from django.urls import reverse
from django.utils import timezone

from initiatives.models import Figure, Sector
from minerals.models import Mineral
from publishing.models import ShareLink, Status
from tests.editorial.conftest import admin_url, logged_in, open_change_form
from tests.factories import arranged

pytestmark = pytest.mark.django_db

INBOX = reverse("admin:review-dashboard")


def edit(client, item, button="_continue", **fields):
    data = open_change_form(client, item)
    data.update(fields)
    data[button] = "1"
    response = client.post(admin_url(item, "change"), data)
    assert response.status_code == 302, response.context and response.context["errors"]


def section(response, key):
    return {entry.item: entry for entry in response.context["inbox"].groups[key]}


@pytest.fixture
def work_in_progress(content, editor_client, publisher_client, publisher):
    """One item in each state of unfinished work."""
    lithium = Mineral.objects.get(slug="lithium")
    edit(editor_client, lithium, summary="Edith's unsubmitted summary.")
    cobalt = Mineral.objects.get(slug="cobalt")
    edit(editor_client, cobalt, "_submit", summary="Edith's submitted summary.")
    space = Sector.objects.get(slug="space")
    edit(editor_client, space, "_submit", summary="Space, submitted.")
    publisher_client.post(
        admin_url(space, "review"), {"_send_back": "1", "comment": "Say more about launchers."}
    )
    figure = Figure.objects.get(slug="ncmm-outlay")
    with arranged():
        Figure.objects.filter(pk=figure.pk).update(
            go_live_at=timezone.now() + datetime.timedelta(days=2)
        )
    nickel = Mineral.objects.get(slug="nickel")
    link = ShareLink.objects.create(
        item=nickel, created_by=publisher, expires_at=timezone.now() + datetime.timedelta(days=1)
    )
    return {
        "lithium": lithium,
        "cobalt": cobalt,
        "space": space,
        "figure": figure,
        "nickel": nickel,
        "link": link,
    }


def test_the_inbox_lists_each_kind_of_unfinished_work_with_who_touched_it(
    work_in_progress, publisher_client
):
    work = work_in_progress
    response = publisher_client.get(INBOX)
    page = response.content.decode()

    assert work["lithium"] in section(response, "unsubmitted")
    assert section(response, "unsubmitted")[work["lithium"]].who.username == "edith"
    assert work["cobalt"] in section(response, "in_review")
    sent_back = section(response, "sent_back")[work["space"]]
    assert sent_back.comment == "Say more about launchers." and "paula" in sent_back.what
    assert work["figure"] in section(response, "scheduled")
    assert work["nickel"] in section(response, "share_links")
    for title in (
        "Unpublished changes nobody submitted (1)",
        "Submitted for review (1)",
        "Sent back for changes (1)",
        "Scheduled to go live or expire (1)",
        "Share links about to expire (1)",
    ):
        assert title in page
    assert "Say more about launchers." in page


def test_the_front_page_counts_the_inbox(work_in_progress, publisher_client):
    page = publisher_client.get(reverse("admin:index")).content.decode()

    assert "5 unfinished pieces of work" in page
    assert f'href="{INBOX}#sent_back"' in page


def test_the_inbox_shows_nothing_a_user_may_not_see(work_in_progress, django_user_model):
    sectors_only = django_user_model.objects.create_user("sam", password="pw", is_staff=True)
    sectors_only.user_permissions.set(
        Permission.objects.filter(codename__in=["view_sector", "change_sector"])
    )
    response = logged_in(Client, sectors_only).get(INBOX)

    shown = {
        entry.item for entries in response.context["inbox"].groups.values() for entry in entries
    }
    assert shown == {work_in_progress["space"]}


def test_the_lists_filter_work_in_progress_and_say_sent_back(work_in_progress, editor_client):
    def listed(model, work):
        response = editor_client.get(admin_url(model, "changelist") + f"?work={work}")
        return {row.slug for row in response.context["cl"].result_list}

    assert listed(Mineral, "changes") == {"lithium", "cobalt"}
    assert listed(Mineral, "review") == {"cobalt"}
    assert listed(Sector, "sent_back") == {"space"}
    page = editor_client.get(admin_url(Sector, "changelist")).content.decode()
    assert "Published · sent back" in page


def test_an_imports_message_links_to_the_items_it_left_awaiting_a_publisher(content, editor_client):
    from tests.editorial.test_import_export import confirm, csv_bytes, messages_of, preview

    upload = csv_bytes(
        ["slug", "summary"],
        [
            {"slug": "lithium", "summary": "Imported lithium."},
            {"slug": "cobalt", "summary": "Imported cobalt."},
        ],
    )
    confirmed = confirm(editor_client, Mineral, preview(editor_client, Mineral, upload))

    [message] = [m for m in messages_of(confirmed) if "Import finished" in m]
    assert "2 live items changed as unpublished changes awaiting a Publisher" in message
    ids = sorted(
        Mineral.objects.filter(slug__in=["lithium", "cobalt"]).values_list("pk", flat=True)
    )
    link = admin_url(Mineral, "changelist") + "?id__in="
    linked = message.split(link, 1)[1].split('"', 1)[0]
    assert sorted(int(pk) for pk in linked.split(",")) == ids
    listed = editor_client.get(link + linked).context["cl"].result_list
    assert {row.slug for row in listed} == {"lithium", "cobalt"}
    inbox = editor_client.get(INBOX)
    assert {item.slug for item in section(inbox, "unsubmitted")} >= {"lithium", "cobalt"}


def test_export_offers_csv_first(content, editor_client):
    page = editor_client.get(reverse("admin:minerals_mineral_export"))

    form = page.context["form"]
    chosen = dict(form.fields["format"].choices)[form["format"].value()]
    assert str(chosen).lower() == "csv"


def test_a_minerals_applications_are_added_and_edited_on_its_form_under_the_workflow(
    content, editor_client
):
    neodymium = Mineral.objects.get(slug="neodymium")
    application = neodymium.applications.first()
    live_use = application.use
    data = open_change_form(editor_client, neodymium)
    prefix = "applications"
    total = int(data[f"{prefix}-TOTAL_FORMS"])
    row = next(
        index for index in range(total) if data[f"{prefix}-{index}-id"] == str(application.pk)
    )
    data[f"{prefix}-{row}-use"] = "Magnets, as an editor corrected it."
    data[f"{prefix}-{total}-sector"] = str(Sector.objects.get(slug="space").pk)
    data[f"{prefix}-{total}-use"] = "Magnets for satellites."
    data[f"{prefix}-{total}-mineral"] = str(neodymium.pk)
    data[f"{prefix}-TOTAL_FORMS"] = str(total + 1)

    response = editor_client.post(admin_url(neodymium, "change"), data)

    assert response.status_code == 302, response.context and response.context["errors"]
    application.refresh_from_db()
    assert application.use == live_use, "an Editor's change reached the public"
    from publishing.models import Draft

    working = Draft.filter_item(application).get().change.snapshot
    assert working["use"][1] == "Magnets, as an editor corrected it."
    new = neodymium.applications.get(sector__slug="space")
    assert new.status == Status.DRAFT and new.slug == "neodymium-in-space"
    assert new.use == "Magnets for satellites."
    form = editor_client.get(admin_url(neodymium, "change")).content.decode()
    assert "Magnets, as an editor corrected it." in form
