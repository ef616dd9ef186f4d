from django import template
from django.utils import translation
from django.utils.dateformat import format as format_date
from django.utils.translation import gettext as _

from trustsite.markdown import render_markdown

register = template.Library()


@register.filter
def markdown(text):
    """Render an editor's Markdown as sanitised HTML (see trustsite.markdown)."""
    return render_markdown(text)


def bibtex_field(text):
    """Braces and backslashes would end or escape a BibTeX field early; drop them."""
    return "".join(ch for ch in str(text) if ch not in "{}\\")


def english_month(moment):
    with translation.override("en"):
        return format_date(moment, "b")


@register.simple_tag
def bibtex(item, title, author, url, updated):
    """A BibTeX @misc entry for an item page, dated when its content last changed.

    Built in Python because BibTeX's braces collide with template syntax. The month is
    BibTeX's own English macro (jan, feb…) in every language; the note is in the page's.
    """
    key = "trustsite-" + "".join(ch for ch in item.slug if ch.isalnum() or ch == "-")
    return "\n".join(
        [
            f"@misc{{{key},",
            f"  author = {{{{{bibtex_field(author)}}}}},",
            f"  title = {{{bibtex_field(title)}}},",
            f"  year = {{{updated.year}}},",
            f"  month = {english_month(updated)},",
            f"  url = {{{bibtex_field(url)}}},",
            "  note = {"
            + bibtex_field(_("Last updated %(date)s") % {"date": updated.date().isoformat()})
            + "}",
            "}",
        ]
    )
