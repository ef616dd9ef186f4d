"""Filtering, search, ordering and pagination, and the 400s for values that cannot be used."""

import csv
import io
from datetime import timedelta

import pytest
from django.utils import timezone

from publishing.models import Publishable

from .resources import RESOURCES, slugs, text_of

pytestmark = pytest.mark.django_db

FILTER_CASES = [
    pytest.param(resource, query, expected, id=f"{resource}-{'&'.join(map(str, query.items()))}")
    for resource in RESOURCES
    for query, expected in resource.filters
]


@pytest.mark.parametrize(("resource", "query", "expected"), FILTER_CASES)
def test_filter_narrows_the_list_to_matching_items(api, content, resource, query, expected):
    resource.factory()  # one more item, which matches none of the filters
    everything = api.get(resource.list_url, {"page_size": 100}).json()["count"]

    response = api.get(resource.list_url, {**query, "page_size": 100})

    assert response.status_code == 200, response.json()
    assert slugs(response) == expected
    assert response.json()["count"] == len(expected) < everything


@pytest.mark.parametrize("resource", RESOURCES, ids=str)
def test_updated_after_gives_only_items_changed_since(api, content, resource):
    since = timezone.now() - timedelta(seconds=1)
    fresh = resource.factory()

    response = api.get(resource.list_url, {"updated_after": since.isoformat()})

    assert slugs(response) == {fresh.slug}


@pytest.mark.parametrize("resource", RESOURCES, ids=str)
def test_staff_can_list_only_drafts(publisher_api, api, content, resource):
    draft = resource.factory(status=Publishable.Status.DRAFT)

    assert slugs(publisher_api.get(resource.list_url, {"status": "draft"})) == {draft.slug}
    assert slugs(api.get(resource.list_url, {"status": "draft"})) == set()


INVALID = [
    ("initiatives", {"launched_min": "soon"}, "launched_min"),
    ("initiatives", {"launched_min": 2025, "launched_max": 2020}, "launched_max"),
    ("initiatives", {"launched_max": 99999999999999999999}, "launched_max"),
    ("initiatives", {"sector": "no-such-sector"}, "sector"),
    ("initiatives", {"partner": "atlantis"}, "partner"),
    ("milestones", {"year_min": "last year"}, "year_min"),
    ("milestones", {"year_min": 2025, "year_max": 2022}, "year_max"),
    ("milestones", {"expected": "maybe"}, "expected"),
    ("minerals", {"group": "metals"}, "group"),
    ("minerals", {"rare_earth": "perhaps"}, "rare_earth"),
    ("minerals", {"sector": "no-such-sector"}, "sector"),
    ("figures", {"unit": "furlongs"}, "unit"),
    ("figures", {"mineral": "unobtainium"}, "mineral"),
    ("figures", {"period": "FY\x0024"}, "period"),
    ("applications", {"mineral": "unobtainium"}, "mineral"),
    ("applications", {"sector": "\x00"}, "sector"),
    ("organizations", {"country": "atlantis"}, "country"),
    ("sectors", {"initiative": "no-such-initiative"}, "initiative"),
    ("countries", {"updated_after": "yesterday"}, "updated_after"),
    ("countries", {"updated_after": "0001-01-01T00:00:00+14:00"}, "updated_after"),
    ("sectors", {"updated_after": "9999-12-31T23:59:59-14:00"}, "updated_after"),
    ("sources", {"status": "secret"}, "status"),
    *[(resource.basename, {"ordering": "favourite"}, "ordering") for resource in RESOURCES],
    *[(resource.basename, {"search": "nul\x00byte"}, "search") for resource in RESOURCES],
]


@pytest.mark.parametrize(
    ("basename", "query", "parameter"),
    INVALID,
    ids=[f"{name}-{parameter}-{i}" for i, (name, _, parameter) in enumerate(INVALID)],
)
def test_unusable_filter_value_answers_400_naming_the_parameter(
    api, content, basename, query, parameter
):
    response = api.get(f"/api/v1/{basename}/", query)

    assert response.status_code == 400
    messages = response.json()[parameter]
    assert messages and all(isinstance(message, str) for message in messages)


