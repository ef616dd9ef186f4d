"""Every resource: read, drafts, writes, validation, CSV and conditional GET."""

import csv
import io
import json
from decimal import Decimal

import pytest

from publishing.models import Publishable

from .resources import RESOURCES, slugs, text_of

DRAFT = Publishable.Status.DRAFT

pytestmark = pytest.mark.django_db

each_resource = pytest.mark.parametrize("resource", RESOURCES, ids=str)


def first_slug(resource):
    return resource.model.objects.published().order_by("slug").first().slug


@each_resource
def test_list_gives_every_published_item_with_links(api, content, resource):
    response = api.get(resource.list_url, {"page_size": 100})

    assert response.status_code == 200
    body = response.json()
    assert body["count"] == resource.model.objects.published().count() > 0
    assert {"next", "previous", "results"} <= set(body)
    item = body["results"][0]
    assert item["url"] == f"http://testserver{resource.detail_url(item['slug'])}"
    if "page" in item:
        assert item["page"].startswith("http://testserver/")
        assert api.get(item["page"]).status_code == 200


@each_resource
def test_detail_is_addressed_by_slug_and_matches_the_list(api, content, resource):
    slug = first_slug(resource)
    listed = next(
        item
        for item in api.get(resource.list_url, {"page_size": 100}).json()["results"]
        if item["slug"] == slug
    )

    response = api.get(resource.detail_url(slug))

    assert response.status_code == 200
    assert response.json() == listed
    assert api.get(resource.detail_url("no-such-item")).status_code == 404


@pytest.mark.parametrize("resource", [r for r in RESOURCES if r.basename != "sources"], ids=str)
def test_related_links_lead_to_the_related_items(api, content, resource):
    item = api.get(resource.detail_url(first_slug(resource))).json()
    links = [
        link
        for name, value in item.items()
        if name not in ("url", "page", "document_url")
        for link in (value if isinstance(value, list) else [value])
        if isinstance(link, str) and link.startswith("http://testserver/api/v1/")
    ]

    assert links, "every item but a source links to at least its source"
    for link in links:
        assert api.get(link).status_code == 200, link


@each_resource
def test_draft_is_hidden_from_anonymous_and_shown_to_staff(api, publisher_api, content, resource):
    draft = resource.factory(status=DRAFT)

    assert draft.slug not in slugs(api.get(resource.list_url, {"page_size": 100}))
    assert api.get(resource.detail_url(draft.slug)).status_code == 404
    assert draft.slug in slugs(publisher_api.get(resource.list_url, {"page_size": 100}))
    assert publisher_api.get(resource.detail_url(draft.slug)).json()["status"] == "draft"


@each_resource
def test_anonymous_write_is_refused_and_changes_nothing(api, content, resource):
    slug = first_slug(resource)
    before = api.get(resource.detail_url(slug)).json()
    count = resource.model.objects.count()

    assert api.post(resource.list_url, resource.new, format="json").status_code == 401
    assert api.patch(resource.detail_url(slug), resource.change, format="json").status_code == 401
    assert api.delete(resource.detail_url(slug)).status_code == 401

    assert resource.model.objects.count() == count
    assert api.get(resource.detail_url(slug)).json() == before


@each_resource
def test_user_without_permission_cannot_write(reader_api, content, resource):
    count = resource.model.objects.count()

    response = reader_api.post(resource.list_url, resource.new, format="json")

    assert response.status_code == 403
    assert resource.model.objects.count() == count


@each_resource
def test_editor_creates_with_a_token_and_relations_by_slug(publisher_api, api, content, resource):
    response = publisher_api.post(resource.list_url, resource.new, format="json")

    assert response.status_code == 201, response.json()
    created = resource.model.objects.get(slug=resource.new["slug"])
    assert created.status == DRAFT, "new items start as drafts"
    shown = response.json()
    for name, value in resource.new.items():
        if isinstance(value, list):
            assert sorted(link.rstrip("/").rsplit("/", 1)[-1] for link in shown[name]) == sorted(
                value
            )
        elif name in ("mineral", "sector", "country", "parent", "initiative"):
            assert shown[name].endswith(f"/{value}/")
        elif name == "value":
            assert Decimal(shown[name]) == Decimal(value)
        else:
            assert shown[name] == value, name
    assert api.get(resource.detail_url(created.slug)).status_code == 404
    publish = publisher_api.patch(
        resource.detail_url(created.slug), {"status": "published"}, format="json"
    )
    assert publish.status_code == 200
    assert api.get(resource.detail_url(created.slug)).status_code == 200


@each_resource
def test_editor_changes_an_item_and_readers_see_it(publisher_api, api, content, resource):
    slug = first_slug(resource)

    response = publisher_api.patch(resource.detail_url(slug), resource.change, format="json")

    assert response.status_code == 200, response.json()
    (name, value), *_ = resource.change.items()
    assert api.get(resource.detail_url(slug)).json()[name] == value


@each_resource
def test_item_read_from_the_api_can_be_sent_back_unchanged(publisher_api, content, resource):
    slug = first_slug(resource)
    item = publisher_api.get(resource.detail_url(slug)).json()

    response = publisher_api.put(resource.detail_url(slug), item, format="json")

    assert response.status_code == 200, response.json()
    assert response.json() == item | {"updated": response.json()["updated"]}


@each_resource
def test_bad_data_answers_400_naming_the_field(publisher_api, content, resource):
    count = resource.model.objects.count()

    response = publisher_api.post(resource.list_url, resource.bad, format="json")

    assert response.status_code == 400
    assert resource.bad_field in response.json(), response.json()
    assert all(isinstance(message, str) for message in response.json()[resource.bad_field])
    assert resource.model.objects.count() == count


