"""Two editors in two browsers change the same item from the same version: the second is
shown the merge, with both values of the field they both changed, and chooses per field."""

import pytest

from initiatives.models import Sector
from publishing.models import Draft
from publishing.roles import EDITOR
from tests.browser.test_review_screen import axe_violations, roles, signed_in  # noqa: F401

pytestmark = pytest.mark.browser


def working(item):
    snapshot = Draft.filter_item(item).get().change.snapshot
    return {key: value for key, (_, value) in snapshot.items()}


@pytest.mark.parametrize("choice", ["theirs", "mine"])
def test_the_second_editor_sees_both_values_and_chooses_per_field(
    site, browser, django_user_model, choice
):
    space = Sector.objects.get(slug="space")
    form = f"{site}/admin/initiatives/sector/{space.pk}/change/"
    edith = signed_in(browser, site, "edith", EDITOR, django_user_model)
    eddie = signed_in(browser, site, "eddie", EDITOR, django_user_model)
    edith.goto(form)
    eddie.goto(form)
    edith.fill("#id_summary", "Edith's summary.")
    edith.fill("#id_body", "Edith's body.")
    edith.click("input[name=_continue]")
    edith.wait_for_url("**/change/")

    eddie.fill("#id_summary", "Eddie's summary.")
    eddie.click("input[name=_continue]")
    eddie.wait_for_selector(".merge-conflicts")

    conflict = eddie.locator("fieldset.conflict")
    assert conflict.count() == 1
    assert "Summary" in conflict.locator("legend").inner_text()
    assert "Edith's summary." in conflict.inner_text()
    assert "Eddie's summary." in conflict.inner_text()
    assert eddie.input_value("#id_body") == "Edith's body.", "their other change is shown"
    assert axe_violations(eddie) == [], axe_violations(eddie)
    if choice == "theirs":
        conflict.get_by_label("Take theirs").check()
        assert eddie.input_value("#id_summary") == "Edith's summary."
    eddie.click("input[name=_continue]")
    eddie.wait_for_selector(".messagelist")

    expected = "Edith's summary." if choice == "theirs" else "Eddie's summary."
    assert working(space)["summary"] == expected
    assert working(space)["body"] == "Edith's body."


def test_editing_the_field_after_taking_theirs_keeps_the_edit(site, browser, django_user_model):
    space = Sector.objects.get(slug="space")
    form = f"{site}/admin/initiatives/sector/{space.pk}/change/"
    edith = signed_in(browser, site, "edith", EDITOR, django_user_model)
    eddie = signed_in(browser, site, "eddie", EDITOR, django_user_model)
    edith.goto(form)
    eddie.goto(form)
    edith.fill("#id_summary", "Edith's summary.")
    edith.click("input[name=_continue]")
    edith.wait_for_url("**/change/")
    eddie.fill("#id_summary", "Eddie's summary.")
    eddie.click("input[name=_continue]")
    eddie.wait_for_selector(".merge-conflicts")

    eddie.locator("fieldset.conflict").get_by_label("Take theirs").check()
    eddie.fill("#id_summary", "Both our summaries, edited together.")
    eddie.click("input[name=_continue]")
    eddie.wait_for_selector(".messagelist")

    assert working(space)["summary"] == "Both our summaries, edited together."


def test_a_change_to_an_application_merges_with_a_change_to_the_summary(
    site, browser, django_user_model
):
    from minerals.models import Application, Mineral
    from publishing.roles import PUBLISHER

    application = Application.objects.order_by("pk").first()
    mineral = Mineral.objects.get(pk=application.mineral_id)
    form = f"{site}/admin/minerals/mineral/{mineral.pk}/change/"
    edith = signed_in(browser, site, "edith", EDITOR, django_user_model)
    paula = signed_in(browser, site, "paula", PUBLISHER, django_user_model)
    edith.goto(form)
    paula.goto(form)
    edith.fill("#id_applications-0-use", "Edith's use.")
    edith.click("input[name=_continue]")
    edith.wait_for_selector(".messagelist")

    paula.fill("#id_summary", "Paula's summary.")
    paula.click("input[name=_continue]")
    paula.wait_for_selector(".messagelist")

    assert "merged with edith's change to" in paula.locator(".messagelist").inner_text()
    assert paula.locator(".errornote").count() == 0
    assert paula.input_value("#id_summary") == "Paula's summary."
    assert paula.input_value("#id_applications-0-use") == "Edith's use."
