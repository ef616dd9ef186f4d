"""Search on the Hindi site finds the Hindi content from Hindi words, on whichever database
the run uses (SQLite's substring search, PostgreSQL's full-text search), and still finds
English names typed into it."""

import re

import pytest

pytestmark = pytest.mark.django_db


def results(client, path):
    response = client.get(path)
    assert response.status_code == 200
    html = response.content.decode()
    start = html.find('<ol class="results">')
    if start == -1:
        return "", []
    listing = html[start : html.index("</ol>", start)]
    return listing, re.findall(r'href="([^"]+)"', listing)


def test_a_hindi_word_finds_the_hindi_content(client, content):
    listing, links = results(client, "/hi/search/?q=नियोडिमियम")

    assert "/hi/minerals/neodymium/" in links
    assert "<mark>" in listing


def test_a_hindi_phrase_finds_an_initiative_by_its_hindi_body(client, content):
    _, links = results(client, "/hi/search/?q=दुर्लभ मृदा")

    assert any(link.startswith("/hi/minerals/") for link in links)


def test_english_names_still_find_their_items_on_the_hindi_site(client, content):
    _, links = results(client, "/hi/search/?q=Neodymium")

    assert "/hi/minerals/neodymium/" in links


def test_the_english_site_does_not_search_the_hindi(client, content):
    _, links = results(client, "/search/?q=नियोडिमियम")

    assert links == []


def test_an_outdated_hindi_is_not_searched_but_the_english_shown_in_its_place_is(client, content):
    from initiatives.models import Sector
    from tests.factories import arranged

    with arranged():
        sector = Sector.objects.get(slug="semiconductors")
        sector.summary_hi = "चिप बनाने का नया कारख़ाना ज़ोरदारपरीक्षण।"
        sector.save()
    _, links_while_current = results(client, "/hi/search/?q=ज़ोरदारपरीक्षण")
    with arranged():
        sector.summary = "Chips, and the wafers they are cut from."
        sector.save()

    _, links_to_outdated = results(client, "/hi/search/?q=ज़ोरदारपरीक्षण")
    listing, links_to_english = results(client, "/hi/search/?q=wafers")

    assert "/hi/sectors/semiconductors/" in links_while_current
    assert links_to_outdated == []
    assert "/hi/sectors/semiconductors/" in links_to_english
    assert "ज़ोरदारपरीक्षण" not in listing
