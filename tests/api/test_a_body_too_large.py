"""A body larger than the site accepts gets a 400 that says so, in JSON on the API."""

import json

import pytest
from django.conf import settings
from rest_framework.test import APIClient

pytestmark = pytest.mark.django_db


def test_an_api_write_with_a_body_too_large_answers_a_json_400_saying_so(content, publisher_api):
    body = json.dumps({"summary": "x" * (settings.DATA_UPLOAD_MAX_MEMORY_SIZE + 1)})

    response = publisher_api.patch(
        "/api/v1/minerals/lithium/", body, content_type="application/json"
    )

    assert response.status_code == 400
    assert response["Content-Type"] == "application/json"
    assert "larger than" in response.json()["detail"]
    assert APIClient().get("/api/v1/minerals/lithium/").json()["summary"] != "x"
