"""JSON that carries no markup, and CSV for every list, so that spreadsheets and scripts
can read the API directly."""

import json
from itertools import islice

from django.conf import settings
from django.utils import translation
from django.utils.text import slugify
from rest_framework import renderers
from rest_framework.renderers import BaseRenderer

from ..citations import CSL_JSON_TYPE, csl_json_text
from ..downloads import csv_lines


class JSONRenderer(renderers.JSONRenderer):
    """DRF's JSON, with every ``<`` and ``>`` written ``\\u003c`` and ``\\u003e``.

    Error messages name the value that was refused (``Select a valid choice. … is not
    one of the available choices.``), so a request for ``?status=<script>…`` would get
    that markup back verbatim: harmless to a JSON client, but run by a browser that is
    made to read the answer as HTML, or by a page that inserts a message as it is. The
    escaped form is the same JSON to every parser (Django's ``json_script`` escapes the
    same way); as these characters only occur inside JSON strings, and UTF-8 never uses
    their bytes inside another character, replacing the bytes is exact.
    """

    def render(self, data, accepted_media_type=None, renderer_context=None):
        rendered = super().render(data, accepted_media_type, renderer_context)
        return rendered.replace(b"<", b"\\u003c").replace(b">", b"\\u003e")


class CSVRenderer(BaseRenderer):
    """One row per item, one column per field, in the serializer's field order.

    Lists of links become one cell with the links separated by spaces (a URL never
    holds a space); nested objects such as an initiative's sections stay JSON in their
    cell, so nothing the JSON gives is lost.
    """

    media_type = "text/csv"
    format = "csv"
    charset = "utf-8"

    def render(self, data, accepted_media_type=None, renderer_context=None):
        renderer_context = renderer_context or {}
        if data is None:
            return b""
        rows = self.rows(data)
        header = self.header(rows, renderer_context)
        response = renderer_context.get("response")
        view = renderer_context.get("view")
        if response is not None and not response.exception and view is not None:
            response["Content-Disposition"] = f'attachment; filename="{self.filename(view)}"'
        cells = ([self.cell(row.get(column)) for column in header] for row in rows)
        return "".join(csv_lines(header, cells)).encode(self.charset)

    @staticmethod
    def filename(view):
        """``initiatives.csv`` for a list, ``initiatives-trust.csv`` for one item."""
        queryset = getattr(view, "queryset", None)
        with translation.override(settings.LANGUAGE_CODE):
            kinds = queryset.model._meta.verbose_name_plural if queryset is not None else "data"
            name = slugify(kinds)
        slug = getattr(view, "kwargs", {}).get(getattr(view, "lookup_field", "slug"))
        return f"{name}-{slugify(slug)}.csv" if slug else f"{name}.csv"

    @staticmethod
    def rows(data):
        if isinstance(data, dict) and isinstance(data.get("results"), list):
            data = data["results"]
        if isinstance(data, dict):
            return [data]
        if isinstance(data, list):
            return [row if isinstance(row, dict) else {"value": row} for row in data]
        return [{"value": data}]

    @staticmethod
    def header(rows, renderer_context):
        """The serializer's fields when the rows come from it, so that an empty page
        still has its header; otherwise (errors, the API root) the keys of the rows."""
        columns = []
        for row in rows:
            columns.extend(key for key in row if key not in columns)
        view = renderer_context.get("view")
        response = renderer_context.get("response")
        if view is not None and response is not None and not response.exception:
            get_serializer = getattr(view, "get_serializer", None)
            if get_serializer is not None and getattr(view, "serializer_class", None):
                fields = list(get_serializer().fields)
                if set(columns) <= set(fields):
                    return fields
        return columns

    @staticmethod
    def cell(value):
        if value is None:
            return ""
        if isinstance(value, bool):
            return "true" if value else "false"
        if isinstance(value, list) and all(isinstance(item, str) for item in value):
            return " ".join(value)
        if isinstance(value, (list, dict)):
            return json.dumps(value, ensure_ascii=False)
        return str(value)


def csv_rows(serializer, items, chunk_size=500):
    """The rows of a CSV of every item, serialized a chunk at a time. ``serializer`` is a
    list serializer whose ``child`` serializes one item; the columns are its fields, as
    in a rendered page of the list."""
    columns = list(serializer.child.fields)
    items = iter(items)
    while chunk := list(islice(items, chunk_size)):
        for row in serializer.to_representation(chunk):
            yield [CSVRenderer.cell(row.get(column)) for column in columns]


class CSLJSONRenderer(BaseRenderer):
    """An item's citation as CSL-JSON (``?format=csl-json``), written as the item page's
    ``cite.json`` download is: the data is the document :func:`publishing.citations.csl_json`
    made, so the two are the same bytes."""

    media_type = CSL_JSON_TYPE
    format = "csl-json"
    charset = "utf-8"

    def render(self, data, accepted_media_type=None, renderer_context=None):
        if data is None:
            return b""
        return csl_json_text(data).encode(self.charset)
