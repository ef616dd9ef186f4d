from decimal import Decimal

import pytest

from initiatives.formatting import format_figure, format_partial_date, group_indian


@pytest.mark.parametrize(
    "number, grouped",
    [(1, "1"), (999, "999"), (1000, "1,000"), (30000, "30,000"), (1234567, "12,34,567")],
)
def test_indian_digit_grouping(number, grouped):
    assert group_indian(Decimal(number)) == grouped


@pytest.mark.parametrize(
    "value, unit, qualifier, shown",
    [
        ("300000000000", "INR", "approximately", "approximately ₹30,000 crore"),
        ("12345670000000", "INR", "", "₹12,34,567 crore"),
        ("5000", "INR", "", "₹5,000"),
        ("21.9000", "percent", "", "21.9%"),
        ("70", "percent", "nearly", "nearly 70%"),
        ("20000000000", "USD", "", "$20 billion"),
        ("2500000", "USD", "", "$2.5 million"),
        ("14", "count", "", "14"),
        ("2", "rank", "", "2nd"),
        ("11", "rank", "", "11th"),
    ],
)
def test_a_figure_reads_as_the_source_writes_it(value, unit, qualifier, shown):
    assert format_figure(Decimal(value), unit, qualifier) == shown


def test_a_date_reads_at_its_precision():
    assert format_partial_date(2023) == "2023"
    assert format_partial_date(2025, 1, None, "month") == "January 2025"
    assert format_partial_date(2024, 3, 4, "day") == "4 March 2024"
    assert format_partial_date(2025, None, None, "year", "by the end of") == "by the end of 2025"
