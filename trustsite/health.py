"""Health checks: /healthz says the process is alive, /readyz that it can serve.

A load balancer polls /healthz to restart a stuck process and /readyz to send it
traffic; the benchmark uses /healthz as its baseline. /healthz therefore touches
neither the database nor the cache.
"""

import logging

from django.core.cache import caches
from django.db import connection
from django.http import HttpResponse, JsonResponse
from django.utils.log import log_response

from .outage import close_connections

logger = logging.getLogger(__name__)
RETRY_AFTER_SECONDS = 10


def healthz(request):
    return HttpResponse("ok\n", content_type="text/plain; charset=utf-8")


def check_database():
    try:
        with connection.cursor() as cursor:
            cursor.execute("SELECT 1")
            cursor.fetchone()
    except Exception as error:  # any failure means "not ready", whatever the driver raises
        close_connections()  # the next poll tries a new connection
        return f"unavailable: {type(error).__name__}"
    return "ok"


def check_cache():
    cache = caches["default"]
    try:
        cache.set("readyz", "ok", 10)
        if cache.get("readyz") != "ok":
            return "unavailable: a value written was not read back"
    except Exception as error:  # the cache client's own errors differ by backend
        return f"unavailable: {type(error).__name__}"
    return "ok"


def readyz(request):
    """200 when the database and the cache both work; else 503 with Retry-After.

    A failure is logged in one line that says what failed. It is logged with Django's
    ``log_response``, which marks the answer as logged: otherwise ``django.request``
    would log the same 503 again in a line of its own ("Service Unavailable: /readyz"),
    two lines per poll of the load balancer for one event.
    """
    checks = {"database": check_database(), "cache": check_cache()}
    ready = all(result == "ok" for result in checks.values())
    response = JsonResponse(
        {"status": "ready" if ready else "unavailable", "checks": checks},
        status=200 if ready else 503,
    )
    if not ready:
        response["Retry-After"] = str(RETRY_AFTER_SECONDS)
        log_response(
            "Not ready: %s",
            checks,
            response=response,
            request=request,
            logger=logger,
            level="warning",
        )
    response["Cache-Control"] = "no-store"
    return response
