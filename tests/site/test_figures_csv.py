"""The figures CSV gives analysts every published figure, exact and as the site shows it."""

import csv
import io

import pytest

from publishing.models import Publishable
from tests.factories import FigureFactory

pytestmark = pytest.mark.django_db


def rows(response):
    return list(csv.DictReader(io.StringIO(b"".join(response.streaming_content).decode())))


def test_csv_is_a_download_named_figures_csv(client, content):
    response = client.get("/figures/figures.csv")
    assert response.status_code == 200
    assert response["Content-Type"].startswith("text/csv")
    assert 'filename="figures.csv"' in response["Content-Disposition"]


def test_csv_has_every_published_figure_with_exact_and_displayed_values(client, content):
    by_slug = {row["slug"]: row for row in rows(client.get("/figures/figures.csv"))}
    assert len(by_slug) == 10
    bill = by_slug["critical-minerals-import-bill-fy24"]
    assert bill["value"] == "300000000000"
    assert bill["unit"] == "INR"
    assert bill["qualifier"] == "approximately"
    assert bill["display_value"] == "approximately ₹30,000 crore"
    assert bill["period"] == "FY24"
    assert bill["notes"] == "Excluding lithium."
    assert by_slug["phosphorus-imports-fy24"]["part_of"] == "critical-minerals-import-bill-fy24"
    assert by_slug["pharma-share-of-consumer-goods-exports-2023"]["value"] == "21.9"
    assert "neodymium" in by_slug["china-share-of-ree-production"]["minerals"].split()
    assert by_slug["ncmm-outlay"]["sources"] == "India–US TRUST Initiative"
    assert by_slug["ncmm-outlay"]["url"].endswith("/figures/ncmm-outlay/")


def test_csv_leaves_out_drafts(client, content):
    FigureFactory(slug="draft-figure", status=Publishable.Status.DRAFT, initiative=None)
    slugs = {row["slug"] for row in rows(client.get("/figures/figures.csv"))}
    assert "draft-figure" not in slugs and "ncmm-outlay" in slugs
