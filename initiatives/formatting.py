"""How figures and dates read on the site and in the API: one function for each."""

import calendar
from decimal import Decimal

CRORE = Decimal(10_000_000)
BILLION = Decimal(1_000_000_000)
MILLION = Decimal(1_000_000)


def plain_decimal(number):
    """A Decimal without trailing zeros or exponent: 21.9000 -> "21.9", 3E+4 -> "30000"."""
    return format(Decimal(number).normalize(), "f")


def group_indian(number):
    """Digits grouped the Indian way: 1234567 -> "12,34,567"; decimals kept as given."""
    whole, _, fraction = plain_decimal(number).partition(".")
    sign = "-" if whole.startswith("-") else ""
    whole = whole.lstrip("-")
    if len(whole) > 3:
        head, tail = whole[:-3], whole[-3:]
        pairs = []
        while len(head) > 2:
            pairs.insert(0, head[-2:])
            head = head[:-2]
        whole = ",".join([head, *pairs, tail]) if head else ",".join([*pairs, tail])
    return sign + whole + (f".{fraction}" if fraction else "")


def group_international(number):
    whole, _, fraction = plain_decimal(number).partition(".")
    return f"{int(whole):,}" + (f".{fraction}" if fraction else "")


def ordinal(number):
    number = int(number)
    suffix = (
        "th" if 10 <= number % 100 <= 20 else {1: "st", 2: "nd", 3: "rd"}.get(number % 10, "th")
    )
    return f"{number}{suffix}"


def format_figure(value, unit, qualifier=""):
    """A figure as the source writes it: "nearly 70%", "approximately ₹30,000 crore", "$20 billion".

    INR amounts of a crore or more read in crore with Indian digit grouping; USD
    amounts read in billions or millions. The stored value stays exact.
    """
    if value is None:
        return ""
    value = Decimal(value)
    if unit == "percent":
        text = f"{plain_decimal(value)}%"
    elif unit == "INR":
        if value >= CRORE:
            text = f"₹{group_indian(value / CRORE)} crore"
        else:
            text = f"₹{group_indian(value)}"
    elif unit == "USD":
        if value >= BILLION:
            text = f"${plain_decimal(value / BILLION)} billion"
        elif value >= MILLION:
            text = f"${plain_decimal(value / MILLION)} million"
        else:
            text = f"${group_international(value)}"
    elif unit == "rank":
        text = ordinal(value)
    else:
        text = group_international(value)
    return f"{qualifier} {text}" if qualifier else text


def format_partial_date(year, month=None, day=None, precision="year", qualifier=""):
    """A date at its precision: "2023", "January 2025", "4 March 2024", "by the end of 2025"."""
    if precision == "day" and month and day:
        text = f"{day} {calendar.month_name[month]} {year}"
    elif precision in ("day", "month") and month:
        text = f"{calendar.month_name[month]} {year}"
    else:
        text = str(year)
    return f"{qualifier} {text}" if qualifier else text
