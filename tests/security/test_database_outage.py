"""With the database unreachable the site says so plainly, and serves again when it returns.

Pages answer a small 503 page and the API a JSON 503, both with Retry-After and never a
traceback, debug text or SQL; /healthz still answers 200 and /readyz 503. When the
database is back, the same process serves again, with no restart.

The fast tests make the connection refuse every query in this process (on the suite's
own database backend, SQLite or PostgreSQL). The real one serves the site with gunicorn
and production settings on a PostgreSQL database of its own, reached through a TCP
proxy in this process that the test cuts and restores.
"""

import contextlib
import dataclasses
import http.client
import json
import os
import queue
import re
import secrets
import selectors
import shutil
import socket
import subprocess
import sys
import tempfile
import threading
import time
from html.parser import HTMLParser
from pathlib import Path
from unittest import mock
from urllib.parse import quote

import dj_database_url
import psycopg
import pytest
from django.db import ProgrammingError, connections
from django.template.loader import render_to_string
from django.test import Client

from tests.tools import JAVA, ROOT, VNU_JAR, in_ci, require
from trustsite.outage import RETRY_AFTER_SECONDS

# One worker takes the whole module (see pyproject's addopts), so the outage is staged once.
pytestmark = pytest.mark.xdist_group("database-outage")

PAGE = "/minerals/neodymium/"
API_LIST = "/api/v1/minerals/"
#: A signed-in reader's request (a session cookie) skips the page cache: the view's own
#: queries meet the outage, not the page cache's.
SIGNED_IN = {"Cookie": "sessionid=an-expired-session"}
TOKEN = {"Authorization": "Token not-a-real-token"}
#: What an outage answer must never show.
LEAKS = ("Traceback", "Exception", "Error", "SELECT", "psycopg", "postgres", "DEBUG", "SECRET")


def assert_no_leaks(body, *secrets_of_the_run):
    for word in (*LEAKS, *secrets_of_the_run):
        assert word not in body, f"the outage answer shows {word!r}:\n{body}"


# In process: a connection that refuses every query -----------------------------------


@contextlib.contextmanager
def database_unreachable(error="OperationalError"):
    """Every query fails as when the server is down: the driver's own ``error`` (sqlite3's
    or psycopg's), turned into Django's by Django's wrapper, as a real one is."""
    backend = type(connections["default"])

    def refuse(connection):
        with connection.wrap_database_errors:
            raise getattr(connection.Database, error)(
                "connection to server at 127.0.0.1 failed: Connection refused (simulated)\n"
                "\tIs the server running on that host and accepting TCP/IP connections?"
            )

    with mock.patch.object(backend, "ensure_connection", refuse):
        yield


def get(path, headers=None):
    """An anonymous request of its own (no cookie kept from another)."""
    extra = {f"HTTP_{name.upper()}": value for name, value in (headers or {}).items()}
    return Client(raise_request_exception=False).get(path, **extra)


def assert_outage_headers(response):
    assert response.status_code == 503, response.content[:500]
    assert response["Retry-After"] == str(RETRY_AFTER_SECONDS)
    assert response["Cache-Control"] == "no-store"
    assert "Last-Modified" not in response and "ETag" not in response


def assert_plain_outage_page(response):
    assert_outage_headers(response)
    assert response["Content-Type"] == "text/html; charset=utf-8"
    body = response.content.decode()
    assert "<h1>Temporarily unavailable</h1>" in body
    assert_no_leaks(body, "simulated", "Connection refused")


def assert_json_outage(response):
    assert_outage_headers(response)
    assert response["Content-Type"] == "application/json"
    assert set(response.json()) == {"detail"}
    assert "unavailable" in response.json()["detail"]
    assert_no_leaks(response.content.decode(), "simulated", "Connection refused")


@pytest.mark.parametrize(
    "headers", [{}, SIGNED_IN], ids=["query-of-the-page-cache", "query-of-the-view"]
)
def test_a_page_answers_a_plain_503_page_while_the_database_is_unreachable(headers):
    with database_unreachable():
        response = get(PAGE, headers)
    assert_plain_outage_page(response)


