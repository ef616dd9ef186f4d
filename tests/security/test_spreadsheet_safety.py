"""Editors' text in a CSV download shows as text in a spreadsheet, never runs as a formula.

A figure's label ``=HYPERLINK("http://attacker.example", "Click")`` would otherwise be a
live link (or worse) in the spreadsheet of every analyst who downloads the figures.
"""

import csv
import io
from decimal import Decimal

import pytest

from tests.factories import FigureFactory

pytestmark = pytest.mark.django_db

FORMULA = '=HYPERLINK("http://attacker.example/", "Click")'


@pytest.fixture
def hostile_figure(content):
    return FigureFactory(
        slug="hostile-figure",
        label=FORMULA,
        notes="@SUM(1+1)",
        value=Decimal("-3.5"),
        initiative=None,
    )


def rows_of(response):
    body = b"".join(response.streaming_content) if response.streaming else response.content
    return {row["slug"]: row for row in csv.DictReader(io.StringIO(body.decode()))}


@pytest.mark.parametrize(
    "url",
    [
        "/figures/figures.csv",
        "/api/v1/figures/?format=csv",
        "/api/v1/figures/hostile-figure/?format=csv",
    ],
)
def test_text_that_starts_like_a_formula_is_escaped_and_numbers_stay_numbers(
    client, hostile_figure, url
):
    response = client.get(url)

    assert response.status_code == 200
    row = rows_of(response)["hostile-figure"]
    assert row["label"] == "'" + FORMULA
    assert row["notes"] == "'@SUM(1+1)"
    assert Decimal(row["value"]) == Decimal("-3.5"), "a negative number is a number, not text"
