"""Editors write Markdown; readers get HTML that cannot run anything.

This is the one place a body becomes HTML: Markdown renders it, then nh3
keeps only harmless tags and attributes and only http(s)/mailto links, so a
``<script>``, an ``onerror=`` or a ``javascript:`` link never reaches a reader.
"""

import functools

import markdown as markdown_lib
import nh3
from django.utils.safestring import mark_safe

ALLOWED_TAGS = {
    "a",
    "abbr",
    "blockquote",
    "br",
    "code",
    "em",
    "h2",
    "h3",
    "h4",
    "hr",
    "li",
    "ol",
    "p",
    "pre",
    "strong",
    "sub",
    "sup",
    "table",
    "tbody",
    "td",
    "th",
    "thead",
    "tr",
    "ul",
}
ALLOWED_ATTRIBUTES = {"a": {"href", "title"}, "abbr": {"title"}, "th": {"scope"}}
ALLOWED_SCHEMES = {"http", "https", "mailto"}


#: Bodies kept rendered in each process: a page shows at most a few, so this holds the
#: ones readers ask for most.
RENDERED_BODIES = 512


@functools.lru_cache(maxsize=RENDERED_BODIES)
def render_markdown(text):
    """The HTML of ``text``. It depends on the text alone, so it is rendered once per
    process and kept: no change can make a kept one stale, and parsing and sanitising
    again on every request was a good part of an item page's time."""
    html = markdown_lib.markdown(text or "", extensions=["tables", "sane_lists"])
    clean = nh3.clean(
        html,
        tags=ALLOWED_TAGS,
        attributes=ALLOWED_ATTRIBUTES,
        url_schemes=ALLOWED_SCHEMES,
        link_rel="noopener noreferrer",
    )
    return mark_safe(clean)  # noqa: S308 - nh3 has just sanitised it
