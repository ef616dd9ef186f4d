"""Caching that is never stale, down to what each answer shows.

Every answer is built from a set of *keys* (see :mod:`publishing.dependencies`): the
items it loaded ("minerals.mineral:4"), the lists it ran ("minerals.mineral:list",
"minerals.application:mineral_id=4"). A change to content stamps the keys it touches
with a new :class:`~publishing.models.ContentVersion` number, in the transaction that
makes it (:class:`~publishing.models.DependencyVersion`). A cached answer remembers the
number it was built at and its keys: it is served while none of its keys was stamped
later, so an edit to one mineral re-renders the pages that show that mineral, and no
others.

A publication window opening or closing changes what the public sees with no write at
all: each process works out from the database which items' moments passed lately, and
counts those items' keys as changed at that moment. ``Last-Modified`` and the ETags of
streamed answers follow the whole content's state (the counter and the latest moment).

What each process remembers (the keys' numbers, the next scheduled moment) is derived
from the shared database and checked against it on every request, so no process holds
anything another one needs. Shared caches in front of the site (Varnish, a CDN) get
the same keys as ``Surrogate-Key``/``xkey`` headers and are purged by them after each
change commits (:mod:`publishing.purge`).
"""

import dataclasses
import datetime
import functools
import hashlib
import threading

from django.conf import settings
from django.core.cache import caches
from django.db import connections, router
from django.db.models import Max, Min, Q
from django.http import HttpResponse
from django.middleware.http import ConditionalGetMiddleware
from django.urls import Resolver404, resolve
from django.utils import timezone
from django.utils.cache import (
    add_never_cache_headers,
    get_cache_key,
    learn_cache_key,
)
from django.utils.http import http_date
from django.utils.translation import get_language, get_language_from_path

from . import dependencies
from .history import publishable_models
from .models import ContentVersion, DependencyVersion, PublicChange, Status

EPOCH = datetime.datetime(2000, 1, 1, tzinfo=datetime.UTC)
#: When this process started: what an answer that depends on code alone last changed.
STARTED = timezone.now()


@dataclasses.dataclass(frozen=True)
class ContentState:
    #: Changes whenever anything public may have changed.
    key: str
    #: When the public content last changed: a write, or a window opening or closing.
    last_modified: datetime.datetime
    #: The content version's number: answers built now are stamped with it.
    number: int = 0
    #: The next scheduled moment, if any: no shared cache may keep an answer past it.
    next_moment: datetime.datetime | None = None


@dataclasses.dataclass
class Schedule:
    """What this process last worked out from the database: the passed and next
    scheduled moments, the number each changed key was last stamped with, and the keys
    whose items' windows opened or closed lately (with the moment)."""

    version: int = -1
    last: datetime.datetime | None = None
    next: datetime.datetime | None = None
    versions: dict = dataclasses.field(default_factory=dict)
    moments: dict = dataclasses.field(default_factory=dict)


_schedule = Schedule()
_schedule_lock = threading.Lock()


def scheduled_moments(now):
    """The latest go-live or expiry moment up to ``now`` and the first one after it."""
    passed, upcoming = [], []
    for model in publishable_models():
        found = model._base_manager.filter(status=Status.PUBLISHED).aggregate(
            gone_live=Max("go_live_at", filter=Q(go_live_at__lte=now)),
            expired=Max("expire_at", filter=Q(expire_at__lte=now)),
            goes_live=Min("go_live_at", filter=Q(go_live_at__gt=now)),
            expires=Min("expire_at", filter=Q(expire_at__gt=now)),
        )
        passed += [found["gone_live"], found["expired"]]
        upcoming += [found["goes_live"], found["expires"]]
    return (
        max((moment for moment in passed if moment), default=None),
        min((moment for moment in upcoming if moment), default=None),
    )


def kept_seconds():
    """The longest anything judged by :func:`still_fresh` is kept: a page in the page
    cache, or a part of one (:mod:`publishing.fragments`)."""
    return max(settings.PAGE_CACHE_SECONDS, settings.FRAGMENT_CACHE_SECONDS, 0)


