"""The API cites an item as its page does: ``?format=csl-json`` on an item with a page, the
``cite`` link in its representation, and the schema that documents both."""

import json

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext

from tests.factories import grow_content

pytestmark = pytest.mark.django_db

CSL_JSON = "application/vnd.citationstyles.csl+json"
#: Each resource whose items have pages, with an item and its page.
CITABLE = [
    ("initiatives", "trust", "/initiatives/trust/"),
    ("sectors", "defence", "/sectors/defence/"),
    ("figures", "ncmm-outlay", "/figures/ncmm-outlay/"),
    ("milestones", "ai-infrastructure-roadmap", "/timeline/ai-infrastructure-roadmap/"),
    ("minerals", "neodymium", "/minerals/neodymium/"),
]
each_citable = pytest.mark.parametrize(("resource", "slug", "page"), CITABLE)


@each_citable
def test_csl_json_of_an_item_is_its_pages_download(api, client, content, resource, slug, page):
    answer = api.get(f"/api/v1/{resource}/{slug}/", {"format": "csl-json"})
    download = client.get(f"{page}cite.json")

    assert answer.status_code == 200
    assert answer["Content-Type"] == f"{CSL_JSON}; charset=utf-8"
    assert answer.content == download.content
    assert json.loads(answer.content)[0]["URL"] == f"http://testserver{page}"


def test_hindi_csl_json_is_the_hindi_pages_download(api, client, content):
    answer = api.get("/api/v1/minerals/neodymium/", {"format": "csl-json", "lang": "hi"})
    download = client.get("/hi/minerals/neodymium/cite.json")

    assert answer.content == download.content
    [record] = json.loads(answer.content)
    assert record["title"] == "नियोडिमियम (Nd)"
    assert record["URL"] == "http://testserver/hi/minerals/neodymium/"
    assert answer["Content-Language"] == "hi"


def test_csl_json_is_also_given_for_its_accept_header(api, content):
    answer = api.get("/api/v1/minerals/neodymium/", HTTP_ACCEPT=CSL_JSON)

    assert answer.status_code == 200
    assert json.loads(answer.content)[0]["id"] == "trustsite-mineral-neodymium"


def test_each_citable_item_links_its_citation(api, content):
    for resource, slug, _page in CITABLE:
        item = api.get(f"/api/v1/{resource}/{slug}/").json()
        assert item["cite"] == f"http://testserver/api/v1/{resource}/{slug}/?format=csl-json"
        cited = api.get(item["cite"])
        assert cited.status_code == 200 and cited["Content-Type"].startswith(CSL_JSON)
    hindi = api.get("/api/v1/minerals/", {"lang": "hi"}).json()["results"][0]
    assert hindi["cite"].endswith("?format=csl-json&lang=hi")


def test_items_without_pages_and_lists_have_no_csl_json(api, content):
    for address in ("/api/v1/sources/trust-initiative-source-text/", "/api/v1/minerals/"):
        answer = api.get(address, {"format": "csl-json"})
        assert answer.status_code == 406
        assert "csl-json" in answer.json()["detail"]


def test_a_missing_item_is_a_json_404_even_for_csl_json(api, content):
    answer = api.get("/api/v1/minerals/unobtainium/", {"format": "csl-json"})

    assert answer.status_code == 404
    assert answer["Content-Type"] == "application/json"
    assert answer.json()["detail"]


def test_schema_documents_the_csl_json_format_and_the_cite_link(api, db):
    schema = api.get("/api/v1/schema/", {"format": "json"}).json()

    detail = schema["paths"]["/api/v1/minerals/{slug}/"]["get"]
    formats = next(p for p in detail["parameters"] if p["name"] == "format")
    assert formats["schema"]["enum"] == ["json", "csl-json"]
    content = detail["responses"]["200"]["content"]
    assert list(content) == ["application/json", CSL_JSON]
    assert content[CSL_JSON]["schema"]["items"] == {"$ref": "#/components/schemas/CSLItem"}
    assert "URL" in schema["components"]["schemas"]["CSLItem"]["required"]
    assert "cite" in schema["components"]["schemas"]["Mineral"]["required"]
    source = schema["paths"]["/api/v1/sources/{slug}/"]["get"]
    assert "format" not in [p["name"] for p in source["parameters"]]


def test_csl_json_queries_do_not_grow_with_content(api, content):
    def queries():
        api.get("/api/v1/minerals/neodymium/", {"format": "csl-json"})
        with CaptureQueriesContext(connection) as captured:
            assert api.get("/api/v1/minerals/neodymium/", {"format": "csl-json"}).status_code == 200
        return len(captured)

    before = queries()
    grow_content(times=10)
    assert queries() == before
