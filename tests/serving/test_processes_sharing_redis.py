"""Two server processes sharing one Redis: a change made through one shows on the
other's very next request, and what does not show it stays cached (both read the keys'
versions from the shared database)."""

import os
import uuid

import pytest

from tests.tools import in_ci

from .servers import serving

#: A Redis database of its own: the test empties it (and only it), so never the 0 that
#: a developer's site may use. Set TEST_REDIS_URL to use another.
REDIS_URL = os.environ.get("TEST_REDIS_URL", "redis://127.0.0.1:6379/13")
#: Marks the Redis database as this test's, so a leftover from a run that was killed is
#: emptied, while a database something else fills is never touched.
OWNER_KEY = "trustsite-serving-tests:owner"

#: Behind a load balancer every process is asked for the same host (the page cache keys
#: by the whole address, so the servers' own ports would keep their entries apart).
HOST = {"Host": "localhost"}
NEW_SUMMARY = "Changed through one process, seen through the other."
PATHS = ["/sectors/space/", "/minerals/", "/api/v1/sectors/space/"]


@pytest.fixture
def shared_redis():
    """The reserved Redis database, empty; skipped (failed in CI) without Redis."""
    import redis

    client = redis.Redis.from_url(REDIS_URL, socket_connect_timeout=2, socket_timeout=5)
    try:
        client.ping()
    except redis.RedisError as error:
        message = (
            f"Redis is not reachable at {REDIS_URL} ({error}): install and start it "
            "(`sudo apt-get install redis-server`) or set TEST_REDIS_URL"
        )
        if in_ci():
            pytest.fail(f"CI=true and Redis is missing: {message}", pytrace=False)
        pytest.skip(message)
    if client.dbsize() and not client.exists(OWNER_KEY):
        pytest.fail(
            f"{REDIS_URL} holds keys of something else: set TEST_REDIS_URL to an unused "
            "Redis database for this test (it empties the one it uses).",
            pytrace=False,
        )
    try:
        client.flushdb()
        client.set(OWNER_KEY, "1")
        yield REDIS_URL
    finally:
        client.flushdb()
        client.close()


def test_a_change_through_one_process_shows_on_the_others_next_request(
    shared_redis, served_database
):
    database = served_database
    with (
        serving(
            2,
            DATABASE_URL=database.url,
            REDIS_URL=shared_redis,
            RELEASE=f"serving-test-{uuid.uuid4().hex[:8]}",
        ) as (first, second),
    ):
        for path in PATHS:
            status, headers, body = first.get(path, HOST)
            assert status == 200, (path, status, body[:500])
            assert headers.get("X-Page-Cache") == "miss"
            assert NEW_SUMMARY not in body
            for server in (second, first):
                status, headers, body = server.get(path, HOST)
                assert headers.get("X-Page-Cache") == "hit", (
                    f"{path} was not served from the shared cache by the server on "
                    f"port {server.port}"
                )

        status, _, body = first.write(
            database.publisher_token, "/api/v1/sectors/space/", {"summary": NEW_SUMMARY}, HOST
        )
        assert status == 200, body

        for path in PATHS[::2]:
            status, headers, body = second.get(path, HOST)
            assert status == 200
            assert NEW_SUMMARY in body, f"{path} on the other process does not show the change"
            assert headers.get("X-Page-Cache") == "miss"
        status, headers, body = second.get("/minerals/", HOST)
        assert NEW_SUMMARY not in body
        assert headers.get("X-Page-Cache") == "hit", (
            "a page that does not show the sector's summary was made stale by its change"
        )