def recent_moments(now, last):
    """The keys of the items whose window opened or closed lately, each with its latest
    such moment. "Lately": within the longest a cached answer or page part is kept
    (:func:`kept_seconds`), since none cached before that is still kept. ``last``: the
    latest moment up to ``now`` (of :func:`scheduled_moments`); when none is that recent,
    no item's is, and the items are not looked at again."""
    since = now - datetime.timedelta(seconds=kept_seconds() + 60)
    moments = {}
    passed = (Q(go_live_at__gt=since) & Q(go_live_at__lte=now)) | (
        Q(expire_at__gt=since) & Q(expire_at__lte=now)
    )
    if last is not None and last > since:
        for model in publishable_models():
            fields = dependencies.tracked_fields(model)
            rows = model._base_manager.filter(passed, status=Status.PUBLISHED).values(*fields)
            for values in rows:
                moment = max(
                    when
                    for when in (values["go_live_at"], values["expire_at"])
                    if when is not None and since < when <= now
                )
                for key in dependencies.change_keys(model, values, values, membership=True):
                    moments[key] = max(moments.get(key, moment), moment)
    # The public change log shows an entry from its date (a scheduled item's go-live).
    fields = dependencies.tracked_fields(PublicChange)
    for values in PublicChange.objects.filter(date__gt=since, date__lte=now).values(*fields):
        for key in dependencies.change_keys(PublicChange, values, values, membership=True):
            moments[key] = max(moments.get(key, values["date"]), values["date"])
    return moments


def content_version():
    """The content version's number and time, in plain SQL: every answer asks, cached ones
    included, and building the query with the ORM cost half of a cached answer's time."""
    connection = connections[router.db_for_read(ContentVersion)]
    table = connection.ops.quote_name(ContentVersion._meta.db_table)
    with connection.cursor() as cursor:
        cursor.execute(f"SELECT number, changed_at FROM {table} WHERE id = %s", [1])
        row = cursor.fetchone()
    if row is None:
        return 0, EPOCH
    number, changed_at = row
    if timezone.is_naive(changed_at):  # SQLite keeps UTC without its zone
        changed_at = timezone.make_aware(changed_at, datetime.UTC)
    return number, changed_at


def stamped_since(number):
    """The keys stamped after content version ``number``, with their numbers (plain SQL,
    for the same reason as :func:`content_version`)."""
    connection = connections[router.db_for_read(DependencyVersion)]
    table = connection.ops.quote_name(DependencyVersion._meta.db_table)
    with connection.cursor() as cursor:
        cursor.execute(f"SELECT key, number FROM {table} WHERE number > %s", [number])
        return dict(cursor.fetchall())


def content_state():
    """The public content's state now: one small query, more only when a version or a
    scheduled moment is new to this process."""
    global _schedule
    number, changed_at = content_version()
    now = timezone.now()
    schedule = _schedule
    if schedule.version != number or (schedule.next is not None and now >= schedule.next):
        last, upcoming = scheduled_moments(now)
        if 0 <= schedule.version <= number:
            versions = {**schedule.versions, **stamped_since(schedule.version)}
        else:  # new to this process, or the database went back (a test's rollback)
            versions = stamped_since(-1)
        schedule = Schedule(number, last, upcoming, versions, recent_moments(now, last))
        with _schedule_lock:
            _schedule = schedule
    last_modified = max(changed_at, schedule.last or EPOCH, STARTED)
    # The moment to the microsecond: two moments within one second are two states.
    return ContentState(
        key=f"{number}.{schedule.last.isoformat() if schedule.last else 0}",
        last_modified=last_modified,
        number=number,
        next_moment=schedule.next,
    )


def still_fresh(entry, state):
    """Whether a cached answer built at ``entry.number`` and ``entry.started`` from
    ``entry.keys`` shows what it would show now: none of its keys was stamped later, and
    no window of an item it depends on opened or closed since."""
    schedule = _schedule
    if schedule.version != state.number:
        return False
    last = schedule.last or EPOCH
    if entry.number == state.number and entry.started >= last:
        return True
    versions, moments = schedule.versions, schedule.moments
    for key in entry.keys:
        if versions.get(key, 0) > entry.number:
            return False
        moment = moments.get(key)
        if moment is not None and moment > entry.started:
            return False
    return True


def code_only(view):
    """Marks a view whose answer depends on the code alone (the API schema and its
    documentation): cached by release, with no look at the content."""
    view.depends_on_content = False
    return view


def state_for(request):
    """The state an answer to ``request`` depends on."""
    try:
        view = resolve(request.path_info).func
    except Resolver404:
        view = None
    if view is not None and not getattr(view, "depends_on_content", True):
        return ContentState(key="code", last_modified=STARTED)
    return content_state()


