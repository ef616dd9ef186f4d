"""Revision sheets in ``make bench``: how long a sheet takes to make, and the memory it takes.

Each sheet is measured in a process of its own, with ``make serve``'s settings (production,
collected static files) on the benchmark's database at 1x content, through the whole
middleware stack (Django's test client, Host 127.0.0.1). Its first request is the
process's first sheet (WeasyPrint loads its fonts then); the next ``RENDERS`` are made
cold, with the cache emptied before each, so every one lays out and writes the PDF; one
more is made under ``tracemalloc`` for the Python memory a sheet allocates at its peak
(WeasyPrint's text layout allocates in Pango, outside it: the resident memory tells more).
Times are wall-clock and, beside them, the process's CPU time, which another load on the
machine inflates less.
The process's peak resident memory (``getrusage``'s ``ru_maxrss``) is read before the
first sheet, after Django and the database are up, and at the end.

``python -m tests.bench_sheets`` measures them alone against an existing database (it
must hold the content: ``DATABASE_URL``, static files collected for production settings);
``make bench`` runs :func:`measure` on a fresh database of its own.
"""

import json
import os
import statistics
import subprocess
import sys
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
#: The sheets measured: the longest of each kind in the content, in both languages.
SHEETS = [
    "/initiatives/trust/sheet.pdf",
    "/hi/initiatives/trust/sheet.pdf",
    "/minerals/neodymium/sheet.pdf",
    "/hi/minerals/neodymium/sheet.pdf",
    "/sectors/critical-minerals/sheet.pdf",
]
RENDERS = 5
TIMEOUT = 300


def max_rss_mb():
    import resource

    return resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024  # KiB on Linux


def measure_one(path, renders=RENDERS):
    """In this process (a fresh one): the sheet at ``path``, measured as the module says."""
    import tracemalloc

    import django

    django.setup()
    from django.conf import settings
    from django.core.cache import caches
    from django.test import Client

    client = Client(HTTP_HOST="127.0.0.1")
    cache = caches[settings.PAGE_CACHE_ALIAS]
    client.get("/healthz")
    from publishing.cache import content_state

    content_state()  # the database connection is up
    before = max_rss_mb()

    def timed():
        cache.clear()
        start, cpu = time.perf_counter(), time.process_time()
        response = client.get(path)
        took = (time.perf_counter() - start) * 1000, (time.process_time() - cpu) * 1000
        if response.status_code != 200 or response["Content-Type"] != "application/pdf":
            raise RuntimeError(f"{path} answered {response.status_code}")
        return took, response

    (first, _), response = timed()
    times, cpu_times = zip(*(timed()[0] for _ in range(renders)), strict=True)
    cache.clear()
    tracemalloc.start()
    client.get(path)
    _, traced_peak = tracemalloc.get_traced_memory()
    tracemalloc.stop()
    return {
        "path": path,
        "bytes": len(response.content),
        "first_ms": first,
        "renders": renders,
        "median_ms": statistics.median(times),
        "max_ms": max(times),
        "median_cpu_ms": statistics.median(cpu_times),
        "traced_peak_mb": traced_peak / 1024 / 1024,
        "rss_before_mb": before,
        "rss_peak_mb": max_rss_mb(),
    }


def measure(env, renders=RENDERS):
    """Each sheet of ``SHEETS`` measured in a process of its own, with ``env``."""
    results = []
    for path in SHEETS:
        print(f"  {path}", flush=True)
        done = subprocess.run(
            [sys.executable, "-m", "tests.bench_sheets", "--one", path, "--renders", str(renders)],
            env=env,
            cwd=ROOT,
            capture_output=True,
            text=True,
            timeout=TIMEOUT,
        )
        if done.returncode:
            raise RuntimeError(f"measuring {path} failed:\n{done.stderr[-2000:]}")
        results.append(json.loads(done.stdout.strip().splitlines()[-1]))
    return {
        "description": f"{renders} cold renders each (cache emptied before each), one process "
        "per sheet, production settings, 1x content",
        "sheets": results,
    }


def table(result):
    """The header and rows of the sheets' table (tests.bench renders it)."""
    header = ["sheet", "PDF bytes", "first ms", "median ms", "max ms", "median CPU ms"]
    header += ["traced peak MB"]
    header += ["RSS before MB", "RSS peak MB"]
    rows = [
        [
            row["path"],
            str(row["bytes"]),
            f"{row['first_ms']:.0f}",
            f"{row['median_ms']:.0f}",
            f"{row['max_ms']:.0f}",
            f"{row['median_cpu_ms']:.0f}",
            f"{row['traced_peak_mb']:.1f}",
            f"{row['rss_before_mb']:.0f}",
            f"{row['rss_peak_mb']:.0f}",
        ]
        for row in result["sheets"]
    ]
    return header, rows


def main(argv):
    import argparse

    parser = argparse.ArgumentParser(prog="python -m tests.bench_sheets", description=__doc__)
    parser.add_argument("--one", metavar="PATH", help="measure one sheet in this process")
    parser.add_argument("--renders", type=int, default=RENDERS)
    args = parser.parse_args(argv)
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "trustsite.settings")
    sys.path.insert(0, str(ROOT))
    if args.one:
        print(json.dumps(measure_one(args.one, args.renders)))
        return 0
    result = measure(dict(os.environ), args.renders)
    header, rows = table(result)
    print(result["description"])
    for row in [header, *rows]:
        print(" | ".join(row))
    return 0


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