@pytest.mark.parametrize("headers", [{}, TOKEN], ids=["anonymous", "with-a-token"])
def test_the_api_answers_a_json_503_while_the_database_is_unreachable(headers):
    with database_unreachable():
        response = get(API_LIST, headers)
    assert_json_outage(response)


def test_a_dropped_connection_interface_error_answers_503_too():
    with database_unreachable("InterfaceError"):
        assert_plain_outage_page(get(PAGE))
        assert_json_outage(get(API_LIST, TOKEN))


def test_healthz_answers_200_and_readyz_503_while_the_database_is_unreachable():
    with database_unreachable():
        healthz, readyz = get("/healthz"), get("/readyz")
    assert healthz.status_code == 200
    assert healthz.content == b"ok\n"
    assert readyz.status_code == 503
    assert int(readyz["Retry-After"]) > 0
    assert readyz.json()["checks"]["database"] == "unavailable: OperationalError"


@pytest.mark.parametrize("headers", [{}, SIGNED_IN], ids=["in-a-middleware", "in-the-view"])
def test_the_outage_is_logged_in_one_line_naming_the_exception(caplog, headers):
    with database_unreachable(), caplog.at_level("INFO"):
        get(PAGE, headers)
    records = [record for record in caplog.records if PAGE in record.getMessage()]
    assert len(records) == 1, [(r.name, r.getMessage()) for r in records]
    [record] = records
    assert (record.name, record.levelname) == ("trustsite.outage", "ERROR")
    assert record.exc_info is None, "a traceback was logged"
    message = record.getMessage()
    assert "\n" not in message
    assert f"Service Unavailable: {PAGE}" in message
    assert "OperationalError" in message
    assert not [r for r in caplog.records if r.exc_info], "a traceback was logged"


def test_the_failed_connection_is_closed_at_once_so_the_next_request_opens_a_new_one():
    backend = type(connections["default"])
    closed = []
    close = backend.close

    def recording_close(connection):
        closed.append(connection.alias)
        close(connection)

    with database_unreachable(), mock.patch.object(backend, "close", recording_close):
        response = get(PAGE)
    assert response.status_code == 503
    assert "default" in closed


@pytest.mark.parametrize(
    "error",
    [RuntimeError("a bug"), ProgrammingError('relation "publishing_x" does not exist')],
    ids=["a-bug", "a-database-error-that-is-no-outage"],
)
def test_other_errors_still_answer_the_500_page(error):
    with mock.patch("publishing.cache.content_state", side_effect=error):
        response = get(PAGE)
    assert response.status_code == 500
    assert "Something went wrong" in response.content.decode()
    assert "Retry-After" not in response


class PageOutline(HTMLParser):
    """The tags and attributes of a page, for the plain-page checks."""

    def __init__(self):
        super().__init__()
        self.tags = []
        self.attributes = []
        self.title = ""
        self._in_title = False

    def handle_starttag(self, tag, attrs):
        self.tags.append(tag)
        self.attributes += [(tag, name, value) for name, value in attrs]
        self._in_title = tag == "title"

    def handle_endtag(self, tag):
        self._in_title = False

    def handle_data(self, data):
        if self._in_title:
            self.title += data


def test_the_503_page_is_a_plain_page_with_a_title_a_main_landmark_and_one_h1():
    with database_unreachable():  # rendering it may not touch the database
        html = render_to_string("503.html")
    outline = PageOutline()
    outline.feed(html)
    assert html.startswith("<!DOCTYPE html>")
    assert ("html", "lang", "en") in outline.attributes
    assert outline.title.strip()
    assert outline.tags.count("main") == 1
    assert outline.tags.count("h1") == 1
    assert "script" not in outline.tags and "style" not in outline.tags
    inline = [(tag, name) for tag, name, _ in outline.attributes if name == "style"]
    handlers = [(tag, name) for tag, name, _ in outline.attributes if name.startswith("on")]
    assert not inline and not handlers, (inline, handlers)


