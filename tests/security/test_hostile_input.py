"""Hostile input, swept from the URLconf: every public URL pattern, every query parameter
it reads, fed garbage. Every answer is a 200, or a 400/404 that says why; never a 5xx,
never a debug page, and no hostile value comes back unescaped.

How the URLs are found
    ``django.urls.get_resolver()`` is walked recursively. Only what a public visitor
    cannot reach anyway is left out, with the reason, in ``NOT_PUBLIC``. Each pattern's
    path arguments get a real value from the loaded content, first found wins:

    1. ``REAL_PATH_VALUES``, the one hand-written mapping (for what discovery cannot find);
    2. the view's own queryset: a DRF view's ``lookup_field``, a ``DetailView``'s slug or
       pk, taken from the first item the view shows an anonymous visitor;
    3. DRF's format suffix: the view's first renderer's format;
    4. the site's own links: ``get_absolute_url()`` of one visible item of every model
       that has it (a share link included), and every link on those pages, resolved back
       to their patterns (``changes/<kind>/<slug>/`` is found this way).

    A pattern left without a value fails ``test_every_public_url_pattern_gets_a_real_url``
    with a message saying what to add. Path arguments then also get hostile values.

How the query parameters are found
    One request to each real URL (with a probe parameter, so that forms bound to the
    query string are bound) shows what the endpoint reads:

    * DRF views: the declared filters of the ``filterset_class`` (with a ``MultiWidget``'s
      suffixes), every ``*_param`` of the filter backends (``search``, ``ordering``), every
      ``*_query_param`` of the paginator when the view used one, and the format override;
    * the site's views: the fields of every form in the template context bound to the
      query string (``MineralFilter``, ``OrderingForm``, ``SearchForm``), and the page
      parameter of a ``paginate_by`` ListView;
    * any view: literal keys its code reads from ``request.GET`` (the sitemap's ``p``,
      drf-spectacular's ``lang`` and ``version``);
    * ``SITE_WIDE_PARAMETERS``: what middleware reads on every request.

How the combinations are chosen (about 10,000 requests; see the report's timings)
    * Every path argument gets every value in ``HOSTILE_PATH_SEGMENTS``.
    * A query parameter gets every value in ``HOSTILE_VALUES`` the first time the sweep
      meets it on the code that reads it (the view class, or the middleware for the
      site-wide parameters). Met again (a list's ``.csv`` suffix pattern, an item of the
      same viewset, ``preview`` on the next page), it gets a deterministic 1-in-``STRIDE``
      rotation of the values, offset by a checksum of pattern and parameter, so that
      every value still reaches every reading code somewhere and a rerun sends the same.
    * Once per pattern and value, every parameter at once with that value (DRF views:
      with the format override cycling through the view's formats, the browsable API's
      HTML included), so that values meet each other (a range's two ends).
    * ``test_hostile_input_with_debug_on`` repeats a smaller set with ``DEBUG = True``.

Run it on SQLite and on PostgreSQL, which refuses NUL bytes in a query: the classic
source of 500s that SQLite lets through.
"""

import datetime
import functools
import inspect
import json
import logging
import re
import time
import zlib
from collections import Counter
from dataclasses import dataclass, field
from urllib.parse import quote, unquote_to_bytes, urlsplit

import pytest
from django.apps import apps
from django.core.management import call_command
from django.forms import BaseForm, MultiWidget
from django.test import Client, RequestFactory
from django.urls import URLPattern, URLResolver, get_resolver, resolve
from django.urls.exceptions import Resolver404
from django.utils import timezone
from django.utils.encoding import escape_uri_path, repercent_broken_unicode
from django.utils.regex_helper import normalize
from django.views.generic.detail import SingleObjectMixin
from django.views.generic.list import MultipleObjectMixin
from drf_spectacular.views import SpectacularAPIView
from rest_framework.generics import GenericAPIView
from rest_framework.settings import api_settings
from rest_framework.views import APIView

from publishing import preview
from tests.conftest import CONTENT_FIXTURES, remove_all_content
from tests.factories import arranged

# What is left out, and why ------------------------------------------------------------

#: URL prefixes a public visitor cannot use, with the reason. Nothing else is skipped.
NOT_PUBLIC = {
    "admin/": (
        "The editors' admin: every page but the sign-in needs a staff account, and the "
        "sign-in form is django.contrib.admin's own (covered by the lockout tests)."
    ),
}

