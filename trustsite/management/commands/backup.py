"""Write a consistent, timestamped backup of the site's database; print its path.

SQLite: SQLite's online backup API copies the live database file page by page into
``backups/trustsite-<name>-<UTC time>.sqlite3``. It reads one consistent state of the
database even while the site writes to it (a write from another connection during the
copy makes SQLite start the copy again), so the file is never half of one state and half
of another, as a plain file copy could be.

PostgreSQL: ``pg_dump --format=custom`` (one transaction, so one consistent snapshot)
into ``backups/trustsite-<name>-<UTC time>.dump``, for ``manage.py restore``
(``pg_restore``). The connection settings come from ``DATABASES["default"]``; the
password goes to ``pg_dump`` in ``PGPASSWORD``, never on its command line (which every
user of the machine can read).

A backup holds everything in the database, accounts' password hashes, sessions and API
tokens included: the file is readable by its owner only. The last line printed is the
backup's path alone, for scripts (``make -s backup | tail -1``).
"""

import datetime
import os
import re
import sqlite3
import subprocess
from pathlib import Path

from django.conf import settings
from django.core.exceptions import ImproperlyConfigured
from django.core.management.base import BaseCommand, CommandError
from django.db import DEFAULT_DB_ALIAS, connections
from django.db.backends.postgresql.client import DatabaseClient

BACKUP_DIR = "backups"
#: The backup file's ending for each database vendor the commands know.
SUFFIXES = {"sqlite": ".sqlite3", "postgresql": ".dump"}
VENDOR_NAMES = {"sqlite": "SQLite", "postgresql": "PostgreSQL"}
SQLITE_HEADER = b"SQLite format 3\x00"
#: The first bytes of a pg_dump custom-format archive.
PG_DUMP_HEADER = b"PGDMP"


def database():
    """The connection to the site's database, if the commands know its vendor."""
    connection = connections[DEFAULT_DB_ALIAS]
    engine = connection.settings_dict.get("ENGINE", "")
    try:
        vendor = connection.vendor
    except ImproperlyConfigured:  # a backend whose driver is not even installed
        vendor = engine
    if vendor not in SUFFIXES:
        raise CommandError(
            f"The database is {engine or 'not configured'}: backup and restore know SQLite "
            "and PostgreSQL only. Use that database's own backup tools."
        )
    return connection


def describe(connection):
    """The database in words: ``the SQLite database /path`` or ``the PostgreSQL
    database name on host:port``."""
    settings_dict = connection.settings_dict
    if connection.vendor == "sqlite":
        return f"the SQLite database {settings_dict['NAME']}"
    host = settings_dict.get("HOST") or "the local socket"
    port = f":{settings_dict['PORT']}" if settings_dict.get("PORT") else ""
    return f"the PostgreSQL database {settings_dict['NAME']} on {host}{port}"


def sqlite_path(connection):
    """The live SQLite database's file; a database in memory has none to back up."""
    name = connection.settings_dict["NAME"]
    if connection.is_in_memory_db():
        raise CommandError(
            f"The SQLite database {name} is in memory: there is no file to back up or restore."
        )
    return Path(name)


def safe_name(name):
    """A database's name as a part of a file name."""
    return re.sub(r"[^A-Za-z0-9_.-]+", "-", str(name)).strip("-.") or "database"


def postgres_environment(connection):
    """The environment for pg_dump and pg_restore: this process's, with the connection's
    settings as libpq's variables (the password among them, never an argument)."""
    settings_dict = connection.settings_dict
    # Django's psql client knows which OPTIONS libpq takes from the environment.
    _, extra = DatabaseClient.settings_to_cmd_args_env(settings_dict, [])
    environment = {**os.environ, **(extra or {})}
    for variable, key in (
        ("PGHOST", "HOST"),
        ("PGPORT", "PORT"),
        ("PGUSER", "USER"),
        ("PGDATABASE", "NAME"),
    ):
        if settings_dict.get(key):
            environment[variable] = str(settings_dict[key])
    return environment


