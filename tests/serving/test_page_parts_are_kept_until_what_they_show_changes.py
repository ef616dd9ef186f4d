"""With the page cache off (or missed), a page is made from the parts a previous answer
kept (publishing.fragments) while nothing they show changed: such a page reads only what
decides it, and shows exactly what a full render shows. A change to what a part shows
renders it again on the next request (through another process too, and at a scheduled
moment); a change to something it does not show leaves it kept; previews, share links,
signed-in users and dated versions never read or fill the kept parts."""

import datetime
import re
import uuid

import pytest
import time_machine
from django.core.cache import caches
from django.db import connection
from django.template import RequestContext, Template
from django.test import Client, override_settings
from django.test.utils import CaptureQueriesContext
from django.utils import timezone

from minerals.models import Mineral
from publishing import cache as page_cache
from publishing import dependencies, versions
from publishing.models import ShareLink
from publishing.preview import preview_url
from tests.editorial.conftest import admin_url, open_change_form
from tests.factories import arranged

from .conftest import text
from .servers import serving
from .test_processes_sharing_redis import HOST, shared_redis  # noqa: F401 - a fixture

pytestmark = pytest.mark.django_db

#: The benchmark's pages, and how many queries each makes when all its parts are kept:
#: the content's version, and the item an item page is about (a 404 decides on it).
KEPT_QUERIES = {
    "/": 1,
    "/minerals/": 1,
    "/minerals/neodymium/": 2,
    "/initiatives/trust/": 2,
    "/hi/": 1,
    "/hi/minerals/": 1,
    "/hi/minerals/neodymium/": 2,
    "/hi/initiatives/trust/": 2,
}
NEW_SUMMARY = "Neodymium, rewritten to see which kept parts are made again."
SECOND = datetime.timedelta(seconds=1)


@pytest.fixture
def page_cache_off(settings):
    """The page cache off, as the benchmark's cold runs have it; the parts' cache stays on."""
    settings.PAGE_CACHE_SECONDS = 0


def full_render(path):
    """What ``path`` shows now, rendered from nothing kept."""
    with override_settings(PAGE_CACHE_SECONDS=0, FRAGMENT_CACHE_SECONDS=0):
        response = Client().get(path)
    return response.status_code, text(response)


def queries_of(reader, path):
    """The answer to ``path`` and the queries it made."""
    with CaptureQueriesContext(connection) as queries:
        response = reader.get(path)
    assert response.status_code == 200, path
    return text(response), len(queries)


def publish_summary(publisher_api, slug="neodymium", summary=NEW_SUMMARY):
    response = publisher_api.patch(f"/api/v1/minerals/{slug}/", {"summary": summary}, format="json")
    assert response.status_code == 200, response.content


@pytest.mark.parametrize("path", KEPT_QUERIES)
def test_a_page_made_of_kept_parts_reads_only_what_decides_it(
    content, page_cache_off, reader, path
):
    first = reader.get(path)
    body, queries = queries_of(reader, path)

    assert body == text(first) == full_render(path)[1]
    assert queries == KEPT_QUERIES[path]
    assert reader.get(path)["Surrogate-Key"] == first["Surrogate-Key"], (
        "the kept parts' keys are not the answer's: purging would miss what they show"
    )


def test_a_change_to_what_a_part_shows_renders_it_again_on_the_next_request(
    content, page_cache_off, reader, publisher_api
):
    shows_it = ["/minerals/neodymium/", "/minerals/"]
    shows_it_not = ["/initiatives/trust/"]
    for path in shows_it + shows_it_not:
        reader.get(path)

    publish_summary(publisher_api)

    for path in shows_it:
        body, queries = queries_of(reader, path)
        assert NEW_SUMMARY in body, f"{path} was made from a part kept before the change"
        assert body == full_render(path)[1]
        assert queries > KEPT_QUERIES[path]
    for path in shows_it_not:
        body, queries = queries_of(reader, path)
        assert body == full_render(path)[1]
        assert queries == KEPT_QUERIES[path], f"{path} does not show the summary but was remade"


