"""The OpenAPI schema validates without a warning, and its documentation pages are local."""

import re

import pytest
import yaml
from django.contrib.staticfiles import finders
from django.core.management import call_command

from .resources import RESOURCES

pytestmark = pytest.mark.django_db


def test_schema_validates_with_zero_warnings(tmp_path):
    target = tmp_path / "schema.yml"

    call_command("spectacular", "--validate", "--fail-on-warn", "--file", str(target))

    schema = yaml.safe_load(target.read_text())
    assert {f"/api/v1/{resource.basename}/" for resource in RESOURCES} <= set(schema["paths"])


def test_schema_is_served_and_describes_every_field_and_parameter(api):
    response = api.get("/api/v1/schema/", {"format": "json"})

    assert response.status_code == 200
    schema = response.json()
    assert schema["openapi"].startswith("3.")
    undescribed = [
        f"{path} {method} {parameter['name']}"
        for path, operations in schema["paths"].items()
        for method, operation in operations.items()
        for parameter in operation.get("parameters", [])
        if parameter["name"] != "format" and not parameter.get("description")
    ]
    assert undescribed == []
    fields = [
        f"{name}.{field}"
        for name, component in schema["components"]["schemas"].items()
        for field, spec in component.get("properties", {}).items()
        if not spec.get("description")
        and "$ref" not in spec  # an enum's description lives on its component
    ]
    assert fields == []


def test_schema_documents_filters_and_error_answers(api):
    schema = api.get("/api/v1/schema/", {"format": "json"}).json()
    operation = schema["paths"]["/api/v1/initiatives/"]["get"]

    names = {parameter["name"] for parameter in operation["parameters"]}
    assert {"sector", "partner", "launched_min", "launched_max", "search", "ordering"} <= names
    assert {"200", "400", "429"} <= set(operation["responses"])


@pytest.mark.parametrize("page", ["docs", "redoc"])
def test_documentation_page_loads_only_local_assets(api, page):
    response = api.get(f"/api/v1/{page}/")

    assert response.status_code == 200
    html = response.content.decode()
    references = re.findall(r'(?:src|href)\s*=\s*["\']([^"\']+)["\']', html)
    references += re.findall(r'["\'](/static/[^"\']+)["\']', html)
    assets = [ref for ref in references if "/static/" in ref]
    assert assets, "the page loads its scripts from the site's static files"
    for reference in references:
        assert not re.match(r"^(https?:)?//", reference), reference
    for asset in assets:
        assert finders.find(asset.split("/static/", 1)[1].split("?")[0]), asset
    assert "cdn" not in html.lower()
    assert "/api/v1/schema/" in html


def test_schema_says_why_a_write_is_refused_and_that_bodies_hold_only_writable_fields(api):
    schema = api.get("/api/v1/schema/", {"format": "json"}).json()
    components = schema["components"]["schemas"]

    for path, operations in schema["paths"].items():
        for method in ("post", "put", "patch"):
            if method not in operations:
                continue
            refused = operations[method]["responses"]["400"]["description"]
            assert "Read-only" in refused and "Unknown field" in refused, (path, method)
            body = operations[method]["requestBody"]["content"]["application/json"]["schema"]
            component = components[body["$ref"].rsplit("/", 1)[1]]
            assert component["additionalProperties"] is False, (path, method)
            assert "last_checked" not in component["properties"]
            assert "updated" not in component["properties"]


@pytest.mark.parametrize("component", ["Initiative", "Sector", "Milestone", "Figure", "Mineral"])
def test_schema_shows_when_an_item_was_checked_read_only(api, component):
    schema = api.get("/api/v1/schema/", {"format": "json"}).json()

    field = schema["components"]["schemas"][component]["properties"]["last_checked"]

    assert field["readOnly"] is True
    assert field["format"] == "date-time"
    assert field.get("nullable") is True
    assert "sources" in field["description"]
