"""Reading an item's working copy writes nothing and holds no lock: editors reading never
make other editors wait or fail, on SQLite as on PostgreSQL, and editors saving the same
item and its parts at once never deadlock."""

import json
import sqlite3
import time

import pytest
from django.db import connection
from django.test import Client
from django.test.utils import CaptureQueriesContext
from django.urls import reverse
from rest_framework.test import APIClient

from minerals.models import Mineral
from publishing.models import Change, ShareLink
from tests.databases import manage, run_vendor, shell, throwaway
from tests.editorial.conftest import admin_url, open_change_form
from tests.factories import api_token_for

#: What a reader's request may send to the database: reads only, and no transaction.
WRITES = ("INSERT", "UPDATE", "DELETE", "SAVEPOINT", "BEGIN", "RELEASE", "ROLLBACK")


@pytest.fixture
def mineral_with_unpublished_changes(content, editor_client):
    lithium = Mineral.objects.get(slug="lithium")
    data = open_change_form(editor_client, lithium)
    data["summary"] = "Unpublished words about lithium."
    data["_submit"] = "Submit"
    editor_client.post(admin_url(lithium, "change"), data)
    return lithium


def reading_channels(lithium, publisher):
    """Every place an editor reads a working copy, as (name, client, path)."""
    session = Client()
    session.force_login(publisher)
    api = APIClient()
    api.credentials(HTTP_AUTHORIZATION=f"Token {api_token_for(publisher)}")
    # A token's first use is recorded (then at most every five minutes): use it once
    # before the reads under test, which must then write nothing.
    api.get("/api/v1/")
    baseline = Change.filter_item(lithium).order_by("pk").first()
    link = ShareLink.objects.create(
        item=lithium, created_by=publisher, expires_at="2100-01-01T00:00:00Z"
    )
    return [
        ("the change form", session, admin_url(lithium, "change")),
        ("the review screen", session, admin_url(lithium, "review")),
        ("the revert screen", session, admin_url(lithium, "revert", baseline.pk)),
        ("the history", session, admin_url(lithium, "history")),
        ("the API", api, "/api/v1/minerals/lithium/"),
        ("a preview", session, f"/minerals/lithium/?preview=minerals.mineral.{lithium.pk}"),
        ("a share link", Client(), link.get_absolute_url()),
        ("the export page", session, reverse("admin:minerals_mineral_export")),
    ]


@pytest.mark.django_db
def test_reading_a_working_copy_writes_nothing_and_opens_no_transaction(
    mineral_with_unpublished_changes, publisher
):
    for name, client, path in reading_channels(mineral_with_unpublished_changes, publisher):
        with CaptureQueriesContext(connection) as queries:
            response = client.get(path)

        assert response.status_code == 200, (name, response.status_code)
        if name not in ("the history", "the export page"):
            assert "Unpublished words about lithium." in response.content.decode(), name
        statements = [query["sql"].lstrip().split()[0].upper() for query in queries]
        assert not set(statements) & set(WRITES), (name, sorted(set(statements)))


@pytest.mark.django_db
def test_an_export_of_working_copies_writes_nothing(mineral_with_unpublished_changes, publisher):
    client = Client()
    client.force_login(publisher)
    page = client.get(reverse("admin:minerals_mineral_export"))
    form = page.context["form"]
    data = {name: "on" for name, field in form.fields.items() if field.initial is True}
    data.update(resource="0", format="0")

    with CaptureQueriesContext(connection) as queries:
        response = client.post(reverse("admin:minerals_mineral_export"), data)

    assert response.status_code == 200
    assert "Unpublished words about lithium." in response.content.decode("utf-8-sig")
    statements = {query["sql"].lstrip().split()[0].upper() for query in queries}
    assert not statements & set(WRITES), sorted(statements)


# Real processes on a real database file or server -------------------------------------

