"""The public change log and its feeds say what left the site (deleted, unpublished or
expired), by name and kind only, dated when the public saw it go; never in the words of
an unpublished change, and never for an item the public did not see."""

import pytest
import time_machine
from django.test import Client

from minerals.models import Mineral
from publishing.models import PublicChange, Status
from publishing.models import when as in_words
from tests.editorial.conftest import admin_url, open_change_form
from tests.factories import MineralFactory, arranged
from tests.removing import CHANGED_AT, HOW, MINUTE, REMOVED_AT, publish, remove, unpublish

pytestmark = pytest.mark.django_db

READ_AT = REMOVED_AT + MINUTE


def read(path):
    with time_machine.travel(READ_AT, tick=False):
        response = Client().get(path)
    assert response.status_code == 200, path
    return response.content.decode()


@pytest.fixture
def neodymium(content, publisher):
    """Neodymium, with a version the public read."""
    with time_machine.travel(CHANGED_AT, tick=False):
        return publish(Mineral.objects.get(slug="neodymium"), publisher, summary="Corrected.")


@pytest.mark.parametrize("how", HOW)
def test_the_change_log_lists_a_removed_item_by_name_dated_when_it_went(neodymium, publisher, how):
    remove(how, neodymium, publisher)

    page = read("/changes/")

    entry = PublicChange.objects.get(kind=PublicChange.Kind.REMOVED, object_repr="Neodymium (Nd)")
    assert entry.date == REMOVED_AT
    assert f'id="change-{entry.pk}"' in page
    listed = page[page.index(f'id="change-{entry.pk}"') :].split("</li>")[0]
    assert "Removed:" in listed and "Neodymium (Nd)" in listed
    assert in_words(REMOVED_AT) in listed
    assert "/minerals/neodymium/" not in listed, "no link to a page that is gone"
    assert "Corrected." not in page and "Changed: Summary" not in page, (
        "a removed item's earlier entries go with it"
    )


@pytest.mark.parametrize("how", HOW)
def test_the_feeds_say_what_was_removed_in_english_and_hindi(neodymium, publisher, how):
    remove(how, neodymium, publisher)

    english = read("/changes/feed/")
    assert "Removed: Neodymium (Nd)" in english
    assert "was removed from the site." in english
    hindi = read("/hi/changes/feed/")
    assert "हटाया गया: Neodymium (Nd)" in hindi
    assert "साइट से हटा दिया गया" in hindi
    assert "हटाया गया:" in read("/hi/changes/")


def test_an_expiry_shows_in_the_change_log_at_its_second(neodymium, publisher):
    remove("expire", neodymium, publisher)

    with time_machine.travel(REMOVED_AT - MINUTE / 60, tick=False):
        assert "Removed:" not in Client().get("/changes/").content.decode()
    with time_machine.travel(REMOVED_AT, tick=False):
        assert "Removed:" in Client().get("/changes/").content.decode()


def test_a_removal_names_the_item_as_the_public_knew_it_never_by_its_waiting_changes(
    neodymium, publisher, editor_client
):
    """Unpublishing an item with changes waiting puts them in its rows: the removal still
    names it as the public knew it."""
    with time_machine.travel(CHANGED_AT + MINUTE, tick=False):
        form = open_change_form(editor_client, neodymium)
        form.update(name="Secret draft name", summary="Secret draft words.", _save="Save")
        assert editor_client.post(admin_url(neodymium, "change"), form).status_code == 302
    remove("unpublish", Mineral.objects.get(pk=neodymium.pk), publisher)
    assert Mineral.objects.get(pk=neodymium.pk).name == "Secret draft name"

    for path in ("/changes/", "/changes/feed/", "/hi/changes/", "/hi/changes/feed/"):
        page = read(path)
        assert "Neodymium (Nd)" in page, path
        assert "Secret draft" not in page, path


def test_an_item_the_public_never_saw_leaves_no_entry(content, publisher):
    """A scheduled item unpublished before it went live, or deleted before: nothing."""
    with arranged():
        osmium = MineralFactory(slug="osmium", name="Osmium", status=Status.DRAFT)
        iridium = MineralFactory(slug="iridium", name="Iridium", status=Status.DRAFT)
    with time_machine.travel(CHANGED_AT, tick=False):
        for item in (osmium, iridium):
            publish(item, publisher, go_live_at=REMOVED_AT - MINUTE, expire_at=REMOVED_AT)
        unpublish(osmium, publisher)
    remove("delete", iridium, publisher, at=CHANGED_AT + MINUTE)

    for path in ("/changes/", "/changes/feed/"):
        page = read(path)
        assert "Osmium" not in page and "Iridium" not in page, path
