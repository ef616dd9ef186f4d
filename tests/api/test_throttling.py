"""Anonymous and signed-in clients are throttled at the rates set in settings."""

import pytest
from django.conf import settings
from rest_framework.throttling import AnonRateThrottle, UserRateThrottle

pytestmark = pytest.mark.django_db


def test_settings_throttle_both_kinds_of_client():
    rates = settings.REST_FRAMEWORK["DEFAULT_THROTTLE_RATES"]

    assert set(rates) == {"anon", "user"}
    assert {
        "rest_framework.throttling.AnonRateThrottle",
        "rest_framework.throttling.UserRateThrottle",
    } <= set(settings.REST_FRAMEWORK["DEFAULT_THROTTLE_CLASSES"])


@pytest.mark.parametrize(
    ("throttle", "who"), [(AnonRateThrottle, "api"), (UserRateThrottle, "reader_api")]
)
def test_client_over_its_rate_gets_429_with_retry_after(request, monkeypatch, throttle, who):
    monkeypatch.setattr(throttle, "rate", "3/min", raising=False)
    client = request.getfixturevalue(who)

    answers = [client.get("/api/v1/sectors/").status_code for _ in range(4)]

    assert answers == [200, 200, 200, 429]
    refused = client.get("/api/v1/sectors/")
    assert refused.status_code == 429
    assert 0 < int(refused["Retry-After"]) <= 60
    assert "detail" in refused.json()


def test_throttled_anonymous_client_does_not_slow_a_signed_in_one(monkeypatch, api, reader_api):
    monkeypatch.setattr(AnonRateThrottle, "rate", "1/min", raising=False)
    api.get("/api/v1/sectors/")

    assert api.get("/api/v1/sectors/").status_code == 429
    assert reader_api.get("/api/v1/sectors/").status_code == 200
