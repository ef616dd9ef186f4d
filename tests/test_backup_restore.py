"""`manage.py backup` and `manage.py restore` (`make backup`, `make restore`) round trip.

The commands run as `make backup` runs them: ``manage.py`` in a process of its own,
with ``DATABASE_URL`` naming a throwaway database of the test's (a temporary SQLite
file; a PostgreSQL database ``trustsite_backup_test``, created and dropped here). Not
on the run's own test database: pytest-django's SQLite test database is in memory,
where there is no file for SQLite's backup API to copy or to restore into, and on
PostgreSQL ``pg_dump`` sees only committed rows, from its own connection. A process
of its own, on a real file or database, is what the commands meet in use, and it
leaves the run's database alone.

The database is of the run's kind (the suite runs once on each in CI, so both are
tested). With no PostgreSQL server reachable, or no ``pg_dump``, the PostgreSQL case
skips and says why, except in CI (``CI=true``), where it fails.
"""

import os
import re
import sqlite3
import stat
import subprocess
import sys
import time
from pathlib import Path

import pytest
from django.core.management import call_command
from django.core.management.base import CommandError
from django.db import connection

from tests.databases import (
    OWN_SETTINGS,
    SqliteDatabase,
    manage,
    run_vendor,
    shell,
    throwaway,
)
from tests.tools import ROOT


@pytest.fixture
def throwaway_database(tmp_path):
    """An empty database of the run's kind, removed after the test."""
    database = throwaway(run_vendor(), tmp_path, "trustsite_backup_test")
    yield database
    database.drop()


def state(database):
    """Everything a restore must put back: the number of rows in every table, the
    minerals and sectors by slug, and the content version."""
    return {
        "rows": {
            table: database.rows(f'SELECT COUNT(*) FROM "{table}"')[0][0]
            for table in sorted(database.tables())
        },
        "minerals": sorted(slug for (slug,) in database.rows("SELECT slug FROM minerals_mineral")),
        "sectors": sorted(slug for (slug,) in database.rows("SELECT slug FROM initiatives_sector")),
        "version": content_version(database),
    }


def content_version(database):
    found = database.rows("SELECT number FROM publishing_contentversion WHERE id = 1")
    return found[0][0] if found else 0


def without_version(snapshot):
    return {key: value for key, value in snapshot.items() if key != "version"}


#: An editor's work after the backup, through the workflow as every change must go.
CHANGE_AFTER_THE_BACKUP = """
from django.contrib.auth import get_user_model
from initiatives.models import Sector
from minerals.models import Mineral
from publishing import workflow

editor = get_user_model().objects.create_superuser("after-the-backup", password="x-12345")
workflow.delete(Mineral.objects.get(slug="lithium"), editor)
with workflow.edit(Sector, None, editor, workflow.Action.PUBLISH) as session:
    added = Sector(slug="added-after-the-backup", name="Added after the backup", position=99)
    added.save()
    session.saved(added)
"""


def test_a_restore_puts_back_what_was_deleted_after_the_backup_and_drops_what_was_added(
    throwaway_database,
):
    database = throwaway_database
    manage(database.url, "migrate", "--noinput", "--verbosity", "0")
    manage(database.url, "load_content")
    backed_up = state(database)
    assert "lithium" in backed_up["minerals"]
    assert backed_up["rows"]["minerals_application"] > 0

    made = manage(database.url, "backup")
    backup = Path(made.stdout.strip().splitlines()[-1])
    try:
        # Where `make backup` puts it, named after the database and the time, owner-only.
        assert backup.parent == ROOT / "backups"
        suffix = {"sqlite": "sqlite3", "postgresql": "dump"}[database.vendor]
        assert re.fullmatch(
            rf"trustsite-{database.name}-\d{{8}}T\d{{6}}Z(-\d+)?\.{suffix}", backup.name
        ), backup.name
        assert backup.is_file()
        assert stat.S_IMODE(backup.stat().st_mode) == 0o600

        shell(database.url, CHANGE_AFTER_THE_BACKUP)
        changed = state(database)
        assert "lithium" not in changed["minerals"]
        assert "added-after-the-backup" in changed["sectors"]
        assert changed["version"] > backed_up["version"]

        # With nobody at a terminal to say yes, and no --force, nothing happens.
        refused = manage(database.url, "restore", str(backup), check=False)
        assert refused.returncode != 0
        assert "no terminal" in refused.stderr and "--force" in refused.stderr
        assert state(database) == changed

        restored = manage(database.url, "restore", str(backup), "--force")
        assert restored.stdout.strip().splitlines()[-1].startswith("Restored ")
    finally:
        backup.unlink(missing_ok=True)

    after = state(database)
    assert "lithium" in after["minerals"]
    assert "added-after-the-backup" not in after["sectors"]
    assert without_version(after) == without_version(backed_up)
    # The page cache is keyed by the content version: after the restore it has a number
    # it never had before, so no page cached before the restore is served.
    assert after["version"] > changed["version"]


