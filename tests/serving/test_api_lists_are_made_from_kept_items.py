"""With the page cache off (or missed), an API list is kept whole, and made from its items'
kept representations when it is not (publishing.api.kept), while nothing they show
changed: it reads nothing (kept whole) or only its count and its page's ids, shows exactly
what a full render shows and names the same keys.
After any change to one mineral (through the API or the admin, a scheduled moment), the
next list shows it, in English and Hindi; editors' lists never read or fill kept items."""

import dataclasses
import datetime

import pytest
import time_machine
from django.core.cache import caches
from django.db import connection
from django.test import Client, override_settings
from django.test.utils import CaptureQueriesContext
from django.utils import timezone

from minerals.models import Application, Mineral
from publishing.models import Status
from tests.factories import arranged, grow_content

from .conftest import text
from .test_each_change_makes_stale_what_shows_it import (
    delete,
    import_,
    link,
    publish,
    revert,
    unpublish,
)

pytestmark = pytest.mark.django_db

LISTS = [
    "/api/v1/minerals/",
    "/api/v1/minerals/?lang=hi",
    "/api/v1/minerals/?page_size=100&ordering=-updated",
    "/api/v1/minerals/?search=a&lang=hi",
    "/api/v1/minerals/?group=rare-earth",
    "/api/v1/minerals/?page_size=5&page=2",
    "/api/v1/minerals/?format=csv",
    "/api/v1/minerals/?format=csv&lang=hi&search=a",
    "/api/v1/initiatives/",
    "/api/v1/initiatives/?lang=hi",
    "/api/v1/figures/?page_size=100",
    "/api/v1/applications/?page_size=100&lang=hi",
    "/api/v1/applications/?format=csv",
]
#: A list made from kept items: the content's version, the count and the page's ids.
KEPT_QUERIES = 3
#: A list kept whole: the content's version.
KEPT_PAGE_QUERIES = 1
SECOND = datetime.timedelta(seconds=1)


@pytest.fixture
def page_cache_off(settings):
    """The page cache off, as the benchmark's cold runs have it; kept items stay on."""
    settings.PAGE_CACHE_SECONDS = 0


def get(client, path):
    accept = "text/csv" if "format=csv" in path else "application/json"
    return client.get(path, HTTP_ACCEPT=accept)


def full_render(path):
    """What ``path`` answers now, made from nothing kept."""
    with override_settings(PAGE_CACHE_SECONDS=0, FRAGMENT_CACHE_SECONDS=0):
        response = get(Client(), path)
    return response.status_code, text(response)


def queries_of(client, path):
    with CaptureQueriesContext(connection) as queries:
        response = get(client, path)
    assert response.status_code == 200, path
    return response, len(queries)


def kept(kind):
    """The kept representations (``item``) or whole pages (``list``) in the local cache,
    by key."""
    store = caches["default"]
    return {
        key.split(":", 2)[2]: store.get(key.split(":", 2)[2])
        for key in list(store._cache)
        if f":api.{kind}." in key
    }


def kept_items():
    return kept("item")


def forget_pages():
    """Whole pages no longer kept: the next list is made from its kept items."""
    for key in kept("list"):
        caches["default"].delete(key)


@pytest.mark.parametrize("path", LISTS)
def test_a_list_made_from_kept_items_is_what_a_full_render_shows(
    content, page_cache_off, reader, path
):
    first = get(reader, path)
    forget_pages()
    from_items, queries = queries_of(reader, path)
    whole, whole_queries = queries_of(reader, path)

    expected = text(first)
    assert expected == full_render(path)[1]
    for response in (from_items, whole):
        assert text(response) == expected
        assert response.get("Surrogate-Key") == first.get("Surrogate-Key"), (
            "the kept items' keys are not the answer's: purging would miss what they show"
        )
        assert response["ETag"] == first["ETag"]
        assert response.get("Link") == first.get("Link")
    if "format=csv" not in path:
        assert queries == KEPT_QUERIES
        assert whole_queries == KEPT_PAGE_QUERIES


def test_a_list_is_made_from_kept_items_and_made_ones_together(content, page_cache_off, reader):
    """Items kept by one page and made for another, in one answer, in the list's order."""
    get(reader, "/api/v1/minerals/?page_size=5&page=2")
    path = "/api/v1/minerals/?page_size=15"
    response, queries = queries_of(reader, path)
    assert text(response) == full_render(path)[1]
    assert queries > KEPT_QUERIES
    assert len(kept_items()) == 15


CHANGES = {
    "publish": publish,
    "unpublish": unpublish,
    "revert": revert,
    "delete": delete,
    "link": link,
    "import": import_,
}
#: What is done before the lists are read (a revert goes back past a publication).
BEFORE = {"revert": publish}
SCANDIUM_LISTS = [
    "/api/v1/minerals/?page_size=100",
    "/api/v1/minerals/?page_size=100&lang=hi",
    "/api/v1/minerals/?group=other&lang=hi",
    "/api/v1/initiatives/?page_size=100",
    "/api/v1/applications/?page_size=100&lang=hi",
]


