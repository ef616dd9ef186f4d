"""Every change is recorded with who, when and what; a Publisher reverts parts and links too."""

import re

import pytest
from django.contrib.auth import get_user_model
from django.test import Client

from initiatives.models import Initiative, Sector
from publishing import workflow
from publishing.models import Change, Draft
from tests.editorial.conftest import admin_url, open_change_form
from tests.factories import ApplicationFactory, SectorFactory, SourceFactory

Publisher = get_user_model()

pytestmark = pytest.mark.django_db


def sections_of(initiative):
    return {
        section.heading: [point.text for point in section.points.all()]
        for section in initiative.sections.all()
    }


def edit_initiative(client, initiative, publish=True):
    """Change a field, an inline section's points and a many-to-many link, in one save."""
    data = open_change_form(client, initiative)
    data["summary"] = "A summary rewritten by the publisher."
    data["sections-0-points_text"] = "A single new point."
    data["sectors"] = [str(Sector.objects.get(slug="space").pk)]
    if publish:
        data["_publish"] = "Publish"
    response = client.post(admin_url(initiative, "change"), data)
    assert response.status_code == 302, response.context and response.context["errors"]


def test_a_change_to_a_field_a_part_and_a_link_is_recorded_with_its_user(content, publisher_client):
    initiative = Initiative.objects.get(slug="strategic-mineral-recovery-initiative")
    first_section = initiative.sections.first().heading

    edit_initiative(publisher_client, initiative)

    change = Change.filter_item(initiative).first()
    assert change.user.username == "paula"
    assert change.action == Change.Action.PUBLISHED
    changed = {entry["label"]: entry for entry in change.changes}
    assert changed["Summary"]["new"] == "A summary rewritten by the publisher."
    assert changed["Sectors"]["new"] == "Space"
    points = changed[f"Section “{first_section}”: Points"]
    assert points["new"] == "• A single new point."
    assert points["old"].count("•") > 1

    history = publisher_client.get(admin_url(initiative, "history")).content.decode()
    assert "paula" in history and "A single new point." in history


def test_revert_restores_the_field_the_part_and_the_link_and_is_recorded(content, publisher_client):
    initiative = Initiative.objects.get(slug="strategic-mineral-recovery-initiative")
    before = (initiative.summary, sections_of(initiative), set(initiative.sectors.all()))
    edit_initiative(publisher_client, initiative)
    baseline = Change.filter_item(initiative).get(action=Change.Action.BASELINE)

    confirm = publisher_client.get(admin_url(initiative, "revert", baseline.pk))
    assert confirm.status_code == 200
    assert "A single new point." in confirm.content.decode()
    publisher_client.post(admin_url(initiative, "revert", baseline.pk))

    initiative.refresh_from_db()
    assert (initiative.summary, sections_of(initiative), set(initiative.sectors.all())) == before
    revert = Change.filter_item(initiative).first()
    assert revert.action == Change.Action.REVERTED
    assert revert.reverted_to == baseline
    assert revert.user.username == "paula"
    assert (
        before[0]
        in Client().get("/initiatives/strategic-mineral-recovery-initiative/").content.decode()
    )


def test_editors_cannot_revert(content, publisher_client, editor_client):
    initiative = Initiative.objects.get(slug="strategic-mineral-recovery-initiative")
    edit_initiative(publisher_client, initiative)
    baseline = Change.filter_item(initiative).get(action=Change.Action.BASELINE)

    assert editor_client.post(admin_url(initiative, "revert", baseline.pk)).status_code == 403
    assert (
        "Revert to this version"
        not in editor_client.get(admin_url(initiative, "history")).content.decode()
    )


def test_reverting_a_version_whose_part_no_longer_exists_brings_the_part_back(
    content, publisher_client
):
    initiative = Initiative.objects.get(slug="strategic-mineral-recovery-initiative")
    headings = list(initiative.sections.values_list("heading", flat=True))
    data = open_change_form(publisher_client, initiative)
    data["sections-0-DELETE"] = "on"
    data["_publish"] = "Publish"
    publisher_client.post(admin_url(initiative, "change"), data)
    assert initiative.sections.count() == len(headings) - 1
    baseline = Change.filter_item(initiative).get(action=Change.Action.BASELINE)

    publisher_client.post(admin_url(initiative, "revert", baseline.pk))

    assert list(initiative.sections.values_list("heading", flat=True)) == headings


def test_reverting_to_a_version_the_same_as_the_current_one_says_so(content, publisher_client):
    space = Sector.objects.get(slug="space")
    data = open_change_form(publisher_client, space)
    data["summary"] = "Orbits."
    data["_publish"] = "Publish"
    publisher_client.post(admin_url(space, "change"), data)
    latest = Change.filter_item(space).first()
    recorded = Change.objects.count()

    response = publisher_client.post(admin_url(space, "revert", latest.pk), follow=True)

    assert response.status_code == 200
    assert "already is the version of" in response.content.decode()
    assert Change.objects.count() == recorded


