"""Two editors, one item, both working from the same version: changes to different fields
(or parts, or links) are merged and both kept; only the same field changed both ways is
refused, showing both values for the editor to choose."""

import pytest
from django.test import Client
from rest_framework.test import APIClient

from initiatives.models import Initiative, Sector
from minerals.models import Mineral
from publishing.models import Draft
from tests.editorial.conftest import admin_url, change_form_data, logged_in, open_change_form
from tests.factories import api_token_for

pytestmark = pytest.mark.django_db


@pytest.fixture
def two_editors(content, editor, second_editor):
    return logged_in(Client, editor), logged_in(Client, second_editor)


def working(item):
    """The working copy's fields, as its latest version records them."""
    return {key: value for key, (_, value) in Draft.filter_item(item).get().change.snapshot.items()}


def test_changes_to_different_fields_are_both_kept_and_the_message_says_so(two_editors):
    first, second = two_editors
    lithium = Mineral.objects.get(slug="lithium")
    first_form = open_change_form(first, lithium)
    second_form = open_change_form(second, lithium)
    first_form["summary"] = "Edith's summary."
    assert first.post(admin_url(lithium, "change"), first_form).status_code == 302
    second_form["body"] = "Eddie's body."

    saved = second.post(admin_url(lithium, "change"), second_form, follow=True)

    page = saved.content.decode()
    assert "merged with edith&#x27;s change to Summary" in page
    assert working(lithium)["summary"] == "Edith's summary."
    assert working(lithium)["body"] == "Eddie's body."


def test_the_same_field_changed_both_ways_is_refused_showing_both_values(two_editors):
    first, second = two_editors
    lithium = Mineral.objects.get(slug="lithium")
    first_form = open_change_form(first, lithium)
    second_form = open_change_form(second, lithium)
    first_form["summary"] = "Edith's summary."
    first_form["body"] = "Edith's body."
    first.post(admin_url(lithium, "change"), first_form)
    second_form["summary"] = "Eddie's summary."

    refused = second.post(admin_url(lithium, "change"), second_form)

    assert refused.status_code == 200
    conflicts = refused.context["conflicts"]
    assert [(c["label"], c["theirs"], c["mine"]) for c in conflicts] == [
        ("Summary", "Edith's summary.", "Eddie's summary.")
    ]
    form = refused.context["adminform"].form
    assert form["summary"].value() == "Eddie's summary.", "the editor's own value stays"
    assert form["body"].value() == "Edith's body.", "their other change is in the form"
    assert working(lithium)["summary"] == "Edith's summary."
    assert "was changed after you opened it, by edith" in refused.content.decode()


def resubmit(client, item, refused, **choices):
    """Post the conflict form again as the browser would, with a choice per field."""
    data = change_form_data(refused)
    for conflict in refused.context["conflicts"]:
        name = conflict["input"]
        data[f"_resolve-{name}"] = choices.get(name, "mine")
        data[f"_theirs-{name}"] = conflict["theirs_values"]
    return client.post(admin_url(item, "change"), data)


@pytest.mark.parametrize("choice,expected", [("theirs", "Edith's"), ("mine", "Eddie's")])
def test_the_editor_chooses_per_field_and_their_other_changes_are_never_dropped(
    two_editors, choice, expected
):
    first, second = two_editors
    lithium = Mineral.objects.get(slug="lithium")
    first_form = open_change_form(first, lithium)
    second_form = open_change_form(second, lithium)
    first_form["summary"] = "Edith's summary."
    first_form["body"] = "Edith's body."
    first.post(admin_url(lithium, "change"), first_form)
    second_form["summary"] = "Eddie's summary."
    refused = second.post(admin_url(lithium, "change"), second_form)

    saved = resubmit(second, lithium, refused, summary=choice)

    assert saved.status_code == 302
    assert working(lithium)["summary"] == f"{expected} summary."
    assert working(lithium)["body"] == "Edith's body."


