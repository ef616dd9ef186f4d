"""A client generated from the served schema (openapi-python-client 0.29.1, no
configuration) installs, type-checks in a consumer's script, and reads and writes the
live site as the schema promises.

The consumer's script is tests/api/generated_client_consumer.py. The site is served over
HTTP from a thread that shares the test's database connection, so the content loaded for
the package is there and what the test writes is rolled back with it.
"""

import importlib
import json
import os
import subprocess
import sys
import threading
from decimal import Decimal
from pathlib import Path
from wsgiref.simple_server import WSGIRequestHandler, WSGIServer, make_server

import pytest
from django.contrib.auth.models import AnonymousUser
from django.core.handlers.wsgi import WSGIHandler
from django.core.signals import request_finished, request_started
from django.db import close_old_connections, connections
from django.test import Client as DjangoClient
from packaging.version import Version

from initiatives.models import Figure, Sector
from publishing.roles import PUBLISHER
from tests.factories import api_token_for

from .conftest import member_of
from .resources import RESOURCES

# One worker takes the whole module (see pyproject's addopts), so the client is generated once.
pytestmark = pytest.mark.xdist_group("generated-client")

CONSUMER = Path(__file__).with_name("generated_client_consumer.py")
BIN = Path(sys.executable).parent


def run(command, **kwargs):
    done = subprocess.run(command, capture_output=True, text=True, timeout=300, **kwargs)
    assert done.returncode == 0, f"{command[:3]} failed:\n{done.stdout}\n{done.stderr}"
    return done


@pytest.fixture(scope="module")
def served_schema(django_db_blocker):
    with django_db_blocker.unblock():
        response = DjangoClient().get("/api/v1/schema/", {"format": "json"})
    assert response.status_code == 200
    return response.json()


@pytest.fixture(scope="module")
def generated(served_schema, tmp_path_factory):
    """The client generated from the served schema and installed with pip (offline, as a
    wheel built by setuptools); what the generator printed; where it is installed."""
    root = tmp_path_factory.mktemp("generated-client")
    schema = root / "schema.json"
    schema.write_text(json.dumps(served_schema))
    env = {**os.environ, "PATH": f"{BIN}{os.pathsep}{os.environ.get('PATH', '')}"}
    generation = run(
        [
            str(BIN / "openapi-python-client"),
            "generate",
            "--path",
            str(schema),
            "--meta",
            "setup",
            "--output-path",
            str(root / "project"),
        ],
        env=env,
    )
    target = root / "site-packages"
    run(
        [sys.executable, "-m", "pip", "install", "--quiet", "--no-deps", "--no-index"]
        + ["--no-build-isolation", "--target", str(target), str(root / "project")],
        env=env,
    )
    return generation.stdout + generation.stderr, target


@pytest.fixture(scope="module")
def consumer(generated):
    """The consumer's script, importing the installed client."""
    _, target = generated
    sys.path.insert(0, str(target))
    yield importlib.import_module("tests.api.generated_client_consumer")
    sys.path.remove(str(target))
    for name in [name for name in sys.modules if name.startswith("trustsite_api_client")]:
        del sys.modules[name]
    sys.modules.pop("tests.api.generated_client_consumer", None)


class QuietHandler(WSGIRequestHandler):
    def log_message(self, format, *args):
        pass


@pytest.fixture
def live_site(content, settings):
    """The site over HTTP on a free port, serving from a thread that uses this test's
    database connection (requests come one at a time: the test waits for each answer).
    Django's test client does the same with close_old_connections, which would end the
    test's transaction at each request's end."""
    shared = connections["default"]
    shared.inc_thread_sharing()
    request_started.disconnect(close_old_connections)
    request_finished.disconnect(close_old_connections)
    server = make_server("127.0.0.1", 0, WSGIHandler(), WSGIServer, QuietHandler)

    def serve():
        connections["default"] = shared
        server.serve_forever(poll_interval=0.05)

    thread = threading.Thread(target=serve, daemon=True)
    thread.start()
    try:
        yield f"http://127.0.0.1:{server.server_port}"
    finally:
        server.shutdown()
        thread.join()
        server.server_close()
        request_started.connect(close_old_connections)
        request_finished.connect(close_old_connections)
        shared.dec_thread_sharing()


def test_generated_client_installs_with_no_warning_about_the_schema(served_schema, generated):
    output, target = generated

    assert Version(served_schema["info"]["version"]) == Version("1.0.0")
    assert "Warning" not in output and "warning" not in output, output
    assert (target / "trustsite_api_client-1.0.0.dist-info").is_dir()


