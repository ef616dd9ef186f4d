"""A page costs the same number of queries with ten times the content."""

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext

from tests.factories import grow_content

pytestmark = pytest.mark.django_db

PAGES = [
    "/",
    "/about/",
    "/initiatives/",
    "/initiatives/trust/",
    "/sectors/",
    "/sectors/defence/",
    "/minerals/",
    "/minerals/?rare_earth=false&ordering=-name",
    "/minerals/neodymium/",
    "/minerals/matrix/",
    "/figures/",
    "/figures/figures.csv",
    "/timeline/",
    "/search/?q=lithium",
    "/data/",
    "/feed/",
    "/sitemap.xml",
    "/no-such-page/",
]
MOST_QUERIES_A_PAGE_MAY_MAKE = 13


def query_counts(client):
    """Queries per page in steady state: each page is asked for once first, so what a
    process works out once per change of content (the schedule, content types) is not
    counted against a page."""
    for path in PAGES:
        client.get(path)
    counts = {}
    for path in PAGES:
        with CaptureQueriesContext(connection) as queries:
            response = client.get(path)
        assert response.status_code in (200, 404), path
        counts[path] = len(queries)
    return counts


def test_query_count_per_page_does_not_grow_with_ten_times_the_content(client, content):
    at_1x = query_counts(client)
    grow_content(times=10)
    at_10x = query_counts(client)
    assert at_10x == at_1x
    assert max(at_1x.values()) <= MOST_QUERIES_A_PAGE_MAY_MAKE, at_1x


def test_grown_content_really_is_on_the_pages(client, content):
    """Guards the test above: the extra content must show, or equal counts prove nothing."""
    grow_content(times=10)
    assert "Mineral " in client.get("/minerals/matrix/").content.decode()
    assert "Initiative " in client.get("/initiatives/").content.decode()
    assert "36 minerals" in client.get("/minerals/").content.decode()
