"""Editors and Publishers in the admin: drafts, unpublished changes, review and publishing."""

import pytest
from django.test import Client

from initiatives.models import Country, Figure, Initiative, Sector
from minerals.models import Mineral
from publishing.models import Change, Draft, PublicChange, Status
from tests.editorial.conftest import (
    admin_url,
    changelist_form_data,
    open_change_form,
    row_prefix,
)
from tests.factories import arranged

pytestmark = pytest.mark.django_db


def public_page(path):
    return Client().get(path).content.decode()


def test_editor_changes_to_a_live_item_wait_for_a_publisher(content, editor_client):
    neodymium = Mineral.objects.get(slug="neodymium")
    data = open_change_form(editor_client, neodymium)
    data["summary"] = "A corrected summary of neodymium."
    data["_submit"] = "Submit changes for review"

    response = editor_client.post(admin_url(neodymium, "change"), data)

    assert response.status_code == 302
    neodymium.refresh_from_db()
    assert neodymium.summary != "A corrected summary of neodymium."
    assert neodymium.status == Status.PUBLISHED
    assert "A corrected summary" not in public_page("/minerals/neodymium/")
    draft = Draft.filter_item(neodymium).get()
    assert draft.in_review and draft.submitted_by.username == "edith"
    assert draft.change.changes == [
        {
            "field": "summary",
            "label": "Summary",
            "old": Mineral.objects.get(slug="neodymium").summary,
            "new": "A corrected summary of neodymium.",
        }
    ]


def test_the_change_form_shows_the_working_copy_not_the_live_version(content, editor_client):
    sector = Sector.objects.get(slug="space")
    data = open_change_form(editor_client, sector)
    data["summary"] = "Unpublished words about space."
    editor_client.post(admin_url(sector, "change"), data)

    response = editor_client.get(admin_url(sector, "change"))

    assert "Unpublished words about space." in response.content.decode()
    assert "with unpublished changes" in response.content.decode()


def test_publisher_publishes_reviewed_changes_from_the_review_screen(
    content, editor_client, publisher_client
):
    neodymium = Mineral.objects.get(slug="neodymium")
    data = open_change_form(editor_client, neodymium)
    data["summary"] = "A corrected summary of neodymium."
    data["_submit"] = "Submit"
    editor_client.post(admin_url(neodymium, "change"), data)

    review = publisher_client.get(admin_url(neodymium, "review"))
    body = review.content.decode()
    assert "Changes against the live version" in body
    assert "A corrected summary of neodymium." in body
    assert "Submitted by edith" in body

    response = publisher_client.post(
        admin_url(neodymium, "review"),
        {"_publish": "Publish", "_version": review.context["version_token"]},
    )

    assert response.status_code == 302
    assert "A corrected summary of neodymium." in public_page("/minerals/neodymium/")
    assert not Draft.filter_item(neodymium).exists()
    assert PublicChange.filter_item(neodymium).get().fields == ["Summary"]


def test_publisher_sends_changes_back_with_a_comment(content, editor_client, publisher_client):
    figure = Figure.objects.get(slug="ncmm-outlay")
    data = open_change_form(editor_client, figure)
    data["notes"] = "Checked against the cabinet note."
    data["_submit"] = "Submit"
    editor_client.post(admin_url(figure, "change"), data)

    publisher_client.post(
        admin_url(figure, "review"), {"_send_back": "1", "comment": "Cite the cabinet note."}
    )

    draft = Draft.filter_item(figure).get()
    assert not draft.in_review
    form = editor_client.get(admin_url(figure, "change")).content.decode()
    assert "Cite the cabinet note." in form
    assert "Checked against the cabinet note." in form


def test_editor_never_sees_or_uses_publish(content, editor_client):
    space = Sector.objects.get(slug="space")
    with arranged():
        Sector.objects.filter(pk=space.pk).update(status=Status.DRAFT)
    data = open_change_form(editor_client, space)
    page = editor_client.get(admin_url(space, "change")).content.decode()
    assert 'name="_publish"' not in page

    data["_publish"] = "Publish"
    response = editor_client.post(admin_url(space, "change"), data)

    assert response.status_code == 403
    space.refresh_from_db()
    assert space.status == Status.DRAFT


def test_editor_cannot_schedule(content, editor_client):
    space = Sector.objects.get(slug="space")
    page = editor_client.get(admin_url(space, "change"))
    assert "go_live_at" not in page.context["adminform"].form.fields


def test_new_items_start_as_drafts_and_editors_submit_them(content, editor_client):
    response = editor_client.get(admin_url(Sector, "add"))
    data = {"name": "Robotics", "slug": "robotics", "position": 12, "_submit": "Submit"}
    data["_version"] = response.context["version_token"]

    response = editor_client.post(admin_url(Sector, "add"), data)

    assert response.status_code == 302
    robotics = Sector.objects.get(slug="robotics")
    assert robotics.status == Status.REVIEW
    assert Client().get("/sectors/robotics/").status_code == 404
    change = Change.filter_item(robotics).get()
    assert change.action == Change.Action.SUBMITTED
    assert change.user.username == "edith"


