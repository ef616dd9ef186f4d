"""Search finds published content by a word from its body, highlights it, and handles odd input.

These run on whichever database DATABASE_URL names: full-text search on PostgreSQL,
the substring fallback on SQLite. Both must pass.
"""

import datetime
import re

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.utils import timezone

from initiatives.models import Initiative
from publishing import dependencies
from publishing.models import refresh_statistics
from tests.factories import InitiativeFactory, arranged
from trustsite import search
from trustsite.search import (
    TARGETS,
    compiled_matches,
    matches,
    narrows,
    search_postgres,
    search_substring,
    singular,
)

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


#: A time written into SQL (with the brackets an expression's value gets).
MOMENT = re.compile(r"\('[-0-9]{10} [:.0-9]{8,15}'\)|'[-0-9]{10} [:.0-9]{8,15}'")


def found_by_each_way(target, words, hindi):
    """What building the query finds (the ORM's way) and what the compiled SQL finds: the
    items, their titles and addresses, the keys of what they show, and the SQL run (its
    times aside)."""
    list(matches(target, words, hindi))  # what a process works out once (the indexes)
    found = []
    for way in (matches, compiled_matches):
        with dependencies.collecting() as keys, CaptureQueriesContext(connection) as queries:
            items = way(target, words, hindi)
            assert items is not None, "this search is compiled"
            shown = [(item.pk, target.title(item), target.url(item)) for item in items]
        sql = [MOMENT.sub("MOMENT", query["sql"]) for query in queries.captured_queries]
        found.append((shown, keys.keys, sql))
    return found


@pytest.mark.skipif(connection.vendor != "sqlite", reason="SQLite's searches are compiled")
@pytest.mark.parametrize(
    "query",
    ["lithium", "rare earth", "Nd", "semiconductors supply chain", '"magnet"', "100%", "a_b"],
)
@pytest.mark.parametrize("hindi", [False, True], ids=["english", "hindi"])
def test_a_search_compiled_once_finds_what_building_its_query_finds(content, query, hindi):
    words = [singular(word) for word in query.split()]
    for target in TARGETS:
        built, compiled = found_by_each_way(target, words, hindi)
        assert compiled == built, target.kind


@pytest.mark.skipif(connection.vendor != "sqlite", reason="SQLite's searches are compiled")
def test_a_compiled_search_reads_the_time_at_each_search(client, content):
    """The compiled SQL holds no time: an item scheduled to go live is found from then on."""
    with arranged():
        item = InitiativeFactory(
            slug="tidal-pact",
            body="Tidal quoggery.",
            go_live_at=timezone.now() + datetime.timedelta(days=1),
        )
    before = result_links(client.get("/search/?q=quoggery"))
    with arranged():
        Initiative.objects.filter(pk=item.pk).update(
            go_live_at=timezone.now() - datetime.timedelta(seconds=1)
        )
    after = result_links(client.get("/search/?q=quoggery"))
    assert before == [] and after == ["/initiatives/tidal-pact/"]


@pytest.mark.parametrize("language", ["", "/hi"], ids=["english", "hindi"])
def test_results_cost_no_queries_of_their_own(client, content, language):
    """Each kind's results come whole from its one query: a search that finds items in
    every kind asks the database as often as one that finds nothing."""

    def queries(query):
        client.get(f"{language}/search/?q={query}")
        with CaptureQueriesContext(connection) as captured:
            response = client.get(f"{language}/search/?q={query}")
        return len(captured), response

    nothing, _ = queries("xyzzy")
    found, response = queries("India")
    assert len(result_links(response)) > 10
    assert found == nothing


@pytest.fixture
def measured_afresh():
    """SQLite's measure of the tables read again by the next search, and after the test."""
    search.MEASURED.clear()
    yield
    search.MEASURED.clear()


@pytest.mark.skipif(connection.vendor != "sqlite", reason="SQLite's indexes narrow searches")
def test_kinds_too_small_for_their_index_are_scanned_and_found_alike(
    client, content, measured_afresh
):
    queries = ["lithium", "paving", "rare earth", "India", "xyzzy", "magnets"]
    with connection.cursor() as cursor:
        cursor.execute("SELECT name FROM sqlite_master WHERE name = 'sqlite_stat1'")
        if cursor.fetchone():
            cursor.execute("DELETE FROM sqlite_stat1")  # never measured: every kind narrowed
    narrowed = {target.kind for target in TARGETS if narrows(target)}
    by_index = [result_links(client.get(f"/search/?q={query}")) for query in queries]
    refresh_statistics()
    search.MEASURED.clear()
    scanned = {target.kind for target in TARGETS if not narrows(target)}
    by_scan = [result_links(client.get(f"/search/?q={query}")) for query in queries]

    assert len(narrowed) == 7 and len(scanned) == 8, "the source content is small"
    assert by_scan == by_index
    assert any(by_index)
