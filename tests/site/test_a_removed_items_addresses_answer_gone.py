"""A reader following a citation of an item the public saw go (deleted, unpublished or
expired) gets 410 Gone, not the 404 of an address that never existed: at its page and
its dated versions, in English and Hindi, saying when it went and linking the change
log's entry; the API's detail answers 410 with a JSON message likewise. An item the
public never saw stays a plain 404."""

import json

import pytest
import time_machine
from django.contrib.contenttypes.models import ContentType
from django.test import Client
from rest_framework.test import APIClient

from minerals.models import Mineral
from publishing.models import PublicChange, Status
from publishing.models import when as in_words
from publishing.roles import PUBLISHER
from publishing.versions import stamp
from tests.editorial.conftest import admin_url, member_of, open_change_form
from tests.factories import MineralFactory, arranged
from tests.removing import CHANGED_AT, HOW, MINUTE, REMOVED_AT, publish, remove, unpublish

pytestmark = pytest.mark.django_db

READ_AT = REMOVED_AT + MINUTE


@pytest.fixture
def publisher(db, django_user_model):
    return member_of(django_user_model, "paula", PUBLISHER)


@pytest.fixture
def versioned_neodymium(content, publisher):
    """Neodymium with a dated version the public read (and might have cited)."""
    with time_machine.travel(CHANGED_AT, tick=False):
        return publish(
            Mineral.objects.get(slug="neodymium"), publisher, summary="Magnets, corrected."
        )


def removal_of(pk):
    """The removal of the mineral ``pk`` the public can read at READ_AT."""
    return PublicChange.objects.get(
        content_type=ContentType.objects.get_for_model(Mineral),
        object_id=str(pk),
        kind=PublicChange.Kind.REMOVED,
        date__lte=READ_AT,
    )


def read(path, client=None):
    with time_machine.travel(READ_AT, tick=False):
        return (client or Client()).get(path)


@pytest.mark.parametrize("how", HOW)
def test_a_removed_items_page_answers_gone_saying_when_and_linking_the_change_log(
    versioned_neodymium, publisher, how
):
    pk = versioned_neodymium.pk
    remove(how, versioned_neodymium, publisher)

    response = read("/minerals/neodymium/")

    assert response.status_code == 410
    page = response.content.decode()
    assert "Neodymium" in page and "was removed from the site" in page
    assert in_words(REMOVED_AT) in page
    entry = removal_of(pk)
    assert f'href="/changes/#change-{entry.pk}"' in page
    assert f'id="change-{entry.pk}"' in read("/changes/").content.decode()
    assert '<meta name="robots" content="noindex">' in page


@pytest.mark.parametrize("how", HOW)
def test_a_removed_items_hindi_page_answers_gone_in_hindi(versioned_neodymium, publisher, how):
    pk = versioned_neodymium.pk
    remove(how, versioned_neodymium, publisher)

    response = read("/hi/minerals/neodymium/")

    assert response.status_code == 410
    page = response.content.decode()
    assert "साइट से हटा दिया गया" in page
    assert '<span lang="en">Neodymium (Nd)</span>' in page
    assert "was removed from the site" not in page
    entry = removal_of(pk)
    assert f'href="/hi/changes/#change-{entry.pk}"' in page


@pytest.mark.parametrize("how", HOW)
@pytest.mark.parametrize("prefix", ["", "/hi"])
def test_a_removed_items_dated_versions_answer_gone(versioned_neodymium, publisher, how, prefix):
    remove(how, versioned_neodymium, publisher)
    base = f"{prefix}/minerals/neodymium/versions/"

    assert read(f"{base}{stamp(CHANGED_AT)}/").status_code == 410
    assert read(f"{base}1/").status_code == 410
    compare = read(f"{base}1/compare/{stamp(CHANGED_AT)}/")
    assert compare.status_code == 410
    assert read(f"{base}1999-01-01T00:00Z/").status_code == 404, "no version of that name"


