"""Anonymous API clients are throttled by their own address, which they cannot change by
writing an ``X-Forwarded-For`` header of their choosing."""

import pytest
from django.core.cache import cache
from rest_framework.test import APIClient
from rest_framework.throttling import AnonRateThrottle

pytestmark = pytest.mark.django_db


@pytest.fixture
def three_a_minute(monkeypatch):
    monkeypatch.setattr(AnonRateThrottle, "rate", "3/min", raising=False)
    cache.clear()
    yield
    cache.clear()


def test_a_forged_forwarded_for_header_does_not_escape_the_throttle(content, three_a_minute):
    client = APIClient(REMOTE_ADDR="203.0.113.7")
    statuses = [
        # A new search each time, so that no answer comes from the page cache.
        client.get(
            "/api/v1/minerals/", {"search": f"word{n}"}, HTTP_X_FORWARDED_FOR=f"10.0.0.{n}"
        ).status_code
        for n in range(5)
    ]

    assert statuses == [200, 200, 200, 429, 429]


def test_clients_behind_the_trusted_proxy_are_throttled_apart(content, three_a_minute, settings):
    settings.TRUSTED_PROXIES = 1
    settings.REST_FRAMEWORK = {**settings.REST_FRAMEWORK, "NUM_PROXIES": 1}
    proxy = APIClient(REMOTE_ADDR="10.0.0.1")

    def get(client_address, n):
        return proxy.get(
            "/api/v1/minerals/",
            {"search": f"{client_address}-{n}"},
            HTTP_X_FORWARDED_FOR=client_address,
        ).status_code

    first = [get("198.51.100.1", n) for n in range(4)]
    second = [get("198.51.100.2", n) for n in range(3)]

    assert first == [200, 200, 200, 429]
    assert second == [200, 200, 200]