@pytest.mark.htmlcheck
def test_the_503_page_is_valid_html(tmp_path):
    require(JAVA, VNU_JAR)
    page = tmp_path / "503.html"
    page.write_text(render_to_string("503.html"))
    result = subprocess.run(
        [str(JAVA.path), "-jar", str(VNU_JAR.path), "--format", "json", str(page)],
        capture_output=True,
        text=True,
        timeout=120,
    )
    messages = json.loads(result.stderr or result.stdout)["messages"]
    errors = [m for m in messages if m.get("type") in {"error", "non-document-error"}]
    assert not errors, errors


# A real outage: gunicorn, PostgreSQL and a proxy that is cut ---------------------------


class CuttableProxy:
    """A TCP proxy from a free port on 127.0.0.1 to ``upstream``, run by a thread of its own.

    ``cut()`` closes every connection through it and then closes each new one as soon as
    it is accepted: to a client, the database is gone. ``restore()`` lets them through
    again. The thread alone touches the sockets; the test asks it through a queue.
    """

    def __init__(self, upstream):
        self.upstream = upstream
        self.listener = socket.create_server(("127.0.0.1", 0))
        self.port = self.listener.getsockname()[1]
        self.refused = 0
        self._cut = False
        self._peers = {}  # each open socket -> the socket at the other end
        self._asked = queue.SimpleQueue()
        self._wake, self._waker = socket.socketpair()
        self._selector = selectors.DefaultSelector()
        self._selector.register(self.listener, selectors.EVENT_READ, self._accept)
        self._selector.register(self._wake, selectors.EVENT_READ, self._answer)
        self._running = True
        self._thread = threading.Thread(target=self._serve, name="outage-proxy", daemon=True)
        self._thread.start()

    def cut(self):
        self._ask("cut")

    def restore(self):
        self._ask("restore")

    def open_connections(self):
        return self._ask("count")

    def close(self):
        self._ask("stop")
        self._thread.join(timeout=5)
        for sock in (self.listener, self._wake, self._waker):
            sock.close()
        self._selector.close()

    def _ask(self, what):
        done, answer = threading.Event(), {}
        self._asked.put((what, done, answer))
        self._waker.send(b"!")
        assert done.wait(timeout=10), f"the proxy did not {what} in time"
        return answer.get("value")

    def _serve(self):
        while self._running:
            for key, _ in self._selector.select():
                key.data(key.fileobj)

    def _answer(self, wake):
        wake.recv(1024)
        while not self._asked.empty():
            what, done, answer = self._asked.get_nowait()
            if what in ("cut", "stop"):
                self._cut = True
                for sock in list(self._peers):
                    self._drop(sock)
                self._running = what != "stop"
            elif what == "restore":
                self._cut = False
            elif what == "count":
                answer["value"] = len(self._peers) // 2
            done.set()

    def _accept(self, listener):
        client, _ = listener.accept()
        if self._cut:
            self.refused += 1
            client.close()
            return
        try:
            server = socket.create_connection(self.upstream, timeout=5)
        except OSError:
            client.close()
            return
        server.settimeout(None)
        for sock, other in ((client, server), (server, client)):
            self._peers[sock] = other
            self._selector.register(sock, selectors.EVENT_READ, self._forward)

    def _forward(self, sock):
        if sock not in self._peers:
            return  # dropped with its peer earlier in this round
        try:
            data = sock.recv(65536)
            if data:
                self._peers[sock].sendall(data)
                return
        except OSError:
            pass
        self._drop(sock)

    def _drop(self, sock):
        for end in (sock, self._peers.get(sock)):
            if end is not None and self._peers.pop(end, None) is not None:
                self._selector.unregister(end)
                end.close()


@dataclasses.dataclass(frozen=True)
class Answer:
    status: int
    headers: dict  # names in lower case
    body: str


def fetch(port, path, headers=None):
    connection = http.client.HTTPConnection("127.0.0.1", port, timeout=15)
    try:
        connection.request("GET", path, headers=headers or {})
        response = connection.getresponse()
        headers = {name.lower(): value for name, value in response.getheaders()}
        return Answer(response.status, headers, response.read().decode())
    finally:
        connection.close()