#: The one hand-written mapping: real path arguments for a pattern that discovery cannot
#: fill, keyed by the pattern's label as the failing test prints it.
REAL_PATH_VALUES: dict[str, dict[str, str]] = {
    # The data package's files are named by the package, not by an item.
    "/data/<name> [data-file]": {"name": "minerals.csv"},
    # An item's dated versions are numbered from 1 (their stamps are in the change log).
    "/initiatives/<slug>/versions/<version>/ [initiatives:initiative-version]": {"version": "1"},
    (
        "/initiatives/<slug>/versions/<version>/compare/<other>/"
        " [initiatives:initiative-versions-compare]"
    ): {"slug": "trust", "version": "1", "other": "2"},
    "/sectors/<slug>/versions/<version>/ [initiatives:sector-version]": {"version": "1"},
    ("/sectors/<slug>/versions/<version>/compare/<other>/ [initiatives:sector-versions-compare]"): {
        "slug": "semiconductors",
        "version": "1",
        "other": "2",
    },
    "/figures/<slug>/versions/<version>/ [initiatives:figure-version]": {"version": "1"},
    ("/figures/<slug>/versions/<version>/compare/<other>/ [initiatives:figure-versions-compare]"): {
        "slug": "china-share-of-ree-production",
        "version": "1",
        "other": "2",
    },
    "/timeline/<slug>/versions/<version>/ [initiatives:milestone-version]": {"version": "1"},
    (
        "/timeline/<slug>/versions/<version>/compare/<other>/"
        " [initiatives:milestone-versions-compare]"
    ): {"slug": "icet-launched", "version": "1", "other": "2"},
    "/minerals/<slug>/versions/<version>/ [minerals:mineral-version]": {"version": "1"},
    ("/minerals/<slug>/versions/<version>/compare/<other>/ [minerals:mineral-versions-compare]"): {
        "slug": "neodymium",
        "version": "1",
        "other": "2",
    },
}

#: Query parameters middleware reads on every request, whatever the view.
SITE_WIDE_PARAMETERS = (preview.PREVIEW_PARAMETER,)

#: The reader of SITE_WIDE_PARAMETERS, for the rotation.
MIDDLEWARE = "middleware"

#: Sent with the discovery request, so that forms bound to the query string are bound.
PROBE = "hostile-sweep-probe"


class Raw(str):
    """A query value that is already URL-encoded text (to send bytes no str encodes to)."""


SCRIPT = "<script>alert(1)</script>"
IMG = '"><img src=x onerror=alert(1)>'
#: What must never come back verbatim: a page that echoes them runs them.
ECHO_MARKERS = (SCRIPT, "<img src=x onerror")
#: What only Django's debug pages say.
DEBUG_MARKERS = ("Traceback", "Django Version", "DisallowedHost")

HOSTILE_VALUES = {
    "garbage": "zz!*~garbage~*!zz",
    "NUL": "\x00",
    "NUL inside": "lith\x00ium",
    "encoded NUL": Raw("%00"),
    "invalid UTF-8": Raw("%FF%FE"),
    "broken percent": Raw("%"),
    "10**30": str(10**30),
    "400 nines": "9" * 400,
    "10 KB of nines": "9" * 10240,
    "negative": "-1",
    "zero": "0",
    "1e308": "1e308",
    "NaN": "NaN",
    "RTL override": "\u202eevil\u202c",
    "emoji": "\U0001f984\U0001f525",
    "combining": "a\u0301\u0302\u0303\u0304",
    "full-width digits": "\uff12\uff10\uff12\uff15",
    "SQL": "' OR 1=1 --",
    "LIKE wildcards": "%_%",
    "script": SCRIPT,
    "img onerror": IMG,
    "10 KB of words": "lithium " * 1280,
    "10 KB of script": SCRIPT * 410,
    "traversal": "../../etc/passwd",
    "CRLF": "x\r\nSet-Cookie: hostile=1",
    "field lookup": "slug__startswith",
    "far-off time": "9999-12-31T23:59:59-14:00",
    "empty": "",
    "repeated": [SCRIPT, "\x00"],
}

