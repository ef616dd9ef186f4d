"""Throughput and latency of the site as `make serve` runs it, at 1x and 100x content,
and whether it keeps every editor's write while editors and the public use it at once.

Run with ``make bench`` (or ``python -m tests.bench``; ``--help`` lists the options,
``make bench BENCH_ARGS="--duration 3 --no-soak"`` passes them through make;
``make bench BENCH_ARGS="--editors-only"`` runs the editors' load alone, without wrk).

What it measures. Each run starts gunicorn exactly as ``make serve`` does (the
production settings over plain HTTP on loopback, ``trustsite/gunicorn.conf.py``,
collected static files) with 2 workers on a free port, against the benchmark's own
throwaway database: SQLite in its results folder, or, when ``DATABASE_URL`` names
PostgreSQL, a database ``<name>_bench`` it creates and drops. The developer's
database is never opened. ``wrk`` then loads each endpoint in turn for
``--duration`` seconds over ``--connections`` connections and reports requests per
second, the 50th and 99th latency percentiles, socket errors (connect, read, write,
timeout) and answers of 400 or more.

The runs:

* ``warm-1x``, ``warm-100x``: the page cache on (``PAGE_CACHE_SECONDS=300``, the
  production default), filled before measuring;
* ``cold-1x``, ``cold-100x``: the page cache off (``PAGE_CACHE_SECONDS=0``): every
  request renders its page, from the parts the fragment cache keeps
  (``publishing.fragments``: on by default, as in production, and filled by the warm-up;
  ``FRAGMENT_CACHE_SECONDS=0 python -m tests.bench ...`` renders every part too);
* ``soak``: the warm cache at 100x, ``--soak-connections`` connections for
  ``--soak-seconds`` cycling through every endpoint. It must end with no errors and
  no answer of 400 or more; otherwise the benchmark exits 1;
* revision sheets (``tests/bench_sheets.py``; ``--sheets-only`` alone, ``--no-sheets`` skips
  them), on a fresh database at 1x content: each sheet's render time, cold, and its peak
  memory, in a process of its own;
* the editors at work (last; ``--editors-only`` alone, ``--no-editors`` skips it), on a
  fresh database of its own at 1x content, for ``--editors-seconds`` (30): 8 staff
  readers (users in the Editor group) read working copies of 8 items with unpublished
  changes, in turn the API detail with their token, the admin change form, the review
  screen and the ``?preview=`` page with their session cookie, each answer checked to
  show the unpublished changes; 2 writers on 4 other items, an Editor (202: unpublished
  changes) and a Publisher (200: published), each write a fresh API read and a ``PATCH``
  of the summary with its ETag in ``If-Match``; and 4 anonymous readers of pages and
  the API, with the page cache on (the production default: each write empties it).
  The clients are Python threads, one request at a time each, no pause. Target: no
  answer of 5xx (or none at all), nothing else a role must not get (a 412 is a writer's
  expected answer to a stale read, not an error), and every accepted write in its
  item's history (read through the API after the load, found by the mark it wrote,
  once, by its author), with no lost update (each recorded change of the summary is
  written over the one recorded before it, and the item reads as the last) and no
  history entry on the items only read. Otherwise the benchmark exits 1.
  Users and tokens are made with ``manage.py shell``; every change to content goes
  through the site over HTTP (the admin's sign-in form, the API), as an editor's would.

100x content is the seed plus ``manage.py synthesize --factor 100``.

How to read it. Absolute rates depend on the machine (and wrk shares its cores with
the server), so every rate is also given as a ratio to ``/healthz``'s rate in the
same run: ``/healthz`` does no database or cache work, so its rate is what the
server, the middleware and the loopback can do at most. A page at 0.40 serves 40% of
that. ``/healthz`` is measured first and again last; the ratios divide by the mean
of the two, and a run warns when they differ by more than 20% (something else was
loading the machine meanwhile). Compare the ratios between machines and commits, not
the rates. For each endpoint, the 100x ratio divided by the 1x ratio (printed for
both cache settings) says how it scales with content: 1.00 means it does not slow
down at all, 0.50 that it serves half as many requests at 100x content. With the
cache warm the content's size should hardly matter; cold, it shows what rendering
costs as the content grows.

Notes. The API's anonymous throttle would answer 429 within a second, so the server
runs with ``API_ANON_RATE=100000000/hour``. The page cache is each worker's local
memory (``REDIS_URL`` is ignored, so the benchmark never reads or writes a shared
cache); the warm-up therefore sends 16 requests per endpoint, 8 at a time, so both
workers fill theirs, with wrk's headers (Host only) so they fill the entries wrk
reads. wrk sends no ``Accept-Encoding``: the pages are measured uncompressed.
Workers are never recycled (no ``max_requests``), so every cache stays warm; each
table says how many workers gunicorn had to replace (a timeout or a crash). The
server runs without gunicorn's control socket, whose default path (one per user) a
running ``make serve`` may hold.
Nothing here asserts a time: it is a benchmark, not a test. Everything, with the
machine's description, is written to ``bench-results/<time>/`` as ``results.json``
and ``results.md``, beside gunicorn's access and error logs of each run.
"""

import argparse
import http.client
import itertools
import json
import math
import os
import platform
import random
import re
import secrets
import shutil
import signal
import socket
import sqlite3
import subprocess
import sys
import time
from collections import Counter, defaultdict
from concurrent.futures import ThreadPoolExecutor
from contextlib import contextmanager
from dataclasses import dataclass
from datetime import UTC, datetime
from http.cookies import SimpleCookie
from importlib import metadata
from pathlib import Path
from urllib.parse import urlencode, urlsplit, urlunsplit

import dj_database_url

from tests import bench_sheets, bench_varnish

ROOT = Path(__file__).resolve().parent.parent
RESULTS = ROOT / "bench-results"
PYTHON = sys.executable
GUNICORN_CONFIG = "trustsite/gunicorn.conf.py"
WORKERS = 2
FACTOR = 100
API_ANON_RATE = "100000000/hour"
WARM_CACHE_SECONDS = 300  # the production default

BASELINE = "/healthz"
BASELINE_AGAIN = "healthz (end)"
#: Drift of /healthz's rate between a run's start and end above which its ratios are suspect.
DRIFT_WARNING = 0.2
ENDPOINTS = [
    ("healthz", BASELINE),
    ("home", "/"),
    ("minerals index", "/minerals/"),
    ("mineral page", "/minerals/neodymium/"),
    ("initiative page", "/initiatives/trust/"),
    ("search", "/search/?q=lithium"),
    ("api: minerals", "/api/v1/minerals/"),
]


@dataclass(frozen=True)
class Run:
    name: str
    cache_seconds: int
    factor: int
    soak: bool = False

    @property
    def description(self):
        parts = os.environ.get("FRAGMENT_CACHE_SECONDS", "300")  # the production default
        cache = (
            f"page cache on, warmed (PAGE_CACHE_SECONDS={self.cache_seconds})"
            if self.cache_seconds
            else "page cache off (PAGE_CACHE_SECONDS=0), page parts "
            + (f"kept (FRAGMENT_CACHE_SECONDS={parts})" if int(parts) else "not kept either")
        )
        return f"{self.factor}x content, {cache}"


RUNS = [
    Run("warm-1x", WARM_CACHE_SECONDS, 1),
    Run("cold-1x", 0, 1),
    Run("warm-100x", WARM_CACHE_SECONDS, FACTOR),
    Run("cold-100x", 0, FACTOR),
    Run("soak", WARM_CACHE_SECONDS, FACTOR, soak=True),
]

