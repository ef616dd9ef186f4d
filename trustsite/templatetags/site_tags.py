from django import template

from trustsite.markdown import render_markdown

register = template.Library()


@register.filter
def markdown(text):
    """Render an editor's Markdown as sanitised HTML (see trustsite.markdown)."""
    return render_markdown(text)
