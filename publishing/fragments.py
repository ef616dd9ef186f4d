"""Parts of a page kept between answers, never stale: what a cache miss reuses.

A page-cache miss (the page cache off, a filter or page no one asked for yet, another
process, an edit to one thing the page shows) renders the whole page again, though most
of it shows what it showed before. A page's expensive parts are marked in its template
(``{% fragment "name" vary... %}…{% endfragment %}``, :mod:`publishing.templatetags.fragments`)
and kept here, each with what the page cache keeps for an answer (:mod:`publishing.cache`):
the keys of everything the answer had read by the end of the part, the content version it
was built at and when the answer began. A part is reused while none of its keys changed
after it was built and no window of an item it depends on opened or closed since: the
page cache's own test (:func:`publishing.cache.still_fresh`), against the content state
the request read on its way in, so the check costs no query. A reused part's keys are
recorded for the answer (:func:`publishing.dependencies.record`): the page's
``Surrogate-Key``, its page-cache entry and purging still name everything it shows.

Why the keys of everything read *by the end* of the part, and not only inside it: what a
part shows can come from rows loaded before it (the page's item), and a row's field or a
prefetched list read before the part is not read again inside it. A superset of the keys
makes a part stale more often than it must, never less.

Only the live public rendering is shared: a part is used only where the page cache would
be (anonymous readers; no session, token, preview, POST), never while a preview is
active, and never on a page that shows something other than the live item (a dated
version marks itself with :func:`bypass`). Its cache key holds the release, the language,
the site's address, the request's path and what the template names (the query string of
a filtered list, an item); anything else a part shows must come from the content.

What only a missed part needs (an item page's related lists, the filter form's choices)
is deferred (:func:`defer`): worked out by the first part rendered, and not at all when
every part is reused.
"""

import dataclasses
import datetime
import hashlib

from django.conf import settings
from django.core.cache import caches
from django.core.signals import setting_changed
from django.db import models
from django.dispatch import receiver
from django.urls import get_script_prefix
from django.utils.safestring import mark_safe
from django.utils.translation import get_language

from . import dependencies, preview
from .addresses import site_url
from .cache import still_fresh

#: Where a view's deferred work waits in the template context (see :func:`defer`).
WORK = "fragment_work"
#: Set on a request whose page must not share parts (see :func:`bypass`).
BYPASS = "_fragments_bypassed"


@dataclasses.dataclass(frozen=True)
class Kept:
    """What a kept entry was built from (as :class:`publishing.cache.Entry`): what
    :func:`fresh` judges it by."""

    keys: frozenset
    #: The content version the answer that built it read on its way in.
    number: int
    #: When that answer began (before it read anything), for scheduled moments.
    started: datetime.datetime


@dataclasses.dataclass(frozen=True)
class Fragment(Kept):
    """A rendered part."""

    html: str


def seconds():
    return settings.FRAGMENT_CACHE_SECONDS


def store():
    return caches[settings.PAGE_CACHE_ALIAS]


def bypass(request):
    """Mark ``request``'s page as showing something other than the live public content
    (an item as it was at a dated version): its parts are rendered, never shared."""
    setattr(request, BYPASS, True)


def usable(request):
    """Whether ``request``'s answer may share parts: the public one, collected for the
    page cache (:class:`publishing.cache.PageCacheMiddleware` left its content state on
    it), with no preview active."""
    if request is None or seconds() <= 0 or getattr(request, BYPASS, False):
        return False
    state = getattr(request, "content_state", None)
    return (
        state is not None
        and state.key != "code"
        and getattr(request, "answer_started", None) is not None
        and preview.previewed_item() is None
        and dependencies.current() is not None
    )


def identity(value):
    """What a vary-on value is, for a cache key: an item by its kind and key."""
    if isinstance(value, models.Model):
        return f"{dependencies.label(type(value))}:{value.pk}"
    return f"{type(value).__name__}:{value}"


def cache_key(request, name, vary):
    parts = [site_url(request), request.path, *(identity(value) for value in vary)]
    digest = hashlib.sha256("\n".join(parts).encode()).hexdigest()[:32]
    return f"fragment.{settings.RELEASE}.{get_language()}.{name}.{digest}"


class Deferred:
    """A view's work that only a rendered part needs, done once, by the first one."""

    def __init__(self):
        self.steps = []
        self.values = {}

    def run(self):
        while self.steps:
            self.values.update(self.steps.pop(0)() or {})
        return self.values


def defer(request, context, step):
    """Do ``step`` (which returns context values, or None) only if a part of the page is
    rendered: at once when the page shares no parts, else when the first part not reused
    begins. Every use of what it gives must be inside a ``{% fragment %}``."""
    if not usable(request):
        context.update(step() or {})
        return
    context.setdefault(WORK, Deferred()).steps.append(step)


def fresh(entry, state, kind=Fragment):
    """Whether a stored part (or another ``kind`` of :class:`Kept` entry: an API item's
    representation) shows what it would show now. One built at a version this process has
    not seen yet is not judged by it: it is built again."""
    return isinstance(entry, kind) and entry.number <= state.number and still_fresh(entry, state)


def render(context, name, vary, build):
    """The part ``name`` of the page being rendered: reused if fresh, else made with
    ``build(values)`` (the deferred work's values) and kept."""
    request = getattr(context, "request", None)
    work = context.get(WORK)
    if not usable(request):
        return build(work.run() if work is not None else {})
    key = cache_key(request, name, vary)
    state = request.content_state
    entry = store().get(key)
    if entry is not None and fresh(entry, state):
        dependencies.record(*entry.keys)
        return mark_safe(entry.html)  # noqa: S308 - rendered by the template engine
    html = build(work.run() if work is not None else {})
    keys = frozenset(dependencies.current().keys)
    store().set(
        key,
        Fragment(keys, state.number, request.answer_started, html=str(html)),
        seconds(),
    )
    return html


#: The parts that show no content (the navigation, the footer), in this process, by
#: name, language, script prefix and what they vary by: a few per language.
_code_parts = {}
#: More than this and a code part is no longer kept (what it varies by is not bounded).
MOST_CODE_PARTS = 500


@receiver(setting_changed)
def forget_code_parts(**kwargs):
    """What the code writes may follow a setting (the site's name): a test that changes
    one gets the parts written again."""
    _code_parts.clear()


def render_code_only(context, name, vary, build):
    """A part that shows no content, only what the code and settings write (links to the
    site's sections, words of the interface): kept in this process for the release, with
    no keys. It is checked to read no content as it is rendered, and not kept if it did."""
    request = getattr(context, "request", None)
    if not usable(request):
        return build({})
    key = (name, get_language(), get_script_prefix(), *(identity(value) for value in vary))
    html = _code_parts.get(key)
    if html is not None:
        return html
    with dependencies.collecting() as collected:
        html = build({})
    read = collected.keys - {dependencies.EVERYTHING}
    if read:
        dependencies.record(*read)
    elif len(_code_parts) < MOST_CODE_PARTS:
        _code_parts[key] = html
    return html