def test_reversed_range_message_names_both_ends(api, content):
    response = api.get("/api/v1/milestones/", {"year_min": 2025, "year_max": 2022})

    message = response.json()["year_max"][0]
    assert "year_min" in message and "reversed" in message


def test_search_finds_words_in_any_listed_field(api, content):
    response = api.get("/api/v1/minerals/", {"search": "magnets"})

    assert {"neodymium", "praseodymium", "samarium"} <= slugs(response)
    assert "lithium" not in slugs(response)


def test_ordering_sorts_and_reverses(api, content):
    up = api.get("/api/v1/figures/", {"ordering": "value", "page_size": 100}).json()["results"]
    down = api.get("/api/v1/figures/", {"ordering": "-value", "page_size": 100}).json()["results"]

    values = [float(item["value"]) for item in up]
    assert values == sorted(values)
    assert [item["slug"] for item in down] == [item["slug"] for item in reversed(up)]


def test_milestones_are_chronological_by_default(api, content):
    items = api.get("/api/v1/milestones/").json()["results"]

    assert [item["year"] for item in items] == sorted(item["year"] for item in items)


def test_pages_have_count_next_and_previous_and_cover_every_item_once(api, content):
    seen = []
    url = "/api/v1/applications/?page_size=5"
    pages = 0
    while url:
        body = api.get(url).json()
        assert body["count"] == 18
        seen += [item["slug"] for item in body["results"]]
        assert (body["previous"] is None) == (pages == 0)
        url = body["next"]
        pages += 1

    assert pages == 4
    assert len(seen) == len(set(seen)) == 18


def test_page_size_is_capped_at_100(api, content):
    from tests.factories import SectorFactory

    SectorFactory.create_batch(120)

    body = api.get("/api/v1/sectors/", {"page_size": 1000}).json()

    assert len(body["results"]) == 100
    assert body["next"] is not None


def test_csv_download_is_the_whole_filtered_list_streamed(api, content):
    every = api.get("/api/v1/applications/", {"page_size": 100}).json()
    defence = api.get("/api/v1/applications/", {"page_size": 100, "sector": "defence"}).json()

    response = api.get("/api/v1/applications/", {"format": "csv", "page_size": 5})
    filtered = api.get("/api/v1/applications/", {"format": "csv", "sector": "defence"})

    assert response.streaming
    assert not response.has_header("Link")
    rows = list(csv.DictReader(io.StringIO(text_of(response))))
    assert [row["slug"] for row in rows] == [item["slug"] for item in every["results"]]
    assert every["count"] > 5
    rows = list(csv.DictReader(io.StringIO(text_of(filtered))))
    assert [row["slug"] for row in rows] == [item["slug"] for item in defence["results"]]


def test_page_beyond_the_last_answers_404(api, content):
    assert api.get("/api/v1/minerals/", {"page": 99}).status_code == 404


def test_error_for_a_csv_request_is_json_naming_the_parameter(api, content):
    response = api.get("/api/v1/minerals/", {"format": "csv", "group": "metals"})

    assert response.status_code == 400
    assert response["Content-Type"] == "application/json"
    assert "group" in response.json()


@pytest.mark.parametrize("path", ["unicorns/", "sectors/not%20a%20slug/", "sectors/new%0Aline/"])
def test_unknown_path_in_the_api_answers_json_404(api, content, path):
    response = api.get(f"/api/v1/{path}")

    assert response.status_code == 404
    assert "detail" in response.json()


def test_write_to_an_unknown_api_path_is_a_json_404_even_with_a_session(publisher, content):
    from rest_framework.test import APIClient

    client = APIClient(enforce_csrf_checks=True)
    client.force_login(publisher)

    response = client.delete("/api/v1/sectors/not%20a%20slug/")

    assert response.status_code == 404
    assert "detail" in response.json()


@pytest.mark.parametrize("path", ["/api/v1/minerals/", "/api/v1/minerals/neodymium/"])
def test_an_unknown_format_answers_406_naming_the_formats_there_are(api, content, path):
    response = api.get(path, {"format": "xml"})

    assert response.status_code == 406
    assert response["Content-Type"] == "application/json"
    detail = response.json()["detail"]
    assert "xml" in detail and "json" in detail and "csv" in detail
