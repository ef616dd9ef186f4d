"""schema.org JSON-LD for search engines and dataset catalogues: one tag, every page type.

``templates/includes/meta.html`` calls it for every page: with ``ld_item=`` (an item
page) it describes the page as an ``Article`` about the item; with ``ld_dataset=`` (the
data package's table a list page shows, or ``all`` on /data/) a ``Dataset`` with its
downloads from the data package (:mod:`trustsite.data`); with neither, nothing.

The JSON is escaped as ``json_script`` escapes it (``<``, ``>`` and ``&`` as ``\\u…``), so
no text an editor wrote can end the element. A ``<script type="application/ld+json">`` is
a data block: browsers never run it, so it needs no CSP nonce, and a cached page stays
valid whatever nonce its policy carries.
"""

import json
from datetime import UTC

from django import template
from django.conf import settings
from django.core.serializers.json import DjangoJSONEncoder
from django.urls import reverse
from django.utils.html import format_html
from django.utils.safestring import mark_safe
from django.utils.translation import get_language
from django.utils.translation import gettext as _

from publishing import versions
from publishing.addresses import site_url
from publishing.datapackage import DESCRIPTOR
from publishing.downloads import CSV_TYPE
from publishing.translation import for_reader
from trustsite import data

register = template.Library()

#: The schema.org type of what an item page is about; anything else is a Thing.
ABOUT_TYPES = {
    "mineral": "ChemicalSubstance",
    "milestone": "Event",
    "organization": "Organization",
    "country": "Country",
}
JSON_LD_ESCAPES = {ord("<"): "\\u003C", ord(">"): "\\u003E", ord("&"): "\\u0026"}


def iso(moment):
    """A time as schema.org takes it: ISO 8601 in UTC, to the second."""
    if moment is None:
        return None
    return moment.astimezone(UTC).isoformat(timespec="seconds").replace("+00:00", "Z")


def script(value):
    text = json.dumps(value, cls=DjangoJSONEncoder, ensure_ascii=False, indent=1)
    return format_html(
        '<script type="application/ld+json">{}</script>',
        mark_safe(text.translate(JSON_LD_ESCAPES)),  # noqa: S308 - escaped as json_script does
    )


def website(request):
    return {
        "@type": "WebSite",
        "name": settings.SITE_NAME,
        "url": site_url(request) + reverse("home"),
    }


def creator(request):
    return {"@type": "Organization", "name": settings.SITE_NAME, "url": site_url(request) + "/"}


def download(request, name, media_type):
    return {
        "@type": "DataDownload",
        "name": name,
        "encodingFormat": media_type,
        "contentUrl": data.data_url(request, name),
    }


def dataset(request, title, description, table_name):
    """The whole dataset (``table_name`` empty) or one table of it, with its downloads and
    its version (a table's is its own kind's, :func:`trustsite.data.table_kind`)."""
    version, modified, coverage = data.dataset_facts(request, table_name)
    distribution = []
    if table_name:
        distribution.append(download(request, f"{table_name}.csv", CSV_TYPE))
    distribution += [
        download(request, DESCRIPTOR, data.JSON_TYPE),
        download(request, data.ZIP_NAME, data.ZIP_TYPE),
    ]
    value = {
        "@context": "https://schema.org",
        "@type": "Dataset",
        "name": title if table_name else _("trustsite's open data"),
        "description": description,
        "url": site_url(request) + request.path,
        "inLanguage": get_language(),
        "license": settings.DATA_LICENSE["path"],
        "isAccessibleForFree": True,
        "creator": creator(request),
        "publisher": creator(request),
        "distribution": distribution,
        "temporalCoverage": coverage,
        "dateModified": iso(modified),
        "version": version,
        "isPartOf": website(request),
    }
    if table_name:
        value["isPartOf"] = {
            "@type": "Dataset",
            "name": _("trustsite's open data"),
            "url": site_url(request) + reverse("data"),
        }
    return {key: item for key, item in value.items() if item is not None}


def article(context, title, description, item):
    """An item page: an Article about the item, dated when its public content last changed."""
    request = context["request"]
    modified, _address = versions.dated(item, context.get("last_change"))
    about_name = next(
        (
            for_reader(item, name)
            for name in ("name", "title", "label")
            if getattr(item, name, None)
        ),
        title,
    )
    return {
        "@context": "https://schema.org",
        "@type": "Article",
        "headline": title[:110],
        "name": title,
        "description": description,
        "url": site_url(request) + request.path,
        "mainEntityOfPage": site_url(request) + request.path,
        "inLanguage": get_language(),
        "dateModified": iso(modified),
        "datePublished": iso(item.created),
        "publisher": creator(request),
        "isPartOf": website(request),
        "license": settings.DATA_LICENSE["path"],
        "about": {
            "@type": ABOUT_TYPES.get(item._meta.model_name, "Thing"),
            "name": about_name,
            "identifier": item.slug,
        },
    }


#: ``ld_dataset`` for the whole dataset rather than one table.
WHOLE_DATASET = "all"


@register.simple_tag(takes_context=True)
def json_ld(context, title, description, item=None, dataset_table=None):
    """The page's JSON-LD: an Article about ``item``, or a Dataset (``dataset_table``: the
    data package's table the page lists, or ``all``). Arguments the page does not give
    arrive empty (the template engine's value for a missing variable)."""
    if item:
        return script(article(context, str(title), str(description), item))
    if dataset_table:
        table = "" if dataset_table == WHOLE_DATASET else dataset_table
        if table and table not in data.LIST_TABLES:
            raise template.TemplateSyntaxError(f"The data package has no table {table!r}.")
        return script(dataset(context["request"], str(title), str(description), table))
    return ""
