"""Varnish's warm rate next to gunicorn's: the shipped VCL (deploy/varnish/default.vcl) in
front of `make serve`'s gunicorn, on the same cores, at 1x content.

Part of `make bench` (see tests/bench.py); alone, with its own throwaway database:

    .venv/bin/python -m tests.bench_varnish --duration 5

Each endpoint is measured warm twice with wrk: straight at gunicorn (its page cache
warm) and through Varnish (which keeps what the site marks with ``s-maxage``). The
ratio is Varnish's rate divided by gunicorn's; the target is at least 3.
"""

import argparse
import sys
from datetime import UTC, datetime

from tests import bench
from tests.serving.varnish import VARNISHD, varnish_in_front_of

#: Varnish's warm rate against gunicorn's warm rate, at least.
TARGET = 3.0


def measure(env, folder, args):
    """Both warm rates for each of the benchmark's endpoints (the database at 1x)."""
    if not VARNISHD.found:
        print(f"  skipped: {VARNISHD.name} not found ({VARNISHD.install})", flush=True)
        return {"skipped": f"{VARNISHD.name} not found: {VARNISHD.install}"}
    script = bench.write_script(folder, "varnish.lua")
    rows = []
    env = env | {"PAGE_CACHE_SECONDS": str(bench.WARM_CACHE_SECONDS)}
    with (
        bench.serve(env, folder, "varnish-backend") as server,
        varnish_in_front_of(server.port) as varnish,
    ):
        front = f"http://127.0.0.1:{varnish.port}"
        for name, path in bench.ENDPOINTS:
            bench.warm_up(server, path)
            direct = bench.wrk(server.base + path, script, args.duration, args.connections, args)
            varnish.get(path)
            _, headers, _ = varnish.get(path)
            through = bench.wrk(front + path, script, args.duration, args.connections, args)
            ratio = through["rate"] / direct["rate"] if direct["rate"] else 0.0
            rows.append(
                {
                    "endpoint": name,
                    "path": path,
                    "varnish": headers.get("X-Cache"),
                    "gunicorn": direct,
                    "through varnish": through,
                    "ratio": ratio,
                }
            )
            print(
                f"  {name:<16} gunicorn {direct['rate']:>8.1f} req/s, Varnish "
                f"{through['rate']:>8.1f} req/s ({headers.get('X-Cache')}): {ratio:.2f}x",
                flush=True,
            )
    return {"rows": rows, "target": TARGET}


def table(result):
    """The header and rows of the Varnish table (tests.bench renders it)."""
    header = ["endpoint", "path", "Varnish", "gunicorn req/s", "Varnish req/s"]
    header += ["gunicorn p99 ms", "Varnish p99 ms", "errors", "Varnish / gunicorn"]
    rows = [
        [
            row["endpoint"],
            row["path"],
            row["varnish"] or "-",
            f"{row['gunicorn']['rate']:.1f}",
            f"{row['through varnish']['rate']:.1f}",
            f"{row['gunicorn']['p99_ms']:.2f}",
            f"{row['through varnish']['p99_ms']:.2f}",
            str(bench.errors(row["gunicorn"]) + bench.errors(row["through varnish"])),
            f"{row['ratio']:.2f}",
        ]
        for row in result["rows"]
    ]
    return header, rows


def section(report, markdown):
    """The report's Varnish table, as (title, body, notes); nothing if it was not run."""
    result = report.get("varnish")
    if not result:
        return
    if "skipped" in result:
        yield ("Varnish in front of gunicorn", f"skipped: {result['skipped']}", [])
        return
    cached = [row for row in result["rows"] if row["varnish"] == "hit"]
    lowest = min((row["ratio"] for row in cached), default=0.0)
    yield (
        "Varnish in front of gunicorn, both warm, 1x content (deploy/varnish/default.vcl)",
        bench.render(*table(result), markdown),
        [
            f"lowest ratio among the answers Varnish keeps: {lowest:.2f} (target "
            f"{result['target']:.0f}x: {'met' if lowest >= result['target'] else 'missed'})",
            "/healthz is never kept by Varnish (no s-maxage): its row is the cost of passing",
        ],
    )


def main(argv=None):
    parser = argparse.ArgumentParser(prog="python -m tests.bench_varnish")
    parser.add_argument("--duration", type=int, default=10, help="seconds per measurement (10)")
    parser.add_argument("--connections", type=int, default=16, help="wrk connections (16)")
    parser.add_argument("--threads", type=int, default=2, help="wrk threads (2)")
    parser.add_argument("--timeout", type=int, default=10, help="wrk timeout in seconds (10)")
    args = parser.parse_args(argv)
    folder = bench.RESULTS / f"{datetime.now(UTC):%Y%m%d-%H%M%S}-varnish"
    folder.mkdir(parents=True)
    database = bench.bench_database(folder)
    env = bench.server_env(database)
    try:
        with (folder / "prepare.log").open("w") as log:
            bench.manage(env, log, "collectstatic", "--noinput", "-v0")
            database.create()
            bench.prepare(env, log, 1)
        result = measure(env, folder, args)
    finally:
        database.drop()
    report = {"varnish": result}
    for title, body, notes in section(report, markdown=True):
        text = "\n".join([f"## {title}", "", body, "", *(f"- {note}" for note in notes)])
        print("\n" + text)
        (folder / "results.md").write_text(text + "\n")
    return 0


if __name__ == "__main__":
    sys.exit(main())
