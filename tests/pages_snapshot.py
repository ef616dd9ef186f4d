"""Save every public page's bytes, to diff before and after a change meant to change none.

Usage (``make snapshot``, options through SNAPSHOT_ARGS)::

    python -m tests.pages_snapshot OUT [--factor 100] [--database PATH]

It renders, in this process with ``make serve``'s production settings and the page cache
off, every address of the sitemap (English and Hindi), every list of the API (its root
names them), and a few searches and filtered lists in both languages, and writes each
answer's status and body to a file under ``OUT``. Each address is asked twice and the
second answer is written: the fragment cache keeps its production default (on), so the
second is made from the parts the first kept (:mod:`publishing.fragments`), and an
address whose two answers differ is named, and makes the script exit 1. The database is
a throwaway SQLite file (``--database``, default ``OUT/../snapshot-<factor>x.sqlite3``)
made once with ``load_content`` (and ``synthesize --factor``): run the script again with
the same ``--database`` after a change (it only migrates), then ``diff -r`` the two
folders.
A fresh database would differ in its timestamps, not in the code's output.
"""

import argparse
import os
import re
import secrets
import sys
from pathlib import Path
from urllib.parse import quote, urlsplit

ROOT = Path(__file__).resolve().parent.parent

#: Searches and filtered lists that the sitemap does not name, in both languages.
EXTRA = [
    "/search/?q=lithium",
    "/search/?q=rare+earth",
    "/search/?q=semiconductors",
    "/search/?q=Mineral",
    "/search/?q=xyzzy",
    "/search/?q=" + quote("लिथियम"),
    "/search/?q=" + quote("खनिज"),
    "/search/?q=" + quote("भारत"),
    "/minerals/?group=rare-earth",
    "/minerals/?rare_earth=false&ordering=-name",
    "/minerals/?q=lith",
    "/minerals/?group=nope",
    "/minerals/?sector=defence&rare_earth=true",
    "/minerals/?sector=no-such-sector&ordering=wrong",
    "/search/?q=" + "x" * 201,
    "/minerals/?page=2",
    "/initiatives/?page=2",
    "/figures/?page=2",
    "/timeline/?page=2",
]


def environment(database):
    os.environ |= {
        "DJANGO_SETTINGS_MODULE": "trustsite.settings",
        "DJANGO_ENV": "production",
        "HTTPS": "off",
        "SECRET_KEY": secrets.token_urlsafe(50),
        "ALLOWED_HOSTS": "testserver,127.0.0.1,localhost",
        "DATABASE_URL": f"sqlite:///{database}",
        "PAGE_CACHE_SECONDS": "0",
        "API_ANON_RATE": "100000000/hour",
    }
    os.environ.pop("REDIS_URL", None)


def addresses(client):
    sitemap = client.get("/sitemap.xml").content.decode()
    paths = {urlsplit(url).path for url in re.findall(r'(?:<loc>|href=")([^<"]+)', sitemap)}
    api = client.get("/api/v1/", HTTP_ACCEPT="application/json").json()
    paths |= {urlsplit(url).path for url in api.values() if isinstance(url, str)}
    paths |= {"/api/v1/minerals/?ordering=updated", "/api/v1/minerals/?page=2"}
    for path in EXTRA:
        paths |= {path, "/hi" + path}
    return sorted(paths)


def file_name(path):
    return re.sub(r"[^A-Za-z0-9._-]", "_", path.strip("/") or "home")[:200] + ".txt"


def main(argv=None):
    parser = argparse.ArgumentParser(prog="python -m tests.pages_snapshot")
    parser.add_argument("out", type=Path)
    parser.add_argument("--factor", type=int, default=1)
    parser.add_argument("--database", type=Path)
    args = parser.parse_args(argv)
    out = args.out.resolve()
    database = (args.database or out.parent / f"snapshot-{args.factor}x.sqlite3").resolve()
    fresh = not database.exists()
    environment(database)
    sys.path.insert(0, str(ROOT))
    os.chdir(ROOT)
    import django

    django.setup()
    from django.core.management import call_command
    from django.test import Client

    call_command("migrate", "--noinput", verbosity=0)
    if fresh:
        call_command("load_content", verbosity=0)
        if args.factor > 1:
            call_command("synthesize", "--factor", str(args.factor), verbosity=0)
    call_command("collectstatic", "--noinput", verbosity=0)
    out.mkdir(parents=True, exist_ok=True)
    client = Client()
    paths = addresses(client)
    differing = []
    for path in paths:
        first, answer = (answer_to(client, path) for _ in range(2))
        if first != answer:
            differing.append(path)
        (out / file_name(path)).write_bytes(answer)
    print(f"{len(paths)} answers in {out} (database {database})")
    if differing:
        sys.exit("Asked again, these answered differently:\n" + "\n".join(differing))


def answer_to(client, path):
    accept = "application/json" if path.startswith("/api/") else "text/html"
    response = client.get(path, HTTP_ACCEPT=accept)
    body = b"".join(response) if response.streaming else response.content
    return f"{path}\n{response.status_code}\n".encode() + body


if __name__ == "__main__":
    main()
