"""Bar charts of key figures, computed on the server so the page needs no JavaScript.

A chart is plain data (rows with a label, the value as the site shows it, and a
bar length in chart units); ``templates/includes/chart.html`` draws it as an
inline SVG with a title and a description, and repeats the numbers in a table.
"""

import textwrap
from dataclasses import dataclass, field
from decimal import Decimal

from django.utils.translation import gettext as _

from publishing.translation import for_reader

WIDTH = 520  # chart units across the SVG
VALUE_CHAR_WIDTH = 8  # room a character of a bold 13-unit value label may need
LABEL_WIDTH = 66  # characters before a label wraps
ROW_HEIGHT_PER_LINE = 17
BAR_HEIGHT = 18


@dataclass
class Row:
    label: str
    display: str
    value: Decimal
    slug: str = ""
    url: str = ""
    #: "en" when the value is shown in English on the Hindi site (its qualifier's Hindi
    #: is missing or outdated).
    display_lang: str = ""
    bar: float = 0
    track: float = 0
    lines: list = field(default_factory=list)
    y: int = 0
    bar_y: int = 0


@dataclass
class Chart:
    slug: str
    title: str
    description: str
    value_heading: str
    rows: list
    height: int = 0
    width: int = WIDTH
    shows_track: bool = False


def layout(chart, scale_to):
    """Give every row its bar length (relative to ``scale_to``) and its place in the SVG.

    The longest bar leaves room after it for the longest value label, so no label is clipped.
    """
    longest_value = max((len(row.display) for row in chart.rows), default=0)
    bar_space = max(WIDTH - VALUE_CHAR_WIDTH * longest_value - 12, WIDTH // 3)
    y = 8
    for row in chart.rows:
        row.bar = round(float(row.value / scale_to) * bar_space, 1) if scale_to else 0
        row.track = bar_space if chart.shows_track else 0
        row.lines = textwrap.wrap(row.label, LABEL_WIDTH) or [""]
        row.y = y + 14
        y += ROW_HEIGHT_PER_LINE * len(row.lines)
        row.bar_y = y
        y += BAR_HEIGHT + 16
    chart.height = y
    return chart


def figure_row(figure, label=None):
    """A figure's row, linking to its page."""
    display, status = figure.display_value_reading()
    return Row(
        label or for_reader(figure, "label"),
        display,
        figure.value,
        figure.slug,
        figure.get_absolute_url(),
        display_lang="en" if status else "",
    )


def breakdown_chart(total, parts):
    """A total and its published parts, with what the parts leave over as its own bar."""
    rest = total.value - sum((part.value for part in parts), Decimal(0))
    rows = [figure_row(total)]
    rows += [figure_row(part) for part in parts]
    if rest > 0:
        rest_display, status = total.reading_of(rest)
        rows.append(
            Row(_("Rest of the total"), rest_display, rest, display_lang="en" if status else "")
        )
    period = f" ({for_reader(total, 'period')})" if total.period else ""
    shown = "; ".join(f"{row.label}: {row.display}" for row in rows)
    chart = Chart(
        slug=f"breakdown-{total.slug}",
        title=_("%(figure)s and its parts") % {"figure": f"{for_reader(total, 'label')}{period}"},
        description=_("Horizontal bar chart, bars to scale with the total. %(values)s.")
        % {"values": shown},
        value_heading=_("Amount"),
        rows=rows,
    )
    return layout(chart, total.value)


def shares_chart(figures):
    rows = []
    for figure in figures:
        period = f" ({for_reader(figure, 'period')})" if figure.period else ""
        rows.append(figure_row(figure, label=f"{for_reader(figure, 'label')}{period}"))
    shown = "; ".join(f"{row.label}: {row.display}" for row in rows)
    chart = Chart(
        slug="shares",
        title=_("Shares, in percent"),
        description=_("Horizontal bar chart, each bar out of 100%%. %(values)s.")
        % {"values": shown},
        value_heading=_("Share"),
        rows=rows,
        shows_track=True,
    )
    return layout(chart, Decimal(100))


def figure_charts(figures):
    """The charts the key-figures page shows: each total with parts, then all top-level shares.

    ``figures`` must be published figures with ``parts`` prefetched (published only).
    """
    figures = list(figures)
    charts = [
        breakdown_chart(figure, list(figure.parts.all()))
        for figure in figures
        if figure.part_of_id is None and figure.parts.all()
    ]
    shares = [f for f in figures if f.unit == "percent" and f.part_of_id is None]
    if shares:
        charts.append(shares_chart(shares))
    return charts
