"""Search finds published content by a word from its body, highlights it, and handles odd input.

These run on whichever database DATABASE_URL names: full-text search on PostgreSQL,
the substring fallback on SQLite. Both must pass.
"""

import pytest
from django.db import connection

from initiatives.models import Initiative
from tests.factories import InitiativeFactory
from trustsite.search import TARGETS, search_postgres, search_substring

from .conftest import parse

pytestmark = pytest.mark.django_db


def result_links(response):
    html = response.content.decode()
    start = html.find('<ol class="results">')
    if start == -1:
        return []
    results = html[start : html.index("</ol>", start)]
    parser = type(parse(response))()
    parser.feed(results)
    return parser.links


def test_finds_a_mineral_by_name(client, content):
    response = client.get("/search/?q=lithium")
    assert response.status_code == 200
    assert "/minerals/lithium/" in result_links(response)


def test_finds_an_initiative_by_a_word_only_in_its_body(client, content):
    trust = Initiative.objects.get(slug="trust")
    assert "paving" in trust.body and "paving" not in trust.summary
    response = client.get("/search/?q=paving")
    assert "/initiatives/trust/" in result_links(response)


def test_finds_a_new_item_by_a_word_from_its_markdown_body(client, content):
    InitiativeFactory(
        slug="desalination-pact", name="Desalination pact", body="It funds *quokkaville* plants."
    )
    response = client.get("/search/?q=quokkaville")
    assert result_links(response) == ["/initiatives/desalination-pact/"]


def test_snippet_highlights_the_word_found(client, content):
    html = client.get("/search/?q=magnets").content.decode()
    assert "<mark>magnets</mark>" in html.lower() or "<mark>magnet" in html.lower()


def test_snippet_escapes_markup_typed_by_an_editor(client, content):
    InitiativeFactory(slug="escaped", body="Beware <b>bold</b> wombatics <script>x()</script>")
    html = client.get("/search/?q=wombatics").content.decode()
    assert "<script>x()" not in html
    assert "<b>bold</b>" not in html
    assert "<mark>wombatics</mark>" in html


def test_finds_milestones_figures_and_initiative_sections(client, content):
    assert "/timeline/ncmm-approved/" in result_links(client.get("/search/?q=approves"))
    assert "/figures/phosphorus-imports-fy24/" in result_links(client.get("/search/?q=phosphorus"))
    assert "/initiatives/trust/#section-countering-china" in result_links(
        client.get("/search/?q=countering")
    )


def test_empty_query_invites_a_search_without_results(client, content):
    response = client.get("/search/?q=")
    assert response.status_code == 200
    html = response.content.decode()
    assert "Type a word or two" in html
    assert result_links(response) == []


def test_nonsense_query_says_nothing_was_found_and_suggests_what_to_do(client, content):
    response = client.get("/search/?q=qwxzjvbnmk")
    assert response.status_code == 200
    html = response.content.decode()
    assert "No results for" in html and "qwxzjvbnmk" in html
    assert "try a single word" in html


@pytest.mark.parametrize("query", ["!!!", "'", "a & | b", '("', "%_", "-", "<script>"])
def test_punctuation_and_operators_do_not_break_search(client, content, query):
    response = client.get("/search/", {"q": query})
    assert response.status_code == 200
    assert "<script>" not in response.content.decode().split("</header>")[1]


def test_overlong_query_is_a_400_with_a_message(client, content):
    response = client.get("/search/", {"q": "lithium " * 40})
    assert response.status_code == 400
    assert "shorten your search" in response.content.decode()


def test_null_character_is_a_400_not_a_crash(client, content):
    response = client.get("/search/?q=lith%00ium")
    assert response.status_code == 400
    assert "Null characters are not allowed" in response.content.decode()


@pytest.mark.skipif(connection.vendor != "postgresql", reason="compares with PostgreSQL search")
@pytest.mark.parametrize(
    "word", ["lithium", "defence", "semiconductors", "crore", "phosphorus", "radars", "quantum"]
)
def test_sqlite_fallback_finds_the_same_items_as_full_text_search_for_single_words(content, word):
    full_text = {r.url for target in TARGETS for r in search_postgres(target, word)}
    fallback = {r.url for target in TARGETS for r in search_substring(target, word)}
    assert full_text
    assert fallback == full_text


def test_search_follows_every_change_to_the_text_however_it_is_written(client, content):
    """SQLite's search indexes follow the tables by triggers: a save, a queryset's
    update() and a delete all show on the next search (PostgreSQL searches the rows)."""
    from minerals.models import Mineral
    from tests.factories import arranged

    def found(word):
        return "/minerals/gallium/" in result_links(client.get(f"/search/?q={word}"))

    with arranged():
        gallium = Mineral.objects.get(slug="gallium")
        gallium.summary += " Zanzibarite."
        gallium.save()
    saved = found("zanzibarite")
    with arranged():
        Mineral.objects.filter(slug="gallium").update(summary="Quixotical gallium.")
    updated, old_word = found("quixotical"), found("zanzibarite")
    with arranged():
        Mineral.objects.filter(slug="gallium").delete()

    assert saved and updated and not old_word
    assert not found("quixotical")