#: wrk calls done() once at the end: it prints the totals as one line of JSON.
WRK_REPORT = """
done = function(summary, latency, requests)
  local errors = summary.errors
  io.write(string.format('BENCH_RESULT {"requests": %.0f, "duration_us": %.0f, '
    .. '"bytes": %.0f, "connect": %.0f, "read": %.0f, "write": %.0f, "timeout": %.0f, '
    .. '"status": %.0f, "p50_us": %.0f, "p90_us": %.0f, "p99_us": %.0f, "max_us": %.0f}\\n',
    summary.requests, summary.duration, summary.bytes, errors.connect, errors.read,
    errors.write, errors.timeout, errors.status, latency:percentile(50),
    latency:percentile(90), latency:percentile(99), latency.max))
end
"""
#: For the soak: each connection's next request is the next path in the list.
WRK_CYCLE = """
local paths = {%s}
local next_path = 0
request = function()
  next_path = next_path %% #paths + 1
  return wrk.format("GET", paths[next_path])
end
"""
ACCESS_LINE = re.compile(r'"(?P<method>[A-Z]+) (?P<path>\S+) HTTP/[\d.]+" (?P<status>\d{3}) ')


# The machine ------------------------------------------------------------------------


def cpu_model():
    for line in Path("/proc/cpuinfo").read_text().splitlines():
        if line.startswith("model name"):
            return line.split(":", 1)[1].strip()
    return platform.processor() or "unknown"


def command_output(*command):
    try:
        done = subprocess.run(command, capture_output=True, text=True, check=False)
    except OSError:
        return "unknown"
    return (done.stdout or done.stderr).strip().splitlines()[0]


def load_average():
    return " ".join(f"{value:.2f}" for value in os.getloadavg())


def machine(database):
    kilobytes = int(command_output("grep", "MemTotal", "/proc/meminfo").split()[1])
    return {
        "nproc": int(command_output("nproc")),
        "cpu": cpu_model(),
        "memory": f"{kilobytes / 2**20:.1f} GiB",
        "kernel": f"{platform.system()} {platform.release()}",
        "python": platform.python_version(),
        "django": metadata.version("Django"),
        "gunicorn": metadata.version("gunicorn"),
        "database": database.description(),
        "load average at start (1, 5, 15 min)": load_average(),
    } | ({"wrk": command_output("wrk", "--version").split(" [")[0]} if shutil.which("wrk") else {})


# The throwaway database -------------------------------------------------------------


class SqliteDatabase:
    vendor = "sqlite"

    def __init__(self, folder):
        self.path = folder / "bench.sqlite3"
        self.url = f"sqlite:///{self.path}"

    def create(self):
        self.drop()

    def drop(self):
        for suffix in ("", "-journal", "-wal", "-shm"):
            Path(f"{self.path}{suffix}").unlink(missing_ok=True)

    def description(self):
        return f"SQLite {sqlite3.sqlite_version}, {self.path.relative_to(ROOT)} (deleted after)"


class PostgresDatabase:
    """``<name>_bench`` on the server ``DATABASE_URL`` names, created and dropped here."""

    vendor = "postgresql"

    def __init__(self, developer_url):
        parts = urlsplit(developer_url)
        developer_name = parts.path.lstrip("/") or "trustsite"
        self.name = f"{developer_name}_bench"
        self.url = urlunsplit(parts._replace(path=f"/{self.name}"))
        self.admin_url = urlunsplit(parts._replace(scheme="postgresql", path="/postgres"))
        self.version = ""

    def execute(self, *statements):
        import psycopg
        from psycopg import sql

        with psycopg.connect(self.admin_url, autocommit=True) as connection:
            self.version = connection.execute("SHOW server_version").fetchone()[0]
            for statement in statements:
                connection.execute(sql.SQL(statement).format(sql.Identifier(self.name)))

    def create(self):
        self.execute("DROP DATABASE IF EXISTS {} WITH (FORCE)", "CREATE DATABASE {}")

    def drop(self):
        self.execute("DROP DATABASE IF EXISTS {} WITH (FORCE)")

    def description(self):
        return f"PostgreSQL {self.version}, database {self.name} (created and dropped here)"


def bench_database(folder):
    """The benchmark's own database, of the developer's vendor: never the developer's."""
    url = os.environ.get("DATABASE_URL", "")
    engine = dj_database_url.parse(url)["ENGINE"] if url else "sqlite3"
    if engine.endswith("postgresql"):
        return PostgresDatabase(url)
    if engine.endswith("sqlite3"):
        return SqliteDatabase(folder)
    sys.exit(f"The benchmark knows SQLite and PostgreSQL, not {engine}.")


# The server -------------------------------------------------------------------------


def server_env(database):
    """`make serve`'s environment (SERVE_ENV), on the benchmark's database; each run adds
    its PAGE_CACHE_SECONDS."""
    env = {
        name: value
        for name, value in os.environ.items()
        if name not in {"REDIS_URL", "BIND", "PORT", "DJANGO_SETTINGS_MODULE"}
    }
    return env | {
        "DJANGO_SETTINGS_MODULE": "trustsite.settings",
        "DJANGO_ENV": "production",
        "HTTPS": "off",
        "SECRET_KEY": secrets.token_urlsafe(50),
        "ALLOWED_HOSTS": "127.0.0.1,localhost",
        "DATABASE_URL": database.url,
        "WEB_CONCURRENCY": str(WORKERS),
        "API_ANON_RATE": API_ANON_RATE,
    }


def manage(env, log, *command):
    """Run a manage.py command, its output going to ``log``; return the seconds it took."""
    start = time.monotonic()
    log.write(f"\n$ manage.py {' '.join(command)}\n")
    log.flush()
    done = subprocess.run(
        [PYTHON, "manage.py", *command], env=env, cwd=ROOT, stdout=log, stderr=subprocess.STDOUT
    )
    if done.returncode:
        raise RuntimeError(f"manage.py {' '.join(command)} failed: see {log.name}")
    return time.monotonic() - start


def manage_output(env, log, *command):
    """Run a manage.py command; return what it printed. Only its errors go to ``log``: what
    it prints may be credentials (the benchmark's accounts' tokens)."""
    log.write(f"\n$ manage.py {command[0]} ...\n")
    done = subprocess.run(
        [PYTHON, "manage.py", *command], env=env, cwd=ROOT, capture_output=True, text=True
    )
    log.write(done.stderr)
    log.flush()
    if done.returncode:
        raise RuntimeError(f"manage.py {command[0]} failed: see {log.name}")
    return done.stdout


def free_port():
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


@dataclass
class Server:
    port: int
    access_log: Path
    error_log: Path

    @property
    def base(self):
        return f"http://127.0.0.1:{self.port}"


def fetch(port, path, timeout=60):
    """GET ``path`` with exactly the headers wrk sends (Host only), so the answer fills the
    same page-cache entry wrk's requests read. Returns the status, body size, cache header."""
    connection = http.client.HTTPConnection("127.0.0.1", port, timeout=timeout)
    try:
        connection.putrequest("GET", path, skip_accept_encoding=True)
        connection.endheaders()
        response = connection.getresponse()
        return response.status, len(response.read()), response.getheader("X-Page-Cache")
    finally:
        connection.close()


def wait_until_up(server, process, timeout=60):
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        if process.poll() is not None:
            raise RuntimeError(
                f"gunicorn exited with status {process.returncode}: see {server.error_log}"
            )
        try:
            if fetch(server.port, BASELINE, timeout=2)[0] == 200:
                return
        except OSError:
            pass
        time.sleep(0.2)
    raise RuntimeError(f"gunicorn did not answer within {timeout} s: see {server.error_log}")


def stop(process, grace=15):
    """SIGTERM (gunicorn's graceful stop), then SIGKILL to its process group if need be."""
    if process.poll() is None:
        process.terminate()
        try:
            process.wait(grace)
            return
        except subprocess.TimeoutExpired:
            pass
    if process.poll() is None:
        os.killpg(process.pid, signal.SIGKILL)  # the group holds the master and its workers
        process.wait()


@contextmanager
def serve(env, folder, name):
    """gunicorn as `make serve` starts it, on a free port; always stopped on the way out."""
    port = free_port()
    server = Server(port, folder / f"{name}.access.log", folder / f"{name}.server.log")
    command = [
        *(PYTHON, "-m", "gunicorn", "--config", GUNICORN_CONFIG),
        *("--access-logfile", str(server.access_log), "trustsite.wsgi"),
        # No control socket: its default path is one per user, which `make serve` may hold.
        "--no-control-socket",
    ]
    with server.error_log.open("w") as log:
        # A session of its own: Ctrl-C reaches the benchmark only, which stops it below.
        process = subprocess.Popen(
            command,
            env=env | {"PORT": str(port)},
            cwd=ROOT,
            stdout=log,
            stderr=subprocess.STDOUT,
            start_new_session=True,
        )
    try:
        wait_until_up(server, process)
        yield server
    finally:
        stop(process)


