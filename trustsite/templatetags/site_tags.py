from django import template

from trustsite.markdown import render_markdown

register = template.Library()


@register.filter
def markdown(text):
    """Render an editor's Markdown as sanitised HTML (see trustsite.markdown)."""
    return render_markdown(text)


@register.filter
def bibtex_key(obj):
    """A BibTeX citation key: letters, digits and hyphens only."""
    return "trustsite-" + "".join(ch for ch in obj.slug if ch.isalnum() or ch == "-")


@register.filter
def bibtex_escape(text):
    """Braces and backslashes would break a BibTeX field; drop them."""
    return "".join(ch for ch in str(text) if ch not in "{}\\")