#: Path arguments, as URL text: most are percent-encoded, some are raw on purpose.
HOSTILE_PATH_SEGMENTS = {
    "garbage slug": "no-such-item-zz",
    "NUL": "%00",
    "NUL inside": "lith%00ium",
    "%00 as text": "%2500",
    "dot-dot": "..",
    "dot-dot-slash": "../",
    "encoded traversal": "..%2F..%2Fetc%2Fpasswd",
    "invalid UTF-8": "%FF%FE",
    "unicode": quote("\u00fcn\u00efc\u00f8d\u00e9-\u202e"),
    "emoji": quote("\U0001f984"),
    "400 nines": "9" * 400,
    "negative": "-1",
    "zero": "0",
    "SQL": quote("' OR 1=1 --", safe=""),
    "script": quote(SCRIPT, safe=""),
    "img onerror": quote(IMG, safe=""),
    "10 KB": "a" * 10240,
    "10 KB unicode": quote("\u00fc" * 3400),
}

#: "Every parameter at once" sends one value in TOGETHER_STRIDE on each pattern.
TOGETHER_STRIDE = 8

#: Views too slow to send every value: they get one value in EXPENSIVE_SHARE, still in turn.
#: SpectacularAPIView builds the whole OpenAPI document on every request (about 0.5 s).
EXPENSIVE = (SpectacularAPIView,)
EXPENSIVE_SHARE = 6

#: With DEBUG on: these values only, in the same rotation.
DEBUG_VALUES = ("NUL", "script", "10 KB of script", "400 nines", "invalid UTF-8")
DEBUG_PATH_SEGMENTS = ("NUL", "script", "10 KB", "invalid UTF-8")

OK = {200, 400, 404}
#: The API also answers 406 to an unknown ?format= (documented in its schema).
OK_API = OK | {406}
#: What an endpoint closed to visitors without an account answers them, whatever they send
#: (the format is negotiated before permissions are checked: an unknown one is a 406).
OK_CLOSED = {401, 403, 406}


# Discovering the URL patterns ---------------------------------------------------------


@dataclass(eq=False)
class Route:
    """One URL pattern, with the chain of resolvers above it."""

    chain: tuple
    template: str  # "/api/v1/sources/%(slug)s/"
    params: tuple  # path arguments, in order
    converters: dict  # path argument -> its path converter (None in a regex pattern)
    name: str

    @property
    def pattern(self):
        return self.chain[-1]

    @property
    def callback(self):
        return self.pattern.callback

    @property
    def label(self):
        path = self.template
        for param in self.params:
            path = path.replace(f"%({param})s", f"<{param}>")
        return f"{path} [{self.name}]" if self.name else path

    def __str__(self):
        return self.label

    def url(self, values):
        """The path with ``values`` (URL text) in place of the arguments."""
        return self.template % values


def walk(resolver, chain=(), namespace=()):
    for pattern in resolver.url_patterns:
        if isinstance(pattern, URLResolver):
            inner = (*namespace, pattern.namespace) if pattern.namespace else namespace
            yield from walk(pattern, (*chain, pattern), inner)
        elif isinstance(pattern, URLPattern):
            yield (*chain, pattern), namespace


def route_of(chain, namespace):
    template, params, converters = "/", [], {}
    for pattern in chain:
        fragment, names = normalize(pattern.pattern.regex.pattern)[0]
        template += fragment
        params += names
        for name in names:
            converters[name] = getattr(pattern.pattern, "converters", {}).get(name)
    name = ":".join([*namespace, pattern.name]) if pattern.name else ""
    return Route(tuple(chain), template, tuple(params), converters, name)


def not_public(route):
    """Why a visitor cannot use the pattern, or None."""
    path = route.template.lstrip("/")
    return next((why for prefix, why in NOT_PUBLIC.items() if path.startswith(prefix)), None)


def public_routes():
    routes = [route_of(chain, namespace) for chain, namespace in walk(get_resolver())]
    return [route for route in routes if not_public(route) is None]


ROUTES = public_routes()


# Real values for the path arguments ---------------------------------------------------


def anonymous_request(path="/"):
    from django.contrib.auth.models import AnonymousUser

    request = RequestFactory().get(path)
    request.user = AnonymousUser()
    return request


def drf_view(callback, request=None):
    """An instance of a DRF view as the router built it, for an anonymous request."""
    view = callback.cls(**callback.initkwargs)
    view.args, view.kwargs, view.format_kwarg = (), {}, None
    view.action_map = getattr(callback, "actions", {})
    view.action = next(iter(view.action_map.values()), None)
    view.request = view.initialize_request(request or anonymous_request())
    return view


def is_drf(callback):
    return isinstance(getattr(callback, "cls", None), type) and issubclass(callback.cls, APIView)


