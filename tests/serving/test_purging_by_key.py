"""After a public change commits, the keys it touched are purged at every purger in
``CACHE_PURGE_URLS``, in one request each, retried when a purger fails; a purger that is
down never fails or slows the editor's save. Public answers name their keys; private
ones name none and are kept by no shared cache."""

import http.server
import threading
import time

import pytest

from publishing import purge

from .conftest import signed_in
from .servers import free_port

pytestmark = pytest.mark.django_db

NEW_SUMMARY = "Purged by key from the caches in front of the site."


class Purger(http.server.BaseHTTPRequestHandler):
    """A stand-in for Varnish: records each PURGE's keys, and fails the first
    ``failures`` of them with a 503."""

    def do_PURGE(self):  # noqa: N802 (the method's name)
        server = self.server
        server.received.append(self.headers.get("xkey-purge", "").split())
        failing = len(server.received) <= server.failures
        self.send_response(503 if failing else 200)
        self.end_headers()

    def log_message(self, *args):
        pass


@pytest.fixture
def purger():
    server = http.server.ThreadingHTTPServer(("127.0.0.1", free_port()), Purger)
    server.received, server.failures = [], 0
    thread = threading.Thread(target=server.serve_forever, daemon=True)
    thread.start()
    yield server
    server.shutdown()
    server.server_close()


@pytest.fixture(autouse=True)
def quick_retries(monkeypatch):
    monkeypatch.setattr(purge, "BACKOFF", (0.05, 0.05, 0.05))


def publish_summary(publisher_api, capture):
    with capture(execute=True):
        response = publisher_api.patch(
            "/api/v1/sectors/space/", {"summary": NEW_SUMMARY}, format="json"
        )
    assert response.status_code == 200, response.json()


def test_the_changed_keys_are_purged_after_the_commit_in_one_request(
    content, reader, publisher_api, purger, settings, django_capture_on_commit_callbacks
):
    settings.CACHE_PURGE_URLS = [f"http://127.0.0.1:{purger.server_port}/"]
    page = reader.get("/sectors/space/")
    shown = set(page["xkey"].split())
    assert page["Surrogate-Key"] == page["xkey"]
    assert "s-maxage=" in page["Cache-Control"] and "max-age=0" in page["Cache-Control"]

    publish_summary(publisher_api, django_capture_on_commit_callbacks)

    assert purge.wait(5)
    assert len(purger.received) == 1, purger.received
    purged = set(purger.received[0])
    assert purged & shown, "the page that shows the sector's summary was not purged"
    assert not purged & set(reader.get("/figures/").get("xkey", "").split()) - {"all"}


def test_a_failing_purger_is_asked_again(
    content, publisher_api, purger, settings, django_capture_on_commit_callbacks
):
    settings.CACHE_PURGE_URLS = [f"http://127.0.0.1:{purger.server_port}/"]
    purger.failures = 2

    publish_summary(publisher_api, django_capture_on_commit_callbacks)

    assert purge.wait(5)
    assert len(purger.received) == 3
    assert purger.received[0] == purger.received[2]


def test_a_purger_that_is_down_never_fails_or_slows_the_save(
    content, reader, publisher_api, settings, django_capture_on_commit_callbacks, caplog
):
    settings.CACHE_PURGE_URLS = [f"http://127.0.0.1:{free_port()}/"]
    started = time.monotonic()

    publish_summary(publisher_api, django_capture_on_commit_callbacks)

    assert time.monotonic() - started < 2
    assert NEW_SUMMARY in reader.get("/sectors/space/").content.decode()
    assert purge.wait(5)
    assert "Could not purge" in caplog.text


def test_private_answers_name_no_keys_and_are_kept_by_no_shared_cache(content, publisher):
    for client, path in [
        (signed_in(publisher), "/sectors/space/"),
        (signed_in(publisher), "/admin/"),
    ]:
        response = client.get(path)
        assert "xkey" not in response and "Surrogate-Key" not in response
        assert "private" in response["Cache-Control"]
        assert "no-store" in response["Cache-Control"]