def postgres_address():
    """Where the suite's PostgreSQL is: DATABASE_URL's server on the PostgreSQL run, the
    local one (as CI starts it) on the SQLite run."""
    url = os.environ.get("DATABASE_URL", "")
    if not url.startswith(("postgres://", "postgresql://")):
        url = "postgres://postgres@127.0.0.1:5432/postgres"
    config = dj_database_url.parse(url)
    return {
        "host": config["HOST"] or "127.0.0.1",
        "port": int(config["PORT"] or 5432),
        "user": config["USER"] or "postgres",
        "password": config["PASSWORD"] or "",
    }


def admin_connection(address):
    """A direct connection to the ``postgres`` database; skips the test (fails it in CI)
    when there is no PostgreSQL to connect to."""
    try:
        return psycopg.connect(dbname="postgres", autocommit=True, connect_timeout=5, **address)
    except psycopg.OperationalError as error:
        reason = str(error).strip().splitlines()[0] if str(error).strip() else type(error)
        message = (
            f"PostgreSQL is not reachable at {address['host']}:{address['port']} as "
            f"{address['user']} ({reason}); the database-outage test needs it: start it "
            "(bash .ci/run sets one up) or point DATABASE_URL at one"
        )
        if in_ci():
            pytest.fail(f"CI=true and {message}", pytrace=False)
        pytest.skip(message)


def database_url(address, name, host, port):
    password = f":{quote(address['password'], safe='')}" if address["password"] else ""
    return f"postgres://{quote(address['user'], safe='')}{password}@{host}:{port}/{name}"


#: Variables of this environment that would change what the server serves.
SERVER_SETTINGS = {
    "ALLOWED_HOSTS",
    "API_ANON_RATE",
    "API_USER_RATE",
    "BIND",
    "CONN_MAX_AGE",
    "CSRF_TRUSTED_ORIGINS",
    "DATABASE_URL",
    "DEBUG",
    "DJANGO_ENV",
    "DJANGO_SETTINGS_MODULE",
    "FRAGMENT_CACHE_SECONDS",
    "GUNICORN_TIMEOUT",
    "HTTPS",
    "LOG_LEVEL",
    "PAGE_CACHE_SECONDS",
    "PORT",
    "PYTHONPATH",
    "REDIS_URL",
    "RELEASE",
    "SECRET_KEY",
    "SITE_URL",
    "TRUSTED_PROXIES",
    "WEB_CONCURRENCY",
}


def production_environment(folder, database):
    """`make serve`'s settings (production, plain HTTP on this machine), the page cache
    and the parts' cache off so every page asks the database, and persistent connections.
    A settings module in ``folder`` collects the static files there, with their manifest
    (pages need it to name them) but without the compressed copies, which only cost time
    here."""
    (folder / "outage_settings.py").write_text(
        "from trustsite.settings import *  # noqa: F403\n\n"
        f"STATIC_ROOT = {str(folder / 'static')!r}\n"
        "STORAGES = {**STORAGES, 'staticfiles': {'BACKEND': "
        "'django.contrib.staticfiles.storage.ManifestStaticFilesStorage'}}\n"
    )
    env = {name: value for name, value in os.environ.items() if name not in SERVER_SETTINGS}
    return env | {
        "PYTHONPATH": os.pathsep.join([str(folder), str(ROOT)]),
        "DJANGO_SETTINGS_MODULE": "outage_settings",
        "DJANGO_ENV": "production",
        "HTTPS": "off",
        "SECRET_KEY": secrets.token_urlsafe(50),
        "ALLOWED_HOSTS": "127.0.0.1,localhost",
        "PAGE_CACHE_SECONDS": "0",
        "FRAGMENT_CACHE_SECONDS": "0",
        "CONN_MAX_AGE": "60",
        "DATABASE_URL": database,
        "PYTHONUNBUFFERED": "1",
    }


PREPARE = """
import django
django.setup()
from django.core.management import call_command
call_command("migrate", interactive=False, verbosity=0)
call_command("load_content", verbosity=0)
"""


def prepare(env, direct_url, log):
    """Migrate and load the content (directly, not through the proxy) while the static
    files are collected."""
    runs = [
        subprocess.Popen(command, cwd=ROOT, env=env | extra, stdout=log, stderr=subprocess.STDOUT)
        for command, extra in (
            ([sys.executable, "-c", PREPARE], {"DATABASE_URL": direct_url}),
            ([sys.executable, "manage.py", "collectstatic", "--noinput", "-v0"], {}),
        )
    ]
    for run in runs:
        assert run.wait(timeout=180) == 0, Path(log.name).read_text()