def from_the_views_queryset(route):
    """The lookup argument of a detail view, from the first item it shows the public."""
    callback = route.callback
    if is_drf(callback) and issubclass(callback.cls, GenericAPIView):
        view = drf_view(callback)
        kwarg = view.lookup_url_kwarg or view.lookup_field
        if kwarg in route.params:
            item = view.get_queryset().first()
            return {kwarg: getattr(item, view.lookup_field)} if item is not None else {}
    view_class = getattr(callback, "view_class", None)
    if isinstance(view_class, type) and issubclass(view_class, SingleObjectMixin):
        view = view_class(**getattr(callback, "view_initkwargs", {}))
        view.setup(anonymous_request())
        item = view.get_queryset().first()
        if item is None:
            return {}
        if view.slug_url_kwarg in route.params:
            return {view.slug_url_kwarg: getattr(item, view.slug_field)}
        if view.pk_url_kwarg in route.params:
            return {view.pk_url_kwarg: item.pk}
    return {}


def format_suffix(route):
    kwarg = api_settings.FORMAT_SUFFIX_KWARG
    if kwarg in route.params and is_drf(route.callback):
        return {kwarg: drf_view(route.callback).get_renderers()[0].format}
    return {}


def linked_paths(client):
    """Paths the site itself gives out: items' addresses and the links on their pages."""
    paths = []
    for model in apps.get_models():
        if not hasattr(model, "get_absolute_url"):
            continue
        manager = model._default_manager
        queryset = manager.published() if hasattr(manager, "published") else manager.all()
        item = queryset.first()
        if item is None:
            continue
        url = item.get_absolute_url().partition("#")[0]
        paths.append(url)
        response = client.get(url)
        if response.get("Content-Type", "").startswith("text/html"):
            links = re.findall(r'href="(/[^"#?]*)', response.content.decode())
            paths += [link for link in links if link not in paths]
    return paths


def harvested_kwargs(paths):
    """For each view, the arguments its real addresses were resolved with."""
    found = {}
    for path in paths:
        try:
            match = resolve(path)
        except Resolver404:
            continue
        found.setdefault((match.func, frozenset(match.kwargs)), match.kwargs)
    return found


def encoded(route, param, value):
    converter = route.converters.get(param)
    text = converter.to_url(value) if converter is not None else str(value)
    return quote(text, safe="/.")


def real_path(route, harvested):
    """The path of a real page for the pattern, or a message saying what to add."""
    values = dict(REAL_PATH_VALUES.get(route.label, {}))
    for found in (
        from_the_views_queryset(route),
        format_suffix(route),
        harvested.get((route.callback, frozenset(route.params)), {}),
    ):
        for param, value in found.items():
            values.setdefault(param, value)
    missing = [param for param in route.params if param not in values]
    if missing:
        return None, (
            f"No real value for {', '.join(missing)} in {route.label}: discovery looks in "
            "the view's queryset (lookup_field, slug_url_kwarg), DRF's format suffix and the "
            "links on items' pages. Link the page from an item's page, or add "
            f"REAL_PATH_VALUES[{route.label!r}] = {{{', '.join(f'{m!r}: ...' for m in missing)}}}"
            f" in {__name__}."
        )
    path = route.url({param: encoded(route, param, values[param]) for param in route.params})
    if resolve(path).func is not route.callback:
        return None, f"{path} (real values {values}) does not resolve to {route.label}."
    return path, None


# Discovering the query parameters -----------------------------------------------------

LITERAL_READS = re.compile(
    r"""(?:\bGET|\bquery_params)(?:\.get(?:list)?\(|\[)\s*["']([^"']+)["']"""
    r"""|["']([^"']+)["']\s+(?:not\s+)?in\s+(?:self\.)?request\.(?:GET|query_params)\b"""
)


@functools.cache
def source_of(obj):
    try:
        return inspect.getsource(obj)
    except (OSError, TypeError):
        return ""


def code_of(callback):
    """The source of the view: a function, or every class of a class-based view or feed."""
    target = getattr(callback, "view_class", None) or getattr(callback, "cls", None)
    if target is None and not inspect.isfunction(inspect.unwrap(callback)):
        target = type(callback)  # a Feed instance
    objects = target.__mro__[:-1] if isinstance(target, type) else [inspect.unwrap(callback)]
    return [source_of(obj) for obj in objects]


def literal_reads(callback):
    return {a or b for source in code_of(callback) for a, b in LITERAL_READS.findall(source)}


