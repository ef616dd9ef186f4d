from django import template
from django.utils.dateformat import format as format_date

from trustsite.markdown import render_markdown

register = template.Library()


@register.filter
def markdown(text):
    """Render an editor's Markdown as sanitised HTML (see trustsite.markdown)."""
    return render_markdown(text)


def bibtex_field(text):
    """Braces and backslashes would end or escape a BibTeX field early; drop them."""
    return "".join(ch for ch in str(text) if ch not in "{}\\")


@register.simple_tag
def bibtex(item, title, author, url, updated):
    """A BibTeX @misc entry for an item page, dated when its content last changed.

    Built in Python because BibTeX's braces collide with template syntax.
    """
    key = "trustsite-" + "".join(ch for ch in item.slug if ch.isalnum() or ch == "-")
    return "\n".join(
        [
            f"@misc{{{key},",
            f"  author = {{{{{bibtex_field(author)}}}}},",
            f"  title = {{{bibtex_field(title)}}},",
            f"  year = {{{updated.year}}},",
            f"  month = {format_date(updated, 'b')},",
            f"  url = {{{bibtex_field(url)}}},",
            f"  note = {{Last updated {updated.date().isoformat()}}}",
            "}",
        ]
    )
