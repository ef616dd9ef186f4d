"""A database that cannot be reached answers 503 with Retry-After, not a 500 page.

While the database is down (or a connection to it broke) every request that needs it
fails with Django's ``OperationalError`` or ``InterfaceError``. Those answer a 503 that
says to come back later: a small HTML page (``503.html``, rendered without a request,
so with no context processor and no query) or, under ``/api/``, ``{"detail": ...}`` as
JSON. Both carry ``Retry-After`` and ``Cache-Control: no-store`` (no cache anywhere keeps
the outage), and each is logged in one line naming the exception's class, with no
traceback. The connections are closed at once, so the next request opens a new one:
when the database is back the site serves again with no restart.

SQLite raises the same ``OperationalError`` ("database is locked") when a write waited
``SQLITE_BUSY_TIMEOUT`` seconds for the write lock while others wrote: the database is
there, only busy. That answer asks to come back sooner, and a write is told that nothing
of it was saved (every edit is one transaction, rolled back); the log says "busy", so an
operator does not look for a database that is down.

Where the error comes from decides how it gets here. From a view (or its template), it
reaches :meth:`DatabaseOutageMiddleware.process_exception`. From a middleware below this
one (the page cache asks the database for the content's state before any view runs),
Django would turn it into the 500 page at that middleware's own level, log it there
with its traceback, and hand the middlewares above a finished 500 answer. Django sends
``got_request_exception`` before doing so, and an exception a receiver raises
propagates: :func:`pass_database_errors_up` re-raises the database error there, for the
requests this middleware serves only, so it climbs to :meth:`__call__` unconverted.
(So a receiver connected before it, such as an error reporter's, hears of the error
once per middleware it climbs through, and one connected after it not at all; the
project has none. Django's test client connects one per request: tests of these
answers use ``Client(raise_request_exception=False)``.)
"""

import contextlib
import logging
import sys

from django.core.signals import got_request_exception
from django.db import DatabaseError, connections
from django.db.utils import InterfaceError, OperationalError
from django.dispatch import receiver
from django.http import HttpResponse, JsonResponse
from django.template.loader import render_to_string
from django.utils.log import log_response

logger = logging.getLogger(__name__)

#: How long clients are asked to wait before they try again.
RETRY_AFTER_SECONDS = 30
#: ...and after a write that found the database busy with other writes.
BUSY_RETRY_AFTER_SECONDS = 5
#: What a database that cannot be reached raises (a connection refused, dropped or closed).
UNREACHABLE = (OperationalError, InterfaceError)
API_PREFIX = "/api/"
API_DETAIL = "The service is temporarily unavailable. Please try again later."
BUSY_DETAIL = (
    "The database is busy with other changes: nothing of this request was saved. "
    "Please send it again in a few seconds."
)
#: Marks the requests this middleware serves: the signal receiver acts on those only.
_SERVED = "_database_outage_middleware"


class DatabaseOutageMiddleware:
    """Answers 503 when the database cannot be reached, anywhere below this middleware."""

    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        setattr(request, _SERVED, True)
        try:
            return self.get_response(request)
        except UNREACHABLE as error:
            return outage_response(request, error)

    def process_exception(self, request, exception):
        if isinstance(exception, UNREACHABLE):
            return outage_response(request, exception)
        return None


@receiver(got_request_exception, dispatch_uid="trustsite.outage.pass_database_errors_up")
def pass_database_errors_up(sender, request=None, **kwargs):
    """Let a database error raised below the middleware reach it as an exception, instead
    of the 500 page (and traceback) Django would make of it at that level."""
    error = sys.exception()
    if isinstance(error, UNREACHABLE) and getattr(request, _SERVED, False):
        raise error


def is_busy(error):
    """Whether ``error`` is SQLite's "database is locked": a write that waited its time for
    the write lock, not a database that is gone."""
    return isinstance(error, OperationalError) and "database is locked" in str(error)


def outage_response(request, error):
    close_connections()
    busy = is_busy(error)
    if request.path_info.startswith(API_PREFIX):
        detail = BUSY_DETAIL if busy else API_DETAIL
        response = JsonResponse({"detail": detail}, status=503)
    else:
        response = HttpResponse(render_to_string("503.html"), status=503)
    response["Retry-After"] = str(BUSY_RETRY_AFTER_SECONDS if busy else RETRY_AFTER_SECONDS)
    response["Cache-Control"] = "no-store"
    # Marks the answer as logged, so django.request does not log the 503 a second time.
    log_response(
        "Service Unavailable: %s (database %s: %s: %s)",
        request.path,
        "busy, a write waited for the write lock" if busy else "unreachable",
        type(error).__name__,
        first_line(error),
        response=response,
        request=request,
        logger=logger,
        level="error",
    )
    return response


def close_connections():
    """Drop this thread's connections now, broken or not: the next request opens new ones
    instead of trying a connection that failed."""
    for connection in connections.all(initialized_only=True):
        with contextlib.suppress(DatabaseError):
            connection.close()


def first_line(error):
    """The start of the driver's message (which may run over several lines)."""
    lines = str(error).strip().splitlines()
    return lines[0][:200] if lines else ""
