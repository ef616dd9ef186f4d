"""Put a backup made by ``manage.py backup`` back in place of the site's database.

It checks the file first (it exists, and is of the database's kind: a valid SQLite
database for SQLite, a ``pg_dump`` custom-format archive for PostgreSQL), says what it
will replace and asks (``--force`` skips the question; with no terminal to ask on and
no ``--force`` it refuses).

SQLite: Django's connections are closed, then SQLite's online backup API copies the
backup into the live database file, under SQLite's locks: processes that have the file
open see the old database or the restored one, never a file being overwritten.

PostgreSQL: ``pg_restore --clean --if-exists --no-owner --single-transaction``: every
table the backup holds is dropped and recreated with the backup's rows, in one
transaction, so a failure leaves the database as it was. Rows added since the backup go
with their tables; tables that are not in the backup at all (made by a migration since)
are left alone, and named.

Afterwards the content version is moved past every number it has had, so the page
cache, keyed by it, serves the restored content at once on every process.
"""

import re
import sqlite3
import sys
from pathlib import Path

from django.core.management.base import BaseCommand, CommandError
from django.db import DatabaseError, connections
from django.db.migrations.executor import MigrationExecutor

from publishing import cache, purge
from publishing.history import content_count
from publishing.models import ContentVersion

from .backup import (
    PG_DUMP_HEADER,
    SQLITE_HEADER,
    SUFFIXES,
    VENDOR_NAMES,
    database,
    describe,
    run_postgres_tool,
    size,
    sqlite_path,
)

#: A table in ``pg_restore --list``: ``<id>; <catalog> <oid> TABLE <schema> <name> <owner>``.
TABLE_ENTRY = re.compile(r"^\d+; \d+ \d+ TABLE \S+ (\S+)")


def unless_absent(read):
    """``read()``, or None when the restored database has no such table (yet)."""
    try:
        return read()
    except DatabaseError:
        return None


def content_version():
    return unless_absent(lambda: cache.content_version()[0])


def unapplied_migrations(connection):
    executor = MigrationExecutor(connection)
    return executor.migration_plan(executor.loader.graph.leaf_nodes())


class Command(BaseCommand):
    help = (
        "Replace the site's database with a backup made by manage.py backup (asks first; "
        "--force does not)."
    )
    stealth_options = ("stdin",)

    def add_arguments(self, parser):
        parser.add_argument("backup", help="The backup file (a .sqlite3 or .dump file).")
        parser.add_argument(
            "--force",
            "--noinput",
            "--no-input",
            action="store_true",
            dest="force",
            help="Replace the database without asking.",
        )

    def handle(self, *args, backup, force, **options):
        self.stdin = options.get("stdin") or sys.stdin
        connection = database()
        path = Path(backup).absolute()
        self.check_backup(connection, path)
        if connection.vendor == "sqlite":
            sqlite_path(connection)  # refuses a database in memory before anything is read
        target = describe(connection)
        if not force:
            self.confirm(target, path)
        before = content_version()
        connections.close_all()
        if connection.vendor == "sqlite":
            self.restore_sqlite(connection, path)
        else:
            self.restore_postgres(connection, path)
        connection.close()
        version = self.bump_content_version(before)
        details = []
        count = unless_absent(content_count)
        if count is not None:
            details.append(f"{count} content items")
        if version is not None:
            details.append(f"content version {version}, so cached pages are not reused")
        summary = f" ({'; '.join(details)})" if details else ""
        self.stdout.write(f"Restored {target} from {path}{summary}.")
        purge.wait()
        pending = unapplied_migrations(connection)
        if pending:
            self.stderr.write(
                f"The backup predates {len(pending)} migration(s) of this code: run "
                "manage.py migrate before serving the site."
            )

    def check_backup(self, connection, path):
        if not path.is_file():
            raise CommandError(f"There is no backup file at {path}.")
        vendor = connection.vendor
        suffix = SUFFIXES[vendor]
        kind = VENDOR_NAMES[vendor]
        if path.suffix != suffix:
            raise CommandError(
                f"{path} does not end in {suffix}: the database is {kind}, and {kind} "
                f"backups are {suffix} files. Nothing was changed."
            )
        with path.open("rb") as file:
            header = file.read(16)
        if vendor == "sqlite":
            if header != SQLITE_HEADER:
                raise CommandError(f"{path} is not an SQLite database. Nothing was changed.")
            backup = sqlite3.connect(f"{path.as_uri()}?mode=ro", uri=True)
            try:
                problem = backup.execute("PRAGMA quick_check").fetchone()[0]
                tables = {row[0] for row in backup.execute("SELECT name FROM sqlite_master")}
            except sqlite3.Error as error:
                problem = str(error)
            finally:
                backup.close()
            if problem != "ok":
                raise CommandError(
                    f"{path} is a damaged SQLite database ({problem}). Nothing was changed."
                )
            if "django_migrations" not in tables:
                raise CommandError(
                    f"{path} holds no Django database (no django_migrations table). "
                    "Nothing was changed."
                )
        else:
            if not header.startswith(PG_DUMP_HEADER):
                raise CommandError(
                    f"{path} is not a pg_dump custom-format archive. Nothing was changed."
                )
            # pg_restore reads the archive's whole table of contents, or says what is wrong.
            self.contents = run_postgres_tool(
                ["pg_restore", "--list", str(path)], connection, "the restore"
            ).stdout

    def confirm(self, target, path):
        if not self.stdin.isatty():
            raise CommandError(
                f"Nothing was restored: there is no terminal to ask for confirmation on. "
                f"Run manage.py restore {path} --force to replace {target} without asking."
            )
        answer = input(
            f"This replaces everything in {target} (content, accounts, history) with the "
            f"backup {path} ({size(path)}); whatever changed since that backup is lost.\n"
            "Type 'yes' to continue: "
        )
        if answer.strip().lower() != "yes":
            raise CommandError("Restore cancelled: nothing was changed.")

    def restore_sqlite(self, connection, path):
        live = sqlite_path(connection)
        backup = sqlite3.connect(f"{path.as_uri()}?mode=ro", uri=True)
        target = sqlite3.connect(live, timeout=30)
        try:
            backup.backup(target)
        except sqlite3.Error as error:
            raise CommandError(f"The restore failed, nothing was changed: {error}") from error
        finally:
            target.close()
            backup.close()

    def restore_postgres(self, connection, path):
        run_postgres_tool(
            [
                "pg_restore",
                "--clean",
                "--if-exists",
                "--no-owner",
                "--single-transaction",
                "--no-password",
                f"--dbname={connection.settings_dict['NAME']}",
                str(path),
            ],
            connection,
            "the restore (nothing was changed)",
        )
        restored = {
            found.group(1) for found in map(TABLE_ENTRY.match, self.contents.splitlines()) if found
        }
        with connection.cursor() as cursor:
            others = sorted(set(connection.introspection.table_names(cursor)) - restored)
        if others:
            self.stderr.write(
                f"Tables not in the backup were left as they are: {', '.join(others)}."
            )

    def bump_content_version(self, before):
        """Count the restore as a change, with a number the content version has never had:
        the restored number may be one the page cache already holds other pages under."""
        if content_version() is None:
            return None
        if before is not None:
            ContentVersion.objects.filter(pk=1, number__lt=before).update(number=before)
        ContentVersion.bump()
        return content_version()
