"""Whole lists as CSV downloads, streamed: memory stays bounded however long the list.

Every file a reader may open in a spreadsheet (these downloads, the API's CSV, the
admin's exports) goes through :func:`neutralise_formula` or :func:`spreadsheet_cell`:
editors' text that starts like a formula (``=HYPERLINK(…)``) must show as text, not run.
"""

import csv
import re

from django.http import StreamingHttpResponse

from .cache import content_state, streamed_etag

#: CSV's media type, for every CSV the site serves or describes (the data package's too).
CSV_TYPE = "text/csv"
CSV_CONTENT_TYPE = f"{CSV_TYPE}; charset=utf-8"
#: What a spreadsheet takes as the start of a formula (OWASP's list for CSV injection).
FORMULA_STARTS = ("=", "+", "-", "@", "\t", "\r", "\n")
#: Put before such text, so a spreadsheet shows it instead of running it.
FORMULA_ESCAPE = "'"
#: A number written as text (the API writes decimals so): a spreadsheet reads it as the
#: number it is, so it needs no escape even when it starts with a sign.
PLAIN_NUMBER = re.compile(r"[-+]?\d+(\.\d+)?([eE][-+]?\d+)?")


def neutralise_formula(value):
    """Text a spreadsheet would run as a formula, made plain text. Text that starts with
    the escape mark is escaped too, so that an import can give back exactly what was
    exported."""
    if isinstance(value, str) and value.startswith((*FORMULA_STARTS, FORMULA_ESCAPE)):
        return FORMULA_ESCAPE + value
    return value


def spreadsheet_cell(value):
    """A CSV cell for the public: text neutralised, numbers (written as text) left as they are."""
    if isinstance(value, str) and PLAIN_NUMBER.fullmatch(value):
        return value
    return neutralise_formula(value)


class Echo:
    """A file-like object whose write gives the line back, for csv.writer in a stream."""

    def write(self, value):
        return value


def csv_lines(header, rows):
    writer = csv.writer(Echo())
    yield writer.writerow(header)
    for row in rows:
        yield writer.writerow([spreadsheet_cell(cell) for cell in row])


def csv_download(request, filename, header, rows):
    """A streamed CSV answer, with validators from the content's state (its body is never
    held whole, so it cannot be hashed)."""
    response = StreamingHttpResponse(csv_lines(header, rows), content_type=CSV_CONTENT_TYPE)
    response["Content-Disposition"] = f'attachment; filename="{filename}"'
    state = getattr(request, "content_state", None) or content_state()
    response["ETag"] = streamed_etag(request, state, CSV_CONTENT_TYPE)
    return response