@pytest.mark.parametrize("action", ["publish", "unpublish"])
def test_editors_have_no_publish_or_unpublish_action(content, editor_client, action):
    space = Sector.objects.get(slug="space")
    response = editor_client.post(
        admin_url(Sector, "changelist"),
        {"action": action, "_selected_action": [space.pk], f"_version-{space.pk}": "0"},
        follow=True,
    )
    assert response.status_code == 200
    space.refresh_from_db()
    assert space.status == Status.PUBLISHED
    actions = dict(response.context["action_form"].fields["action"].choices)
    assert "submit_for_review" in actions and action not in actions


def test_publisher_actions_publish_and_unpublish(content, publisher_client):
    space = Sector.objects.get(slug="space")
    publisher_client.post(
        admin_url(Sector, "changelist"),
        {"action": "unpublish", "_selected_action": [space.pk], f"_version-{space.pk}": "0"},
    )
    space.refresh_from_db()
    assert space.status == Status.DRAFT
    assert Client().get("/sectors/space/").status_code == 410  # Gone: the public saw it go

    token = Change.filter_item(space).first().pk
    publisher_client.post(
        admin_url(Sector, "changelist"),
        {"action": "publish", "_selected_action": [space.pk], f"_version-{space.pk}": token},
    )
    space.refresh_from_db()
    assert space.status == Status.PUBLISHED


def test_editor_submits_drafts_in_bulk(content, editor_client):
    drafts = list(Sector.objects.filter(slug__in=["space", "energy"]))
    with arranged():
        Sector.objects.filter(slug__in=["space", "energy"]).update(status=Status.DRAFT)
    editor_client.post(
        admin_url(Sector, "changelist"),
        {
            "action": "submit_for_review",
            "_selected_action": [sector.pk for sector in drafts],
            **{f"_version-{sector.pk}": "0" for sector in drafts},
        },
    )
    assert set(Sector.objects.filter(status=Status.REVIEW).values_list("slug", flat=True)) == {
        "space",
        "energy",
    }


def test_an_action_refuses_an_item_changed_after_the_list_was_loaded(
    content, editor_client, publisher_client
):
    space = Sector.objects.get(slug="space")
    listed_token = "0"
    data = open_change_form(editor_client, space)
    data["summary"] = "Changed while the publisher's list was open."
    data["_submit"] = "Submit"
    editor_client.post(admin_url(space, "change"), data)

    response = publisher_client.post(
        admin_url(Sector, "changelist"),
        {"action": "publish", "_selected_action": [space.pk], f"_version-{space.pk}": listed_token},
        follow=True,
    )

    assert "was changed after you opened it, by edith" in response.content.decode()
    assert Draft.filter_item(space).exists()
    assert "Changed while" not in public_page("/sectors/space/")


def test_dashboard_lists_what_awaits_review_and_what_is_scheduled(
    content, editor_client, publisher_client
):
    import datetime

    from django.utils import timezone

    sector = Sector.objects.get(slug="space")
    data = open_change_form(editor_client, sector)
    data["summary"] = "Space, revised."
    data["_submit"] = "Submit"
    editor_client.post(admin_url(sector, "change"), data)
    go_live = timezone.now() + datetime.timedelta(days=3)
    with arranged():
        Initiative.objects.filter(slug="icet").update(go_live_at=go_live)

    page = publisher_client.get("/admin/review/").content.decode()

    assert "Space" in page and "edith" in page and "Changes to a live item" in page
    assert "Goes live" in page and "iCET" in page


def submit_summary(editor_client, item, summary):
    data = open_change_form(editor_client, item)
    data["summary"] = summary
    data["_submit"] = "Submit"
    editor_client.post(admin_url(item, "change"), data)


def test_publisher_discards_unpublished_changes_and_the_live_version_stays(
    content, editor_client, publisher_client
):
    neodymium = Mineral.objects.get(slug="neodymium")
    live_summary = neodymium.summary
    submit_summary(editor_client, neodymium, "Words nobody should publish.")
    review = publisher_client.get(admin_url(neodymium, "review"))

    publisher_client.post(
        admin_url(neodymium, "review"),
        {"_discard": "1", "_version": review.context["version_token"]},
    )

    assert not Draft.filter_item(neodymium).exists()
    assert Mineral.objects.get(slug="neodymium").summary == live_summary
    assert Change.filter_item(neodymium).latest("pk").action == Change.Action.DISCARDED


def test_an_editor_cannot_discard_unpublished_changes(content, editor_client):
    """Only a Publisher can revert to discarded changes, so only a Publisher may discard."""
    neodymium = Mineral.objects.get(slug="neodymium")
    submit_summary(editor_client, neodymium, "A careful correction to keep.")

    response = editor_client.post(admin_url(neodymium, "review"), {"_discard": "1"})

    assert response.status_code == 403
    assert Draft.filter_item(neodymium).get().in_review