def free_port():
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return probe.getsockname()[1]


def worker_pids(log):
    return re.findall(r"Booting worker with pid: (\d+)", log.read_text(errors="replace"))


def wait_until_serving(process, port, log, seconds=30):
    deadline = time.monotonic() + seconds
    while time.monotonic() < deadline:
        assert process.poll() is None, f"gunicorn stopped:\n{log.read_text()}"
        with contextlib.suppress(OSError):
            if fetch(port, "/healthz").status == 200:
                return
        time.sleep(0.1)
    raise AssertionError(f"gunicorn did not answer within {seconds} s:\n{log.read_text()}")


@contextlib.contextmanager
def gunicorn(env, log_path):
    """The site served as `make serve` does, by one worker; stopped on the way out."""
    port = free_port()
    with log_path.open("w") as log:
        process = subprocess.Popen(
            [sys.executable, "-m", "gunicorn", "--config", "trustsite/gunicorn.conf.py"]
            + ["trustsite.wsgi"],
            cwd=ROOT,
            env=env | {"BIND": f"127.0.0.1:{port}", "WEB_CONCURRENCY": "1"},
            stdout=log,
            stderr=subprocess.STDOUT,
        )
    try:
        wait_until_serving(process, port, log_path)
        yield process, port
    finally:
        process.terminate()
        try:
            process.wait(timeout=15)
        except subprocess.TimeoutExpired:
            process.kill()
            process.wait(timeout=5)


@contextlib.contextmanager
def own_database(admin, name):
    """A new, empty database ``name``; dropped on the way out."""
    admin.execute(f'DROP DATABASE IF EXISTS "{name}"')
    admin.execute(f'CREATE DATABASE "{name}"')
    try:
        yield
    finally:
        admin.execute(
            "SELECT pg_terminate_backend(pid) FROM pg_stat_activity "
            "WHERE datname = %s AND pid <> pg_backend_pid()",
            [name],
        )
        admin.execute(f'DROP DATABASE IF EXISTS "{name}"')


OUTAGE_REQUESTS = {
    "page": (PAGE, {}),
    "page, signed in": (PAGE, SIGNED_IN),
    "api": (API_LIST, {}),
    "api, with a token": (API_LIST, TOKEN),
}


@dataclasses.dataclass
class Outage:
    before: dict
    during: dict
    healthz: Answer
    readyz: Answer
    recovered: Answer
    recovery_seconds: float
    after: dict
    readyz_after: Answer
    proxied_connections_before: int
    refused_during: int
    gunicorn_running: bool
    workers_before: list
    workers_after: list
    #: The server's output up to the end of the cut, and in all.
    log_during: str
    log: str
    secrets: tuple


@pytest.fixture(scope="module")
def outage():
    """The site on gunicorn before, during and after an outage of its PostgreSQL."""
    address = postgres_address()
    admin = admin_connection(address)
    name = f"trustsite_outage_test_{os.getpid()}"
    folder = Path(tempfile.mkdtemp(prefix="trustsite-outage-"))
    proxy = CuttableProxy((address["host"], address["port"]))
    try:
        with own_database(admin, name):
            env = production_environment(
                folder, database_url(address, name, "127.0.0.1", proxy.port)
            )
            with (folder / "prepare.log").open("w") as log:
                prepare(env, database_url(address, name, address["host"], address["port"]), log)
            server_log = folder / "gunicorn.log"
            with gunicorn(env, server_log) as (process, port):
                before = {
                    label: fetch(port, *request) for label, request in OUTAGE_REQUESTS.items()
                }
                workers_before = worker_pids(server_log)
                proxied = proxy.open_connections()

                proxy.cut()
                during = {
                    label: fetch(port, *request) for label, request in OUTAGE_REQUESTS.items()
                }
                healthz, readyz = fetch(port, "/healthz"), fetch(port, "/readyz")
                refused = proxy.refused
                log_during = server_log.read_text(errors="replace")

                proxy.restore()
                started = time.monotonic()
                recovered = fetch(port, PAGE)
                while recovered.status != 200 and time.monotonic() - started < 10:
                    time.sleep(0.2)
                    recovered = fetch(port, PAGE)
                recovery_seconds = time.monotonic() - started
                after = {label: fetch(port, *request) for label, request in OUTAGE_REQUESTS.items()}
                readyz_after = fetch(port, "/readyz")
                running = process.poll() is None
                workers_after = worker_pids(server_log)
            result = Outage(
                before=before,
                during=during,
                healthz=healthz,
                readyz=readyz,
                recovered=recovered,
                recovery_seconds=recovery_seconds,
                after=after,
                readyz_after=readyz_after,
                proxied_connections_before=proxied,
                refused_during=refused,
                gunicorn_running=running,
                workers_before=workers_before,
                workers_after=workers_after,
                log_during=log_during,
                log=server_log.read_text(errors="replace"),
                secrets=(env["SECRET_KEY"], name, str(proxy.port)),
            )
    finally:
        proxy.close()
        admin.close()
        shutil.rmtree(folder, ignore_errors=True)
    return result