EDITORS_AT_WORK = r"""
import json, threading, time
from django.contrib.auth.models import Group, User
from django.db import connections
from django.test import Client
from django.test.utils import setup_test_environment
from tests.factories import api_token_for
from rest_framework.test import APIClient
from initiatives.models import Initiative
from publishing.models import Change

setup_test_environment()  # the test client then keeps each answer's template context

SECONDS = {seconds}
trust = Initiative.objects.get(slug="trust")
users = {{}}
for name, group in [("reader", "Editor"), ("edna", "Editor"), ("pat", "Publisher")]:
    user = User.objects.create_user(name, is_staff=True)
    user.groups.set([Group.objects.get(name=group)])
    users[name] = user
tokens = {{name: api_token_for(user) for name, user in users.items()}}
errors, accepted, reads, refused = [], [], [0], [0]
stop = time.monotonic() + SECONDS

def read_working_copies(number):
    api = APIClient()
    api.credentials(HTTP_AUTHORIZATION="Token " + tokens["reader"])
    admin = Client()
    admin.force_login(users["reader"])
    try:
        while time.monotonic() < stop:
            for client, path in ((api, "/api/v1/initiatives/trust/"),
                                 (admin, f"/admin/initiatives/initiative/{{trust.pk}}/change/"),
                                 (admin, f"/admin/initiatives/initiative/{{trust.pk}}/review/")):
                status = client.get(path).status_code
                reads[0] += 1
                if status != 200:
                    errors.append(f"read {{path}}: {{status}}")
    except Exception as error:
        errors.append(f"reader: {{error!r}}")
    finally:
        connections.close_all()

def edit(name, field):
    admin = Client(raise_request_exception=False)
    admin.force_login(users[name])
    count = 0
    try:
        while time.monotonic() < stop:
            count += 1
            page = admin.get(f"/admin/initiatives/initiative/{{trust.pk}}/change/")
            form = page.context["adminform"].form
            data = {{}}
            for bound in form:
                value = bound.value()
                if isinstance(value, (list, tuple)):
                    data[bound.html_name] = [str(v) for v in value]
                elif value is not None:
                    data[bound.html_name] = str(value)
            for inline in page.context["inline_admin_formsets"]:
                formset = inline.formset
                for bound in formset.management_form:
                    data[bound.html_name] = str(bound.value())
                for inline_form in formset.forms:
                    for bound in inline_form:
                        value = bound.value()
                        if value is not None and value is not False:
                            data[bound.html_name] = str(value)
            data["_version"] = page.context["version_token"]
            mark = f"{{name}} {{count}}"
            if field == "points":
                data["sections-0-points_text"] = f"A point by {{mark}}.\nAnother point."
            else:
                data["summary"] = f"A summary by {{mark}}."
            data["_publish" if name == "pat" else "_continue"] = "1"
            response = admin.post(f"/admin/initiatives/initiative/{{trust.pk}}/change/", data)
            if response.status_code >= 500:
                errors.append(f"{{name}} save: {{response.status_code}}")
            elif response.status_code == 302:
                accepted.append((name, mark))
            elif "was changed after you opened it" in response.content.decode():
                refused[0] += 1
            else:
                errors.append(f"{{name}} save refused for another reason")
    except Exception as error:
        errors.append(f"{{name}}: {{error!r}}")
    finally:
        connections.close_all()

threads = [threading.Thread(target=read_working_copies, args=(n,)) for n in range(3)]
threads += [threading.Thread(target=edit, args=("edna", "points")),
            threading.Thread(target=edit, args=("pat", "summary"))]
for thread in threads:
    thread.start()
for thread in threads:
    thread.join()
recorded = set()
for change in Change.filter_item(trust).select_related("revision__user"):
    for entry in change.changes:
        for name, mark in accepted:
            if f"by {{mark}}." in entry["new"]:
                recorded.add((name, mark))
print("RESULT " + json.dumps({{
    "errors": errors, "accepted": len(accepted), "reads": reads[0], "stale": refused[0],
    "missing": sorted(f"{{n}} {{m}}" for n, m in set(accepted) - recorded),
}}))
"""