def connect_signals():
    """Stamp the keys each save, deletion and link change of content touches."""
    dependencies.connect()


# The page cache --------------------------------------------------------------------

#: Addresses never cached: editors' screens, previews, and the health checks (which
#: must not touch the cache).
UNCACHED_PREFIXES = ("/admin/", "/share/", "/healthz", "/readyz")


def without_language(path):
    """``path`` without the language prefix it may have: /hi/share/x/ -> /share/x/."""
    language = get_language_from_path(path)
    return path.removeprefix(f"/{language}") if language else path


def bypasses_cache(request):
    """Requests that may see more than the public does, or change something."""
    return (
        request.method not in ("GET", "HEAD")
        or without_language(request.path_info).startswith(UNCACHED_PREFIXES)
        or settings.SESSION_COOKIE_NAME in request.COOKIES
        or "HTTP_AUTHORIZATION" in request.META
        or "preview" in request.GET
    )


def cacheable(response):
    cache_control = response.get("Cache-Control", "")
    return (
        response.status_code == 200
        and not response.streaming
        and not response.cookies
        and "private" not in cache_control
        and "no-store" not in cache_control
    )


@dataclasses.dataclass(frozen=True)
class Entry:
    """A cached answer, with what it was built from."""

    response: HttpResponse
    keys: frozenset
    #: The content version it was built at.
    number: int
    #: When it started to be built (for scheduled moments).
    started: datetime.datetime


#: A ``Surrogate-Key`` header longer than this names a kind's ``list`` instead of its
#: other keys (its items, their fields, their links: any change to the kind stamps its
#: ``list``, so still never stale). Varnish refuses a header over 8 KB by default.
SURROGATE_KEY_LENGTH = 4000
#: The keys that name a kind's lists themselves, never folded.
KIND_KEYS = ("list", "links")


@functools.lru_cache(maxsize=256)
def surrogate_keys(keys):
    """``keys`` (a frozenset) as one header value within :data:`SURROGATE_KEY_LENGTH`: the
    kinds with the longest keys folded into their ``list`` first, until it fits. Worked
    out once per process for each set of keys: a page made from kept parts names the same
    hundreds of keys every time, and folding them was a tenth of its time at 100x."""
    keys = sorted(keys)
    value = " ".join(keys)
    if len(value) <= SURROGATE_KEY_LENGTH:
        return value
    members = {}
    for key in keys:
        kind, _, rest = key.partition(":")
        if rest and rest not in KIND_KEYS:
            members.setdefault(kind, []).append(key)
    kept = set(keys)
    for kind, folded in sorted(members.items(), key=lambda item: -len(" ".join(item[1]))):
        kept.difference_update(folded)
        kept.add(f"{kind}:list")
        value = " ".join(sorted(kept))
        if len(value) <= SURROGATE_KEY_LENGTH:
            break
    return value


def edge_cache_control(response, state):
    """Let shared caches keep a public answer for at most ``EDGE_CACHE_SECONDS`` and never
    past the next scheduled moment; browsers still revalidate every time. Worked out again
    on every hit (the moment comes closer); the keys are kept with the cached copy."""
    seconds = settings.EDGE_CACHE_SECONDS
    if state.next_moment is not None:
        until = (state.next_moment - timezone.now()).total_seconds()
        seconds = max(0, min(seconds, int(until)))
    response["Cache-Control"] = f"public, max-age=0, must-revalidate, s-maxage={seconds}"


def share_publicly(response, keys, state):
    """Let shared caches (Varnish, a CDN) keep a public answer (see
    :func:`edge_cache_control`), purged by its keys."""
    edge_cache_control(response, state)
    value = surrogate_keys(keys)
    response["Surrogate-Key"] = value
    response["xkey"] = value


def keep_private(response):
    """No cache but the reader's own may keep it, and not even that. An answer that
    already forbids storing (an outage's ``no-store``) is left as it says."""
    if "no-store" not in response.get("Cache-Control", ""):
        add_never_cache_headers(response)  # with "private"
    for header in ("Surrogate-Key", "xkey"):
        if header in response:
            del response[header]