def worker_restarts(server):
    """Workers gunicorn replaced: killed for a timeout, or exited on their own."""
    log = server.error_log.read_text()
    return log.count("WORKER TIMEOUT") + log.count("exited with code")


def answers(server):
    """``{path: {status: count}}`` of every answer in the access log (warm-up included);
    a write's path is preceded by its method."""
    found = defaultdict(Counter)
    with server.access_log.open() as log:
        for line in log:
            match = ACCESS_LINE.search(line)
            if match:
                what = match["path"]
                if match["method"] not in ("GET", "HEAD"):
                    what = f"{match['method']} {what}"
                found[what][match["status"]] += 1
    return {path: dict(statuses) for path, statuses in found.items()}


def failed_answers(server):
    """``{path: {status: count}}`` of the answers of 400 or more."""
    failed = {
        path: {status: count for status, count in statuses.items() if int(status) >= 400}
        for path, statuses in answers(server).items()
    }
    return {path: statuses for path, statuses in failed.items() if statuses}


# wrk ----------------------------------------------------------------------------------


def warm_up(server, path, requests=16, parallel=8):
    """Concurrent requests, so that each worker fills its own page cache. Returns what
    the first answer said (status, size) and how many answers came from the cache."""
    with ThreadPoolExecutor(parallel) as pool:
        answers = list(pool.map(lambda _: fetch(server.port, path), range(requests)))
    status, size, _ = answers[0]
    return {
        "status": status,
        "bytes": size,
        "warm-up cache hits": sum(hit == "hit" for _, _, hit in answers),
    }


def write_script(folder, name, paths=None):
    script = folder / name
    cycle = WRK_CYCLE % ", ".join(json.dumps(path) for path in paths) if paths else ""
    script.write_text(cycle + WRK_REPORT)
    return script


def wrk(url, script, seconds, connections, args):
    """Run wrk; returns its totals: rate, latency percentiles in ms, errors."""
    command = [
        *("wrk", f"--threads={min(args.threads, connections)}", f"--connections={connections}"),
        *(f"--duration={seconds}s", f"--timeout={args.timeout}s", "--latency"),
        *("--script", str(script), url),
    ]
    done = subprocess.run(command, capture_output=True, text=True, check=False)
    lines = [line for line in done.stdout.splitlines() if line.startswith("BENCH_RESULT ")]
    if done.returncode or not lines:
        raise RuntimeError(f"{' '.join(command)} failed:\n{done.stdout}{done.stderr}")
    raw = json.loads(lines[0].removeprefix("BENCH_RESULT "))
    seconds_taken = raw["duration_us"] / 1e6
    return {
        "requests": raw["requests"],
        "rate": raw["requests"] / seconds_taken if seconds_taken else 0.0,
        "p50_ms": raw["p50_us"] / 1000,
        "p90_ms": raw["p90_us"] / 1000,
        "p99_ms": raw["p99_us"] / 1000,
        "max_ms": raw["max_us"] / 1000,
        "socket_errors": {key: raw[key] for key in ("connect", "read", "write", "timeout")},
        "non_2xx_3xx": raw["status"],
        "megabytes": raw["bytes"] / 1e6,
    }


def errors(result):
    return sum(result["socket_errors"].values())


# The runs -----------------------------------------------------------------------------


def measure_endpoints(run, env, folder, args):
    """Each endpoint in turn, between two measurements of /healthz: the baseline is their
    mean, so a machine whose load changes during the run shows as drift between them."""
    script = write_script(folder, "report.lua")
    load = load_average()
    with serve(env | {"PAGE_CACHE_SECONDS": str(run.cache_seconds)}, folder, run.name) as server:
        rows = []
        for name, path in [*ENDPOINTS, (BASELINE_AGAIN, BASELINE)]:
            first = warm_up(server, path)
            result = wrk(server.base + path, script, args.duration, args.connections, args)
            rows.append({"endpoint": name, "path": path, **first, **result})
            print(f"  {name:<16} {result['rate']:>9.1f} req/s", flush=True)
        restarts, failed = worker_restarts(server), failed_answers(server)
    start, end = rows[0]["rate"], rows[-1]["rate"]
    baseline = (start + end) / 2
    for row in rows:
        row["ratio"] = row["rate"] / baseline if baseline else 0.0
    return {
        "description": run.description,
        "page_cache_seconds": run.cache_seconds,
        "content": f"{run.factor}x",
        "load average at start": load,
        "endpoints": rows,
        "baseline": baseline,
        "baseline drift": end / start - 1 if start else 0.0,
        "worker_restarts": restarts,
        "failed_answers": failed,
        "access_log": str(server.access_log.relative_to(ROOT)),
        "server_log": str(server.error_log.relative_to(ROOT)),
    }


def soak(run, env, folder, args):
    paths = [path for _, path in ENDPOINTS]
    script = write_script(folder, "soak.lua", paths)
    load = load_average()
    with serve(env | {"PAGE_CACHE_SECONDS": str(run.cache_seconds)}, folder, run.name) as server:
        for path in paths:
            warm_up(server, path)
        result = wrk(server.base + "/", script, args.soak_seconds, args.soak_connections, args)
        restarts, by_path, failed = worker_restarts(server), answers(server), failed_answers(server)
    return {
        "description": run.description,
        "seconds": args.soak_seconds,
        "connections": args.soak_connections,
        "paths": paths,
        "load average at start": load,
        **result,
        "worker_restarts": restarts,
        "answers by path": by_path,
        "failed_answers": failed,
        "access_log": str(server.access_log.relative_to(ROOT)),
        "server_log": str(server.error_log.relative_to(ROOT)),
        "passed": errors(result) == 0 and result["non_2xx_3xx"] == 0 and not failed,
    }


def scaling(results):
    """Per endpoint and cache setting: the 100x ratio divided by the 1x ratio."""
    table = {}
    for cache in ("cold", "warm"):
        small, large = results.get(f"{cache}-1x"), results.get(f"{cache}-{FACTOR}x")
        if small and large:
            table[cache] = {
                one["endpoint"]: (hundred["ratio"] / one["ratio"] if one["ratio"] else 0.0)
                for one, hundred in zip(small["endpoints"], large["endpoints"], strict=True)
            }
    return table


# The editors at work ------------------------------------------------------------------

EDITORS_SECONDS = 30
STAFF_READERS = 8
PUBLIC_READERS = 4
#: The anonymous readers get the production default: the page cache on. Every accepted
#: write changes the content's state, so it empties the cache for everyone.
EDITORS_CACHE_SECONDS = WARM_CACHE_SECONDS
#: A client waits this long for an answer (gunicorn replaces a worker stuck for 30 s).
EDITORS_TIMEOUT = 60
#: Each client's loop is bounded in count as well as in time.
EDITORS_MAX_REQUESTS = 100_000
#: The items the staff read, as (model label, API resource, slug): each gets unpublished
#: changes before the load, and each reader goes through them in turn.
READ_ITEMS = [
    ("minerals.mineral", "minerals", "neodymium"),
    ("minerals.mineral", "minerals", "lithium"),
    ("minerals.mineral", "minerals", "cobalt"),
    ("minerals.mineral", "minerals", "samarium"),
    ("initiatives.initiative", "initiatives", "trust"),
    ("initiatives.initiative", "initiatives", "icet"),
    ("initiatives.sector", "sectors", "semiconductors"),
    ("initiatives.sector", "sectors", "defence"),
]
#: The items the two writers edit, both of them: a fresh read is sometimes stale by the time
#: its write arrives, because the other writer wrote the item in between (412).
WRITE_ITEMS = [
    ("minerals.mineral", "minerals", "gallium"),
    ("minerals.mineral", "minerals", "indium"),
    ("minerals.mineral", "minerals", "silicon"),
    ("minerals.mineral", "minerals", "nickel"),
]
PUBLIC_PATHS = [
    "/",
    "/minerals/",
    "/minerals/gallium/",
    "/initiatives/trust/",
    "/sectors/defence/",
    "/changes/",
    "/api/v1/minerals/",
    "/api/v1/minerals/gallium/",
]
STAFF_READER = "staff reader"
EDITOR_WRITER = "writer (Editor)"
PUBLISHER_WRITER = "writer (Publisher)"
PUBLIC_READER = "public reader"
WRITERS = (EDITOR_WRITER, PUBLISHER_WRITER)
#: The Editor who makes the readers' unpublished changes before the load and reads the
#: histories after it.
PREPARER = "bench-preparer"
#: What a benchmark write adds to a summary, naming the write (the next write replaces it).
MARK = re.compile(r" \((bench-[\w-]+)\)$")