def widget_names(name, form_field):
    widget = form_field.widget
    if isinstance(widget, MultiWidget):
        return [f"{name}{suffix}" for suffix in widget.widgets_names]
    return [name]


def named(reader, names):
    return [(name, reader) for name in names]


def string_attributes(obj, suffix):
    """The values of ``obj``'s attributes named ``*suffix``: DRF's ``search_param``,
    ``ordering_param``, ``page_query_param``, ``page_size_query_param``…"""
    values = (getattr(obj, attr) for attr in dir(obj) if attr.endswith(suffix))
    return [value for value in values if isinstance(value, str) and value]


def drf_parameters(view):
    """(parameter, the code that reads it) for a DRF view, as it handled a request."""
    found = []
    if isinstance(view, GenericAPIView):
        queryset = view.get_queryset()
        for backend_class in view.filter_backends:
            backend = backend_class()
            get_filterset_class = getattr(backend, "get_filterset_class", None)
            filterset_class = get_filterset_class(view, queryset) if get_filterset_class else None
            if filterset_class is not None:
                for name, declared in filterset_class.base_filters.items():
                    found += named(type(declared), widget_names(name, declared.field))
            found += named(backend_class, string_attributes(backend, "_param"))
        paginator = vars(view).get("_paginator")  # DRF keeps it once the view used it
        if paginator is not None:
            found += named(type(paginator), string_attributes(paginator, "_query_param"))
    found.append((api_settings.URL_FORMAT_OVERRIDE, type(view).content_negotiation_class))
    return found


def context_values(response):
    contexts = response.context
    if contexts is None:
        return []
    if not isinstance(contexts, list):
        contexts = [contexts]
    return [value for context in contexts for layer in context for value in layer.values()]


def page_parameters(response):
    """(parameter, reader) for a page: its forms bound to the query string, its pages."""
    found = []
    for value in context_values(response):
        if isinstance(value, BaseForm) and value.is_bound and PROBE in value.data:
            for name, form_field in value.fields.items():
                found += named(type(form_field), widget_names(value.add_prefix(name), form_field))
        if getattr(value, "paginate_by", None) and getattr(value, "page_kwarg", None):
            found.append((value.page_kwarg, MultipleObjectMixin))
    return found


@dataclass
class Endpoint:
    route: Route
    path: str
    parameters: dict  # query parameter -> the code that reads it (for the rotation)
    allowed: set
    formats: list = field(default_factory=list)

    @property
    def path_allowed(self):
        """A hostile path argument may leave the pattern: the resolver's 404, a 400 for a
        redirect Django refuses to make, the API's 406 for a format suffix."""
        return self.allowed | OK | (OK_API if self.formats else set())


def discover(client, route, path):
    """What the real URL answers, and which query parameters it reads."""
    response = client.get(path, {PROBE: "1"})
    renderer_context = getattr(response, "renderer_context", None) or {}
    view = renderer_context.get("view")
    if view is not None:
        closed = any(
            not permission.has_permission(view.request, view)
            for permission in view.get_permissions()
        )
        found = drf_parameters(view)
        allowed = OK_CLOSED if closed else OK_API
        formats = [renderer.format for renderer in view.get_renderers()]
    else:
        found = page_parameters(response)
        allowed, formats = OK, []
    found += named(reader_of(route.callback), sorted(literal_reads(route.callback)))
    found += named(MIDDLEWARE, SITE_WIDE_PARAMETERS)
    parameters = {}
    for name, reader in found:
        parameters.setdefault(name, reader)
    return response, parameters, allowed, formats


# The requests -------------------------------------------------------------------------


@dataclass
class Request:
    path: str
    query: list  # (name, value) pairs, in order
    why: str
    allowed: set

    @property
    def url(self):
        parts = []
        for name, value in self.query:
            values = value if isinstance(value, list) else [value]
            for one in values:
                text = one if isinstance(one, Raw) else quote(one, safe="")
                parts.append(f"{quote(name, safe='')}={text}")
        return self.path + ("?" + "&".join(parts) if parts else "")


def reader_of(callback):
    """The code behind a pattern: the view class, or the view function."""
    return getattr(callback, "cls", None) or getattr(callback, "view_class", None) or callback


def in_turn(names, stride, turn, at_least_one):
    """The values the ``turn``-th of ``stride`` meetings sends: turn, turn + stride…"""
    chosen = names[turn % stride :: stride] if turn < stride or at_least_one else []
    return chosen or ([names[turn % len(names)]] if at_least_one else [])