class PageCacheMiddleware:
    """Anonymous answers (pages and API) come from the cache while what they show is
    unchanged (see the module's docstring).

    Django's cache helpers build the keys (they honour ``Vary``, so a gzipped answer
    and a CSV one are kept apart); the release and the language (which the address
    decides, activated above this middleware) are their prefix, so an English answer
    is never served for a Hindi request or the reverse. Answers tell browsers to
    revalidate every time (with ``ETag`` and ``Last-Modified``), and shared caches what
    they show (``Surrogate-Key``/``xkey``), for purging. Signed-in users, token
    holders and previews never read or fill it, and their answers are private.
    ``PAGE_CACHE_SECONDS = 0`` turns it off; ``X-Page-Cache`` says hit or miss.
    """

    def __init__(self, get_response):
        self.get_response = get_response
        self.seconds = settings.PAGE_CACHE_SECONDS
        self.cache = caches[settings.PAGE_CACHE_ALIAS]

    def __call__(self, request):
        if bypasses_cache(request):
            response = self.get_response(request)
            keep_private(response)
            return response
        state = state_for(request)
        request.content_state = state
        started = request.answer_started = timezone.now()
        code = state.key == "code"
        prefix = cache_prefix(state)
        if self.seconds:
            key = get_cache_key(request, prefix, "GET", cache=self.cache)
            entry = self.cache.get(key) if key else None
            if entry is not None and (code or still_fresh(entry, state)):
                response = entry.response
                response["X-Page-Cache"] = "hit"
                set_last_modified(response, state)
                edge_cache_control(response, state)
                return response
        with dependencies.collecting() as collected:
            response = self.get_response(request)
            if hasattr(response, "render") and not response.is_rendered:
                response.render()
        keys = frozenset({"code"} if code else collected.keys)
        set_last_modified(response, state)
        if not response.has_header("Cache-Control"):
            response["Cache-Control"] = "public, max-age=0, must-revalidate"
        if not cacheable(response):
            return response
        share_publicly(response, keys, state)
        if self.seconds and request.method == "GET":
            key = learn_cache_key(request, response, self.seconds, prefix, cache=self.cache)
            entry = Entry(stored_copy(response), keys, state.number, started)
            self.cache.set(key, entry, self.seconds)
            response["X-Page-Cache"] = "miss"
        return response


def set_last_modified(response, state):
    """Give a successful answer the content state's ``Last-Modified``, or none yet.

    It replaces one the view worked out itself (the feed's, from its newest item's
    date): such a date does not move when an item is deleted or unpublished, so a
    client sending it back in ``If-Modified-Since`` would get a 304 for a changed answer.

    HTTP dates have whole seconds. Until the second of the latest change is over, a
    second change within it would get the same date, and a client holding the first
    would be told nothing changed: the answer then has no ``Last-Modified`` (its ETag
    still validates it), and gets one when served again after that second.
    """
    if response.status_code != 200:
        return
    if int(timezone.now().timestamp()) > int(state.last_modified.timestamp()):
        response["Last-Modified"] = http_date(state.last_modified.timestamp())
    elif response.has_header("Last-Modified"):
        del response["Last-Modified"]


def stored_copy(response):
    """The answer as bytes and headers only. A DRF answer would also pickle its data,
    whose links hold their model instances: each hit then unpickled dozens of them."""
    stored = HttpResponse(response.content, status=response.status_code)
    for header, value in response.items():
        stored[header] = value
    return stored


def cache_prefix(state):
    return f"page.{settings.RELEASE}.{get_language()}"


def streamed_etag(request, state, *parts):
    """An ETag for an answer too long to hash (a streamed CSV): the content state, the
    address and who asks (editors see drafts) decide what it holds."""
    user = getattr(request, "user", None)
    who = str(user.pk) if user is not None and user.is_authenticated else "public"
    digest = hashlib.sha256(
        "\n".join([state.key, request.get_full_path(), who, *parts]).encode()
    ).hexdigest()[:32]
    return f'"{digest}"'


class HeadAsGetConditionalMiddleware(ConditionalGetMiddleware):
    """Django's validators and 304s, for ``HEAD`` as for ``GET``: HTTP says a ``HEAD`` carries
    the header fields its ``GET`` would. Django skips ``HEAD`` because a server sends it no
    body, but the view renders the whole answer for it, so the ETag is the ``GET``'s."""

    def process_response(self, request, response):
        if request.method != "HEAD":
            return super().process_response(request, response)
        request.method = "GET"
        try:
            return super().process_response(request, response)
        finally:
            request.method = "HEAD"
