"""Absolute addresses (canonical link, og:url, "Cite this page", the sitemap, robots.txt)
use the host and port the request reached when SITE_URL is unset, and SITE_URL when set,
with the page cache on."""

import re

import pytest

pytestmark = pytest.mark.django_db

ITEM = "/minerals/neodymium/"


def addresses_on(reader, host):
    """Every absolute address the site gave a request to ``host``, by where it appeared."""
    page = reader.get(ITEM, HTTP_HOST=host)
    assert page.status_code == 200
    html = page.content.decode()
    cite = re.search(r'<section class="cite".*?</section>', html, re.S).group(0)
    sitemap = reader.get("/sitemap.xml", HTTP_HOST=host).content.decode()
    robots = reader.get("/robots.txt", HTTP_HOST=host).content.decode()
    return {
        "canonical": re.findall(r'<link rel="canonical" href="([^"]+)"', html),
        "og:url": re.findall(r'<meta property="og:url" content="([^"]+)"', html),
        "citation": re.findall(r"(https?://\S+?)(?=[\s<}])", cite),
        "sitemap": re.findall(r"<loc>([^<]+)</loc>", sitemap),
        "robots": re.findall(r"^Sitemap: (\S+)$", robots, re.M),
    }


def assert_all_on(addresses, base):
    for where, found in addresses.items():
        assert found, f"no address found in the {where}"
        for address in found:
            assert address.startswith(f"{base}/"), (where, address, base)
    assert addresses["canonical"] == [f"{base}{ITEM}"]
    assert addresses["og:url"] == [f"{base}{ITEM}"]
    assert f"{base}{ITEM}" in addresses["citation"]
    assert f"{base}{ITEM}" in addresses["sitemap"]
    assert addresses["robots"] == [f"{base}/sitemap.xml"]


def test_without_site_url_addresses_use_the_host_and_port_reached(content, reader, settings):
    settings.SITE_URL = ""
    assert_all_on(addresses_on(reader, "127.0.0.1:8123"), "http://127.0.0.1:8123")
    # Each address keeps its own cached pages: the next port never gets the first's.
    assert_all_on(addresses_on(reader, "127.0.0.1:8124"), "http://127.0.0.1:8124")
    assert_all_on(addresses_on(reader, "localhost:9000"), "http://localhost:9000")
    assert reader.get(ITEM, HTTP_HOST="127.0.0.1:8124")["X-Page-Cache"] == "hit"


def test_with_site_url_addresses_use_it_whatever_the_host(content, reader, settings):
    settings.SITE_URL = "https://trust.example.org"
    for host in ("127.0.0.1:8123", "localhost:9000"):
        assert_all_on(addresses_on(reader, host), "https://trust.example.org")
