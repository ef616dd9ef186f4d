"""A revision sheet served from its own cache still tells the page cache what it shows,
so a published change to anything on the sheet reaches the next anonymous reader."""

import pytest
from django.conf import settings
from django.core.cache import caches
from django.test import Client, override_settings

from minerals.models import Application
from publishing.roles import EDITOR, PUBLISHER
from tests.editorial.conftest import admin_url, logged_in, member_of, open_change_form

from .test_sheets import pdf_of, words

pytestmark = [pytest.mark.django_db, pytest.mark.xdist_group("sheets")]

SPACE_SHEET = "/sectors/space/sheet.pdf"
NEW_USE = "Light alloys for launcher frames and satellite structures."


@pytest.fixture(autouse=True)
def empty_cache():
    caches[settings.PAGE_CACHE_ALIAS].clear()
    yield
    caches[settings.PAGE_CACHE_ALIAS].clear()


def test_a_sheet_from_the_sheet_cache_goes_stale_in_the_page_cache_when_what_it_shows_changes(
    content, django_user_model
):
    with override_settings(PAGE_CACHE_SECONDS=300):
        editor = logged_in(Client, member_of(django_user_model, "edith", EDITOR))
        assert editor.get(SPACE_SHEET)["X-Sheet-Cache"] == "miss"
        reader = Client()
        first = reader.get(SPACE_SHEET)
        assert (first["X-Sheet-Cache"], first["X-Page-Cache"]) == ("hit", "miss")
        assert NEW_USE not in words(pdf_of(first))

        publisher = logged_in(Client, member_of(django_user_model, "paula", PUBLISHER))
        application = Application.objects.get(slug="scandium-in-space")
        data = open_change_form(publisher, application)
        data.update(use=NEW_USE, _publish="Publish")
        assert publisher.post(admin_url(application, "change"), data).status_code == 302

        again = reader.get(SPACE_SHEET)

    assert again.get("X-Page-Cache") != "hit"
    assert again["X-Sheet-Cache"] == "miss"
    assert NEW_USE in words(pdf_of(again))