def publish_in_form(client, item, **fields):
    data = open_change_form(client, item)
    data.update(fields)
    data["_publish"] = "Publish"
    response = client.post(admin_url(item, "change"), data)
    assert response.status_code == 302, response.context and response.context["errors"]


def test_a_version_whose_required_link_was_deleted_is_refused_saying_why(content, publisher_client):
    gone = SectorFactory(slug="tidal-power", name="Tidal power")
    application = ApplicationFactory(sector=gone, use="Magnets for tidal turbines")
    publish_in_form(publisher_client, application, sector=str(Sector.objects.get(slug="energy").pk))
    first = Change.filter_item(application).get(action=Change.Action.BASELINE)
    workflow.delete(gone, Publisher.objects.get(username="paula"))
    recorded = Change.filter_item(application).count()

    response = publisher_client.post(admin_url(application, "revert", first.pk), follow=True)

    page = response.content.decode()
    assert response.status_code == 200
    assert "cannot be put back" in page and "Tidal power" in page
    application.refresh_from_db()
    assert application.sector.slug == "energy"
    assert Change.filter_item(application).count() == recorded


def test_a_version_linking_to_deleted_items_comes_back_without_those_links(
    content, publisher_client
):
    extra = SourceFactory(slug="a-withdrawn-report", title="A withdrawn report")
    space = Sector.objects.get(slug="space")
    publish_in_form(
        publisher_client,
        space,
        summary="Orbits.",
        sources=[str(extra.pk), *[str(pk) for pk in space.sources.values_list("pk", flat=True)]],
    )
    cited = Change.filter_item(space).first()
    publish_in_form(
        publisher_client,
        space,
        summary="Launchers.",
        sources=[str(pk) for pk in space.sources.exclude(pk=extra.pk).values_list("pk", flat=True)],
    )
    workflow.delete(extra, Publisher.objects.get(username="paula"))

    response = publisher_client.post(admin_url(space, "revert", cited.pk), follow=True)

    page = response.content.decode()
    assert "A withdrawn report" in page and "deleted since" in page
    space.refresh_from_db()
    assert space.summary == "Orbits."


def test_a_revert_decided_on_an_older_screen_is_refused(content, publisher_client, editor_client):
    space = Sector.objects.get(slug="space")
    publish_in_form(publisher_client, space, summary="Orbits.")
    baseline = Change.filter_item(space).get(action=Change.Action.BASELINE)
    screen = publisher_client.get(admin_url(space, "revert", baseline.pk))
    data = open_change_form(editor_client, space)
    data["body"] = "Edith's body, saved after the revert screen opened."
    editor_client.post(admin_url(space, "change"), data)

    response = publisher_client.post(
        admin_url(space, "revert", baseline.pk),
        {"_version": screen.context["version_token"]},
        follow=True,
    )

    page = response.content.decode()
    assert "edith" in page and "Body" in page
    assert Change.filter_item(space).first().user.username == "edith"
    assert Draft.filter_item(space).exists()


def test_sending_back_a_new_item_records_only_its_state_change(
    content, editor_client, publisher_client
):
    data = open_change_form(editor_client, Sector.objects.first())
    response = editor_client.post(
        admin_url(Sector, "add"),
        {
            **{key: value for key, value in data.items() if not key.startswith("_")},
            "slug": "oceans",
            "name": "Oceans",
            "summary": "The sea.",
            "_submit": "Submit",
        },
    )
    assert response.status_code == 302
    oceans = Sector.objects.get(slug="oceans")

    publisher_client.post(admin_url(oceans, "review"), {"_send_back": "1", "comment": "More."})

    sent_back = Change.filter_item(oceans).first()
    assert sent_back.action == Change.Action.SENT_BACK
    assert sent_back.changes == [
        {"field": "status", "label": "Status", "old": "In review", "new": "Draft"}
    ]


def test_the_history_names_its_kind_and_a_revert_names_the_version_by_date_and_author(
    content, publisher_client
):
    space = Sector.objects.get(slug="space")
    publish_in_form(publisher_client, space, summary="Orbits.")
    baseline = Change.filter_item(space).get(action=Change.Action.BASELINE)
    publisher_client.post(admin_url(space, "revert", baseline.pk))

    page = publisher_client.get(admin_url(space, "history")).content.decode()

    assert re.search(r'<a href="/admin/initiatives/sector/">\s*Sectors\s*</a>', page)
    revert = Change.filter_item(space).first()
    assert f"#{baseline.pk}" not in revert.comment
    assert "the version of" in revert.comment and "the system" in revert.comment
