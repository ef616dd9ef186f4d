"""The addresses of an item's dated versions, for templates (named by publishing.versions)."""

from django import template

from publishing import versions

register = template.Library()


@register.simple_tag
def version_url(item, moment):
    """The permanent address of ``item``'s version that went live at ``moment``; nothing
    for an item with no page of versions (one shown on another item's page)."""
    if item is None or moment is None or not versions.has_version_pages(item):
        return ""
    return versions.version_url(item, moment)


@register.simple_tag
def compare_url(item, older, newer):
    """The address comparing two of ``item``'s versions (nothing, as for version_url)."""
    if not version_url(item, older):
        return ""
    return versions.compare_url(item, older, newer)
