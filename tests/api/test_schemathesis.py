"""A property-based run of the whole API from its own schema.

Schemathesis generates requests (valid and invalid query strings, slugs…) for every
read operation the schema lists and checks that none answers 5xx and that every
answer matches what the schema says: status code, content type, headers, body.
Bounded (a few examples per operation) so it takes seconds, not minutes.
"""

import pytest
import schemathesis
from django.core import signals
from django.db import close_old_connections
from hypothesis import HealthCheck, settings
from rest_framework.throttling import AnonRateThrottle
from schemathesis.checks import not_a_server_error
from schemathesis.specs.openapi.checks import (
    content_type_conformance,
    response_headers_conformance,
    response_schema_conformance,
    status_code_conformance,
)

from trustsite.wsgi import application

CHECKS = [
    not_a_server_error,
    status_code_conformance,
    content_type_conformance,
    response_headers_conformance,
    response_schema_conformance,
]


# Loaded from the app's own schema endpoint when the tests are collected. (The lazy
# `schemathesis.pytest.from_fixture` loader does not run under pytest 9.)
schema = schemathesis.openapi.from_wsgi("/api/v1/schema/?format=json", application).include(
    method="GET"
)
schema.config.generation.update(max_examples=10, deterministic=True)


@pytest.fixture
def unthrottled(monkeypatch):
    """Hundreds of generated requests come from one address; the throttle has its own test."""
    monkeypatch.setattr(AnonRateThrottle, "rate", "100000/min", raising=False)


@pytest.fixture
def connection_kept_open():
    """Called straight through WSGI, Django would close the database connection at each
    request's start and end, and with it the test's transaction (on PostgreSQL). Django's
    own test client switches this off the same way."""
    signals.request_started.disconnect(close_old_connections)
    signals.request_finished.disconnect(close_old_connections)
    yield
    signals.request_started.connect(close_old_connections)
    signals.request_finished.connect(close_old_connections)


@schema.parametrize()
@pytest.mark.django_db
# Every generated request only reads, so one load of the content serves them all.
@settings(
    max_examples=10,
    deadline=None,
    suppress_health_check=[HealthCheck.function_scoped_fixture, HealthCheck.too_slow],
)
def test_api_answers_generated_requests_without_5xx_and_as_documented(
    case, content, unthrottled, connection_kept_open
):
    # The WSGI client hands back bodies as sent; a real client would undo the site's gzip.
    case.call_and_validate(headers={"Accept-Encoding": "identity"}, checks=CHECKS)
