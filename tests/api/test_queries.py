"""The number of queries per request does not grow with page size or content."""

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext

from tests.factories import grow_content

from .resources import RESOURCES

pytestmark = pytest.mark.django_db

each_resource = pytest.mark.parametrize("resource", RESOURCES, ids=str)


def grow(resource):
    """Ten times the content, and at least a dozen more items of the resource itself
    (grow_content adds linked initiatives, minerals… but no organizations or sources)."""
    grow_content(times=10)
    resource.factory.create_batch(12)


def count_queries(client, url, query):
    """Queries of a request in steady state: asked once first, so what a process works
    out once per change of content (the schedule, content types) is not counted."""
    client.get(url, query)
    with CaptureQueriesContext(connection) as captured:
        response = client.get(url, query)
    assert response.status_code == 200
    return len(captured), response


@each_resource
@pytest.mark.parametrize("who", ["api", "publisher_api"])
def test_list_queries_do_not_grow_with_content_or_page_size(request, content, resource, who):
    client = request.getfixturevalue(who)
    small, _ = count_queries(client, resource.list_url, {"page_size": 5})
    grow(resource)

    large, response = count_queries(client, resource.list_url, {"page_size": 100})

    assert response.json()["count"] > 10, "the larger run really shows more content"
    assert len(response.json()["results"]) > 5
    assert large == small


@each_resource
def test_detail_queries_do_not_grow_with_content(api, content, resource):
    slug = resource.model.objects.published().order_by("slug").first().slug
    before, _ = count_queries(api, resource.detail_url(slug), {})
    grow(resource)

    after, _ = count_queries(api, resource.detail_url(slug), {})

    assert after == before


@each_resource
def test_csv_queries_do_not_grow_with_content(api, content, resource):
    before, _ = count_queries(api, resource.list_url, {"format": "csv"})
    grow(resource)

    after, _ = count_queries(api, resource.list_url, {"format": "csv", "page_size": 100})

    assert after == before
