"""The page cache, ETags and feeds keep the languages apart: a cached Hindi answer is never
served for English, nor the reverse, whichever is asked first."""

import pytest
from django.test import Client

from .conftest import languages_of

pytestmark = pytest.mark.django_db

PAGES = ["/minerals/", "/figures/ncmm-outlay/", "/"]


@pytest.mark.parametrize("path", PAGES)
@pytest.mark.parametrize("first", ["hi", "en"])
def test_each_language_gets_its_own_cached_answer(content, page_cache_on, path, first):
    addresses = {"en": path, "hi": "/hi" + path}
    order = [first, "hi" if first == "en" else "en"]
    for round_ in ("miss", "hit"):
        for language in order:
            response = Client().get(addresses[language])
            assert response.status_code == 200
            assert response["X-Page-Cache"] == round_, (language, round_)
            assert languages_of(response).lang == language, (language, round_)
            assert response["Content-Language"] == language


def test_a_validator_from_one_language_does_not_validate_the_other(content, page_cache_on):
    english = Client().get("/minerals/")
    hindi = Client().get("/hi/minerals/", headers={"if-none-match": english["ETag"]})
    assert hindi.status_code == 200
    assert hindi["ETag"] != english["ETag"]
    again = Client().get("/hi/minerals/", headers={"if-none-match": hindi["ETag"]})
    assert again.status_code == 304


@pytest.mark.parametrize("first", ["hi", "en"])
@pytest.mark.parametrize("feed", ["/feed/", "/changes/feed/"])
def test_feeds_are_per_language(content, page_cache_on, first, feed):
    titles = {"en": "<title>trustsite: ", "hi": "<title>trustsite: "}
    words = {
        "/feed/": {"en": "latest updates", "hi": "नवीनतम अपडेट"},
        "/changes/feed/": {"en": "changes to the content", "hi": "सामग्री में बदलाव"},
    }[feed]
    order = [first, "hi" if first == "en" else "en"]
    for _ in range(2):
        for language in order:
            path = feed if language == "en" else "/hi" + feed
            body = Client().get(path).content.decode()
            assert titles[language] + words[language] in body
            assert ("/hi/" in body) == (language == "hi")