def plan_requests(endpoints, values, path_values, at_least_one=True):
    """Every request of the sweep, by pattern label (see the module docstring).

    The n-th of m meetings of a (reading code, parameter) pair sends the values n, n + m,
    n + 2m…: the first m meetings together send every value once. With ``at_least_one``
    every meeting sends one value at least, in turn, when there are more meetings than
    values; without it the meetings after the values run out send none.
    """
    endpoints = list(endpoints)
    keys = {}
    for endpoint in endpoints:
        reader = reader_of(endpoint.route.callback)
        keys[endpoint.route.label] = [
            *(("path", reader, name) for name in endpoint.route.params),
            *((reader, name) for name, reader in endpoint.parameters.items()),
        ]
    meetings = Counter(key for endpoint_keys in keys.values() for key in endpoint_keys)
    met = Counter()
    names, path_names = list(values), list(path_values)
    plan = {}
    for number, endpoint in enumerate(endpoints):
        route, requests = endpoint.route, []
        reader = reader_of(route.callback)
        expensive = isinstance(reader, type) and issubclass(reader, EXPENSIVE)
        share = EXPENSIVE_SHARE if expensive else 1
        real = dict(zip(route.params, real_segments(endpoint), strict=True))
        for key in keys[route.label]:
            turn = met[key]
            met[key] += 1
            if key[0] == "path":
                name = key[2]
                stride = min(meetings[key], len(path_names))
                for why in in_turn(path_names, stride, turn, at_least_one):
                    path = route.url({**real, name: path_values[why]})
                    requests.append(
                        Request(path, [], f"path <{name}> = {why}", endpoint.path_allowed)
                    )
            else:
                name = key[1]
                stride = min(meetings[key] * share, len(names))
                # An expensive view's parameters each start at their own place.
                start = turn * share + zlib.crc32(name.encode()) % share
                for why in in_turn(names, stride, start, at_least_one):
                    query = [(name, values[why])]
                    requests.append(
                        Request(endpoint.path, query, f"?{name}= {why}", endpoint.allowed)
                    )
        together = [p for p in endpoint.parameters if p != api_settings.URL_FORMAT_OVERRIDE]
        if len(together) > 1 or endpoint.formats:
            stride = min(TOGETHER_STRIDE * share, len(names))
            for index in range(number % stride, len(names), stride):
                why = names[index]
                query = [(param, values[why]) for param in together]
                if endpoint.formats:
                    chosen = endpoint.formats[index % len(endpoint.formats)]
                    query.append((api_settings.URL_FORMAT_OVERRIDE, chosen))
                requests.append(
                    Request(endpoint.path, query, f"every parameter = {why}", endpoint.allowed)
                )
        plan[route.label] = requests
    return plan


def real_segments(endpoint):
    """The URL text of the real path arguments, in the pattern's order."""
    route = endpoint.route
    match = resolve(urlsplit(endpoint.path).path)
    return [encoded(route, param, match.kwargs[param]) for param in route.params]


# Checking an answer -------------------------------------------------------------------


def body_of(response):
    if response.streaming:
        return b"".join(response.streaming_content)
    return response.content


def says_why(response, body):
    """A refusal carries a message: JSON with ``detail`` or field keys, or a page."""
    if not body.strip():
        return False
    if response.get("Content-Type", "").startswith("application/json"):
        try:
            data = json.loads(body)
        except ValueError:
            return False
        if not isinstance(data, dict) or not data:
            return False
        if isinstance(data.get("detail"), str):
            return bool(data["detail"].strip())
        return all(value for value in data.values())
    return True


def with_slash(path):
    """Where APPEND_SLASH redirects ``path`` (URL text): the path Django decoded, with a
    slash, escaped again (a broken %FF stays text, so it comes back as %25FF)."""
    return escape_uri_path(repercent_broken_unicode(unquote_to_bytes(path)).decode() + "/")