#: Run with ``manage.py shell -c`` before the server starts: the accounts (staff users in
#: the roles' groups, each with an API token) and the admin and preview addresses of the
#: items read. Accounts are not content; every change to content goes through the site,
#: over HTTP, as an editor's would.
ACCOUNTS_SCRIPT = """
import json, os
from django.apps import apps
from django.contrib.auth import get_user_model
from django.contrib.auth.models import Group
from django.urls import reverse
from tests.factories import api_token_for

spec = json.loads(os.environ["BENCH_EDITORS"])
tokens = {}
for username, group in spec["accounts"].items():
    user = get_user_model().objects.create_user(username, password=spec["password"], is_staff=True)
    user.groups.add(Group.objects.get(name=group))
    tokens[username] = api_token_for(user)
items = {}
for label, slug in spec["items"]:
    model = apps.get_model(label)
    item = model._base_manager.get(slug=slug)
    admin = f"admin:{model._meta.app_label}_{model._meta.model_name}"
    items[slug] = {
        "change": reverse(f"{admin}_change", args=[item.pk]),
        "review": reverse(f"{admin}_review", args=[item.pk]),
        "preview": f"{item.get_absolute_url()}?preview={label}.{item.pk}",
    }
print("BENCH_EDITORS " + json.dumps({"tokens": tokens, "items": items}))
"""


@dataclass
class Account:
    username: str
    group: str
    token: str = ""
    cookies: str = ""

    def api(self, **headers):
        return {"Authorization": f"Token {self.token}", "Accept": "application/json", **headers}

    def browser(self):
        return {"Cookie": self.cookies}


@dataclass(frozen=True)
class Answer:
    """One request of the load: who sent what, what came back and how long it took."""

    role: str
    request: str
    status: int  # 0: no answer (refused, reset or timed out)
    seconds: float
    problem: str = ""  # an answer of 4xx or less that the role must not get, and why


@dataclass(frozen=True)
class Write:
    role: str
    username: str
    slug: str
    mark: str
    status: int


def send(port, method, path, headers=None, body=None, timeout=EDITORS_TIMEOUT):
    """One request on a new connection (gunicorn's sync workers close each one): the status,
    the headers and the body."""
    connection = http.client.HTTPConnection("127.0.0.1", port, timeout=timeout)
    try:
        connection.request(method, path, body=body, headers=headers or {})
        response = connection.getresponse()
        return response.status, response.headers, response.read()
    finally:
        connection.close()


def set_cookies(headers):
    jar = SimpleCookie()
    for header in headers.get_all("Set-Cookie") or []:
        jar.load(header)
    return {name: morsel.value for name, morsel in jar.items()}


def sign_in(port, account, password):
    """The admin's sign-in form, filled as a browser does: the account's cookies."""
    status, headers, body = send(port, "GET", "/admin/login/")
    cookies = set_cookies(headers)
    field = re.search(rb'name="csrfmiddlewaretoken" value="([^"]+)"', body)
    if status != 200 or not field or "csrftoken" not in cookies:
        raise RuntimeError(f"/admin/login/ answered {status} without a CSRF token")
    form = urlencode(
        {
            "username": account.username,
            "password": password,
            "csrfmiddlewaretoken": field[1].decode(),
            "next": "/admin/",
        }
    )
    status, headers, _ = send(
        port,
        "POST",
        "/admin/login/",
        {
            "Cookie": f"csrftoken={cookies['csrftoken']}",
            "Content-Type": "application/x-www-form-urlencoded",
        },
        form,
    )
    cookies |= set_cookies(headers)
    if status != 302 or "sessionid" not in cookies:
        raise RuntimeError(f"{account.username} could not sign in to the admin ({status})")
    account.cookies = "; ".join(f"{name}={value}" for name, value in cookies.items())


def read_item(port, account, resource, slug):
    """The item as its editor reads it through the API: its ETag and its data."""
    status, headers, body = send(port, "GET", f"/api/v1/{resource}/{slug}/", account.api())
    if status != 200:
        raise RuntimeError(f"GET /api/v1/{resource}/{slug}/ as {account.username}: {status}")
    return headers["ETag"], json.loads(body)


def unpublished_mark(slug):
    return f"bench-unpublished-{slug}"


def make_unpublished_changes(port, editor):
    """An Editor's change to each item the staff read, through the API: unpublished changes
    (202), which every staff read must show and the public must not see."""
    for _, resource, slug in READ_ITEMS:
        etag, data = read_item(port, editor, resource, slug)
        path = f"/api/v1/{resource}/{slug}/"
        change = {"summary": f"{data['summary']} ({unpublished_mark(slug)})"}
        headers = editor.api(**{"If-Match": etag, "Content-Type": "application/json"})
        status, _, body = send(port, "PATCH", path, headers, json.dumps(change))
        if status != 202:
            raise RuntimeError(f"PATCH {path} as an Editor: {status}, not 202: {body[:300]!r}")


def item_history(port, account, resource, slug):
    """Every entry of the item's history, through the API, newest first."""
    path, entries = f"/api/v1/{resource}/{slug}/history/?page_size=100", []
    while path:
        status, _, body = send(port, "GET", path, account.api())
        if status != 200:
            raise RuntimeError(f"GET {path} as {account.username}: {status}")
        page = json.loads(body)
        entries += page["results"]
        path = (
            urlunsplit(urlsplit(page["next"])._replace(scheme="", netloc=""))
            if page["next"]
            else ""
        )
    return entries


class Load:
    """The clients' shared state: the server, the clock, and what they saw."""

    def __init__(self, port, items, seconds):
        self.port = port
        self.items = items
        self.seconds = seconds
        self.answers = []
        self.writes = []
        self.refused_by = Counter()
        self.start = self.deadline = 0.0

    def running(self, count):
        return time.monotonic() < self.deadline and count < EDITORS_MAX_REQUESTS

    def send(self, role, request, method, path, headers, *, expected, body=None, check=None):
        """Send, time and judge one request; the answer, or None when none came."""
        started = time.monotonic()
        try:
            status, answer_headers, data = send(self.port, method, path, headers, body)
        except (OSError, http.client.HTTPException) as error:
            self.answers.append(
                Answer(role, request, 0, time.monotonic() - started, type(error).__name__)
            )
            return None
        seconds = time.monotonic() - started
        problem = ""
        if status < 500 and status not in expected:
            problem = f"answered {status}"
        elif status in expected and check is not None:
            problem = check(status, answer_headers, data)
        self.answers.append(Answer(role, request, status, seconds, problem))
        return status, answer_headers, data


def shows(mark, preview=False):
    """A check that a staff read shows the item's unpublished changes (and, for a preview,
    that it is one: never cached, not indexed)."""
    wanted = mark.encode()

    def check(status, headers, body):
        if wanted not in body:
            return "without the unpublished changes"
        if preview and headers.get("X-Robots-Tag") != "noindex":
            return "not a preview"
        return ""

    return check


def has_etag(status, headers, body):
    return "" if headers.get("ETag") and b'"summary"' in body else "no ETag or no summary"