def test_before_the_outage_the_site_serves_through_the_proxy(outage):
    assert outage.before["page"].status == 200, outage.before["page"].body[:2000]
    assert outage.before["page, signed in"].status == 200
    assert outage.before["api"].status == 200
    assert outage.before["api, with a token"].status == 401  # the database said: no such token
    assert outage.proxied_connections_before >= 1, "no persistent connection went through"


@pytest.mark.parametrize("label", ["page", "page, signed in"])
def test_in_an_outage_a_page_answers_a_plain_503_page_with_retry_after(outage, label):
    answer = outage.during[label]
    assert answer.status == 503, answer.body[:2000]
    assert answer.headers["retry-after"] == str(RETRY_AFTER_SECONDS)
    assert answer.headers["cache-control"] == "no-store"
    assert answer.headers["content-type"] == "text/html; charset=utf-8"
    assert "<h1>Temporarily unavailable</h1>" in answer.body
    assert_no_leaks(answer.body, *outage.secrets)


@pytest.mark.parametrize("label", ["api", "api, with a token"])
def test_in_an_outage_the_api_answers_a_json_503_with_retry_after(outage, label):
    answer = outage.during[label]
    assert answer.status == 503, answer.body[:2000]
    assert answer.headers["retry-after"] == str(RETRY_AFTER_SECONDS)
    assert answer.headers["cache-control"] == "no-store"
    assert answer.headers["content-type"] == "application/json"
    assert list(json.loads(answer.body)) == ["detail"]
    assert_no_leaks(answer.body, *outage.secrets)


def test_in_an_outage_healthz_answers_200_and_readyz_503(outage):
    assert outage.refused_during > 0, "the server never tried the database during the cut"
    assert (outage.healthz.status, outage.healthz.body) == (200, "ok\n")
    assert outage.readyz.status == 503
    assert int(outage.readyz.headers["retry-after"]) > 0
    assert json.loads(outage.readyz.body)["checks"]["database"].startswith("unavailable")


def test_the_outage_is_logged_one_line_per_request_without_a_traceback(outage):
    lines = [line for line in outage.log_during.splitlines() if "trustsite.outage" in line]
    assert len(lines) == len(OUTAGE_REQUESTS), "\n".join(lines) or outage.log_during
    for line, (path, _) in zip(lines, OUTAGE_REQUESTS.values(), strict=True):
        assert f"ERROR trustsite.outage: Service Unavailable: {path} " in line, line
        assert "database unreachable: OperationalError: " in line, line
    assert "Traceback" not in outage.log, outage.log
    assert "Internal Server Error" not in outage.log, outage.log


def test_when_the_database_returns_the_same_process_serves_again_within_seconds(outage):
    assert outage.recovered.status == 200, outage.recovered.body[:2000]
    assert outage.recovery_seconds < 5
    assert {label: answer.status for label, answer in outage.after.items()} == {
        label: answer.status for label, answer in outage.before.items()
    }
    assert outage.readyz_after.status == 200
    assert outage.gunicorn_running
    assert len(outage.workers_before) == 1
    assert outage.workers_after == outage.workers_before, "the worker was restarted"