def test_sections_points_and_links_merge_as_fields_of_their_own(two_editors):
    first, second = two_editors
    trust = Initiative.objects.get(slug="trust")
    first_form = open_change_form(first, trust)
    second_form = open_change_form(second, trust)
    first_form["sections-0-points_text"] = "Edith's only point."
    first_form["sectors"] = [str(Sector.objects.get(slug="space").pk)]
    assert first.post(admin_url(trust, "change"), first_form).status_code == 302
    second_form["sections-1-heading"] = "Eddie's heading"
    second_form["summary"] = "Eddie's summary."

    saved = second.post(admin_url(trust, "change"), second_form)

    assert saved.status_code == 302, saved.context and saved.context.get("conflicts")
    snapshot = working(trust)
    first_section, second_section = list(trust.sections.all())[:2]
    assert snapshot[f"sections[{first_section.slug}].points"] == "• Edith's only point."
    assert snapshot[f"sections[{second_section.slug}].heading"] == "Eddie's heading"
    assert snapshot["sectors"] == "Space"
    assert snapshot["summary"] == "Eddie's summary."


def test_the_same_points_changed_both_ways_are_a_conflict(two_editors):
    first, second = two_editors
    trust = Initiative.objects.get(slug="trust")
    first_form = open_change_form(first, trust)
    second_form = open_change_form(second, trust)
    first_form["sections-0-points_text"] = "Edith's point."
    first.post(admin_url(trust, "change"), first_form)
    second_form["sections-0-points_text"] = "Eddie's point."

    refused = second.post(admin_url(trust, "change"), second_form)

    [conflict] = refused.context["conflicts"]
    assert conflict["label"].endswith(": Points")
    assert (conflict["theirs"], conflict["mine"]) == ("• Edith's point.", "• Eddie's point.")
    assert conflict["input"] == "sections-0-points_text"


def test_a_save_after_reloading_succeeds(two_editors):
    first, second = two_editors
    lithium = Mineral.objects.get(slug="lithium")
    first_form = open_change_form(first, lithium)
    first_form["summary"] = "First editor's summary."
    first.post(admin_url(lithium, "change"), first_form)

    reloaded = open_change_form(second, lithium)
    assert reloaded["summary"] == "First editor's summary."
    reloaded["summary"] = "Built on the first editor's work."
    assert second.post(admin_url(lithium, "change"), reloaded).status_code == 302
    assert working(lithium)["summary"] == "Built on the first editor's work."


# The API -----------------------------------------------------------------------------


def api_of(user):
    client = APIClient()
    client.credentials(HTTP_AUTHORIZATION=f"Token {api_token_for(user)}")
    return client


def test_a_stale_write_to_other_fields_is_merged_and_the_answer_says_so(
    content, editor, second_editor
):
    first, second = api_of(editor), api_of(second_editor)
    read = second.get("/api/v1/minerals/lithium/")
    first.patch("/api/v1/minerals/lithium/", {"summary": "Edith's summary."}, format="json")

    response = second.patch(
        "/api/v1/minerals/lithium/",
        {"body": "Eddie's body."},
        format="json",
        HTTP_IF_MATCH=read["ETag"],
    )

    assert response.status_code == 202, response.content
    assert response["Merged-With"] == "edith: Summary"
    assert response.json()["summary"] == "Edith's summary."
    assert response.json()["body"] == "Eddie's body."


def test_a_stale_write_to_a_field_changed_since_gets_412_naming_it(content, editor, second_editor):
    first, second = api_of(editor), api_of(second_editor)
    read = second.get("/api/v1/minerals/lithium/")
    first.patch("/api/v1/minerals/lithium/", {"summary": "Edith's summary."}, format="json")

    response = second.patch(
        "/api/v1/minerals/lithium/",
        {"summary": "Eddie's summary."},
        format="json",
        HTTP_IF_MATCH=read["ETag"],
    )

    assert response.status_code == 412
    detail = response.json()["detail"]
    assert "edith" in detail and "Summary" in detail
    assert working(Mineral.objects.get(slug="lithium"))["summary"] == "Edith's summary."
