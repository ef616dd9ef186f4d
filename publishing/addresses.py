"""Addresses of items by slug, without reversing one for every link.

Django's ``reverse`` walks the URLconf and checks the value against the route each
time, and a list page or an API list links to hundreds of items of a few kinds. An
address whose only variable part is the slug is reversed once, with a placeholder,
and each item's slug is put in its place. That is the text reversing gives: a slug
that matches ``SLUG_PATTERN`` passes every slug route and needs no quoting. Any other
value is reversed as before, so it fails as before too.
"""

import re

from django.conf import settings
from django.urls import NoReverseMatch, get_script_prefix, get_urlconf, reverse
from django.utils.translation import get_language

#: What a slug may hold in an address: Django's ``slug`` converter, and the API's routes.
SLUG_PATTERN = r"[-a-zA-Z0-9_]+"
_SLUG = re.compile(SLUG_PATTERN)
#: Stands for the slug while an address is reversed once (it matches SLUG_PATTERN).
PLACEHOLDER = "slug-placeholder"


def by_slug(templates, key, slug, reverse_slug):
    """``reverse_slug(slug)``, made from the address ``templates`` holds under ``key``:
    ``reverse_slug(PLACEHOLDER)`` split around the placeholder, worked out on first use."""
    if not (isinstance(slug, str) and _SLUG.fullmatch(slug)):
        return reverse_slug(slug)
    if key not in templates:
        try:
            templates[key] = reverse_slug(PLACEHOLDER).rpartition(PLACEHOLDER)[::2]
        except NoReverseMatch:
            templates[key] = None
    if templates[key] is None:
        return reverse_slug(slug)
    before, after = templates[key]
    return f"{before}{slug}{after}"


#: Each process's item page addresses, by view, script prefix, URLconf and language (the
#: Hindi pages are under /hi/): a handful.
_page_templates = {}


def page_address(view_name, slug):
    """``reverse(view_name, args=[slug])``: the address of an item's public page."""
    key = (view_name, get_script_prefix(), get_urlconf() or settings.ROOT_URLCONF, get_language())
    return by_slug(_page_templates, key, slug, lambda value: reverse(view_name, args=[value]))


def site_url(request):
    """The site's absolute address, for canonical links and citations: ``SITE_URL``, or
    else the one this request reached."""
    return settings.SITE_URL or f"{request.scheme}://{request.get_host()}"
