"""Caching that is never stale: the content's state, and the page cache keyed by it.

Every write to content bumps :class:`~publishing.models.ContentVersion` in the
transaction that makes it. A publication window opening or closing changes what the
public sees with no write at all, so the content's *state* is that counter plus
the latest go-live or expiry moment that has passed. Cache keys, ETags of streamed
answers and ``Last-Modified`` all come from it: an entry made before a change (or
before a scheduled moment) is simply never asked for again, on any process, with
nothing to invalidate and no job to run.

What each process remembers (the next scheduled moment) is derived from the shared
database and checked against the clock on every request, so no process holds
anything another one needs.
"""

import dataclasses
import datetime
import hashlib
import threading

from django.conf import settings
from django.core.cache import caches
from django.db import connections, router
from django.db.models import Max, Min, Q
from django.db.models.signals import m2m_changed, post_delete, post_save
from django.http import HttpResponse
from django.middleware.http import ConditionalGetMiddleware
from django.urls import Resolver404, resolve
from django.utils import timezone
from django.utils.cache import get_cache_key, learn_cache_key
from django.utils.http import http_date
from django.utils.translation import get_language, get_language_from_path

from .history import part_relations, publishable_models
from .models import ContentVersion, Status

EPOCH = datetime.datetime(2000, 1, 1, tzinfo=datetime.UTC)
#: When this process started: what an answer that depends on code alone last changed.
STARTED = timezone.now()


@dataclasses.dataclass(frozen=True)
class ContentState:
    #: Changes whenever anything public may have changed.
    key: str
    #: When the public content last changed: a write, or a window opening or closing.
    last_modified: datetime.datetime


@dataclasses.dataclass
class Schedule:
    """The passed and next scheduled moments, as last worked out for one version."""

    version: int = -1
    last: datetime.datetime | None = None
    next: datetime.datetime | None = None


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


def content_state():
    """The public content's state now: one small query, more only when a version or a
    scheduled moment is new to this process."""
    global _schedule
    number, changed_at = content_version()
    now = timezone.now()
    schedule = _schedule
    if schedule.version != number or (schedule.next is not None and now >= schedule.next):
        last, upcoming = scheduled_moments(now)
        schedule = Schedule(number, last, upcoming)
        with _schedule_lock:
            _schedule = schedule
    last_modified = max(changed_at, schedule.last or EPOCH, STARTED)
    # The moment to the microsecond: two moments within one second are two states.
    return ContentState(
        key=f"{number}.{schedule.last.isoformat() if schedule.last else 0}",
        last_modified=last_modified,
    )


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


def content_changed(sender, **kwargs):
    ContentVersion.bump()


def connect_signals():
    """Bump the content version on every save, deletion and link change of content."""
    models = set()
    for model in publishable_models():
        models.add(model)
        for name in part_relations(model):
            part = model._meta.get_field(name).related_model
            models |= {part, *(part._meta.get_field(n).related_model for n in part_relations(part))}
    for model in models:
        post_save.connect(content_changed, sender=model, dispatch_uid=f"content-{model}")
        post_delete.connect(content_changed, sender=model, dispatch_uid=f"content-del-{model}")
        for field in model._meta.local_many_to_many:
            m2m_changed.connect(
                content_changed, sender=field.remote_field.through, dispatch_uid=f"links-{field}"
            )


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


class PageCacheMiddleware:
    """Anonymous answers (pages and API) come from the cache, keyed by the content state.

    Django's cache helpers build the keys (they honour ``Vary``, so a gzipped answer
    and a CSV one are kept apart); the content state and the language (which the
    address decides, activated above this middleware) are their prefix, so an English
    answer is never served for a Hindi request or the reverse. Answers tell
    browsers to revalidate every time (with ``ETag`` and ``Last-Modified``), so no
    cache anywhere shows a change late. Signed-in users, token holders and previews
    never read or fill it. ``PAGE_CACHE_SECONDS = 0`` turns it off.
    """

    def __init__(self, get_response):
        self.get_response = get_response
        self.seconds = settings.PAGE_CACHE_SECONDS
        self.cache = caches[settings.PAGE_CACHE_ALIAS]

    def __call__(self, request):
        if bypasses_cache(request):
            return self.get_response(request)
        state = state_for(request)
        request.content_state = state
        if self.seconds:
            prefix = cache_prefix(state)
            key = get_cache_key(request, prefix, "GET", cache=self.cache)
            cached = self.cache.get(key) if key else None
            if cached is not None:
                cached["X-Page-Cache"] = "hit"
                set_last_modified(cached, state)
                return cached
        response = self.get_response(request)
        set_last_modified(response, state)
        if not response.has_header("Cache-Control"):
            response["Cache-Control"] = "public, max-age=0, must-revalidate"
        if self.seconds and request.method == "GET" and cacheable(response):
            key = learn_cache_key(request, response, self.seconds, prefix, cache=self.cache)
            self.cache.set(key, stored_copy(response), self.seconds)
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
    return f"page.{settings.RELEASE}.{get_language()}.{state.key}"


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
