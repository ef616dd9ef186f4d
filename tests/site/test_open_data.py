"""Open data at /data/: a Frictionless Data Package of the published content, and the
schema.org JSON-LD that describes the dataset and every item page."""

import csv
import datetime
import io
import json
import re
import zipfile

import pytest
import time_machine
from django.db import connection
from django.test import Client
from django.test.utils import CaptureQueriesContext
from django.utils import timezone
from frictionless import validate

from initiatives.models import Sector
from minerals.models import Mineral
from publishing.models import PublicChange
from publishing.versions import stamp
from tests.editorial.conftest import admin_url, member_of, open_change_form
from tests.factories import InitiativeFactory, MineralFactory, arranged, grow_content
from tests.tools import PAGE_TYPES

pytestmark = pytest.mark.django_db

#: The tables that are API resources, by the same name.
API_TABLES = [
    "initiatives",
    "milestones",
    "figures",
    "sectors",
    "countries",
    "organizations",
    "sources",
    "minerals",
    "applications",
]


def descriptor(client):
    response = client.get("/data/datapackage.json")
    assert response.status_code == 200
    assert response["Content-Type"].startswith("application/json")
    return json.loads(response.content)


def package_files(client):
    """Every file of the package, as served: {name: bytes}."""
    files = {"datapackage.json": client.get("/data/datapackage.json").content}
    for resource in json.loads(files["datapackage.json"])["resources"]:
        response = client.get(f"/data/{resource['path']}")
        assert response.status_code == 200, resource["path"]
        files[resource["path"]] = response.content
    return files


def write_package(files, folder):
    for name, body in files.items():
        (folder / name).write_bytes(body)
    return folder / "datapackage.json"


def rows(body):
    return list(csv.DictReader(io.StringIO(body.decode())))


def errors_of(report):
    return [f"{task.name}: {error.message}" for task in report.tasks for error in task.errors] + [
        error.message for error in report.errors
    ]


def publish_a_change(django_user_model):
    """A Publisher publishes a change to neodymium in the admin; the public change's date."""
    publisher = Client()
    publisher.force_login(member_of(django_user_model, "paula", "Publisher"))
    neodymium = Mineral.objects.get(slug="neodymium")
    form = open_change_form(publisher, neodymium)
    form.update(summary="A rare earth element for permanent magnets.", _publish="Publish")
    assert publisher.post(admin_url(neodymium, "change"), form).status_code == 302
    return PublicChange.filter_item(neodymium).get().date


def test_the_data_package_passes_frictionless_validate(client, content, tmp_path):
    report = validate(write_package(package_files(client), tmp_path))
    assert errors_of(report) == []
    assert report.valid
    assert len(report.tasks) == len(descriptor(client)["resources"])


def test_validation_catches_a_link_to_an_item_that_is_not_in_the_package(client, content, tmp_path):
    """Guards the test above: the foreign keys are really checked."""
    files = package_files(client)
    files["minerals-initiatives.csv"] += b"lithium,no-such-initiative\r\n"
    report = validate(write_package(files, tmp_path))
    assert not report.valid
    assert any("no-such-initiative" in error for error in errors_of(report))


def test_each_content_type_has_a_table_with_types_descriptions_and_keys_by_slug(client, content):
    package = descriptor(client)
    resources = {resource["name"]: resource for resource in package["resources"]}
    assert set(API_TABLES) | {"sections", "points"} <= set(resources)
    for name in API_TABLES:
        schema = resources[name]["schema"]
        assert schema["primaryKey"] == ["slug"]
        assert all(field["type"] and field["description"] for field in schema["fields"])
    minerals = {field["name"]: field for field in resources["minerals"]["schema"]["fields"]}
    assert minerals["is_rare_earth"]["type"] == "boolean"
    assert "rare-earth" in minerals["group"]["constraints"]["enum"]
    assert "name_hi" in minerals
    figures = resources["figures"]["schema"]
    assert {field["name"]: field["type"] for field in figures["fields"]}["value"] == "number"
    assert {
        "fields": ["initiative_slug"],
        "reference": {"resource": "initiatives", "fields": ["slug"]},
    } in figures["foreignKeys"]
    links = resources["initiatives-sectors"]["schema"]
    assert links["primaryKey"] == ["initiative", "sector"]
    assert {
        "fields": ["sector"],
        "reference": {"resource": "sectors", "fields": ["slug"]},
    } in links["foreignKeys"]


def test_the_package_names_its_licence_sources_version_and_date(
    client, content, settings, django_user_model
):
    package = descriptor(client)
    assert package["licenses"] == [settings.DATA_LICENSE]
    sources = rows(client.get("/data/sources.csv").content)
    assert sorted(source["title"] for source in package["sources"]) == sorted(
        source["title"] for source in sources
    )
    assert all(
        resource["path"] == f"{resource['name']}.csv" for resource in package["resources"]
    ), "paths relative to datapackage.json"
    assert "version" not in package  # no public change yet

    date = publish_a_change(django_user_model)
    package = descriptor(client)
    assert package["version"] == stamp(date)
    assert package["modified"] == date.isoformat()


