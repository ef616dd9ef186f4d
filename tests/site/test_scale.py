"""At a hundred times the content, every list stays bounded and costs the same queries.

The seed content is measured, then ``manage.py synthesize --factor 100`` adds a
hundred marked copies of it, and the same pages are measured again: each page's
query count must not change, and no HTML page may exceed its size bound.
"""

import pytest
from django.core.management import call_command
from django.db import connection
from django.test import Client
from django.test.utils import CaptureQueriesContext

from minerals.models import Mineral
from tests.conftest import CONTENT_FIXTURES, remove_all_content

FACTOR = 100
#: No HTML page may be heavier than this, whatever the amount of content.
HTML_PAGE_LIMIT = 150 * 1024
#: The lists that grow with the content, on the site and in the API.
LISTS = [
    "/",
    "/initiatives/",
    "/sectors/",
    "/minerals/",
    "/minerals/?group=rare-earth",
    "/minerals/matrix/",
    "/figures/",
    "/timeline/",
    "/search/?q=lithium",
    "/about/",
    "/changes/",
    # Oldest first, so the first page holds the seed's own items at both sizes: Django
    # skips a prefetch with nothing to fetch (a page of initiatives without sections).
    "/api/v1/initiatives/?ordering=updated",
    "/api/v1/sectors/?ordering=updated",
    "/api/v1/minerals/?ordering=updated",
    "/api/v1/applications/?ordering=updated&page_size=100",
    "/api/v1/figures/?ordering=updated",
    "/api/v1/milestones/?ordering=updated",
]
ITEM_PAGES = [
    "/initiatives/trust/",
    "/sectors/defence/",
    "/minerals/neodymium/",
    "/figures/ncmm-outlay/",
    "/timeline/ncmm-approved/",
]

# One worker takes the whole module (see pyproject's addopts), so it is measured once.
pytestmark = [pytest.mark.django_db, pytest.mark.xdist_group("scale")]


def measure(client):
    """Queries and size of each page in steady state (each asked for once first)."""
    results = {}
    for path in [*LISTS, *ITEM_PAGES]:
        client.get(path)
        with CaptureQueriesContext(connection) as queries:
            response = client.get(path)
        assert response.status_code == 200, path
        results[path] = {
            "queries": len(queries),
            "bytes": len(response.content),
            "html": response["Content-Type"].startswith("text/html"),
        }
    return results


@pytest.fixture(scope="module")
def measured(django_db_setup, django_db_blocker):
    """The pages measured with the seed content, then with a hundred times as much."""
    with django_db_blocker.unblock():
        call_command("loaddata", *CONTENT_FIXTURES, verbosity=0)
        try:
            client = Client()
            at_1x = measure(client)
            call_command("synthesize", factor=FACTOR, verbosity=0, stdout=None)
            grown = Mineral.objects.count()
            at_100x = measure(client)
            yield at_1x, at_100x, grown
        finally:
            remove_all_content()


def test_the_content_really_grew_a_hundredfold(measured):
    _, _, minerals = measured
    assert minerals == 101 * 16


@pytest.mark.parametrize("path", [*LISTS, *ITEM_PAGES])
def test_query_count_is_the_same_at_a_hundred_times_the_content(measured, path):
    at_1x, at_100x, _ = measured
    assert at_100x[path]["queries"] == at_1x[path]["queries"]


@pytest.mark.parametrize("path", [*LISTS, *ITEM_PAGES])
def test_no_html_page_exceeds_its_size_bound_at_a_hundred_times_the_content(measured, path):
    _, at_100x, _ = measured
    page = at_100x[path]
    if page["html"]:
        assert page["bytes"] <= HTML_PAGE_LIMIT, f"{page['bytes'] / 1024:.0f} KB"


@pytest.mark.parametrize("path", [path for path in LISTS if path.startswith("/api/")])
def test_api_lists_stay_a_page_long(measured, path):
    at_1x, at_100x, _ = measured
    assert at_100x[path]["bytes"] <= max(at_1x[path]["bytes"] * 12, 64 * 1024)