@pytest.mark.parametrize("path", ["/minerals/", "/hi/minerals/", "/"])
def test_a_part_kept_before_a_scheduled_moment_is_not_used_after_it(
    page_cache_off, reader, scheduled_scandium, path
):
    """Built well before the moment, still within its time in the cache after it: the
    page cache's own window of recent moments (0 s here) must not decide for the parts."""
    go_live, expire = scheduled_scandium
    shows_scandium = path != "/"  # (nor any list of minerals)
    for moment, before, after in [(go_live, False, True), (expire, True, False)]:
        with time_machine.travel(moment - 100 * SECOND, tick=False):
            reader.get(path)
            body, queries = queries_of(reader, path)
            assert ("/minerals/scandium/" in body) == (before and shows_scandium)
            assert queries == KEPT_QUERIES[path]
        with time_machine.travel(moment + 100 * SECOND, tick=False):
            reader.get("/about/")  # the process works out the moments that passed
            body, queries = queries_of(reader, path)
            assert ("/minerals/scandium/" in body) == (after and shows_scandium), (
                f"{path} was made from a part kept before a scheduled moment"
            )
            assert body == full_render(path)[1]
            if not shows_scandium:
                assert queries == KEPT_QUERIES[path], "a page without scandium was remade"


def test_the_citation_kept_yesterday_is_not_used_today(page_cache_off, reader, content):
    evening = timezone.now().replace(hour=23, minute=59, second=0, microsecond=0)
    with time_machine.travel(evening, tick=False):
        reader.get("/minerals/neodymium/")
    with time_machine.travel(evening + 2 * datetime.timedelta(minutes=1), tick=False):
        body = text(reader.get("/minerals/neodymium/"))
        assert body == full_render("/minerals/neodymium/")[1]
    today = (evening + datetime.timedelta(minutes=2)).date().isoformat()
    assert f'<time datetime="{today}">' in body, "the citation's day of reading is yesterday's"


@pytest.fixture
def unpublished_summary(content, editor_client):
    """Neodymium with unpublished changes to its summary (an Editor's save)."""
    neodymium = Mineral.objects.get(slug="neodymium")
    data = open_change_form(editor_client, neodymium)
    data["summary"] = "Unpublished words about neodymium."
    assert editor_client.post(admin_url(neodymium, "change"), data).status_code == 302
    return neodymium


def test_previews_neither_read_nor_fill_the_kept_parts(
    page_cache_off, reader, editor_client, publisher_client, unpublished_summary
):
    page = "/minerals/neodymium/"
    unpublished = "Unpublished words about neodymium."
    publisher_client.post(admin_url(unpublished_summary, "share"), {"days": "1"})
    shared = ShareLink.filter_item(unpublished_summary).get().get_absolute_url()

    for client, path, shows_unpublished in [
        (editor_client, preview_url(unpublished_summary), True),
        (Client(), shared, True),
        (editor_client, page, False),  # signed in, no preview: still not the public's
    ]:
        caches["default"].clear()
        assert (unpublished in text(client.get(path))) == shows_unpublished
        body, queries = queries_of(reader, page)
        assert unpublished not in body
        assert queries > KEPT_QUERIES[page], "a preview or a signed-in answer filled a part"

    reader.get(page)  # the public page's parts, kept
    assert unpublished in text(editor_client.get(preview_url(unpublished_summary)))
    assert unpublished in text(Client().get(shared))
    body, queries = queries_of(reader, page)
    assert unpublished not in body
    assert queries == KEPT_QUERIES[page]


def test_a_dated_version_is_never_made_from_the_live_pages_parts(
    page_cache_off, reader, publisher_api, content
):
    neodymium = Mineral.objects.get(slug="neodymium")
    publish_summary(publisher_api, summary="The version before.")
    before = versions.current_version(neodymium)
    with time_machine.travel(before.date + datetime.timedelta(minutes=1)):
        publish_summary(publisher_api)
        reader.get("/minerals/neodymium/")

        old = versions.version_url(neodymium, before.date)
        body = text(reader.get(old))
        assert "The version before." in body and NEW_SUMMARY not in body
        assert body == full_render(old)[1]
        assert NEW_SUMMARY in text(reader.get("/minerals/neodymium/"))


