"""``manage.py check_sources`` against a local server, never the network.

The server answers 200, a 301 to that 200, 404, and one address slower than the command's
timeout. Each source's status, final address and redirects are recorded; only the stored
addresses (and the redirect they give) are requested; and the check is no change to the
content: nothing in the history, nothing in the public change log, the cache kept warm.
"""

import contextlib
import io
import threading
import time
from collections import Counter
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer

import pytest
from django.core.management import CommandError, call_command

from initiatives.models import LinkStatus, Source
from minerals.models import Mineral
from publishing.models import Change, ContentVersion, PublicChange
from tests.factories import SourceFactory, arranged

pytestmark = pytest.mark.django_db

TIMEOUT = 0.5


class Handler(BaseHTTPRequestHandler):
    requested = []

    def do_GET(self):
        self.requested.append(self.path)
        if self.path == "/report":
            self.answer(200)
        elif self.path == "/old-report":
            self.answer(301, Location="/report")
        elif self.path == "/slow":
            time.sleep(TIMEOUT * 4)
            self.answer(200)
        else:
            self.answer(404)

    def answer(self, status, **headers):
        self.send_response(status)
        for name, value in headers.items():
            self.send_header(name, value)
        self.send_header("Content-Length", "2")
        self.end_headers()
        with contextlib.suppress(OSError):
            self.wfile.write(b"ok")

    def log_message(self, *args):
        pass


@pytest.fixture
def server():
    Handler.requested = []
    httpd = ThreadingHTTPServer(("127.0.0.1", 0), Handler)
    httpd.daemon_threads = True
    thread = threading.Thread(target=httpd.serve_forever, daemon=True)
    thread.start()
    yield f"http://127.0.0.1:{httpd.server_address[1]}"
    httpd.shutdown()
    httpd.server_close()


@pytest.fixture
def sources(server):
    return {
        path: SourceFactory(slug=f"source{path.replace('/', '-')}", url=f"{server}{path}")
        for path in ("/report", "/old-report", "/missing", "/slow")
    }


def checked(source):
    return Source.objects.get(pk=source.pk)


def version():
    row = ContentVersion.objects.filter(pk=1).first()
    return row.number if row else 0


def test_each_address_status_final_address_and_redirects_are_recorded(server, sources):
    call_command("check_sources", timeout=TIMEOUT, workers=2, stdout=io.StringIO())

    report, moved = checked(sources["/report"]), checked(sources["/old-report"])
    missing, slow = checked(sources["/missing"]), checked(sources["/slow"])
    assert report.link_status == LinkStatus.OK and report.final_url == f"{server}/report"
    assert report.redirects == []
    assert moved.link_status == LinkStatus.MOVED
    assert moved.final_url == f"{server}/report"
    assert moved.redirects == [[301, f"{server}/old-report", f"{server}/report"]]
    assert missing.link_status == LinkStatus.DEAD and missing.link_error == "HTTP 404"
    assert slow.link_status == LinkStatus.ERROR and "no answer within 0.5 s" in slow.link_error
    assert all(checked(source).link_checked_at for source in sources.values())


def test_only_the_stored_addresses_and_their_redirects_are_requested(server, sources):
    call_command("check_sources", timeout=TIMEOUT, stdout=io.StringIO())

    assert Counter(Handler.requested) == Counter(
        ["/report", "/old-report", "/report", "/missing", "/slow"]
    )


def test_the_timeout_bounds_each_request_and_the_workers_run_at_once(server, sources):
    with arranged():
        for n in range(3):
            SourceFactory(slug=f"slow-{n}", url=f"{server}/slow")

    started = time.monotonic()
    call_command("check_sources", timeout=TIMEOUT, workers=4, stdout=io.StringIO())
    took = time.monotonic() - started

    assert Source.objects.filter(link_status=LinkStatus.ERROR).count() == 4
    assert took < TIMEOUT * 4, f"four slow addresses took {took:.1f} s"


def test_checking_is_no_change_to_the_content(server, sources):
    changes, public_changes = Change.objects.count(), PublicChange.objects.count()
    before = version()

    call_command("check_sources", timeout=TIMEOUT, stdout=io.StringIO())

    assert Change.objects.count() == changes
    assert PublicChange.objects.count() == public_changes
    assert version() == before, "the page cache went cold"


def test_a_dead_source_with_an_archived_copy_reaches_readers_at_once(server, client, content):
    source = SourceFactory(
        slug="gone",
        url=f"{server}/gone",
        archived_url="https://web.archive.org/web/2026/https://example.org/gone",
    )
    with arranged():
        Mineral.objects.get(slug="lithium").sources.add(source)
    before = version()

    call_command("check_sources", timeout=TIMEOUT, stdout=io.StringIO())

    assert version() == before + 1
    assert "archived copy" in client.get("/minerals/lithium/").content.decode()


@pytest.mark.parametrize("option", [{"timeout": 0}, {"workers": 0}])
def test_nonsense_options_are_refused_with_a_message(db, option):
    with pytest.raises(CommandError):
        call_command("check_sources", **option)
