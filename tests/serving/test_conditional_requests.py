"""Every read answers with validators, and a repeat that sends them back gets a 304:
the API's root and schema, its lists, and the HTML pages (ETag and Last-Modified)."""

import datetime

import pytest
import time_machine
from django.utils import timezone

pytestmark = pytest.mark.django_db

API = ["/api/v1/", "/api/v1/schema/", "/api/v1/minerals/", "/api/v1/sectors/space/"]
PAGES = [
    "/",
    "/minerals/",
    "/minerals/neodymium/",
    "/sectors/space/",
    "/initiatives/trust/",
    "/figures/",
    "/timeline/",
    "/about/",
    "/changes/",
    "/search/?q=lithium",
]


@pytest.fixture
def settled(content):
    """A few seconds after the last change (Last-Modified waits for its second to end)."""
    with time_machine.travel(timezone.now() + datetime.timedelta(seconds=3), tick=True):
        yield


@pytest.mark.parametrize("path", API)
def test_the_api_answers_with_an_etag_and_a_repeat_gets_304(settled, reader, path):
    first = reader.get(path)
    assert first.status_code == 200
    assert first.has_header("ETag"), dict(first.headers)

    repeat = reader.get(path, HTTP_IF_NONE_MATCH=first["ETag"])

    assert repeat.status_code == 304
    assert repeat["ETag"] == first["ETag"]
    assert repeat.content == b""


@pytest.mark.parametrize("path", PAGES)
def test_a_page_answers_with_etag_and_last_modified_and_a_repeat_gets_304(settled, reader, path):
    first = reader.get(path)
    assert first.status_code == 200
    assert first.has_header("ETag") and first.has_header("Last-Modified"), dict(first.headers)

    assert reader.get(path, HTTP_IF_NONE_MATCH=first["ETag"]).status_code == 304
    assert reader.get(path, HTTP_IF_MODIFIED_SINCE=first["Last-Modified"]).status_code == 304


@pytest.mark.parametrize("path", ["/minerals/", "/api/v1/minerals/"])
def test_a_compressed_answer_gets_304_too(settled, reader, path):
    first = reader.get(path, HTTP_ACCEPT_ENCODING="gzip")
    assert first["Content-Encoding"] == "gzip"

    repeat = reader.get(path, HTTP_ACCEPT_ENCODING="gzip", HTTP_IF_NONE_MATCH=first["ETag"])

    assert repeat.status_code == 304


def test_a_conditional_request_answered_from_the_cache_gets_304(settled, reader):
    first = reader.get("/minerals/")
    assert reader.get("/minerals/")["X-Page-Cache"] == "hit"

    assert reader.get("/minerals/", HTTP_IF_NONE_MATCH=first["ETag"]).status_code == 304


@pytest.mark.parametrize("path", [*PAGES, *API])
def test_a_head_request_carries_the_validators_its_get_would(settled, reader, path):
    got = reader.get(path)
    head = reader.head(path)

    assert head.status_code == 200
    assert head["ETag"] == got["ETag"]
    assert head.get("Last-Modified") == got.get("Last-Modified")
    assert reader.head(path, HTTP_IF_NONE_MATCH=got["ETag"]).status_code == 304