def sitemap_pages(reader):
    sitemap = text(reader.get("/sitemap.xml"))
    paths = {re.sub(r"^https?://[^/]+", "", url) for url in re.findall(r"<loc>([^<]+)", sitemap)}
    paths |= {re.sub(r"^https?://[^/]+", "", url) for url in re.findall(r'href="([^"]+)"', sitemap)}
    return sorted(path for path in paths if path.startswith("/"))


def test_every_page_made_from_kept_parts_is_what_a_full_render_shows(
    page_cache_off, reader, content
):
    pages = sitemap_pages(reader)
    assert any(path.startswith("/hi/") for path in pages) and len(pages) > 100
    for path in pages:
        reader.get(path)
    for path in pages:
        response = reader.get(path)
        assert (response.status_code, text(response)) == full_render(path), path


def test_a_part_kept_by_one_process_is_remade_when_another_changes_what_it_shows(
    shared_redis,  # noqa: F811 - the fixture imported above
    served_database,
):
    """Two processes on one Redis, the page cache off: a part one kept is reused by the
    other until a change through the first; then the other shows the change at once, and
    a part that does not show it stays as it was kept."""
    import redis

    store = redis.Redis.from_url(shared_redis)
    database = served_database
    with serving(
        2,
        DATABASE_URL=database.url,
        REDIS_URL=shared_redis,
        PAGE_CACHE_SECONDS="0",
        FRAGMENT_CACHE_SECONDS="300",
        RELEASE=f"serving-test-{uuid.uuid4().hex[:8]}",
    ) as (first, second):

        def kept():
            return {key: store.get(key) for key in store.scan_iter("*fragment.*")}

        answers = {}
        for path in ["/minerals/neodymium/", "/initiatives/trust/"]:
            status, headers, body = first.get(path, HOST)
            assert status == 200 and headers.get("X-Page-Cache") is None, (path, status)
            answers[path] = body
            assert second.get(path, HOST)[2] == body
        parts = kept()
        assert len(parts) == 4, sorted(parts)

        status, _, body = first.write(
            database.publisher_token, "/api/v1/minerals/neodymium/", {"summary": NEW_SUMMARY}, HOST
        )
        assert status == 200, body

        assert NEW_SUMMARY in second.get("/minerals/neodymium/", HOST)[2]
        assert second.get("/initiatives/trust/", HOST)[2] == answers["/initiatives/trust/"]
        now = kept()
        trust = [key for key in parts if re.search(rb"\.initiative(-meta)?\.", key)]
        assert trust and all(now[key] == parts[key] for key in trust), (
            "the initiative page's parts, which do not show the summary, were made again"
        )
        assert any(now[key] != value for key, value in parts.items() if key not in trust)


def test_a_part_said_to_show_no_content_is_not_kept_when_it_reads_some(content, rf):
    """``code_only`` parts (the navigation, the footer) are kept with no keys: one that
    reads content anyway is rendered every time, so it never shows an old value."""
    probe = Template(
        '{% load fragments %}{% fragment "probe" code_only %}{{ mineral.summary }}{% endfragment %}'
    )

    def render():
        request = rf.get("/probe/")
        request.content_state = page_cache.content_state()
        request.answer_started = timezone.now()
        with dependencies.collecting() as collected:
            mineral = Mineral.objects.get(slug="neodymium")
            html = probe.render(RequestContext(request, {"mineral": mineral}))
        assert f"minerals.mineral:{mineral.pk}.summary" in collected.keys
        return html

    assert render() == Mineral.objects.get(slug="neodymium").summary
    with arranged():
        Mineral.objects.filter(slug="neodymium").update(summary=NEW_SUMMARY)
    assert render() == NEW_SUMMARY
