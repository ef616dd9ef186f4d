"""Numbers and dates in Hindi where Hindi has its own words: rupees in करोड़ with Indian
grouping, billions as अरब, ordinals, month names; every figure keeps its value."""

import re

import pytest
from django.utils import translation

from initiatives.formatting import format_figure, format_partial_date
from initiatives.models import Figure

from .conftest import visible_text

pytestmark = pytest.mark.django_db


@pytest.mark.parametrize(
    ("value", "unit", "english", "hindi"),
    [
        (300_000_000_000, "INR", "₹30,000 crore", "₹30,000 करोड़"),
        (1_23_45_67_89_00_00_000, "INR", "₹12,34,56,789 crore", "₹12,34,56,789 करोड़"),
        (20_000_000_000, "USD", "$20 billion", "$20 अरब"),
        (5_000_000, "USD", "$5 million", "$5 मिलियन"),
        (70, "percent", "70%", "70%"),
        (3, "rank", "3rd", "3रा"),
        (5, "rank", "5th", "5वाँ"),
    ],
)
def test_figures_read_in_each_language(value, unit, english, hindi):
    with translation.override("en"):
        assert format_figure(value, unit) == english
    with translation.override("hi"):
        assert format_figure(value, unit) == hindi


def test_partial_dates_have_hindi_month_names():
    with translation.override("hi"):
        assert format_partial_date(2025, 1, precision="month") == "जनवरी 2025"
        assert format_partial_date(2024, 11, 4, precision="day") == "4 नवंबर 2024"
    with translation.override("en"):
        assert format_partial_date(2024, 11, 4, precision="day") == "4 November 2024"


def test_every_figure_has_the_same_value_on_the_hindi_page(content, client):
    """The numbers of each figure (digits, ₹ and $ and %) are those of the English page."""
    english = visible_text(client.get("/figures/"))
    hindi = visible_text(client.get("/hi/figures/"))
    figures = list(Figure.objects.published())
    assert figures
    for figure in figures:
        with translation.override("en"):
            shown_english = figure.display_value
        with translation.override("hi"):
            shown_hindi = figure.display_value
        assert shown_english in english and shown_hindi in hindi
        numbers = re.compile(r"[₹$]?[\d,.]+%?")
        assert numbers.findall(shown_english) == numbers.findall(shown_hindi), figure.slug


def test_hindi_pages_date_in_hindi(content, client):
    cite = visible_text(client.get("/hi/figures/ncmm-outlay/"))
    months = "जनवरी|फरवरी|मार्च|अप्रैल|मई|जून|जुलाई|अगस्त|सितंबर|अक्टूबर|नवंबर|दिसंबर"
    assert re.search(rf"अंतिम अद्यतन \d{{1,2}} ({months}) \d{{4}}", cite)
    timeline = visible_text(client.get("/hi/timeline/"))
    assert "जनवरी 2025" in timeline and "January" not in timeline
