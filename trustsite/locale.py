"""The site's two languages: which one a request is in, and links to the other.

The language is the address's: English at the plain addresses, Hindi under ``/hi/``.
Nothing else decides it (no cookie, no ``Accept-Language``), so an answer depends on its
address alone: the page cache and browsers keep one copy per address, and no answer
needs ``Vary: Accept-Language``. What is not under ``i18n_patterns`` (the admin, the API,
robots.txt, the sitemap, the health checks) is in English.
"""

import functools

from django.conf import settings
from django.core.signals import setting_changed
from django.dispatch import receiver
from django.urls import get_script_prefix, get_urlconf, translate_url
from django.utils import translation
from django.utils.functional import SimpleLazyObject
from django.utils.translation import gettext_noop

from publishing.addresses import site_url

#: Each language's name in its own script, for the switcher.
NAMES = {"en": "English", "hi": "हिंदी"}

#: Month names, which the site's catalog translates too (it comes before Django's): Django's
#: Hindi catalog writes some without the standard anusvara (नवमबर for नवंबर) and shortens
#: them (नव), as Hindi dates do not. Dates on the pages and in ``when`` read from these.
MONTH_MESSAGES = [
    gettext_noop("January"),
    gettext_noop("February"),
    gettext_noop("March"),
    gettext_noop("April"),
    gettext_noop("May"),
    gettext_noop("June"),
    gettext_noop("July"),
    gettext_noop("August"),
    gettext_noop("September"),
    gettext_noop("October"),
    gettext_noop("November"),
    gettext_noop("December"),
    gettext_noop("jan"),
    gettext_noop("feb"),
    gettext_noop("mar"),
    gettext_noop("apr"),
    gettext_noop("may"),
    gettext_noop("jun"),
    gettext_noop("jul"),
    gettext_noop("aug"),
    gettext_noop("sep"),
    gettext_noop("oct"),
    gettext_noop("nov"),
    gettext_noop("dec"),
]


def address_language(path):
    """The language ``path`` is in: the one its prefix names, or the default."""
    return translation.get_language_from_path(path) or settings.LANGUAGE_CODE


class AddressLanguageMiddleware:
    """Activates the address's language for the request, and names it in the answer
    (``Content-Language``). Django's own LocaleMiddleware would also read the browser's
    ``Accept-Language`` for the addresses without a prefix, and mark every English page
    ``Vary: Accept-Language``, splitting the page cache by a header the page ignores."""

    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        language = address_language(request.path_info)
        translation.activate(language)
        request.LANGUAGE_CODE = language
        response = self.get_response(request)
        response.headers.setdefault("Content-Language", language)
        return response


def path_in(path, language):
    """``path`` (with its query) in ``language``: the same item's page in that language.

    ``translate_url`` reverses the page's route in the other language; an address no
    route matches (a 404 page) has its prefix swapped, so the switcher still leads to the
    same address in the other language. Every page asks for two addresses in each
    language, and resolving and reversing them was a fifth of a page made from kept
    parts: each is worked out once per process (it depends on the URLconf, not on the
    content), for the most recent few thousand addresses.
    """
    return _path_in(path, language, translation.get_language(), get_script_prefix(), get_urlconf())


@functools.lru_cache(maxsize=4096)
def _path_in(path, language, active, script_prefix, urlconf):
    """:func:`path_in`; ``active`` (which language's prefix resolves), ``script_prefix``
    and ``urlconf`` key the cache."""
    translated = translate_url(path, language)
    if translated != path or address_language(path) == language:
        return translated
    prefix = f"/{address_language(path)}/"
    bare = "/" + path.removeprefix(prefix) if path.startswith(prefix) else path
    if language == settings.LANGUAGE_CODE:
        return bare
    return f"/{language}{bare}"


@receiver(setting_changed)
def forget_addresses(**kwargs):
    """A test that changes the languages or the URLconf gets the addresses worked out again."""
    _path_in.cache_clear()


def alternates(request):
    """Every language's version of this page: code, name, address with the query (for
    the switcher) and absolute address without it (for ``hreflang`` links)."""
    here = translation.get_language()
    base = site_url(request)
    versions = []
    for code, _ in settings.LANGUAGES:
        versions.append(
            {
                "code": code,
                "name": NAMES[code],
                "current": code == here,
                "url": path_in(request.get_full_path(), code),
                "absolute": base + path_in(request.path, code),
            }
        )
    return versions


def languages(request):
    """For base.html: the page's language versions, worked out only if a template asks."""
    return {
        "language_versions": SimpleLazyObject(lambda: alternates(request)),
        "default_language": settings.LANGUAGE_CODE,
    }