def test_each_table_has_as_many_rows_as_the_api_lists(client, content):
    for name in API_TABLES:
        in_api = client.get(f"/api/v1/{name}/").json()["count"]
        assert len(rows(client.get(f"/data/{name}.csv").content)) == in_api, name
    assert (
        len(rows(client.get("/data/minerals.csv").content)) == Mineral.objects.published().count()
    )


def test_the_zip_holds_the_same_bytes_as_each_file(client, content):
    files = package_files(client)
    response = client.get("/data/trustsite-data.zip")
    assert response["Content-Type"] == "application/zip"
    with zipfile.ZipFile(io.BytesIO(response.content)) as archive:
        assert sorted(archive.namelist()) == sorted(files)
        for name, body in files.items():
            assert archive.read(name) == body, name


def test_drafts_and_unpublished_changes_never_reach_the_package_even_for_staff(
    content, django_user_model
):
    MineralFactory(slug="draft-mineral", name="Draftium", status="draft")
    secret = InitiativeFactory(slug="draft-initiative", status="draft")
    with arranged():
        Mineral.objects.get(slug="lithium").initiatives.add(secret)
    editor = member_of(django_user_model, "edith", "Editor")
    staff = Client()
    staff.force_login(editor)
    cobalt = Mineral.objects.get(slug="cobalt")
    form = open_change_form(staff, cobalt)
    form["summary"] = "Secret unpublished words."
    assert staff.post(admin_url(cobalt, "change"), form).status_code == 302

    # The staff member reads them all in the API (guards the test: they exist)…
    assert b"Secret unpublished words" in staff.get("/api/v1/minerals/cobalt/").content
    assert b"draft-initiative" in staff.get("/api/v1/minerals/lithium/").content
    # …and none of them in the data package.
    files = package_files(staff)
    files["trustsite-data.zip"] = staff.get("/data/trustsite-data.zip").content
    for name, body in files.items():
        for secret_text in (b"draft-mineral", b"draft-initiative", b"Secret unpublished words"):
            assert secret_text not in body, (name, secret_text)


def test_an_unknown_file_is_404(client, content):
    assert client.get("/data/passwords.csv").status_code == 404
    assert client.get("/data/sources.json").status_code == 404


def test_the_data_page_describes_the_dataset_and_links_every_file(client, content):
    package = descriptor(client)
    page = client.get("/data/").content.decode()
    assert "Frictionless Data Package" in page
    for resource in package["resources"]:
        assert f'href="/data/{resource["path"]}"' in page
    assert 'href="/data/trustsite-data.zip"' in page
    assert 'href="/data/datapackage.json"' in page
    hindi = client.get("/hi/data/").content.decode()
    assert "खुला डेटा" in hindi and 'href="/data/minerals.csv"' in hindi
    assert 'href="/data/"' in client.get("/").content.decode()
    assert "/data/</loc>" in client.get("/sitemap.xml").content.decode()


DATA_ADDRESSES = [
    "/data/",
    "/hi/data/",
    "/data/datapackage.json",
    "/data/minerals.csv",
    "/data/points.csv",
    "/data/initiatives-sectors.csv",
    "/data/trustsite-data.zip",
]


def query_counts(client):
    for path in DATA_ADDRESSES:
        client.get(path)
    counts = {}
    for path in DATA_ADDRESSES:
        with CaptureQueriesContext(connection) as queries:
            assert client.get(path).status_code == 200, path
        counts[path] = len(queries)
    return counts


def test_the_data_costs_the_same_number_of_queries_with_ten_times_the_content(client, content):
    at_1x = query_counts(client)
    grow_content(times=10)
    at_10x = query_counts(client)
    assert at_10x == at_1x
    assert b"Mineral " in client.get("/data/minerals.csv").content


# JSON-LD ---------------------------------------------------------------------------------

JSON_LD = re.compile(r'<script type="application/ld\+json">(.*?)</script>', re.S)
DATASET_PAGES = {
    "/data/": None,
    "/initiatives/": "initiatives.csv",
    "/sectors/": "sectors.csv",
    "/minerals/": "minerals.csv",
    "/minerals/matrix/": "applications.csv",
    "/figures/": "figures.csv",
    "/timeline/": "milestones.csv",
}
ITEM_PAGES = {
    "/initiatives/trust/": "Thing",
    "/sectors/defence/": "Thing",
    "/minerals/neodymium/": "ChemicalSubstance",
    "/figures/ncmm-outlay/": "Thing",
    "/timeline/ncmm-approved/": "Event",
}


