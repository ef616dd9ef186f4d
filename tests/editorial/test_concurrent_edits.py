"""Two editors, one item: the second save is refused, says who changed what, and keeps the text."""

import pytest

from minerals.models import Mineral
from publishing.models import Draft
from tests.editorial.conftest import admin_url, logged_in, open_change_form

pytestmark = pytest.mark.django_db


@pytest.fixture
def two_editors(content, editor, second_editor):
    from django.test import Client

    return logged_in(Client, editor), logged_in(Client, second_editor)


def test_the_second_save_is_refused_and_keeps_the_second_editors_text(two_editors):
    first, second = two_editors
    lithium = Mineral.objects.get(slug="lithium")
    first_form = open_change_form(first, lithium)
    second_form = open_change_form(second, lithium)

    first_form["summary"] = "First editor's summary."
    assert first.post(admin_url(lithium, "change"), first_form).status_code == 302
    second_form["body"] = "Second editor's long body text, typed with care."
    refused = second.post(admin_url(lithium, "change"), second_form)

    assert refused.status_code == 200
    page = refused.content.decode()
    assert "was changed after you opened it, by edith" in page
    assert "Summary" in page
    assert "Second editor&#x27;s long body text, typed with care." in page
    draft = Draft.filter_item(lithium).get()
    assert draft.change.user.username == "edith"
    assert "Second editor" not in str(draft.change.snapshot)


def test_the_second_editor_may_replace_the_changes_after_seeing_them(two_editors):
    first, second = two_editors
    lithium = Mineral.objects.get(slug="lithium")
    first_form = open_change_form(first, lithium)
    second_form = open_change_form(second, lithium)
    first_form["summary"] = "First editor's summary."
    first.post(admin_url(lithium, "change"), first_form)
    second_form["body"] = "Second editor's body."
    refused = second.post(admin_url(lithium, "change"), second_form)

    second_form["_overwrite"] = "1"
    second_form["_overwrite_version"] = refused.context["current_token"]
    saved = second.post(admin_url(lithium, "change"), second_form)

    assert saved.status_code == 302
    snapshot = Draft.filter_item(lithium).get().change.snapshot
    assert snapshot["body"][1] == "Second editor's body."


def test_a_save_after_reloading_succeeds(two_editors):
    first, second = two_editors
    lithium = Mineral.objects.get(slug="lithium")
    first_form = open_change_form(first, lithium)
    first_form["summary"] = "First editor's summary."
    first.post(admin_url(lithium, "change"), first_form)

    reloaded = open_change_form(second, lithium)
    assert reloaded["summary"] == "First editor's summary."
    reloaded["body"] = "Built on the first editor's work."
    assert second.post(admin_url(lithium, "change"), reloaded).status_code == 302
    snapshot = Draft.filter_item(lithium).get().change.snapshot
    assert snapshot["summary"][1] == "First editor's summary."
    assert snapshot["body"][1] == "Built on the first editor's work."