@pytest.mark.parametrize("how", HOW)
def test_a_removed_items_api_detail_answers_gone_with_a_json_message(
    versioned_neodymium, publisher, how
):
    pk = versioned_neodymium.pk
    remove(how, versioned_neodymium, publisher)

    response = read("/api/v1/minerals/neodymium/", APIClient())

    assert response.status_code == 410
    body = json.loads(response.content)
    assert "Neodymium" in body["detail"] and "was removed from the site" in body["detail"]
    assert body["removed"] == REMOVED_AT.isoformat()
    entry = removal_of(pk)
    assert body["change"] == f"http://testserver/changes/#change-{entry.pk}"
    assert response["Content-Type"].startswith("application/json")


@pytest.mark.parametrize("how", HOW)
def test_a_removed_items_api_detail_answers_gone_in_hindi(versioned_neodymium, publisher, how):
    remove(how, versioned_neodymium, publisher)

    response = read("/api/v1/minerals/neodymium/?lang=hi", APIClient())

    assert response.status_code == 410
    body = json.loads(response.content)
    assert "साइट से हटा दिया गया" in body["detail"]
    assert response["Content-Language"] == "hi"


def test_an_item_the_public_never_saw_stays_a_plain_404(content, publisher):
    """A draft was never public, so its address is one that never existed; so is a
    scheduled item's, unpublished before it went live or its expiry."""
    with arranged():
        osmium = MineralFactory(slug="osmium", name="Osmium", status=Status.DRAFT)
    with time_machine.travel(CHANGED_AT, tick=False):
        publish(osmium, publisher, go_live_at=REMOVED_AT - MINUTE, expire_at=REMOVED_AT)
        unpublish(osmium, publisher)

    for path in ("/minerals/osmium/", "/hi/minerals/osmium/", "/minerals/osmium/versions/1/"):
        assert read(path).status_code == 404, path
    assert read("/api/v1/minerals/osmium/", APIClient()).status_code == 404
    assert not PublicChange.filter_item(osmium).exists()
    assert "Osmium" not in read("/changes/").content.decode()


def test_an_unpublished_items_new_draft_address_is_not_found_through_its_old_one(
    versioned_neodymium, publisher, django_user_model
):
    """After it is unpublished an item's drafts may take another name and address: the
    old address says it was removed, naming it as the public knew it, and the new one is
    a plain 404 (a draft is never discoverable)."""
    remove("unpublish", versioned_neodymium, publisher)
    editor = Client()
    editor.force_login(publisher)
    with time_machine.travel(REMOVED_AT + MINUTE / 2, tick=False):
        form = open_change_form(editor, versioned_neodymium)
        form.update(name="Secret draft metal", slug="secret-draft-metal", _save="Save")
        assert editor.post(admin_url(versioned_neodymium, "change"), form).status_code == 302
    assert Mineral.objects.get(pk=versioned_neodymium.pk).slug == "secret-draft-metal"

    old = read("/minerals/neodymium/")
    assert old.status_code == 410
    assert "Neodymium" in old.content.decode()
    assert "Secret draft metal" not in old.content.decode()
    assert read("/minerals/secret-draft-metal/").status_code == 404
    assert read("/api/v1/minerals/secret-draft-metal/", APIClient()).status_code == 404


def test_an_item_published_again_is_served_and_its_old_removal_stays_in_its_history(
    versioned_neodymium, publisher
):
    remove("unpublish", versioned_neodymium, publisher)
    with time_machine.travel(READ_AT, tick=False):
        publish(Mineral.objects.get(pk=versioned_neodymium.pk), publisher)

    with time_machine.travel(READ_AT + MINUTE, tick=False):
        assert Client().get("/minerals/neodymium/").status_code == 200
        assert APIClient().get("/api/v1/minerals/neodymium/").status_code == 200
        history = Client().get("/changes/mineral/neodymium/").content.decode()
    assert "Removed:" in history and "Added:" in history
