"""The cite block's facts, from :mod:`publishing.citations` (one record, every format)."""

from django import template

from publishing.citations import CURRENT, csl_item, download_links, formatted_citations, iso_date

register = template.Library()


@register.simple_tag(takes_context=True)
def citation(context, item):
    """``{% citation item as cite %}``: the item's current version as cited today, in the
    page's language: ``cite.styles`` (key, heading, HTML), ``cite.downloads`` (name,
    address), ``cite.issued`` (the version's day), ``cite.accessed`` and ``cite.url``.

    The version is the item page view's ``last_change`` (its current public change, which
    the view has read already) when the context has one, else it is looked up."""
    record = csl_item(item, context["request"], version=context.get("last_change", CURRENT))
    return {
        "styles": formatted_citations(record),
        "downloads": download_links(item),
        "issued": iso_date(record["issued"]),
        "accessed": iso_date(record["accessed"]),
        "url": record["URL"],
    }
