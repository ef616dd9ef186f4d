"""Every public page in English at its address and in Hindi under /hi/, each leading to
the other, with hreflang alternates in the page's head and in the sitemap."""

from urllib.parse import urlsplit

import pytest
from django.urls import reverse
from django.utils import translation

from tests.tools import PAGE_TYPES, make_versions

from .conftest import languages_of, sitemap_entries

pytestmark = pytest.mark.django_db

BASE = "http://testserver"


def hindi(path):
    return "/hi" + path


def test_the_sitemap_lists_every_page_in_both_languages_with_reciprocal_alternates(content, reader):
    entries = sitemap_entries(reader)
    english = [loc for loc in entries if not urlsplit(loc).path.startswith("/hi/")]
    assert len(english) > 50
    for location in english:
        path = urlsplit(location).path
        expected = {"en": location, "hi": BASE + hindi(path), "x-default": location}
        assert entries[location] == expected, location
        # The Hindi page is listed too, naming the same alternates.
        assert entries[BASE + hindi(path)] == expected, location
    assert len(entries) == 2 * len(english)


def test_every_page_of_the_sitemap_answers_in_hindi_and_switches_to_the_same_page(content, reader):
    """Each page of the sitemap, in both languages: <html lang>, Content-Language, the
    switcher to the same page in the other language, and the hreflang alternates."""
    failures = []
    for location in sitemap_entries(reader):
        path = urlsplit(location).path
        if path.startswith("/hi/"):
            continue
        english_path, hindi_path = path, hindi(path)
        alternates = {
            "en": BASE + english_path,
            "hi": BASE + hindi_path,
            "x-default": BASE + english_path,
        }
        for here, there, language, other in (
            (english_path, hindi_path, "en", "hi"),
            (hindi_path, english_path, "hi", "en"),
        ):
            response = reader.get(here)
            page = languages_of(response)
            found = {
                "status": response.status_code,
                "lang": page.lang,
                "content-language": response.get("Content-Language"),
                "switch": page.switch
                and (page.switch["href"], page.switch["lang"], page.switch["hreflang"]),
                "alternates": page.alternates,
            }
            expected = {
                "status": 200,
                "lang": language,
                "content-language": language,
                "switch": (there, other, other),
                "alternates": alternates,
            }
            if found != expected:
                failures.append((here, found))
    assert failures == []


@pytest.mark.parametrize("page", PAGE_TYPES, ids=lambda page: page.name)
def test_pages_off_the_sitemap_switch_too_keeping_their_query(content, reader, page):
    """Filtered lists, searches, a refused filter and the 404 pages keep their status and
    their query in the other language."""
    if page.versions:
        make_versions()
    hindi_url = "/hi" + page.url
    response = reader.get(hindi_url)
    assert response.status_code == page.status
    switch = languages_of(response).switch
    assert (switch["href"], switch["lang"]) == (page.url, "en")
    response = reader.get(page.url)
    assert languages_of(response).switch["href"] == hindi_url


def test_names_reverse_to_the_hindi_addresses_inside_a_hindi_request(content, reader):
    with translation.override("hi"):
        assert reverse("minerals:mineral-detail", args=["lithium"]) == "/hi/minerals/lithium/"
        assert reverse("home") == "/hi/"
        # What machines and editors use has one address, in English.
        assert reverse("admin:index") == "/admin/"
        assert reverse("v1:docs").startswith("/api/v1/")
        assert reverse("django.contrib.sitemaps.views.sitemap") == "/sitemap.xml"
        assert reverse("healthz") == "/healthz"
    response = reader.get("/hi/minerals/")
    assert 'href="/hi/minerals/lithium/"' in response.content.decode()
    # An item's address is worked out once per language, not once for both.
    assert 'href="/minerals/lithium/"' in reader.get("/minerals/").content.decode()


@pytest.mark.parametrize("path", ["/api/v1/", "/robots.txt", "/sitemap.xml", "/admin/login/"])
def test_the_api_admin_and_machine_files_stay_english_at_one_address(db, reader, path):
    response = reader.get(path, headers={"accept-language": "hi"})
    assert response.status_code == 200
    assert response["Content-Language"] == "en"
    assert "Accept-Language" not in response.get("Vary", "")
    assert reader.get("/hi" + path).status_code == 404


def test_english_pages_do_not_vary_on_the_browsers_language(content, reader):
    """The address alone decides: a Hindi browser asking for / gets English, and the answer
    is not marked Vary: Accept-Language (which would split the page cache by browser)."""
    response = reader.get("/minerals/", headers={"accept-language": "hi-IN,hi;q=0.9"})
    assert languages_of(response).lang == "en"
    assert "Accept-Language" not in response.get("Vary", "")