def problems_with(request, response):
    """What is wrong with the answer to a hostile request (an empty list if nothing)."""
    try:
        body = body_of(response)
    except Exception as error:  # a stream that breaks half-way is a 500 the client sees
        return [f"the streamed body raised {type(error).__name__}: {error}"]
    problems = []
    status = response.status_code
    exc_info = getattr(response, "exc_info", None)
    if status >= 500:
        raised = f": {exc_info[0].__name__}: {exc_info[1]}" if exc_info else ""
        problems.append(f"{status}{raised}"[:400])
    elif status == 301 and response["Location"] == with_slash(request.path):
        pass  # APPEND_SLASH: the same path with its slash, answered there
    elif status not in request.allowed:
        problems.append(f"status {status}, not one of {sorted(request.allowed)}")
    elif status >= 400 and not says_why(response, body):
        problems.append(f"a {status} without a message: {body[:200]!r}")
    text = body.decode("utf-8", "replace")
    problems += [f"debug page ({marker!r})" for marker in DEBUG_MARKERS if marker in text]
    content_type = response.get("Content-Type", "")
    problems += [
        f"echoes {marker!r} unescaped in {content_type}"
        for marker in ECHO_MARKERS
        if marker in text
    ]
    return problems


def sweep(client, requests, counter=None):
    failures = []
    for request in requests:
        response = client.get(request.url)
        if counter is not None:
            counter["requests"] += 1
        for problem in problems_with(request, response):
            shown = request.url if len(request.url) < 160 else request.url[:150] + "…"
            failures.append(f"{request.why}: GET {shown} -> {problem}")
    return failures


def report(label, failures, limit=25):
    lines = [f"{len(failures)} hostile requests to {label} were answered badly:"]
    lines += failures[:limit]
    if len(failures) > limit:
        lines.append(f"… and {len(failures) - limit} more")
    return "\n".join(lines)


# Fixtures -----------------------------------------------------------------------------


def give_every_item_two_versions():
    """Two public changes to every item with dated versions, made as a Publisher makes
    them, so that whichever item the sweep picks has versions 1 and 2 to compare."""
    from initiatives.models import Figure, Initiative, Milestone, Sector
    from minerals.models import Mineral
    from publishing import workflow

    fields = {Initiative: "summary", Sector: "summary", Figure: "notes"}
    fields |= {Milestone: "description", Mineral: "summary"}
    for model, name in fields.items():
        for pk in model.objects.published().values_list("pk", flat=True):
            for correction in (" (corrected)", " (corrected again)"):
                with workflow.edit(model, pk, None, workflow.Action.PUBLISH) as session:
                    setattr(session.item, name, getattr(session.item, name) + correction)
                    session.item.save()
                    session.saved(session.item)


@pytest.fixture(scope="module")
def content_once(django_db_setup, django_db_blocker):
    """The real content and a share link to a draft, loaded once for this module; each
    test still runs in a transaction that is rolled back."""
    from reversion.models import Revision

    from minerals.models import Mineral
    from publishing.models import Change, PublicChange, ShareLink, Status

    with django_db_blocker.unblock():
        call_command("loaddata", *CONTENT_FIXTURES, verbosity=0)
        with arranged():
            draft = Mineral.objects.create(
                slug="osmium",
                name="Osmium",
                symbol="Os",
                group=Mineral.Group.OTHER,
                summary="The densest element.",
                status=Status.DRAFT,
            )
        now = timezone.now()
        ShareLink.objects.create(item=draft, expires_at=now + datetime.timedelta(days=1))
        # A change to the first mineral, whose page (found by linked_paths) then links
        # to that mineral's change log.
        first = Mineral.objects.published().first()
        PublicChange.objects.create(
            item=first,
            kind=PublicChange.Kind.CHANGED,
            object_repr=str(first),
            date=now - datetime.timedelta(days=1),
            fields=["Summary"],
        )
        give_every_item_two_versions()
        yield
        ShareLink.objects.all().delete()
        PublicChange.objects.all().delete()
        Change.objects.all().delete()  # the versions' history, made outside any test
        Revision.objects.all().delete()
        remove_all_content()


@pytest.fixture(scope="module")
def quiet_and_unthrottled():
    """No throttling (the sweep is one visitor asking thousands of times: throttling has
    its own tests), and no warning logged per 4xx (5xx are still logged)."""
    request_logger = logging.getLogger("django.request")
    level = request_logger.level
    request_logger.setLevel(logging.ERROR)
    with pytest.MonkeyPatch.context() as patch:
        patch.setattr(APIView, "throttle_classes", [])
        yield
    request_logger.setLevel(level)


def hostile_client():
    """A visitor's browser: a 500 comes back as the answer instead of raising in the test."""
    return Client(raise_request_exception=False)


