"""Every change is recorded with who, when and what; a Publisher reverts parts and links too."""

import pytest
from django.test import Client

from initiatives.models import Initiative, Sector
from publishing.models import Change
from tests.editorial.conftest import admin_url, open_change_form

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
