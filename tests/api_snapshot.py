"""Save many API answers' bytes, to diff before and after a change meant to change none.

Usage::

    python -m tests.api_snapshot OUT [--factor 100] [--database PATH]

Like :mod:`tests.pages_snapshot` (same settings, same throwaway database, made once and
then only migrated), for the API alone and more of it: every resource's list as JSON and
as CSV, in English and Hindi, paged, ordered, searched and filtered (a few refused
parameters too), and some items. Each address is asked three times: the second after the
whole pages the first kept were forgotten (made from the items it kept,
:mod:`publishing.api.kept`), the third from the whole page the second kept; the answers
must agree, and the last is written with the headers a cache or a client reads
(``ETag``, ``Link``, ``Content-Language``, ``Surrogate-Key``). ``diff -r`` two such
folders.
"""

import argparse
import sys
from pathlib import Path
from urllib.parse import urlencode

from tests.pages_snapshot import ROOT, environment, file_name

RESOURCES = {
    "minerals": [
        {"group": "rare-earth"},
        {"rare_earth": "true"},
        {"rare_earth": "false", "ordering": "-name"},
        {"sector": "defence"},
        {"initiative": "trust"},
        {"search": "lith"},
        {"search": "magnet"},
        {"ordering": "symbol"},
        {"ordering": "group,-updated"},
        {"rare_earth": "maybe"},
    ],
    "applications": [
        {"mineral": "lithium"},
        {"sector": "defence"},
        {"ordering": "-sector__name"},
        {"search": "battery"},
    ],
    "sectors": [{"search": "semi"}, {"ordering": "-position"}],
    "countries": [{"search": "india"}, {"ordering": "iso_code"}],
    "organizations": [{"search": "nasa"}, {"ordering": "-acronym"}],
    "initiatives": [{"search": "trust"}, {"ordering": "launched_year"}],
    "milestones": [{"ordering": "-year"}, {"search": "launch"}],
    "figures": [{"ordering": "-value"}, {"search": "crore"}],
    "sources": [{"search": "report"}, {"ordering": "-published_on"}],
}
#: Asked of every resource's list.
COMMON = [
    {},
    {"page": "2"},
    {"page_size": "5", "page": "3"},
    {"page_size": "100"},
    {"ordering": "-updated"},
    {"ordering": "nope"},
    {"page": "999"},
    {"search": "india"},
]
LANGUAGES = [{}, {"lang": "hi"}]
FORMATS = [{}, {"format": "csv"}]
ITEMS = [
    "minerals/neodymium/",
    "minerals/lithium/",
    "initiatives/trust/",
    "sectors/defence/",
    "figures/",
]


def addresses():
    paths = []
    for resource, queries in RESOURCES.items():
        for query in COMMON + queries:
            for language in LANGUAGES:
                for form in FORMATS:
                    params = {**query, **language, **form}
                    suffix = f"?{urlencode(params)}" if params else ""
                    paths.append(f"/api/v1/{resource}/{suffix}")
    for item in ITEMS:
        for language in LANGUAGES:
            suffix = f"?{urlencode(language)}" if language else ""
            paths.append(f"/api/v1/{item}{suffix}")
    return paths


HEADERS = ("Content-Type", "Content-Language", "ETag", "Link", "Surrogate-Key")


def answer_to(client, path):
    accept = "text/csv" if "format=csv" in path else "application/json"
    response = client.get(path, HTTP_ACCEPT=accept)
    body = b"".join(response) if response.streaming else response.content
    headers = "".join(f"{name}: {response.get(name, '')}\n" for name in HEADERS)
    return f"{path}\n{response.status_code}\n{headers}\n".encode() + body


def main(argv=None):
    parser = argparse.ArgumentParser(prog="python -m tests.api_snapshot")
    parser.add_argument("out", type=Path)
    parser.add_argument("--factor", type=int, default=1)
    parser.add_argument("--database", type=Path)
    args = parser.parse_args(argv)
    out = args.out.resolve()
    database = (args.database or out.parent / f"snapshot-{args.factor}x.sqlite3").resolve()
    fresh = not database.exists()
    environment(database)
    sys.path.insert(0, str(ROOT))
    import django

    django.setup()
    from django.core.cache import caches
    from django.core.management import call_command
    from django.test import Client

    call_command("migrate", "--noinput", verbosity=0)
    if fresh:
        call_command("load_content", verbosity=0)
        if args.factor > 1:
            call_command("synthesize", "--factor", str(args.factor), verbosity=0)
    out.mkdir(parents=True, exist_ok=True)
    client = Client()
    store = caches["default"]
    paths = addresses()
    differing = []
    for path in paths:
        first = answer_to(client, path)
        for key in list(getattr(store, "_cache", {})):
            if ":api.list." in key:
                store.delete(key.split(":", 2)[-1])
        second = answer_to(client, path)
        third = answer_to(client, path)
        if not first == second == third:
            differing.append(path)
        (out / file_name(path)).write_bytes(third)
    print(f"{len(paths)} answers in {out} (database {database})")
    if differing:
        sys.exit("Asked again, these answered differently:\n" + "\n".join(differing))


if __name__ == "__main__":
    main()