@pytest.fixture
def database_of_the_run(tmp_path):
    """A throwaway database of the run's kind, migrated and loaded as `make run` does."""
    database = throwaway(run_vendor(), tmp_path, "editors_at_work")
    manage(database.url, "migrate", "--noinput", "--verbosity", "0")
    manage(database.url, "load_content")
    yield database
    database.drop()


def test_editors_reading_and_saving_one_item_and_its_parts_at_once_never_fail(
    database_of_the_run,
):
    done = shell(database_of_the_run.url, EDITORS_AT_WORK.format(seconds=8))

    result = json.loads(done.stdout.split("RESULT ", 1)[1])
    assert result["errors"] == [], result["errors"][:10]
    # Each save either lands or is refused as stale (the other editor saved first); how
    # many land depends on the machine's speed, but none may fail otherwise.
    assert result["accepted"] >= 1 and result["accepted"] + result["stale"] >= 3, result
    assert result["reads"] >= 6, result
    assert result["missing"] == [], "accepted saves missing from the history"


@pytest.fixture
def sqlite_file(tmp_path):
    """A SQLite file, migrated and loaded as `make run` makes one (whatever the run's own
    database: the embedded default is what a newcomer and a small site serve from)."""
    database = throwaway("sqlite", tmp_path, "embedded")
    manage(database.url, "migrate", "--noinput", "--verbosity", "0")
    manage(database.url, "load_content")
    return database


def test_the_embedded_database_is_set_for_concurrent_writers(sqlite_file):
    done = shell(
        sqlite_file.url,
        "from django.db import connection\n"
        "cursor = connection.cursor()\n"
        "for pragma in ('journal_mode', 'synchronous', 'busy_timeout'):\n"
        "    print(pragma, cursor.execute(f'PRAGMA {pragma}').fetchone()[0])\n"
        "print('transaction_mode', connection.settings_dict['OPTIONS']['transaction_mode'])\n",
    )

    settings = dict(line.split() for line in done.stdout.strip().splitlines())
    assert settings["journal_mode"] == "wal"
    assert settings["synchronous"] == "2", "FULL: a commit is on disk before it is acknowledged"
    assert int(settings["busy_timeout"]) >= 5000
    assert settings["transaction_mode"] == "IMMEDIATE"


def test_a_working_copy_reads_while_another_process_holds_sqlites_write_lock(sqlite_file):
    """A writer holds the lock (as a long save would): an editor still reads their working
    copy at once, where restoring it into the rows used to wait for the lock and fail."""
    prepare = shell(
        sqlite_file.url,
        "from django.contrib.auth.models import Group, User\n"
        "from rest_framework.test import APIClient\n"
        "user = User.objects.create_user('ed', is_staff=True)\n"
        "user.groups.set([Group.objects.get(name='Editor')])\n"
        "api = APIClient(); api.force_authenticate(user)\n"
        "print(api.patch('/api/v1/sectors/space/', {'summary': 'Unpublished words.'}, "
        "format='json').status_code)\n",
    )
    assert prepare.stdout.strip().endswith("202"), prepare.stdout
    with sqlite3.connect(sqlite_file.path) as locker:
        locker.execute("BEGIN IMMEDIATE")
        started = time.monotonic()
        read = shell(
            sqlite_file.url,
            "from django.contrib.auth.models import User\n"
            "from rest_framework.test import APIClient\n"
            "api = APIClient(); api.force_authenticate(User.objects.get(username='ed'))\n"
            "print(api.get('/api/v1/sectors/space/').json()['summary'])\n",
        )
        elapsed = time.monotonic() - started
        locker.rollback()

    assert read.stdout.strip().endswith("Unpublished words."), read.stdout + read.stderr
    assert elapsed < 15, f"the read waited for the write lock ({elapsed:.1f} s)"