@pytest.mark.parametrize(
    "decision",
    [{"_discard": "1"}, {"_send_back": "1", "comment": "Not yet."}],
    ids=["discard", "send back"],
)
def test_a_decision_on_a_review_screen_older_than_the_draft_is_refused(
    content, editor_client, publisher_client, decision
):
    neodymium = Mineral.objects.get(slug="neodymium")
    submit_summary(editor_client, neodymium, "The first correction.")
    review = publisher_client.get(admin_url(neodymium, "review"))
    submit_summary(editor_client, neodymium, "A second, better correction.")

    response = publisher_client.post(
        admin_url(neodymium, "review"),
        {**decision, "_version": review.context["version_token"]},
        follow=True,
    )

    draft = Draft.filter_item(neodymium).get()
    assert draft.in_review
    assert "edith" in response.content.decode()
    assert "Look at the changes again" in response.content.decode()


def test_an_editors_change_in_the_list_waits_for_review_like_one_in_the_form(
    content, editor_client
):
    space = Sector.objects.get(slug="space")
    live_position = space.position
    listed = editor_client.get(admin_url(Sector, "changelist"))
    data = changelist_form_data(listed)
    data[f"{row_prefix(listed, space)}-position"] = "99"

    response = editor_client.post(admin_url(Sector, "changelist"), data)

    assert response.status_code == 302
    space.refresh_from_db()
    assert space.position == live_position, "an Editor's change reached the public"
    change = Change.filter_item(space).first()
    assert change.user.username == "edith" and change.unpublished
    assert [entry["label"] for entry in change.changes] == ["Position"]
    assert Draft.filter_item(space).exists()


def test_a_change_in_the_list_joins_the_unpublished_changes_a_publish_then_keeps(
    content, editor_client, publisher_client
):
    space = Sector.objects.get(slug="space")
    data = open_change_form(editor_client, space)
    data["summary"] = "Orbits, launchers and satellites."
    editor_client.post(admin_url(space, "change"), data)
    listed = editor_client.get(admin_url(Sector, "changelist"))
    data = changelist_form_data(listed)
    data[f"{row_prefix(listed, space)}-position"] = "99"
    editor_client.post(admin_url(Sector, "changelist"), data)

    review = publisher_client.get(admin_url(space, "review"))
    publisher_client.post(
        admin_url(space, "review"), {"_publish": "1", "_version": review.context["version_token"]}
    )

    space.refresh_from_db()
    assert (space.summary, space.position) == ("Orbits, launchers and satellites.", 99)


def test_a_change_in_the_list_to_a_row_changed_since_the_list_was_loaded_is_refused(
    content, editor_client, second_editor
):
    space = Sector.objects.get(slug="space")
    listed = editor_client.get(admin_url(Sector, "changelist"))
    data = changelist_form_data(listed)
    data[f"{row_prefix(listed, space)}-position"] = "99"
    other = Client()
    other.force_login(second_editor)
    changed = open_change_form(other, space)
    changed["summary"] = "Eddie's summary."
    other.post(admin_url(space, "change"), changed)

    response = editor_client.post(admin_url(Sector, "changelist"), data, follow=True)

    page = response.content.decode()
    assert "Nothing was saved" in page and "eddie" in page
    assert Change.filter_item(space).first().user.username == "eddie"


def test_share_links_are_offered_only_for_items_with_a_page(content, publisher_client):
    india = Country.objects.get(slug="india")

    review = publisher_client.get(admin_url(india, "review")).content.decode()
    response = publisher_client.post(admin_url(india, "share"), {"days": "7"}, follow=True)

    assert "Make a share link" not in review
    assert response.status_code == 200
    assert "no page of their own" in response.content.decode()


def test_the_sent_back_note_goes_once_a_publisher_publishes(
    content, editor_client, publisher_client
):
    space = Sector.objects.get(slug="space")
    data = open_change_form(editor_client, space)
    data["summary"] = "Orbits."
    data["_submit"] = "Submit"
    editor_client.post(admin_url(space, "change"), data)
    publisher_client.post(
        admin_url(space, "review"), {"_send_back": "1", "comment": "Say more about launchers."}
    )
    assert "Sent back by" in editor_client.get(admin_url(space, "change")).content.decode()

    publisher_client.post(admin_url(space, "review"), {"_publish": "1"})

    assert "Sent back by" not in editor_client.get(admin_url(space, "change")).content.decode()
    assert "Sent back by" not in publisher_client.get(admin_url(space, "review")).content.decode()


def test_the_review_screen_says_once_who_submitted_the_changes(
    content, editor_client, publisher_client
):
    space = Sector.objects.get(slug="space")
    data = open_change_form(editor_client, space)
    data["summary"] = "Orbits."
    data["_submit"] = "Submit"
    editor_client.post(admin_url(space, "change"), data)

    page = publisher_client.get(admin_url(space, "review")).content.decode()

    assert page.lower().count("submitted by edith") == 1
