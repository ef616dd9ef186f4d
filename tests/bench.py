"""Server-side render time and query count of every page type, at 1x and 10x content.

Run with ``make bench`` (or ``python -m tests.bench``). It builds a throwaway
test database (SQLite in memory, or ``test_<name>`` beside ``DATABASE_URL``),
loads the fixtures, times each page with Django's test client, then grows the
content tenfold with the factories and times them again.

Absolute times depend on the machine, so each median is also given as a ratio
to a trivial view timed in the same run: the ratios are what to compare between
machines and commits. The query counts should not change between 1x and 10x.
Nothing here asserts a time; the test suite asserts query counts.
"""

import argparse
import json
import logging
import os
import statistics
import sys
import time
import warnings
from datetime import UTC, datetime
from pathlib import Path

import django

os.environ.setdefault("DJANGO_SETTINGS_MODULE", "trustsite.settings")
django.setup()

from django.conf import settings  # noqa: E402
from django.core.cache import caches  # noqa: E402
from django.core.management import call_command  # noqa: E402
from django.db import connection  # noqa: E402
from django.http import HttpResponse  # noqa: E402
from django.test import Client  # noqa: E402
from django.test.utils import (  # noqa: E402
    CaptureQueriesContext,
    override_settings,
    setup_test_environment,
    teardown_test_environment,
)
from django.urls import include, path  # noqa: E402

from tests.tools import PAGE_TYPES, ROOT  # noqa: E402

BASELINE = "/__bench__/baseline/"
ENDPOINTS = [
    ("baseline (trivial view)", BASELINE),
    *((page.name, page.url) for page in PAGE_TYPES),
    ("figures-csv", "/figures/figures.csv"),
    ("robots.txt", "/robots.txt"),
    ("sitemap.xml", "/sitemap.xml"),
    ("feed", "/feed/"),
    ("api: minerals", "/api/v1/minerals/"),
    ("api: figures", "/api/v1/figures/"),
    ("api: initiatives", "/api/v1/initiatives/"),
]


def baseline(request):
    """The cost of the middleware and the test client alone, to divide the pages' times by."""
    return HttpResponse("ok", content_type="text/plain")


urlpatterns = [path(BASELINE[1:], baseline), path("", include(settings.ROOT_URLCONF))]


def measure(client, url, repeat):
    """Median seconds and the query count of GET ``url``, with caches emptied before each."""
    for cache in caches.all():
        cache.clear()
    with CaptureQueriesContext(connection) as queries:
        response = client.get(url)
    query_count = len(queries)  # read now: the next request empties the query log
    client.get(url)  # warm up the database's and Python's caches before timing
    timings = []
    for _ in range(repeat):
        for cache in caches.all():
            cache.clear()
        start = time.perf_counter()
        client.get(url)
        timings.append(time.perf_counter() - start)
    return {
        "status": response.status_code,
        "bytes": len(response.content),
        "queries": query_count,
        "median": statistics.median(timings),
    }


def measure_all(repeat):
    client = Client(raise_request_exception=False)
    results = {}
    for name, url in ENDPOINTS:
        times = repeat * 10 if url == BASELINE else repeat  # the divisor must be steady
        results[name] = measure(client, url, times) | {"url": url}
    base = results[ENDPOINTS[0][0]]["median"]
    for result in results.values():
        result["ratio"] = result["median"] / base
    return results


def absent(url, result):
    """An API list the API engineer has not built yet answers 404: leave it out, say so."""
    return url.startswith("/api/") and result["status"] == 404


def table(small, large, times):
    header = (
        f"{'page':<26} {'status':>6} {'1x ms':>8} {'1x ratio':>9} {'1x q':>5}"
        f" {f'{times}x ms':>8} {f'{times}x ratio':>9} {f'{times}x q':>5} {'growth':>7}"
        f" {'1x KB':>6} {f'{times}x KB':>6}"
    )
    lines = [header, "-" * len(header)]
    skipped = []
    for name, url in ENDPOINTS:
        one, ten = small[name], large[name]
        if absent(url, one):
            skipped.append(url)
            continue
        status = (
            str(one["status"])
            if one["status"] == ten["status"]
            else "/".join((str(one["status"]), str(ten["status"])))
        )
        queries_flag = "" if one["queries"] == ten["queries"] else " !"
        lines.append(
            f"{name:<26} {status:>6} {one['median'] * 1000:>8.2f} {one['ratio']:>9.1f}"
            f" {one['queries']:>5} {ten['median'] * 1000:>8.2f} {ten['ratio']:>9.1f}"
            f" {ten['queries']:>5}{queries_flag:<2}{ten['median'] / one['median']:>5.2f}x"
            f" {one['bytes'] / 1024:>6.1f} {ten['bytes'] / 1024:>6.1f}"
        )
    lines.append("")
    lines.append(
        "ms: median server-side time through the test client; ratio: that median divided by "
        "the trivial view's;"
    )
    lines.append(
        f"q: queries per request (! = grows with content); growth: {times}x time / 1x time; "
        "KB: response body."
    )
    if skipped:
        lines.append(f"Not built yet, skipped: {', '.join(skipped)}")
    return "\n".join(lines)


def main(argv=None):
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--repeat", type=int, default=15, help="timed requests per page")
    parser.add_argument("--times", type=int, default=10, help="how much to grow the content")
    parser.add_argument(
        "--json", type=Path, help="also write the results here (default: bench-results/)"
    )
    args = parser.parse_args(argv)

    from tests.factories import grow_content

    logging.getLogger("django.request").setLevel(logging.CRITICAL)
    warnings.filterwarnings("ignore", message="No directory at")
    setup_test_environment(debug=False)
    old_name = connection.creation.create_test_db(verbosity=0, autoclobber=True)
    try:
        with override_settings(ROOT_URLCONF=__name__, DEBUG=False):
            call_command("loaddata", "initiatives", "minerals", verbosity=0)
            small = measure_all(args.repeat)
            grow_content(times=args.times)
            large = measure_all(args.repeat)
    finally:
        connection.creation.destroy_test_db(old_name, verbosity=0)
        teardown_test_environment()

    vendor = connection.vendor
    print(f"trustsite bench on {vendor}, {args.repeat} timed requests per page\n")
    print(table(small, large, args.times))
    stamp = f"{datetime.now(UTC):%Y%m%dT%H%M%S}"
    target = args.json or ROOT / "bench-results" / f"bench-{vendor}-{stamp}.json"
    target.parent.mkdir(parents=True, exist_ok=True)
    results = {"database": vendor, "1x": small, f"{args.times}x": large}
    target.write_text(json.dumps(results, indent=2))
    print(f"\nResults written to {target}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