@pytest.mark.parametrize("change", CHANGES)
def test_after_a_change_to_one_mineral_each_list_shows_it_on_the_next_request(
    content, page_cache_off, reader, publisher_client, editor_client, change
):
    if change in BEFORE:
        BEFORE[change](publisher_client, editor_client)
    for path in SCANDIUM_LISTS:
        get(reader, path)
        get(reader, path)

    CHANGES[change](publisher_client, editor_client)

    for path in SCANDIUM_LISTS:
        response = get(reader, path)
        assert (response.status_code, text(response)) == full_render(path), (
            f"{path} was made from an item kept before the {change}"
        )


def test_an_edit_through_the_api_remakes_that_item_alone(
    content, page_cache_off, reader, publisher_api
):
    path = "/api/v1/minerals/?page_size=100"
    for language in ("", "&lang=hi"):
        get(reader, path + language)
    before = kept_items()

    summary = "Neodymium, rewritten to see which kept items are made again."
    response = publisher_api.patch(
        "/api/v1/minerals/neodymium/", {"summary": summary}, format="json"
    )
    assert response.status_code == 200, response.content

    for language in ("", "&lang=hi"):
        body = text(get(reader, path + language))
        assert body == full_render(path + language)[1]
    assert summary in text(get(reader, path))
    neodymium = Mineral.objects.get(slug="neodymium").pk
    after = kept_items()
    remade = {key for key, entry in after.items() if entry.started != before[key].started}
    assert remade and all(key.endswith(f".{neodymium}") for key in remade), (
        "an edit to neodymium's summary remade other minerals' kept representations"
    )
    assert len(remade) == 2, "neodymium in English and in Hindi"


def test_a_hindi_edit_shows_in_the_hindi_list(content, page_cache_off, reader, publisher_api):
    path = "/api/v1/minerals/?lang=hi"
    get(reader, path)
    hindi = "नियोडिमियम, फिर से लिखा गया।"
    response = publisher_api.patch(
        "/api/v1/minerals/neodymium/", {"summary_hi": hindi}, format="json"
    )
    assert response.status_code == 200, response.content

    body = text(get(reader, path))
    assert body == full_render(path)[1]
    assert hindi in body


@pytest.fixture
def scheduled_use(content):
    """Scandium's use in space published to go live in two days and expire an hour later
    (a real save; nothing is written after it); the moments, on whole seconds."""
    go_live = timezone.now().replace(microsecond=0) + datetime.timedelta(days=2)
    expire = go_live + datetime.timedelta(hours=1)
    use = Application.objects.get(slug="scandium-in-space")
    use.status, use.go_live_at, use.expire_at = Status.PUBLISHED, go_live, expire
    with arranged():
        use.save()
    return go_live, expire


@pytest.mark.parametrize("path", ["/api/v1/minerals/?page_size=100", "/api/v1/minerals/?lang=hi"])
def test_an_item_kept_before_a_scheduled_moment_is_not_used_after_it(
    page_cache_off, reader, scheduled_use, path
):
    """Scandium's representation links its uses: kept before one goes live (or expires),
    it is not used after."""
    go_live, expire = scheduled_use
    link = "/api/v1/applications/scandium-in-space/"
    for moment, before, after in [(go_live, False, True), (expire, True, False)]:
        with time_machine.travel(moment - 100 * SECOND, tick=False):
            get(reader, path)
            response, queries = queries_of(reader, path)
            assert (link in text(response)) == before
            assert queries == KEPT_PAGE_QUERIES
        with time_machine.travel(moment + 100 * SECOND, tick=False):
            get(reader, "/about/")  # the process works out the moments that passed
            body = text(get(reader, path))
            assert (link in body) == after, f"{path} used scandium as it was kept before"
            assert body == full_render(path)[1]


def poison_kept_items():
    """Every kept representation made to say so, still fresh: whoever is answered from
    one shows it."""
    store = caches["default"]
    for key, entry in kept_items().items():
        data = {**entry.data, "name": "KEPT FOR THE PUBLIC"}
        store.set(key, dataclasses.replace(entry, data=data))


@pytest.mark.parametrize("who", ["editor_api", "editor_client"])
def test_an_editors_list_never_reads_or_fills_kept_items(
    request, content, page_cache_off, reader, who
):
    client = request.getfixturevalue(who)
    path = "/api/v1/minerals/?page_size=100"

    assert get(client, path).status_code == 200
    assert kept_items() == kept("list") == {}, "an editor's list filled kept items"

    get(reader, path)
    forget_pages()
    poison_kept_items()
    assert "KEPT FOR THE PUBLIC" in text(get(reader, path))
    response = get(client, path)
    assert response.status_code == 200
    assert "KEPT FOR THE PUBLIC" not in text(response), "an editor got a kept public item"
    assert response.json()["count"] == Mineral.objects.count()


def test_a_kept_list_makes_the_same_queries_whatever_the_content(content, page_cache_off, reader):
    def counts(query):
        caches["default"].clear()
        get(reader, "/api/v1/")  # what a process works out once per change of content
        _, making = queries_of(reader, f"/api/v1/minerals/?{query}")
        forget_pages()
        _, from_items = queries_of(reader, f"/api/v1/minerals/?{query}")
        _, whole = queries_of(reader, f"/api/v1/minerals/?{query}")
        return making, from_items, whole

    small = counts("page_size=5")
    grow_content(times=10)
    large_query = "page_size=100"
    assert get(reader, f"/api/v1/minerals/?{large_query}").json()["count"] > 30
    large = counts(large_query)

    assert large == small
    assert small[1:] == (KEPT_QUERIES, KEPT_PAGE_QUERIES)
