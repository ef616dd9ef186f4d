"""Where a cache miss spends its time: each benchmarked page rendered in this process.

Usage::

    python -m tests.profile_miss --database PATH [--repeat 30] [--profile PATH ...]

With ``make serve``'s production settings and the page cache off, on the SQLite file
``--database`` (one that ``tests.pages_snapshot`` made, at 1x or 100x content), it
asks for each page of ``tests.bench``'s list ``--repeat`` times with Django's test
client and prints the fastest and median milliseconds and the queries of one request.
``--profile`` names pages to run under cProfile too: the functions with the most
cumulative time are printed (``--sort tottime`` for their own time).
"""

import argparse
import cProfile
import io
import os
import pstats
import statistics
import sys
import time
from pathlib import Path

from tests.pages_snapshot import ROOT, environment

PAGES = [
    "/healthz",
    "/",
    "/minerals/",
    "/minerals/neodymium/",
    "/initiatives/trust/",
    "/search/?q=lithium",
    "/api/v1/minerals/",
]


#: Where a function's own time is counted: the first part whose marker is in its file name.
PARTS = [
    ("SQLite or PostgreSQL executing", ("~:<method 'execute'", "~:<method 'fetch", "Cursor")),
    ("templates", ("django/template/", "templatetags/", "django/forms/")),
    ("ORM: building queries and rows", ("django/db/",)),
    ("URLs: reverse and resolve", ("django/urls/",)),
    ("REST framework", ("rest_framework/", "django_filters/")),
    ("Markdown", ("markdown",)),
    ("middleware and request handling", ("middleware", "django/core/", "django/http/")),
    ("translation", ("translation",)),
    ("the site's own code", ("/publishing/", "/trustsite/", "/initiatives/", "/minerals/")),
]


def part_of(file, function):
    where = f"{file}:{function}"
    return next((name for name, markers in PARTS if any(m in where for m in markers)), "other")


def by_part(stats, requests):
    """Own time of the profiled functions summed by part, in milliseconds per request.
    Built-ins (``getattr``, ``isinstance``...) count for the parts of their callers."""
    totals = {}
    for (file, _line, function), (_cc, _nc, own, _cum, callers) in stats.stats.items():
        if file != "~" or not callers:
            part = part_of(file, function)
            totals[part] = totals.get(part, 0) + own
            continue
        calls = sum(caller[1] for caller in callers.values()) or 1
        for (caller_file, _l, caller_function), caller in callers.items():
            part = part_of(caller_file, caller_function)
            totals[part] = totals.get(part, 0) + own * caller[1] / calls
    rows = sorted(totals.items(), key=lambda row: -row[1])
    return "\n".join(f"{ms * 1000 / requests:7.2f} ms  {part}" for part, ms in rows)


def main(argv=None):
    parser = argparse.ArgumentParser(prog="python -m tests.profile_miss")
    parser.add_argument("--database", type=Path, required=True)
    parser.add_argument("--repeat", type=int, default=30)
    parser.add_argument("--profile", action="append", default=[])
    parser.add_argument("--sort", default="cumulative")
    parser.add_argument("--lines", type=int, default=40)
    parser.add_argument("pages", nargs="*", default=PAGES)
    args = parser.parse_args(argv)
    environment(args.database.resolve())
    sys.path.insert(0, str(ROOT))
    os.chdir(ROOT)
    import django

    django.setup()
    from django.db import connection
    from django.test import Client

    client = Client()
    print("| page | queries | fastest ms | median ms |\n|---|---|---|---|")
    for page in args.pages:
        client.get(page)
        connection.force_debug_cursor = True  # queries are logged from each request's start
        client.get(page)
        queries = connection.queries_log.copy()
        connection.force_debug_cursor = False
        took = []
        for _ in range(args.repeat):
            start = time.perf_counter()
            client.get(page)
            took.append((time.perf_counter() - start) * 1000)
        print(f"| `{page}` | {len(queries)} | {min(took):.1f} | {statistics.median(took):.1f} |")
    for page in args.profile:
        profile = cProfile.Profile()
        profile.enable()
        for _ in range(args.repeat):
            client.get(page)
        profile.disable()
        out = io.StringIO()
        stats = pstats.Stats(profile, stream=out)
        stats.sort_stats(args.sort).print_stats(args.lines)
        print(f"\n## {page} ({args.repeat} requests)\n")
        print(by_part(stats, args.repeat))
        print(out.getvalue())


if __name__ == "__main__":
    main()