def json_ld(client, path):
    response = client.get(path)
    assert response.status_code == 200, path
    return [json.loads(block) for block in JSON_LD.findall(response.content.decode())]


@pytest.mark.parametrize("prefix", ["", "/hi"])
def test_dataset_pages_describe_a_dataset_with_its_downloads(client, content, prefix):
    for path, table_file in DATASET_PAGES.items():
        (dataset,) = json_ld(client, prefix + path)
        assert dataset["@context"] == "https://schema.org"
        assert dataset["@type"] == "Dataset"
        for required in ("name", "description", "license", "creator", "temporalCoverage"):
            assert dataset[required], (path, required)
        assert dataset["inLanguage"] == ("hi" if prefix else "en")
        downloads = {item["contentUrl"].rsplit("/", 1)[1]: item for item in dataset["distribution"]}
        assert all(item["@type"] == "DataDownload" for item in downloads.values())
        assert downloads["datapackage.json"]["encodingFormat"] == "application/json"
        assert downloads["trustsite-data.zip"]["encodingFormat"] == "application/zip"
        if table_file:
            assert downloads[table_file]["encodingFormat"] == "text/csv"
        assert re.fullmatch(r"\d{4}(/\d{4})?", dataset["temporalCoverage"])
    (minerals,) = json_ld(client, prefix + "/minerals/")
    assert minerals["name"] == ("महत्वपूर्ण खनिज" if prefix else "Critical minerals")


def test_json_ld_carries_the_version_and_date_of_the_latest_public_change(
    client, content, django_user_model
):
    date = publish_a_change(django_user_model)
    (dataset,) = json_ld(client, "/minerals/")
    assert dataset["version"] == stamp(date)
    assert dataset["dateModified"].startswith(date.date().isoformat())
    (article,) = json_ld(client, "/minerals/neodymium/")
    assert article["dateModified"] == f"{date:%Y-%m-%dT%H:%M:%S}Z"


def test_a_list_pages_dataset_names_the_version_of_its_own_kind_and_data_the_whole_ones(
    client, content, django_user_model
):
    publisher = Client()
    publisher.force_login(member_of(django_user_model, "pat", "Publisher"))

    def publish(item, summary):
        form = open_change_form(publisher, item)
        form.update(summary=summary, _publish="Publish")
        assert publisher.post(admin_url(item, "change"), form).status_code == 302
        return PublicChange.filter_item(item).first().date

    def versions():
        named = {path: json_ld(client, path)[0].get("version") for path in DATASET_PAGES}
        return named | {"datapackage.json": descriptor(client).get("version")}

    now = timezone.now()
    with time_machine.travel(now + datetime.timedelta(minutes=2), tick=False):
        mineral_date = publish(Mineral.objects.get(slug="neodymium"), "Magnets, first.")
    with time_machine.travel(now + datetime.timedelta(minutes=5), tick=False):
        sector_date = publish(Sector.objects.get(slug="space"), "Satellites, second.")
        named = versions()

    assert named.pop("/minerals/") == stamp(mineral_date)
    assert named.pop("/sectors/") == stamp(sector_date)
    assert named.pop("/data/") == named.pop("datapackage.json") == stamp(sector_date)
    assert set(named.values()) == {None}, "the other kinds have no public change yet"


@pytest.mark.parametrize("prefix", ["", "/hi"])
def test_item_pages_describe_their_item(client, content, prefix):
    for path, about_type in ITEM_PAGES.items():
        (article,) = json_ld(client, prefix + path)
        assert article["@type"] == "Article"
        for required in ("name", "description", "url", "dateModified", "isPartOf", "about"):
            assert article[required], (path, required)
        assert article["url"].endswith(prefix + path)
        assert article["inLanguage"] == ("hi" if prefix else "en")
        assert article["about"]["@type"] == about_type
        assert article["isPartOf"]["@type"] == "WebSite"
    (neodymium,) = json_ld(client, prefix + "/minerals/neodymium/")
    assert neodymium["about"]["name"] == ("नियोडिमियम" if prefix else "Neodymium")


def test_every_page_type_has_json_ld_that_parses_or_none(client, content):
    for page in PAGE_TYPES:
        response = client.get(page.url)
        blocks = JSON_LD.findall(response.content.decode())
        assert len(blocks) <= 1, page.name
        for block in blocks:
            assert json.loads(block)["@context"] == "https://schema.org", page.name


def test_json_ld_cannot_be_closed_by_an_editors_text(client, content):
    with arranged():
        Mineral.objects.filter(slug="neodymium").update(
            summary="</script><script>alert(1)</script> & more"
        )
    page = client.get("/minerals/neodymium/").content.decode()
    (block,) = JSON_LD.findall(page)
    assert "</script>" not in block and "<" not in block
    assert "alert(1)" in json.loads(block)["description"]