#: What a staff reader reads of an item, in turn: (request, address of the item, credentials).
STAFF_READS = [
    ("API detail (token)", lambda resource, slug, links: f"/api/v1/{resource}/{slug}/", "token"),
    ("admin change form (session)", lambda resource, slug, links: links["change"], "session"),
    ("review screen (session)", lambda resource, slug, links: links["review"], "session"),
    ("preview page (session)", lambda resource, slug, links: links["preview"], "session"),
]


def staff_reader(load, account, first):
    """Reads working copies in a loop: the four reads of one item, then the next item."""
    count = 0
    while load.running(count):
        _, resource, slug = READ_ITEMS[(first + count // len(STAFF_READS)) % len(READ_ITEMS)]
        request, address, credentials = STAFF_READS[count % len(STAFF_READS)]
        count += 1
        headers = account.api() if credentials == "token" else account.browser()
        load.send(
            STAFF_READER,
            request,
            "GET",
            address(resource, slug, load.items[slug]),
            headers,
            expected={200},
            check=shows(unpublished_mark(slug), preview=request.startswith("preview")),
        )


def writer(load, role, account):
    """Edits through the API in a loop: a fresh read of an item, then a PATCH with its ETag
    in If-Match that names itself in the summary. An Editor's write on a live item waits as
    unpublished changes (202); a Publisher's publishes them with its own (200). Each writer
    picks its next item at random (seeded by its name, so a run repeats its choices): about
    one write in four meets the other writer's on the same item, and the later of the two
    is refused (412) when the earlier lands between its read and its write."""
    publisher = account.group == "Publisher"
    accepted = 200 if publisher else 202
    choices = random.Random(account.username)
    count = 0
    while load.running(count):
        _, resource, slug = choices.choice(WRITE_ITEMS)
        count += 1
        path = f"/api/v1/{resource}/{slug}/"
        read = load.send(
            role,
            "API detail, fresh (token)",
            "GET",
            path,
            account.api(),
            expected={200},
            check=has_etag,
        )
        if read is None or read[0] != 200 or has_etag(*read):
            continue
        mark = f"bench-{account.username}-{count:05d}"
        change = {"summary": f"{MARK.sub('', json.loads(read[2])['summary'])} ({mark})"}
        if publisher:
            change["status"] = "published"
        headers = account.api(**{"If-Match": read[1]["ETag"], "Content-Type": "application/json"})
        written = load.send(
            role,
            "API PATCH, If-Match (token)",
            "PATCH",
            path,
            headers,
            expected={accepted, 412},
            body=json.dumps(change),
        )
        status = written[0] if written is not None else 0
        if status == 412:
            load.refused_by[refused_by(written[2])] += 1
            continue
        load.writes.append(Write(role, account.username, slug, mark, status))


def refused_by(body):
    """Whose change a 412 names (the API says who changed the item since it was read)."""
    try:
        detail = json.loads(body)["detail"]
    except (ValueError, KeyError, TypeError):
        return "(no detail)"
    found = re.search(r"after you opened it, by (\S+) \(", detail)
    return found[1] if found else detail[:120]


def public_reader(load, first):
    count = 0
    while load.running(count):
        path = PUBLIC_PATHS[(first + count) % len(PUBLIC_PATHS)]
        count += 1
        load.send(PUBLIC_READER, path, "GET", path, {}, expected={200})


def run_load(load, accounts):
    """Every client at once, for ``load.seconds``: 8 staff readers, the 2 writers and the
    public readers, each a thread sending one request at a time."""
    readers = [account for account in accounts if account.username.startswith("bench-reader-")]
    named = {account.username: account for account in accounts}
    clients = [(staff_reader, load, account, index) for index, account in enumerate(readers)]
    clients += [(writer, load, role, named[writer_name(role)]) for role in WRITERS]
    clients += [(public_reader, load, index) for index in range(PUBLIC_READERS)]
    load.start = time.monotonic()
    load.deadline = load.start + load.seconds
    with ThreadPoolExecutor(len(clients)) as pool:
        for future in [pool.submit(*client) for client in clients]:
            future.result()
    return time.monotonic() - load.start


def writer_name(role):
    return "bench-writer-publisher" if role == PUBLISHER_WRITER else "bench-writer-editor"


def check_histories(port, preparer, writes, before):
    """What the histories say after the load, read through the API:

    * each accepted write, found by the mark it wrote, once, by its author;
    * the writes recorded without a 2xx answer (their client got an error or none);
    * lost updates: a recorded change of the summary whose old value is not the new value
      of the change recorded before it (a write that did not build on the last one), and
      an item whose working copy does not read as its last recorded change;
    * the items the staff only read whose history grew (reading must write nothing)."""
    recorded = defaultdict(list)
    not_built_on_the_last, not_the_last = [], []
    for _, resource, slug in WRITE_ITEMS:
        summaries = []
        for entry in reversed(item_history(port, preparer, resource, slug)):
            for change in entry["changes"]:
                if change["field"] != "summary":
                    continue
                summaries.append((change["old"], change["new"]))
                found = MARK.search(str(change["new"] or ""))
                if found:
                    recorded[slug, found[1]].append(entry["user"])
        not_built_on_the_last += [
            f"{slug}: {new!r} was written over {old!r}, not over {last!r}"
            for (_, last), (old, new) in itertools.pairwise(summaries)
            if old != last
        ]
        _, data = read_item(port, preparer, resource, slug)
        if summaries and data["summary"] != summaries[-1][1]:
            not_the_last.append(f"{slug} reads {data['summary']!r}")
    accepted = [write for write in writes if 200 <= write.status < 300]
    found = [write for write in accepted if recorded[write.slug, write.mark] == [write.username]]
    marks = {(write.slug, write.mark) for write in accepted}
    after = read_history_lengths(port, preparer)
    return {
        "accepted": dict(Counter(write.role for write in accepted)),
        "found": dict(Counter(write.role for write in found)),
        "missing": [
            f"{write.slug} {write.mark} ({write.status})"
            for write in accepted
            if write not in found
        ],
        "recorded without a 2xx answer": sorted(
            f"{slug} {mark}" for slug, mark in recorded if (slug, mark) not in marks
        ),
        "not built on the last recorded change": not_built_on_the_last,
        "not reading as the last recorded change": not_the_last,
        "read items whose history grew": sorted(
            slug for slug in before if after[slug] != before[slug]
        ),
    }


def read_history_lengths(port, preparer):
    return {
        slug: len(item_history(port, preparer, resource, slug)) for _, resource, slug in READ_ITEMS
    }


def percentile(sorted_values, fraction):
    """The nearest-rank percentile of values sorted ascending (0 for none)."""
    if not sorted_values:
        return 0.0
    return sorted_values[max(0, math.ceil(fraction * len(sorted_values)) - 1)]


def summarize(answers, seconds):
    latencies = sorted(answer.seconds for answer in answers)
    statuses = Counter(answer.status for answer in answers)
    return {
        "requests": len(answers),
        "rate": len(answers) / seconds if seconds else 0.0,
        "p50_ms": percentile(latencies, 0.50) * 1000,
        "p99_ms": percentile(latencies, 0.99) * 1000,
        "max_ms": (latencies[-1] if latencies else 0.0) * 1000,
        "5xx": sum(count for status, count in statuses.items() if status >= 500),
        "no answer": statuses[0],
        "412": statuses[412],
        "unexpected": sum(1 for answer in answers if answer.problem and answer.status),
        "statuses": {str(status): count for status, count in sorted(statuses.items())},
    }


def server_errors(server):
    """The error log's records of level ERROR or worse, counted by their first line."""
    found = Counter()
    for line in server.error_log.read_text().splitlines():
        if (
            re.match(r"\S+ \S+ (ERROR|CRITICAL) ", line)
            or "[ERROR]" in line
            or "[CRITICAL]" in line
        ):
            found[re.sub(r"^\S+ \S+ |^\[[^]]*\] \[\d+\] ", "", line)] += 1
    return dict(found.most_common())


def editors_at_work(env, folder, log, seconds):
    """The editors' load on the database at 1x content (see the module docstring): the
    accounts, then the server, its sign-ins, the readers' unpublished changes, the load,
    and the histories read afterwards; the result, with its verdict."""
    password = secrets.token_urlsafe(16)
    accounts = [
        Account(f"bench-reader-{number}", "Editor") for number in range(1, STAFF_READERS + 1)
    ]
    accounts += [
        Account(writer_name(EDITOR_WRITER), "Editor"),
        Account(writer_name(PUBLISHER_WRITER), "Publisher"),
        Account(PREPARER, "Editor"),
    ]
    spec = {
        "password": password,
        "accounts": {account.username: account.group for account in accounts},
        "items": [(label, slug) for label, _, slug in READ_ITEMS],
    }
    printed = manage_output(
        env | {"BENCH_EDITORS": json.dumps(spec)}, log, "shell", "-c", ACCOUNTS_SCRIPT
    )
    made = json.loads(
        next(
            line for line in printed.splitlines() if line.startswith("BENCH_EDITORS ")
        ).removeprefix("BENCH_EDITORS ")
    )
    for account in accounts:
        account.token = made["tokens"][account.username]
    preparer = next(account for account in accounts if account.username == PREPARER)
    load_average_at_start = load_average()
    with serve(
        env | {"PAGE_CACHE_SECONDS": str(EDITORS_CACHE_SECONDS)}, folder, "editors"
    ) as server:
        for account in accounts:
            if account.username.startswith("bench-reader-"):
                sign_in(server.port, account, password)
        make_unpublished_changes(server.port, preparer)
        before = read_history_lengths(server.port, preparer)
        load = Load(server.port, made["items"], seconds)
        print(f"  {len(accounts) - 1 + PUBLIC_READERS} clients for {seconds} s...", flush=True)
        elapsed = run_load(load, accounts)
        histories = check_histories(server.port, preparer, load.writes, before)
    server_side = {
        "worker_restarts": worker_restarts(server),
        "server errors logged": server_errors(server),
        "server 5xx by path": {
            path: statuses
            for path, statuses in failed_answers(server).items()
            if any(int(status) >= 500 for status in statuses)
        },
        "access_log": str(server.access_log.relative_to(ROOT)),
        "server_log": str(server.error_log.relative_to(ROOT)),
    }
    return editors_result(load, elapsed, histories, server_side, load_average_at_start)


def editors_result(load, elapsed, histories, server_side, load_at_start):
    """The run's tables (per role, per request), its checks and its verdict."""
    clients = {
        STAFF_READER: STAFF_READERS,
        EDITOR_WRITER: 1,
        PUBLISHER_WRITER: 1,
        PUBLIC_READER: PUBLIC_READERS,
    }
    roles = []
    for role, count in clients.items():
        row = {"role": role, "clients": count}
        row |= summarize([answer for answer in load.answers if answer.role == role], elapsed)
        if role in WRITERS:
            row["writes accepted"] = histories["accepted"].get(role, 0)
            row["found in history"] = histories["found"].get(role, 0)
        roles.append(row)
    requests = defaultdict(list)
    for answer in load.answers:
        requests[answer.role, answer.request].append(answer)
    order = list(clients)
    by_request = [
        {"role": role, "request": request, **summarize(answers_of, elapsed)}
        for (role, request), answers_of in sorted(
            requests.items(), key=lambda pair: (order.index(pair[0][0]), pair[0][1])
        )
    ]
    problems = Counter(
        f"{answer.role}, {answer.request}: {answer.problem or 'no answer'}"
        for answer in load.answers
        if answer.problem or answer.status == 0
    )
    totals = {key: sum(row[key] for row in roles) for key in ("5xx", "no answer", "unexpected")}
    failures = [f"{count} {what}" for what, count in totals.items() if count]
    if histories["missing"]:
        failures.append(f"{len(histories['missing'])} accepted writes missing from the history")
    lost = [
        *histories["not built on the last recorded change"],
        *histories["not reading as the last recorded change"],
    ]
    if lost:
        failures.append(f"{len(lost)} lost updates")
    if histories["read items whose history grew"]:
        failures.append(
            "reading changed the history of "
            + ", ".join(histories["read items whose history grew"])
        )
    failures += [
        f"the {role} had no write accepted"
        for role in WRITERS
        if not histories["accepted"].get(role)
    ]
    if server_side["worker_restarts"]:
        failures.append(f"gunicorn replaced {server_side['worker_restarts']} workers")
    return {
        "description": (
            f"1x content; {STAFF_READERS} staff readers of working copies, 2 writers (an Editor "
            f"and a Publisher) on other items, {PUBLIC_READERS} anonymous readers; page cache "
            f"on (PAGE_CACHE_SECONDS={EDITORS_CACHE_SECONDS})"
        ),
        "seconds": load.seconds,
        "elapsed": elapsed,
        "load average at start": load_at_start,
        "roles": roles,
        "requests": by_request,
        "problems": dict(problems.most_common()),
        "412 name the change of": dict(load.refused_by.most_common()),
        "history": histories,
        **server_side,
        "failures": failures,
        "passed": not failures,
    }


# Output -------------------------------------------------------------------------------


def render(header, rows, markdown):
    """A table: aligned columns for the terminal (text left, numbers right), or Markdown."""
    if markdown:
        lines = ["| " + " | ".join(header) + " |", "|" + "|".join("---" for _ in header) + "|"]
        return "\n".join(lines + ["| " + " | ".join(row) + " |" for row in rows])
    widths = [max(len(cell) for cell in column) for column in zip(header, *rows, strict=True)]

    def line(row):
        return "  ".join(
            cell.ljust(width) if cell and not cell[0].isdigit() else cell.rjust(width)
            for cell, width in zip(row, widths, strict=True)
        ).rstrip()

    rule = "-" * len(line(header))
    return "\n".join([line(header), rule, *(line(row) for row in rows)])


def run_table(result, markdown=False):
    header = ["endpoint", "path", "status", "bytes", "req/s", "p50 ms", "p99 ms", "socket errors"]
    header += ["non-2xx/3xx", "vs /healthz"]
    rows = [
        [
            row["endpoint"],
            row["path"],
            str(row["status"]),
            str(row["bytes"]),
            f"{row['rate']:.1f}",
            f"{row['p50_ms']:.2f}",
            f"{row['p99_ms']:.2f}",
            str(errors(row)),
            str(row["non_2xx_3xx"]),
            f"{row['ratio']:.3f}",
        ]
        for row in result["endpoints"]
    ]
    return render(header, rows, markdown)


def scaling_table(table, markdown=False):
    caches = list(table)
    header = ["endpoint", "path", *(f"{cache}: {FACTOR}x ratio / 1x ratio" for cache in caches)]
    rows = [
        [name, path, *(f"{table[cache][name]:.3f}" for cache in caches)]
        for name, path in ENDPOINTS
        if path != BASELINE  # the divisor itself
    ]
    return render(header, rows, markdown)


def soak_table(result, markdown=False):
    header = ["requests", "req/s", "p50 ms", "p99 ms", "max ms"]
    header += ["connect", "read", "write", "timeout", "non-2xx/3xx", "verdict"]
    sockets = result["socket_errors"]
    row = [
        str(result["requests"]),
        f"{result['rate']:.1f}",
        f"{result['p50_ms']:.2f}",
        f"{result['p99_ms']:.2f}",
        f"{result['max_ms']:.2f}",
        *(str(sockets[key]) for key in ("connect", "read", "write", "timeout")),
        str(result["non_2xx_3xx"]),
        "ok: no errors" if result["passed"] else "FAILED",
    ]
    return render(header, [row], markdown)


def run_notes(result):
    notes = []
    if "answers by path" in result:
        counts = (
            f"{path} {' '.join(f'{count} x {status}' for status, count in statuses.items())}"
            for path, statuses in result["answers by path"].items()
        )
        notes.append(f"answers by path (access log, warm-up included): {'; '.join(counts)}")
        notes.append(f"load average before the run {result['load average at start']}")
    if "baseline drift" in result:
        drift = result["baseline drift"]
        notes.append(
            f"baseline: mean /healthz rate {result['baseline']:.1f} req/s; /healthz at the end "
            f"{drift:+.0%} from the start; load average before the run "
            f"{result['load average at start']}"
        )
        if abs(drift) > DRIFT_WARNING:
            notes.append(
                "WARNING: /healthz's rate moved more than "
                f"{DRIFT_WARNING:.0%} during the run: something else loaded the machine, so "
                "compare this run's ratios with care"
            )
    notes.append(
        f"gunicorn workers replaced (timeout or crash): {result['worker_restarts']}; "
        f"access log: {result['access_log']}"
    )
    for path, statuses in result["failed_answers"].items():
        counts = ", ".join(f"{count} x {status}" for status, count in sorted(statuses.items()))
        notes.append(f"answers of 400 or more: {path}: {counts} (see {result['server_log']})")
    return notes


def sections(report, markdown):
    """The report's tables and notes, in order, as (title, body, notes)."""
    settings = report["settings"]
    load = (
        f"wrk {settings['wrk threads']} threads, {settings['connections']} connections, "
        f"{settings['duration']} s per endpoint"
    )
    for name, result in report["runs"].items():
        yield (
            f"{name}: {result['description']}; {load}",
            run_table(result, markdown),
            run_notes(result),
        )
    if report["scaling"]:
        yield (
            f"scaling with content: each endpoint's {FACTOR}x ratio to /healthz divided by "
            f"its 1x ratio (1.00: no slower at {FACTOR}x content, 0.50: half the rate)",
            scaling_table(report["scaling"], markdown),
            [],
        )
    if report["soak"]:
        result = report["soak"]
        yield (
            f"soak: {result['description']}; {result['connections']} connections for "
            f"{result['seconds']} s cycling through {len(result['paths'])} endpoints",
            soak_table(result, markdown),
            run_notes(result),
        )
    if report.get("sheets"):
        yield (
            "revision sheets: " + report["sheets"]["description"],
            render(*bench_sheets.table(report["sheets"]), markdown),
            [],
        )
    yield from bench_varnish.section(report, markdown)
    if report["editors"]:
        result = report["editors"]
        yield (
            f"editors at work, by role: {result['description']}; {result['seconds']} s",
            editors_table(result, markdown),
            editors_notes(result),
        )
        yield ("editors at work, by request", requests_table(result, markdown), [])


def editors_table(result, markdown=False):
    header = ["role", "clients", "requests", "req/s", "p50 ms", "p99 ms", "max ms", "5xx"]
    header += ["no answer", "412", "unexpected", "writes accepted", "found in history"]
    rows = [
        [
            row["role"],
            str(row["clients"]),
            str(row["requests"]),
            f"{row['rate']:.1f}",
            f"{row['p50_ms']:.0f}",
            f"{row['p99_ms']:.0f}",
            f"{row['max_ms']:.0f}",
            *(str(row[key]) for key in ("5xx", "no answer", "412", "unexpected")),
            str(row.get("writes accepted", "–")),
            str(row.get("found in history", "–")),
        ]
        for row in result["roles"]
    ]
    return render(header, rows, markdown)


def requests_table(result, markdown=False):
    header = ["role", "request", "requests", "req/s", "p50 ms", "p99 ms", "answers"]
    rows = [
        [
            row["role"],
            row["request"],
            str(row["requests"]),
            f"{row['rate']:.1f}",
            f"{row['p50_ms']:.0f}",
            f"{row['p99_ms']:.0f}",
            ", ".join(
                f"{count} x {status if status != '0' else 'no answer'}"
                for status, count in row["statuses"].items()
            ),
        ]
        for row in result["requests"]
    ]
    return render(header, rows, markdown)


def editors_notes(result):
    history = result["history"]
    accepted = sum(history["accepted"].values())
    found = sum(history["found"].values())
    grew = history["read items whose history grew"]
    notes = [
        "TARGET MET: no answer of 5xx, every accepted write in its item's history"
        if result["passed"]
        else "TARGET MISSED: " + "; ".join(result["failures"]),
        f"accepted writes {accepted}, found in their item's history (through the API, by the "
        f"mark each wrote, once, by its author) {found}"
        + (f"; missing: {', '.join(history['missing'][:10])}" if history["missing"] else ""),
        "writes recorded in a history without a 2xx answer: "
        + (", ".join(history["recorded without a 2xx answer"][:10]) or "none"),
        "lost updates (a recorded change of the summary not written over the one recorded "
        "before it, or an item not reading as its last recorded change): "
        + (
            "; ".join(
                history["not built on the last recorded change"]
                + history["not reading as the last recorded change"]
            )[:1000]
            or "none"
        ),
        "items the staff read whose history changed during the load: "
        + (", ".join(grew) if grew else "none (reading wrote nothing to them)"),
    ]
    if result["412 name the change of"]:
        notes.append(
            "the 412s name who changed the item after the writer read it: "
            + ", ".join(
                f"{count} x {who}" for who, count in result["412 name the change of"].items()
            )
        )
    notes += [f"{count} x {problem}" for problem, count in list(result["problems"].items())[:10]]
    logged_5xx = Counter(
        {
            path: sum(count for status, count in statuses.items() if int(status) >= 500)
            for path, statuses in result["server 5xx by path"].items()
        }
    )
    if logged_5xx:
        notes.append(
            f"5xx in the access log: {logged_5xx.total()}; most: "
            + ", ".join(f"{path} {count}" for path, count in logged_5xx.most_common(5))
        )
    for line, count in list(result["server errors logged"].items())[:5]:
        notes.append(f"server log, {count} x: {line[:300]}")
    notes.append(
        f"{result['elapsed']:.1f} s from the first request to the last answer; load average "
        f"before the run {result['load average at start']}; gunicorn workers replaced: "
        f"{result['worker_restarts']}; logs: {result['access_log']}, {result['server_log']}"
    )
    return notes


def print_report(report):
    print()
    print(f"trustsite bench: {describe_machine(report['machine'])}")
    for line in settings_lines(report) + editors_lines(report):
        print(line)
    for title, body, notes in sections(report, markdown=False):
        print(f"\n{title}\n{body}")
        for note in notes:
            print(f"  {note}")


def describe_machine(found):
    return (
        f"{found['nproc']} CPUs ({found['cpu']}), {found['memory']}, {found['kernel']}; "
        f"Python {found['python']}, Django {found['django']}, gunicorn {found['gunicorn']}, "
        + (f"{found['wrk']}; " if "wrk" in found else "")
        + found["database"]
    )


def settings_lines(report):
    settings = report["settings"]
    if not (report["runs"] or report["soak"]):
        return []
    return [
        f"server: gunicorn --config {GUNICORN_CONFIG}, {WORKERS} sync workers, DJANGO_ENV="
        "production HTTPS=off, static files collected, page cache in each worker's memory",
        f"API_ANON_RATE={API_ANON_RATE} in the server's environment, so the API list is "
        "measured rather than its throttle (429)",
        f"wrk --timeout {settings['timeout']}s; 'vs /healthz' = the endpoint's req/s divided "
        "by /healthz's in the same run (mean of its first and last measurement)",
        "bytes: the answer's body, uncompressed (wrk sends no Accept-Encoding); socket errors: "
        "connect + read + write + timeout; non-2xx/3xx: answers of 400 or more",
    ]


def editors_lines(report):
    if not report["editors"]:
        return []
    return [
        f"editors at work: gunicorn --config {GUNICORN_CONFIG}, {WORKERS} sync workers, "
        "DJANGO_ENV=production HTTPS=off; Python threads, each sending one request at a time "
        f"on a new connection (http.client), no pause between requests, {EDITORS_TIMEOUT} s "
        "timeout",
        f"staff readers: {STAFF_READERS} users in the Editor group, in turn the API detail "
        "(token), the admin change form, the review screen and the ?preview= page (session "
        f"cookie) of {len(READ_ITEMS)} items with unpublished changes, each read checked to "
        "show them",
        "writers: an Editor (202: unpublished changes) and a Publisher (200: published) on "
        f"{len(WRITE_ITEMS)} other items, each write a fresh API GET then a PATCH of the summary "
        "with If-Match; 412 (the item changed in between) is expected, not an error",
        f"public readers: {PUBLIC_READERS} anonymous clients cycling through "
        f"{', '.join(PUBLIC_PATHS)}",
    ]


def markdown_report(report):
    lines = [f"# trustsite bench, {report['started']}", ""]
    lines += [f"- **{key}**: {value}" for key, value in report["machine"].items()]
    lines += [f"- {line}" for line in settings_lines(report) + editors_lines(report)]
    lines += [f"- preparing: {report['preparation']}"]
    for title, body, notes in sections(report, markdown=True):
        lines += ["", f"## {title}", "", body]
        if notes:
            lines += [""] + [f"- {note}" for note in notes]
    return "\n".join(lines) + "\n"


# Main ---------------------------------------------------------------------------------


def parse_args(argv):
    parser = argparse.ArgumentParser(
        prog="python -m tests.bench", description=__doc__.splitlines()[0]
    )
    names = [run.name for run in RUNS]
    parser.add_argument(
        "--only",
        action="extend",
        type=lambda value: value.split(","),
        metavar="RUN",
        help=f"runs to do, comma-separated or repeated: {', '.join(names)} (default: all)",
    )
    parser.add_argument("--duration", type=int, default=10, help="seconds per endpoint (10)")
    parser.add_argument("--connections", type=int, default=16, help="wrk connections (16)")
    parser.add_argument("--threads", type=int, default=2, help="wrk threads (2)")
    parser.add_argument(
        "--timeout", type=int, default=10, help="seconds before wrk counts a timeout (10)"
    )
    parser.add_argument("--soak-seconds", type=int, default=30, help="length of the soak (30)")
    parser.add_argument(
        "--soak-connections", type=int, default=64, help="connections in the soak (64)"
    )
    parser.add_argument("--no-soak", action="store_true", help="skip the soak")
    parser.add_argument("--no-varnish", action="store_true", help="skip Varnish's warm rate")
    editors = parser.add_mutually_exclusive_group()
    editors.add_argument(
        "--editors-only",
        action="store_true",
        help="only the editors' load (no wrk runs, so wrk is not needed)",
    )
    editors.add_argument("--no-editors", action="store_true", help="skip the editors' load")
    editors.add_argument("--sheets-only", action="store_true", help="only the revision sheets")
    parser.add_argument("--no-sheets", action="store_true", help="skip the revision sheets")
    parser.add_argument(
        "--editors-seconds",
        type=int,
        default=EDITORS_SECONDS,
        help=f"length of the editors' load ({EDITORS_SECONDS})",
    )
    args = parser.parse_args(argv)
    unknown = set(args.only or []) - set(names)
    if unknown:
        parser.error(f"unknown run {', '.join(sorted(unknown))}; choose from {', '.join(names)}")
    if args.editors_seconds < 1:
        parser.error("--editors-seconds must be at least 1")
    args.runs = [
        run
        for run in RUNS
        if (args.only is None or run.name in args.only)
        and not (run.soak and args.no_soak)
        and not args.editors_only
        and not args.sheets_only
    ]
    args.editors = not args.no_editors and not args.sheets_only
    args.sheets = not args.no_sheets and not args.editors_only
    args.varnish = bool(args.runs) and not args.no_varnish
    if not args.runs and not args.editors and not args.sheets:
        parser.error("no run left to do")
    return args


def prepare(env, log, factor):
    """Bring the benchmark's database from nothing to 1x content, or from 1x to ``factor``x."""
    if factor == 1:
        return {
            "migrate": manage(env, log, "migrate", "--noinput"),
            "load_content": manage(env, log, "load_content"),
        }
    return {
        f"synthesize --factor {factor}": manage(env, log, "synthesize", "--factor", str(factor))
    }


def bench(args, folder, database):
    env = server_env(database)
    report = {
        "started": f"{datetime.now(UTC):%Y-%m-%d %H:%M:%S} UTC",
        "settings": {
            "duration": args.duration,
            "connections": args.connections,
            "wrk threads": args.threads,
            "timeout": args.timeout,
            "workers": WORKERS,
            "gunicorn config": GUNICORN_CONFIG,
            "API_ANON_RATE": API_ANON_RATE,
            "warm PAGE_CACHE_SECONDS": WARM_CACHE_SECONDS,
        },
        "runs": {},
        "soak": None,
        "sheets": None,
        "editors": None,
    }
    timings = {}
    with (folder / "prepare.log").open("w") as log:
        print("Collecting static files and preparing the benchmark's database...", flush=True)
        timings["collectstatic"] = manage(env, log, "collectstatic", "--noinput", "-v0")
        database.create()
        report["machine"] = machine(database)
        # The runs come in order of content: 1x first, then 100x.
        for factor in sorted({1, *(run.factor for run in args.runs)} if args.runs else ()):
            print(f"Bringing the database to {factor}x content...", flush=True)
            timings |= prepare(env, log, factor)
            for run in (run for run in args.runs if run.factor == factor):
                print(f"\n{run.name}: {run.description}", flush=True)
                if run.soak:
                    report["soak"] = soak(run, env, folder, args)
                else:
                    report["runs"][run.name] = measure_endpoints(run, env, folder, args)
            if factor == 1 and args.varnish:
                print("\nVarnish in front of gunicorn, both warm, 1x content", flush=True)
                report["varnish"] = bench_varnish.measure(env, folder, args)
        if args.sheets:
            print("\nRevision sheets: a fresh database at 1x content...", flush=True)
            database.create()
            timings |= {f"{name} (sheets)": took for name, took in prepare(env, log, 1).items()}
            report["sheets"] = bench_sheets.measure(env)
        if args.editors:
            # A database of its own: the load writes, and starts from the source content.
            print("\nThe editors at work: a fresh database at 1x content...", flush=True)
            database.create()
            timings |= {f"{name} (editors)": took for name, took in prepare(env, log, 1).items()}
            report["editors"] = editors_at_work(env, folder, log, args.editors_seconds)
    report["machine"]["load average at end (1, 5, 15 min)"] = load_average()
    report["preparation"] = ", ".join(
        f"{name} {seconds:.1f} s" for name, seconds in timings.items()
    )
    report["scaling"] = scaling(report["runs"])
    report["finished"] = f"{datetime.now(UTC):%Y-%m-%d %H:%M:%S} UTC"
    return report


def stop_on_sigterm(signum, frame):
    raise SystemExit(128 + signum)  # unwinds through the finally blocks that stop servers


def main(argv=None):
    args = parse_args(argv)
    if args.runs and not shutil.which("wrk"):
        print("make bench needs wrk: install it with `sudo apt-get install wrk`.", file=sys.stderr)
        return 2
    signal.signal(signal.SIGTERM, stop_on_sigterm)
    folder = RESULTS / f"{datetime.now(UTC):%Y%m%d-%H%M%S}"
    folder.mkdir(parents=True)
    database = bench_database(folder)
    try:
        report = bench(args, folder, database)
    except KeyboardInterrupt:
        print("\nInterrupted: the servers are stopped.", file=sys.stderr)
        return 130
    except (RuntimeError, OSError) as error:
        print(f"\nThe benchmark failed: {error}", file=sys.stderr)
        return 1
    finally:
        database.drop()
    print_report(report)
    (folder / "results.json").write_text(json.dumps(report, indent=2) + "\n")
    (folder / "results.md").write_text(markdown_report(report))
    print(f"\nResults: {(folder / 'results.md').relative_to(ROOT)} and results.json beside it")
    failed = 0
    if report["soak"] and not report["soak"]["passed"]:
        print("The soak had errors or answers of 400 or more: see above.", file=sys.stderr)
        failed = 1
    if report["editors"] and not report["editors"]["passed"]:
        print(
            "The editors' load missed its target: "
            + "; ".join(report["editors"]["failures"])
            + f" (see {report['editors']['server_log']}).",
            file=sys.stderr,
        )
        failed = 1
    return failed


if __name__ == "__main__":
    sys.exit(main())
