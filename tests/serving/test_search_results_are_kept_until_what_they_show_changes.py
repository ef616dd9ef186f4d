"""With the page cache off (or missed), a search's results come from the part a previous
answer to the same query kept (publishing.fragments), in its language, while nothing a
search could find changed: such an answer runs no search SQL and shows exactly what a
full render shows. A publication, unpublication or edit of a matching item, and a
scheduled go-live or expiry, show on the next search, in English and Hindi; signed-in
editors and previews never read or fill the kept results."""

import datetime
import re
from urllib.parse import quote

import pytest
import time_machine
from django.conf import settings
from django.core.cache import caches

from minerals.models import Mineral
from publishing.models import Status
from publishing.preview import preview_url
from tests.editorial.conftest import admin_url, open_change_form
from tests.factories import arranged

from .conftest import text
from .test_page_parts_are_kept_until_what_they_show_changes import (
    full_render,
    publish_summary,
    queries_of,
)

pytestmark = pytest.mark.django_db

#: A search made from its kept results asks only for the content's version.
KEPT_QUERIES = 1
SEARCHES = [
    "/search/?q=lithium",
    "/search/?q=xyzzy",
    "/hi/search/?q=lithium",
    "/hi/search/?q=" + quote("लिथियम"),
]
LANGUAGES = pytest.mark.parametrize("language", ["", "/hi"], ids=["english", "hindi"])
SECOND = datetime.timedelta(seconds=1)


@pytest.fixture
def page_cache_off(settings):
    """The page cache off, as the benchmark's cold runs have it; the parts' cache stays on."""
    settings.PAGE_CACHE_SECONDS = 0


def result_links(body):
    start = body.find('<ol class="results">')
    if start == -1:
        return []
    return re.findall(r'<h3><a href="([^"]+)"', body[start : body.index("</ol>", start)])


@pytest.mark.parametrize("path", SEARCHES)
def test_a_search_made_from_its_kept_results_runs_no_search(content, page_cache_off, reader, path):
    first = reader.get(path)
    body, queries = queries_of(reader, path)

    assert body == text(first) == full_render(path)[1]
    assert queries == KEPT_QUERIES
    assert reader.get(path)["Surrogate-Key"] == first["Surrogate-Key"], (
        "the kept results' keys are not the answer's: purging would miss what they show"
    )


def test_the_same_query_typed_with_other_spaces_shares_the_kept_results(
    content, page_cache_off, reader
):
    reader.get("/search/?q=lithium")
    body, queries = queries_of(reader, "/search/?q=++lithium+")
    assert queries == KEPT_QUERIES
    assert body == full_render("/search/?q=++lithium+")[1]

    body, queries = queries_of(reader, "/search/?q=Lithium")
    assert queries > KEPT_QUERIES, "another query (its case shows) was answered from a kept part"
    assert "“Lithium”" in body and body == full_render("/search/?q=Lithium")[1]


def test_an_overlong_query_is_still_a_400_with_its_message(content, page_cache_off, reader):
    for _ in range(2):
        response = reader.get("/search/", {"q": "lithium " * 40})
        assert response.status_code == 400
        assert "shorten your search" in text(response)


def changelist_action(publisher_client, item, action):
    changelist = text(publisher_client.get(admin_url(Mineral, "changelist")))
    version = re.search(rf'name="_version-{item.pk}" value="([^"]*)"', changelist)
    response = publisher_client.post(
        admin_url(Mineral, "changelist"),
        {
            "action": action,
            "_selected_action": [item.pk],
            f"_version-{item.pk}": version.group(1) if version else "0",
        },
    )
    assert response.status_code == 302