@each_resource
def test_editor_deletes_an_unused_item(publisher_api, api, content, resource):
    item = resource.factory()

    assert publisher_api.delete(resource.detail_url(item.slug)).status_code == 204
    assert not resource.model.objects.filter(slug=item.slug).exists()


@each_resource
@pytest.mark.parametrize("ask", [{"format": "csv"}, {"HTTP_ACCEPT": "text/csv"}], ids=str)
def test_list_as_csv_has_a_row_per_item(api, content, resource, ask):
    query = {"page_size": 100}
    headers = {}
    if "format" in ask:
        query |= ask
    else:
        headers = ask
    json_items = api.get(resource.list_url, {"page_size": 100}).json()["results"]

    response = api.get(resource.list_url, query, **headers)

    assert response.status_code == 200
    assert response["Content-Type"] == "text/csv; charset=utf-8"
    rows = list(csv.DictReader(io.StringIO(text_of(response))))
    assert [row["slug"] for row in rows] == [item["slug"] for item in json_items]
    assert set(rows[0]) == set(json_items[0])


@each_resource
def test_empty_csv_list_still_has_its_header(api, content, resource):
    response = api.get(resource.list_url, {"format": "csv", "search": "no-such-words-anywhere"})

    lines = text_of(response).splitlines()
    assert len(lines) == 1
    assert "slug" in lines[0].split(",")


@each_resource
@pytest.mark.parametrize("kind", ["list", "detail"])
def test_repeat_with_etag_answers_304_until_the_item_changes(
    api, publisher_api, content, resource, kind
):
    slug = first_slug(resource)
    url = resource.list_url if kind == "list" else resource.detail_url(slug)
    first = api.get(url)
    etag = first["ETag"]

    repeat = api.get(url, HTTP_IF_NONE_MATCH=etag)

    assert repeat.status_code == 304
    assert repeat.content == b""
    assert repeat["ETag"] == etag
    publisher_api.patch(resource.detail_url(slug), resource.change, format="json")
    changed = api.get(url, HTTP_IF_NONE_MATCH=etag)
    assert changed.status_code == 200
    assert changed["ETag"] != etag


@each_resource
def test_etag_differs_between_formats_and_the_answer_varies_on_them(api, content, resource):
    as_json = api.get(resource.list_url)
    as_csv = api.get(resource.list_url, {"format": "csv"})

    assert as_json["ETag"] != as_csv["ETag"]
    assert (
        api.get(
            resource.list_url, {"format": "csv"}, HTTP_IF_NONE_MATCH=as_json["ETag"]
        ).status_code
        == 200
    )
    assert {"Accept", "Authorization", "Cookie"} <= {
        value.strip() for value in as_json["Vary"].split(",")
    }


@each_resource
@pytest.mark.parametrize("signed_in", [False, True], ids=["anonymous", "editor"])
def test_browsable_api_shows_the_list_with_its_filters(
    client, publisher, content, resource, signed_in
):
    if signed_in:
        client.force_login(publisher)

    response = client.get(resource.list_url, HTTP_ACCEPT="text/html")

    assert response.status_code == 200
    assert response["Content-Type"].startswith("text/html")
    html = response.content.decode()
    assert first_slug(resource) in html
    assert ('name="_content"' in html) == signed_in, "only editors get the form to write"


def test_api_root_lists_every_resource(api, content):
    response = api.get("/api/v1/")

    assert response.status_code == 200
    assert set(response.json()) == {resource.basename for resource in RESOURCES}


@each_resource
def test_options_describes_the_writable_fields_to_an_editor(publisher_api, content, resource):
    response = publisher_api.options(resource.list_url)

    assert response.status_code == 200
    fields = response.json()["actions"]["POST"]
    assert fields["slug"]["required"] is True
    assert fields["url"]["read_only"] is True


def test_csv_keeps_lists_of_links_and_nested_sections_readable(api, content):
    as_json = api.get("/api/v1/initiatives/trust/").json()

    response = api.get("/api/v1/initiatives/", {"format": "csv"})

    row = next(
        row for row in csv.DictReader(io.StringIO(text_of(response))) if row["slug"] == "trust"
    )
    assert row["sectors"].split(" ") == as_json["sectors"]
    assert json.loads(row["sections"]) == as_json["sections"]
    assert row["parent"] == ""
    assert response["Content-Disposition"] == 'attachment; filename="initiatives.csv"'
    one = api.get("/api/v1/initiatives/trust/", {"format": "csv"})
    assert one["Content-Disposition"] == 'attachment; filename="initiatives-trust.csv"'


def test_csv_figures_keep_the_exact_value_beside_the_display(api, content):
    response = api.get("/api/v1/figures/", {"format": "csv", "unit": "INR", "period": "FY24"})

    rows = {row["slug"]: row for row in csv.DictReader(io.StringIO(text_of(response)))}
    bill = rows["critical-minerals-import-bill-fy24"]
    assert Decimal(bill["value"]) == Decimal("300000000000")
    assert "₹" in bill["display"] and "crore" in bill["display"]


def test_compressed_answer_also_gets_304_on_a_repeat(api, content):
    first = api.get("/api/v1/initiatives/", HTTP_ACCEPT_ENCODING="gzip")
    assert first["Content-Encoding"] == "gzip"

    repeat = api.get(
        "/api/v1/initiatives/", HTTP_ACCEPT_ENCODING="gzip", HTTP_IF_NONE_MATCH=first["ETag"]
    )

    assert repeat.status_code == 304
