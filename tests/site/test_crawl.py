"""Walk the site from the home page the way a reader (or a search engine) would."""

import re
from collections import deque
from pathlib import Path
from urllib.parse import urldefrag, urlsplit

import pytest
from django.conf import settings
from django.contrib.staticfiles import finders
from django.core.management import call_command
from django.db import transaction
from django.test import Client
from django.urls import resolve
from django.utils import translation

from tests.conftest import CONTENT_FIXTURES
from trustsite.locale import address_language

from .conftest import parse

# One worker takes the whole module (see pyproject's addopts), so the site is walked once.
pytestmark = [pytest.mark.django_db, pytest.mark.xdist_group("crawl")]

PAGE_WEIGHT_LIMIT = 60 * 1024
PAGE_TYPES = {
    "home",
    "about",
    "search",
    "feed",
    "django.contrib.sitemaps.views.sitemap",
    "initiatives:initiative-list",
    "initiatives:initiative-detail",
    "initiatives:initiative-sheet",
    "initiatives:sector-list",
    "initiatives:sector-detail",
    "initiatives:sector-sheet",
    "initiatives:figures",
    "initiatives:figures-csv",
    "initiatives:timeline",
    "minerals:mineral-list",
    "minerals:mineral-detail",
    "minerals:mineral-sheet",
    "minerals:matrix",
    "data",
    "data-file",
}


def is_html(response):
    return response["Content-Type"].startswith("text/html")


def walk(client):
    """Every page reachable by links from /, each fetched once: {path: (response, parsed)}.

    Static files are looked up where ``collectstatic`` would find them (the test
    server does not serve them); their sizes go in ``static``.
    """
    pages, anchors, static = {}, [], {}
    queue = deque(["/"])
    while queue:
        path = queue.popleft()
        if path in pages or path in static:
            continue
        if path.startswith(settings.STATIC_URL):
            found = finders.find(path.removeprefix(settings.STATIC_URL))
            static[path] = Path(found).stat().st_size if found else None
            continue
        response = client.get(path)
        parsed = parse(response) if is_html(response) and not path.startswith("/api/") else None
        pages[path] = (response, parsed)
        if parsed is None:
            continue
        for link in parsed.links:
            parts = urlsplit(link)
            if parts.scheme or parts.netloc:
                continue
            target, fragment = urldefrag(link)
            target = target or path
            if target.startswith("?"):
                target = urlsplit(path).path + target
            if fragment:
                anchors.append((path, target, fragment))
            if target not in pages:
                queue.append(target)
    return pages, anchors, static


@pytest.fixture(scope="module")
def crawled(shared_content, django_db_blocker):
    """The walk, made once for this module's tests, which only read what it found: over
    the content the module shares (see shared_content), or else over content loaded
    for the walk alone, in a transaction rolled back after it."""
    with django_db_blocker.unblock(), transaction.atomic():
        if not shared_content.loaded:
            call_command("loaddata", *CONTENT_FIXTURES, verbosity=0)
        found = walk(Client())
        transaction.set_rollback(True)
    return found


@pytest.fixture
def crawl(crawled, content):
    """Every page reachable by links from / (see walk), with the content in the database
    for the test's own queries."""
    return crawled


def test_crawl_from_home_finds_every_page_type_and_no_broken_link(crawl):
    pages, anchors, static = crawl
    broken = {path: r.status_code for path, (r, _) in pages.items() if r.status_code != 200}
    assert broken == {}
    assert static and None not in static.values()
    found = set()
    for path in pages:
        with translation.override(address_language(path)):  # /hi/ resolves in Hindi
            found.add(resolve(urlsplit(path).path).view_name)
    assert PAGE_TYPES - found == set()
    missing_anchors = [
        (page, target, fragment)
        for page, target, fragment in anchors
        if pages[target][1] is not None and fragment not in pages[target][1].ids
    ]
    assert missing_anchors == []


def test_crawl_reaches_every_published_item_page(crawl):
    from initiatives.models import Initiative, Sector
    from minerals.models import Mineral

    pages, _, _ = crawl
    for model in (Initiative, Sector, Mineral):
        for item in model.objects.published():
            assert item.get_absolute_url() in pages


def test_every_page_weighs_under_60_kb_with_its_css(crawl):
    pages, _, static = crawl
    stylesheets = {path: size for path, size in static.items() if path.endswith(".css")}
    assert stylesheets, "the pages link a stylesheet"
    css = sum(stylesheets.values())
    heavy = {
        path: len(response.content) + css
        for path, (response, parsed) in pages.items()
        if parsed is not None and len(response.content) + css >= PAGE_WEIGHT_LIMIT
    }
    assert heavy == {}


def test_every_page_has_its_own_title_description_and_one_h1(crawl):
    """Own within its language: until the content is translated, an item's Hindi page has
    its English name as the title (the two pages are each other's hreflang alternates)."""
    pages, _, _ = crawl
    html_pages = {path: parsed for path, (_, parsed) in pages.items() if parsed is not None}
    assert len(html_pages) > 40
    for language in ("en", "hi"):
        in_language = [p for path, p in html_pages.items() if address_language(path) == language]
        titles = [parsed.title.strip() for parsed in in_language]
        descriptions = [parsed.description for parsed in in_language]
        assert titles and all(titles) and all(descriptions)
        assert len(set(titles)) == len(titles)
        duplicated = {d for d in descriptions if descriptions.count(d) > 1}
        assert duplicated == set()
    for path, parsed in html_pages.items():
        levels = [level for level, _ in parsed.headings]
        assert levels.count(1) == 1, path
        assert levels[0] == 1, path
        assert all(b - a <= 1 for a, b in zip(levels, levels[1:], strict=False)), path


def test_no_page_loads_javascript(crawl):
    """The only script elements are JSON-LD data blocks, which no browser runs."""
    pages, _, _ = crawl
    for path, (response, parsed) in pages.items():
        if parsed is not None:
            scripts = re.findall(r"<script\b[^>]*>", response.content.decode())
            assert set(scripts) <= {'<script type="application/ld+json">'}, path
