import re
from html.parser import HTMLParser
from xml.etree import ElementTree

import pytest
from django.core.cache import caches
from django.test import Client

from publishing import cache as page_cache

SITEMAP_NS = {
    "sm": "http://www.sitemaps.org/schemas/sitemap/0.9",
    "xhtml": "http://www.w3.org/1999/xhtml",
}


class LanguageParser(HTMLParser):
    """What a page says about its languages: <html lang>, the hreflang alternates in its
    head, and the switcher's link to the other language."""

    def __init__(self):
        super().__init__()
        self.lang = None
        self.alternates = {}
        self.switch = None

    def handle_starttag(self, tag, attrs):
        attrs = dict(attrs)
        if tag == "html":
            self.lang = attrs.get("lang")
        elif tag == "link" and attrs.get("rel") == "alternate" and "hreflang" in attrs:
            self.alternates[attrs["hreflang"]] = attrs["href"]
        elif tag == "a" and "language-switch" in attrs.get("class", "").split():
            self.switch = attrs


def languages_of(response):
    parser = LanguageParser()
    parser.feed(response.content.decode())
    return parser


def sitemap_entries(client):
    """{location: {hreflang: address}} for every <url> of sitemap.xml."""
    response = client.get("/sitemap.xml")
    assert response.status_code == 200
    root = ElementTree.fromstring(response.content)
    entries = {}
    for url in root.findall("sm:url", SITEMAP_NS):
        location = url.find("sm:loc", SITEMAP_NS).text
        entries[location] = {
            link.get("hreflang"): link.get("href")
            for link in url.findall("xhtml:link", SITEMAP_NS)
            if link.get("rel") == "alternate"
        }
    return entries


def visible_text(response):
    html = response.content.decode()
    html = re.sub(r"<(script|style)\b.*?</\1>", " ", html, flags=re.S)
    return re.sub(r"\s+", " ", re.sub(r"<[^>]+>", " ", html))


@pytest.fixture
def page_cache_on(settings):
    """The page cache and the parts' cache on, in a local cache of their own, empty at
    the start and the end."""
    settings.PAGE_CACHE_SECONDS = 300
    settings.FRAGMENT_CACHE_SECONDS = 300
    settings.CACHES = {
        "default": {
            "BACKEND": "django.core.cache.backends.locmem.LocMemCache",
            "LOCATION": "i18n-tests",
        }
    }
    caches["default"].clear()
    page_cache._schedule = page_cache.Schedule()
    yield
    caches["default"].clear()
    page_cache._schedule = page_cache.Schedule()


@pytest.fixture
def reader():
    return Client()