def test_consumer_script_type_checks_against_the_generated_client(generated, tmp_path):
    _, target = generated

    checked = subprocess.run(
        [sys.executable, "-m", "mypy", "--follow-imports=silent", "--no-incremental"]
        + ["--cache-dir", str(tmp_path / "mypy"), str(CONSUMER)],
        capture_output=True,
        text=True,
        timeout=300,
        env={**os.environ, "MYPYPATH": str(target)},
    )

    assert checked.returncode == 0, checked.stdout + checked.stderr


def public(model):
    return model.objects.visible_to(AnonymousUser())


def test_anonymous_consumer_reads_every_item_through_every_page(consumer, live_site):
    read = consumer.read_everything(live_site)

    expected = {
        resource.basename: sorted(public(resource.model).values_list("slug", flat=True))
        for resource in RESOURCES
    }
    assert {name: sorted(slugs) for name, slugs in read.items()} == expected
    assert sum(len(slugs) for slugs in read.values()) >= 75


def test_consumer_filters_each_resource_by_slugs_read_beside_links(consumer, live_site):
    found = consumer.filter_and_search(live_site)

    assert set(found) == {resource.basename for resource in RESOURCES}
    assert all(found.values()), found


def test_ordering_by_two_keys_uses_both(consumer, live_site):
    figures = consumer.figures_by_unit_then_value_down(live_site)

    expected = sorted(
        public(Figure).values_list("unit", "value", "slug"),
        key=lambda row: (row[0], -row[1], row[2]),
    )
    assert [(unit, Decimal(value), slug) for unit, value, slug in figures] == expected
    units = [unit for unit, _, _ in figures]
    assert len(set(units)) > 1 and units == sorted(units)


def test_csv_through_its_own_operation_matches_the_json(consumer, live_site):
    rows = consumer.figures_csv(live_site)
    figures = consumer.figures_by_unit_then_value_down(live_site)

    assert [row["slug"] for row in rows] == [slug for _, _, slug in figures]
    assert all(row["url"].endswith(f"/api/v1/figures/{row['slug']}/") for row in rows)
    assert "country_slug" in rows[0] and "mineral_slugs" in rows[0]


def test_second_read_with_the_etag_is_304(consumer, live_site):
    first, again, etag = consumer.not_modified(live_site, Figure.objects.first().slug)

    assert (first, again) == (200, 304)
    assert etag


def test_token_holder_writes_a_draft_and_is_refused_on_a_stale_etag(
    consumer, live_site, django_user_model
):
    token = api_token_for(member_of(django_user_model, "client-publisher", PUBLISHER))

    outcome = consumer.write_a_draft(live_site, token)

    assert outcome["created"][0] == 201 and outcome["created"][1] == "draft"
    assert outcome["changed"] == (200, "Machines that sense and act.")
    assert outcome["stale"][0] == 412 and "summary" in outcome["stale"][1].lower()
    assert Sector.objects.get(slug="robotics").summary == "Machines that sense and act."


def test_token_holder_writes_back_what_it_read_and_a_typo_is_refused_by_name(
    consumer, live_site, django_user_model
):
    token = api_token_for(member_of(django_user_model, "client-publisher", PUBLISHER))

    outcome = consumer.write_back_what_was_read(live_site, token, "space")

    assert outcome["written"] == (200, "Written back whole.", outcome["read_name"])
    status, refused = outcome["typo"]
    assert status == 400
    assert refused == {"sumary": ["Unknown field. Did you mean “summary”?"]}
    assert Sector.objects.get(slug="space").summary == "Written back whole."


def operations(schema):
    for path, methods in schema["paths"].items():
        for method, operation in methods.items():
            yield path, method.upper(), operation


def test_schema_declares_conditional_answers_error_bodies_and_json_bodies(served_schema):
    missing = []
    for path, method, operation in operations(served_schema):
        responses = operation["responses"]
        expected = {"429"} | ({"304"} if method == "GET" else set())
        if method in ("PUT", "PATCH", "DELETE"):
            expected |= {"412", "401", "403"}
        missing += [f"{method} {path} {code}" for code in expected - set(responses)]
        missing += [
            f"{method} {path} {code} body"
            for code, response in responses.items()
            if code[0] == "4" and "content" not in response
        ]
        body = operation.get("requestBody", {}).get("content", {})
        if body and set(body) != {"application/json"}:
            missing.append(f"{method} {path} body {sorted(body)}")
    assert missing == []


def test_schema_ranges_and_required_fields_match_what_is_sent(served_schema):
    components = served_schema["components"]["schemas"]

    position = components["Figure"]["properties"]["position"]
    assert (position["minimum"], position["maximum"]) == (0, 32767)
    for name in ("Initiative", "Figure", "Milestone", "Sector", "PaginatedFigureList"):
        assert set(components[name]["required"]) == set(components[name]["properties"]), name
    assert not {"url", "created", "page"} & set(components["InitiativeRequest"]["properties"])
