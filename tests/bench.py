"""Throughput and latency of the site as `make serve` runs it, at 1x and 100x content.

Run with ``make bench`` (or ``python -m tests.bench``; ``--help`` lists the options,
``make bench BENCH_ARGS="--duration 3 --no-soak"`` passes them through make).

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
  request renders;
* ``soak``: the warm cache at 100x, ``--soak-connections`` connections for
  ``--soak-seconds`` cycling through every endpoint. It must end with no errors and
  no answer of 400 or more; otherwise the benchmark exits 1.

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
import json
import os
import platform
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
from importlib import metadata
from pathlib import Path
from urllib.parse import urlsplit, urlunsplit

import dj_database_url

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
        cache = (
            f"page cache on, warmed (PAGE_CACHE_SECONDS={self.cache_seconds})"
            if self.cache_seconds
            else "page cache off (PAGE_CACHE_SECONDS=0)"
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
ACCESS_LINE = re.compile(r'"(?:GET|HEAD) (?P<path>\S+) HTTP/[\d.]+" (?P<status>\d{3}) ')


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
        "wrk": command_output("wrk", "--version").split(" [")[0],
        "database": database.description(),
        "load average at start (1, 5, 15 min)": load_average(),
    }


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
    """``{path: {status: count}}`` of every answer in the access log (warm-up included)."""
    found = defaultdict(Counter)
    with server.access_log.open() as log:
        for line in log:
            match = ACCESS_LINE.search(line)
            if match:
                found[match["path"]][match["status"]] += 1
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


def print_report(report):
    print()
    print(f"trustsite bench: {describe_machine(report['machine'])}")
    for line in settings_lines(report):
        print(line)
    for title, body, notes in sections(report, markdown=False):
        print(f"\n{title}\n{body}")
        for note in notes:
            print(f"  {note}")


def describe_machine(found):
    return (
        f"{found['nproc']} CPUs ({found['cpu']}), {found['memory']}, {found['kernel']}; "
        f"Python {found['python']}, Django {found['django']}, gunicorn {found['gunicorn']}, "
        f"{found['wrk']}; {found['database']}"
    )


def settings_lines(report):
    settings = report["settings"]
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


def markdown_report(report):
    lines = [f"# trustsite bench, {report['started']}", ""]
    lines += [f"- **{key}**: {value}" for key, value in report["machine"].items()]
    lines += [f"- {line}" for line in settings_lines(report)]
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
    args = parser.parse_args(argv)
    unknown = set(args.only or []) - set(names)
    if unknown:
        parser.error(f"unknown run {', '.join(sorted(unknown))}; choose from {', '.join(names)}")
    args.runs = [
        run
        for run in RUNS
        if (args.only is None or run.name in args.only) and not (run.soak and args.no_soak)
    ]
    if not args.runs:
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
    }
    timings = {}
    with (folder / "prepare.log").open("w") as log:
        print("Collecting static files and preparing the benchmark's database...", flush=True)
        timings["collectstatic"] = manage(env, log, "collectstatic", "--noinput", "-v0")
        database.create()
        report["machine"] = machine(database)
        # The runs come in order of content: 1x first, then 100x.
        for factor in sorted({1, *(run.factor for run in args.runs)}):
            print(f"Bringing the database to {factor}x content...", flush=True)
            timings |= prepare(env, log, factor)
            for run in (run for run in args.runs if run.factor == factor):
                print(f"\n{run.name}: {run.description}", flush=True)
                if run.soak:
                    report["soak"] = soak(run, env, folder, args)
                else:
                    report["runs"][run.name] = measure_endpoints(run, env, folder, args)
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
    if not shutil.which("wrk"):
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
    if report["soak"] and not report["soak"]["passed"]:
        print("The soak had errors or answers of 400 or more: see above.", file=sys.stderr)
        return 1
    return 0


if __name__ == "__main__":
    sys.exit(main())