@dataclass
class Sweep:
    endpoints: dict  # label -> Endpoint
    unbuildable: dict  # label -> message
    plan: dict  # label -> [Request]
    debug_plan: dict  # label -> [Request], for DEBUG on
    counter: dict = field(default_factory=lambda: {"requests": 0, "seconds": 0.0})


@pytest.fixture(scope="module")
def sweep_plan(content_once, quiet_and_unthrottled, django_db_blocker):
    with django_db_blocker.unblock():
        client = hostile_client()
        harvested = harvested_kwargs(linked_paths(client))
        endpoints, unbuildable = {}, {}
        for route in ROUTES:
            path, why_not = real_path(route, harvested)
            if path is None:
                unbuildable[route.label] = why_not
                continue
            response, names, allowed, formats = discover(client, route, path)
            # With real values a page answers 200; a pattern without arguments may be a
            # catch-all whose only answer is a 404 (the API's JSON one).
            expected = OK_CLOSED if allowed is OK_CLOSED else {200} if route.params else {200, 404}
            if response.status_code not in expected:
                unbuildable[route.label] = (
                    f"The real URL {path} answers {response.status_code}, not {expected}."
                )
                continue
            endpoints[route.label] = Endpoint(route, path, names, allowed, formats)
    debug_plan = plan_requests(
        endpoints.values(),
        {why: HOSTILE_VALUES[why] for why in DEBUG_VALUES},
        {why: HOSTILE_PATH_SEGMENTS[why] for why in DEBUG_PATH_SEGMENTS},
        at_least_one=False,
    )
    plan = plan_requests(endpoints.values(), HOSTILE_VALUES, HOSTILE_PATH_SEGMENTS)
    return Sweep(endpoints, unbuildable, plan, debug_plan)


# The tests ----------------------------------------------------------------------------

pytestmark = pytest.mark.django_db


def test_every_public_url_pattern_gets_a_real_url(sweep_plan):
    assert sweep_plan.unbuildable == {}, "\n".join(sweep_plan.unbuildable.values())


def test_what_is_left_out_is_still_in_the_urlconf():
    """A stale entry in NOT_PUBLIC would quietly leave out whatever takes its place."""
    every = [route_of(chain, ns).template.lstrip("/") for chain, ns in walk(get_resolver())]
    for prefix in NOT_PUBLIC:
        assert any(path.startswith(prefix) for path in every), prefix


def test_the_sweep_reads_the_parameters_the_views_declare(sweep_plan):
    """Discovery finds what the brief names: filters, search, ordering, pages, format."""
    by_name = {endpoint.route.name: endpoint for endpoint in sweep_plan.endpoints.values()}
    figures = set(by_name["v1:figure-list"].parameters)
    assert {"status", "updated_after", "mineral", "unit", "period", "part_of"} <= figures
    assert {"search", "ordering", "page", "page_size", "format", "preview"} <= figures
    assert {"launched_min", "launched_max"} <= set(by_name["v1:initiative-list"].parameters)
    assert {"group", "sector", "rare_earth", "ordering", "page"} <= set(
        by_name["minerals:mineral-list"].parameters
    )
    assert {"q"} <= set(by_name["search"].parameters)
    assert {"p"} <= set(by_name["django.contrib.sitemaps.views.sitemap"].parameters)
    assert {"lang", "version"} <= set(by_name["v1:schema"].parameters)
    assert "page" in by_name["initiatives:timeline"].parameters
    assert by_name["v1:source-history"].allowed == OK_CLOSED


@pytest.mark.parametrize("route", ROUTES, ids=str)
def test_hostile_input_is_answered_200_400_or_404_with_a_message(sweep_plan, route):
    if route.label not in sweep_plan.endpoints:
        pytest.fail(sweep_plan.unbuildable[route.label])
    started = time.perf_counter()
    failures = sweep(hostile_client(), sweep_plan.plan[route.label], sweep_plan.counter)
    sweep_plan.counter["seconds"] += time.perf_counter() - started
    assert not failures, report(route.label, failures)


@pytest.mark.parametrize("route", ROUTES, ids=str)
def test_hostile_input_with_debug_on(sweep_plan, route, settings):
    """DEBUG changes what Django does on an error (the technical pages) and logs every
    query; the answers must stay the same kind."""
    if route.label not in sweep_plan.endpoints:
        pytest.fail(sweep_plan.unbuildable[route.label])
    settings.DEBUG = True
    failures = sweep(hostile_client(), sweep_plan.debug_plan[route.label])
    assert not failures, report(route.label, failures)