def run_postgres_tool(command, connection, what):
    """Run pg_dump or pg_restore on the connection's database; its completed process.
    Failures (the tool missing, or its own error) become a CommandError."""
    try:
        done = subprocess.run(
            command, env=postgres_environment(connection), capture_output=True, text=True
        )
    except FileNotFoundError as error:
        raise CommandError(
            f"{command[0]} not found: {what} needs PostgreSQL's client tools "
            "(Debian: `sudo apt-get install postgresql-client`, the same major version as "
            "the server or newer)."
        ) from error
    if done.returncode:
        raise CommandError(
            f"{command[0]} failed (exit status {done.returncode}); {what} did not happen.\n"
            f"{done.stderr.strip()}"
        )
    return done


def create_private(path):
    """Create ``path``, empty and readable by its owner only; never overwrite a file."""
    path.parent.mkdir(mode=0o700, parents=True, exist_ok=True)
    try:
        os.close(os.open(path, os.O_WRONLY | os.O_CREAT | os.O_EXCL, 0o600))
    except FileExistsError as error:
        raise CommandError(f"{path} exists already: choose another --output.") from error


def default_path(connection, now):
    """``backups/trustsite-<name>-<UTC time><suffix>``, one no file has yet."""
    name = connection.settings_dict["NAME"]
    if connection.vendor == "sqlite":
        name = Path(name).stem
    stem = f"trustsite-{safe_name(name)}-{now:%Y%m%dT%H%M%SZ}"
    suffix = SUFFIXES[connection.vendor]
    folder = Path(settings.BASE_DIR) / BACKUP_DIR
    path, number = folder / f"{stem}{suffix}", 1
    while path.exists():  # two backups within one second
        number += 1
        path = folder / f"{stem}-{number}{suffix}"
    return path


def size(path):
    count = path.stat().st_size
    for unit in ("bytes", "KB", "MB", "GB"):
        if count < 1024 or unit == "GB":
            return f"{count:.0f} {unit}" if unit == "bytes" else f"{count:.1f} {unit}"
        count /= 1024


class Command(BaseCommand):
    help = (
        "Write a consistent backup of the site's database (SQLite's online backup, or "
        "pg_dump for PostgreSQL) under backups/ and print its path."
    )

    def add_arguments(self, parser):
        parser.add_argument(
            "--output",
            help="The backup file to write (it must not exist yet). Default: "
            "backups/trustsite-<database name>-<UTC time>.sqlite3 (SQLite) or .dump "
            "(PostgreSQL).",
        )

    def handle(self, *args, output, **options):
        connection = database()
        now = datetime.datetime.now(datetime.UTC)
        path = Path(output) if output else default_path(connection, now)
        suffix = SUFFIXES[connection.vendor]
        if path.suffix != suffix:
            raise CommandError(
                f"A backup of {describe(connection)} is a {suffix} file (manage.py restore "
                f"tells the kinds apart by it): {path} does not end in {suffix}."
            )
        path = path.absolute()
        create_private(path)
        try:
            if connection.vendor == "sqlite":
                self.back_up_sqlite(connection, path)
            else:
                self.back_up_postgres(connection, path)
        except BaseException:
            path.unlink(missing_ok=True)
            raise
        self.stdout.write(
            f"Backed up {describe(connection)} at {now:%Y-%m-%d %H:%M:%S} UTC ({size(path)}); "
            f"put it back with: manage.py restore {path}"
        )
        self.stdout.write(str(path))

    def back_up_sqlite(self, connection, path):
        source_path = sqlite_path(connection)
        if not source_path.is_file():
            raise CommandError(f"There is no SQLite database at {source_path} to back up.")
        # Read-only: a backup never changes the live database, nor creates one by mistake.
        source = sqlite3.connect(f"{source_path.absolute().as_uri()}?mode=ro", uri=True)
        target = sqlite3.connect(path)
        try:
            with target:
                source.backup(target)
            problem = target.execute("PRAGMA quick_check").fetchone()[0]
        except sqlite3.Error as error:
            raise CommandError(f"The SQLite backup failed: {error}") from error
        finally:
            target.close()
            source.close()
        if problem != "ok":
            raise CommandError(f"The backup failed SQLite's integrity check: {problem}")

    def back_up_postgres(self, connection, path):
        run_postgres_tool(
            ["pg_dump", "--format=custom", "--no-password", f"--file={path}"],
            connection,
            "the backup",
        )
        with path.open("rb") as written:
            if written.read(len(PG_DUMP_HEADER)) != PG_DUMP_HEADER:
                raise CommandError(f"pg_dump wrote no custom-format archive to {path}.")