@LANGUAGES
def test_an_unpublished_then_published_match_shows_on_the_next_search(
    content, page_cache_off, reader, publisher_client, language
):
    path = f"{language}/search/?q=lithium"
    lithium = Mineral.objects.get(slug="lithium")
    page = f"{language}/minerals/lithium/"
    reader.get(path)
    assert page in result_links(queries_of(reader, path)[0])

    changelist_action(publisher_client, lithium, "unpublish")
    assert not Mineral.objects.get(pk=lithium.pk).is_public
    body, _ = queries_of(reader, path)
    assert page not in result_links(body), "an unpublished item is still found"
    assert body == full_render(path)[1]
    queries_of(reader, path)

    changelist_action(publisher_client, lithium, "publish")
    assert Mineral.objects.get(pk=lithium.pk).is_public
    body, _ = queries_of(reader, path)
    assert page in result_links(body), "a published item is not found"
    assert body == full_render(path)[1]


@LANGUAGES
def test_an_edit_to_a_match_or_to_a_new_match_shows_on_the_next_search(
    content, page_cache_off, reader, publisher_api, language
):
    lithium_search = f"{language}/search/?q=lithium"
    new_word = f"{language}/search/?q=zanzibarite"
    before = {path: queries_of(reader, path)[0] for path in (lithium_search, new_word)}
    assert result_links(before[new_word]) == []

    publish_summary(publisher_api, "lithium", "Lithium, rewritten: zanzibarite brines.")
    publish_summary(publisher_api, "gallium", "Gallium, found beside zanzibarite.")

    for path in (lithium_search, new_word):
        body, queries = queries_of(reader, path)
        assert body != before[path], f"{path} was made from results kept before the edits"
        assert body == full_render(path)[1]
        assert queries > KEPT_QUERIES
    assert "rewritten" in queries_of(reader, lithium_search)[0]
    assert f"{language}/minerals/gallium/" in result_links(queries_of(reader, new_word)[0])


@LANGUAGES
def test_results_kept_before_a_scheduled_moment_are_not_used_after_it(
    page_cache_off, reader, scheduled_scandium, language
):
    go_live, expire = scheduled_scandium
    path = f"{language}/search/?q=scandium"
    page = f"{language}/minerals/scandium/"
    for moment, before, after in [(go_live, False, True), (expire, True, False)]:
        with time_machine.travel(moment - 100 * SECOND, tick=False):
            reader.get(path)
            body, queries = queries_of(reader, path)
            assert (page in result_links(body)) == before
            assert queries == KEPT_QUERIES
        with time_machine.travel(moment + 100 * SECOND, tick=False):
            reader.get("/about/")  # the process works out the moments that passed
            body, _ = queries_of(reader, path)
            assert (page in result_links(body)) == after, "results kept before a moment"
            assert body == full_render(path)[1]


@pytest.fixture
def draft_mineral(content, editor_client):
    """Scandium unpublished, with an editor's unpublished summary holding a new word."""
    scandium = Mineral.objects.get(slug="scandium")
    with arranged():
        Mineral.objects.filter(pk=scandium.pk).update(status=Status.DRAFT)
    scandium.refresh_from_db()
    data = open_change_form(editor_client, scandium)
    data["summary"] = "Unpublished words: zanzibarite."
    assert editor_client.post(admin_url(scandium, "change"), data).status_code == 302
    return scandium


@LANGUAGES
def test_editors_and_previews_neither_read_nor_fill_the_kept_results(
    page_cache_off, reader, editor_client, draft_mineral, language
):
    path = f"{language}/search/?q=zanzibarite"
    page = f"{language}/minerals/scandium/"
    previewed = path + "&" + preview_url(draft_mineral).partition("?")[2]

    assert page in result_links(text(editor_client.get(previewed)))
    body, queries = queries_of(reader, path)
    assert page not in result_links(body)
    assert queries > KEPT_QUERIES, "a preview filled the kept results"

    assert queries_of(reader, path)[1] == KEPT_QUERIES
    assert page in result_links(text(editor_client.get(previewed))), "a preview read them"
    assert queries_of(editor_client, path)[1] > KEPT_QUERIES, "a signed-in editor read them"

    caches[settings.PAGE_CACHE_ALIAS].clear()
    editor_client.get(path)
    assert queries_of(reader, path)[1] > KEPT_QUERIES, "a signed-in editor filled them"