@pytest.mark.parametrize(
    "backup, says",
    [
        ("other-kind", "does not end in"),
        ("not-a-backup", "is not a"),
        ("missing", "There is no backup file"),
    ],
)
def test_a_restore_refuses_a_file_that_is_no_backup_of_this_database_and_touches_nothing(
    backup, says, tmp_path
):
    """On the run's own database, in this process: the test has no database access, so
    a restore that so much as opened a connection before refusing would fail here."""
    own = {"sqlite": ".sqlite3", "postgresql": ".dump"}[connection.vendor]
    other = {".sqlite3": ".dump", ".dump": ".sqlite3"}[own]
    path = {
        "other-kind": tmp_path / f"backup{other}",
        "not-a-backup": tmp_path / f"notes{own}",
        "missing": tmp_path / f"missing{own}",
    }[backup]
    if backup == "other-kind":
        path.write_bytes(b"SQLite format 3\x00" if other == ".sqlite3" else b"PGDMP")
    elif backup == "not-a-backup":
        path.write_text("not a backup\n")
    with pytest.raises(CommandError, match=says):
        call_command("restore", str(path), force=True)


def test_a_sqlite_backup_waits_for_a_write_in_progress_and_never_holds_part_of_it(tmp_path):
    """The site's writes spill into the database file before they commit (a transaction
    bigger than SQLite's page cache): a plain copy of the file would hold them, half
    written. SQLite's online backup waits and copies the database as committed."""
    database = SqliteDatabase(tmp_path, "live")
    with sqlite3.connect(database.path) as live:
        live.execute("CREATE TABLE committed (data BLOB)")
        live.execute("INSERT INTO committed VALUES (randomblob(4000))")
    writer = sqlite3.connect(database.path, isolation_level=None)
    writer.execute("PRAGMA cache_size = 1")  # every page spills to the file at once
    writer.execute("BEGIN IMMEDIATE")
    writer.execute("CREATE TABLE written_in_progress (data BLOB)")
    writer.executemany("INSERT INTO written_in_progress VALUES (randomblob(4000))", [()] * 500)
    output = tmp_path / "during.sqlite3"
    backing_up = subprocess.Popen(
        [sys.executable, "manage.py", "backup", "--output", str(output)],
        cwd=ROOT,
        env={
            **{k: v for k, v in os.environ.items() if k not in OWN_SETTINGS},
            "DATABASE_URL": database.url,
            "DJANGO_SETTINGS_MODULE": "trustsite.settings",
        },
        stdout=subprocess.PIPE,
        stderr=subprocess.PIPE,
        text=True,
    )
    try:
        time.sleep(4)  # the backup starts meanwhile, and finds the write in progress
        assert backing_up.poll() is None, "the backup did not wait for the write"
        writer.execute("ROLLBACK")
    finally:
        writer.close()
        stdout, stderr = backing_up.communicate(timeout=120)
    assert backing_up.returncode == 0, stderr
    assert Path(stdout.strip().splitlines()[-1]) == output
    backup = SqliteDatabase(tmp_path, "during")
    assert backup.rows("PRAGMA integrity_check") == [("ok",)]
    assert "written_in_progress" not in backup.tables()
    assert backup.tables() == database.tables() == {"committed"}
    assert backup.rows("SELECT COUNT(*) FROM committed") == [(1,)]


def test_backup_refuses_a_database_it_does_not_know(monkeypatch):
    monkeypatch.setattr(connection, "vendor", "mysql")
    with pytest.raises(CommandError, match="SQLite and PostgreSQL only"):
        call_command("backup")
    with pytest.raises(CommandError, match="SQLite and PostgreSQL only"):
        call_command("restore", "backup.dump", force=True)
