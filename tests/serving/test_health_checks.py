"""/healthz says the process is alive without touching the database or the cache, so
it answers while either is down; /readyz says whether both work, 503 with Retry-After
when one does not."""

import json

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext

from .backends import UntouchableCache
from .servers import free_port

UNTOUCHABLE = {"default": {"BACKEND": "tests.serving.backends.UntouchableCache"}}


def redis_at_a_closed_port():
    return {
        "default": {
            "BACKEND": "django.core.cache.backends.redis.RedisCache",
            "LOCATION": f"redis://127.0.0.1:{free_port()}/0",
            "OPTIONS": {"socket_connect_timeout": 1, "socket_timeout": 1},
        }
    }


@pytest.mark.django_db
def test_healthz_runs_no_query(client):
    with CaptureQueriesContext(connection) as queries:
        response = client.get("/healthz")
    assert response.status_code == 200
    assert response.content == b"ok\n"
    assert len(queries) == 0, [query["sql"] for query in queries]


def test_healthz_never_uses_the_cache(client, settings):
    settings.CACHES = UNTOUCHABLE
    UntouchableCache.uses.clear()
    response = client.get("/healthz")
    assert response.status_code == 200
    assert UntouchableCache.uses == []


def test_healthz_answers_with_the_cache_unreachable(client, settings):
    settings.CACHES = redis_at_a_closed_port()
    assert client.get("/healthz").status_code == 200


@pytest.mark.django_db
def test_readyz_answers_200_when_the_database_and_cache_work(client):
    response = client.get("/readyz")
    assert response.status_code == 200
    assert response.json() == {"status": "ready", "checks": {"database": "ok", "cache": "ok"}}
    assert "no-store" in response["Cache-Control"]


@pytest.mark.django_db
def test_readyz_answers_503_with_retry_after_when_the_cache_is_unreachable(client, settings):
    settings.CACHES = redis_at_a_closed_port()

    response = client.get("/readyz")

    assert response.status_code == 503
    assert int(response["Retry-After"]) > 0
    checks = response.json()["checks"]
    assert checks["database"] == "ok"
    assert checks["cache"].startswith("unavailable")


def test_with_the_database_unreachable_healthz_answers_and_readyz_says_503(database_down):
    healthz, readyz = database_down.answers["/healthz"], database_down.answers["/readyz"]

    assert healthz["status"] == 200
    assert healthz["body"] == "ok\n"
    assert readyz["status"] == 503
    assert int(readyz["retry_after"]) > 0
    checks = json.loads(readyz["body"])["checks"]
    assert checks["database"].startswith("unavailable") and checks["cache"] == "ok"
