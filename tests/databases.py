"""Throwaway databases of the tests' own, reached by ``manage.py`` in processes of its own.

For tests of what an operator runs (backups, restores, migrations): a temporary SQLite
file, or a PostgreSQL database created and dropped on the server the run uses. A
test uses the kind of database the run is on (``RUN_VENDOR``), so the suite's SQLite
pass tests SQLite and its PostgreSQL pass tests PostgreSQL.
"""

import os
import shutil
import sqlite3
import subprocess
import sys
from pathlib import Path
from urllib.parse import urlsplit, urlunsplit

import dj_database_url
import pytest

from tests.tools import ROOT, Tool, in_ci, require

#: The PostgreSQL server the tests use when the run itself is on SQLite: CI's.
DEFAULT_POSTGRES_URL = "postgres://postgres@127.0.0.1:5432/postgres"
#: Variables of this environment that would point a command elsewhere.
OWN_SETTINGS = {"DATABASE_URL", "REDIS_URL", "DJANGO_ENV", "DJANGO_SETTINGS_MODULE"}


def tool(name):
    found = shutil.which(name)
    return Tool(
        name,
        Path(found) if found else None,
        "`sudo apt-get install postgresql-client` (the server's major version or newer)",
    )


def manage(url, *args, check=True, stdin=subprocess.DEVNULL):
    """Run ``manage.py`` with ``args`` on the database at ``url``; its completed process."""
    env = {name: value for name, value in os.environ.items() if name not in OWN_SETTINGS}
    env.update(DATABASE_URL=url, DJANGO_SETTINGS_MODULE="trustsite.settings")
    done = subprocess.run(
        [sys.executable, "manage.py", *args],
        cwd=ROOT,
        env=env,
        stdin=stdin,
        capture_output=True,
        text=True,
        timeout=300,
    )
    if check:
        assert done.returncode == 0, (
            f"manage.py {' '.join(args)} failed:\n{done.stdout}\n{done.stderr}"
        )
    return done


def shell(url, code):
    """Run Python ``code`` in ``manage.py shell`` on the database at ``url``."""
    return manage(url, "shell", "--verbosity", "0", "--command", code)


class SqliteDatabase:
    """A temporary SQLite file."""

    vendor = "sqlite"

    def __init__(self, folder, name):
        self.path = Path(folder) / f"{name}.sqlite3"
        self.url = f"sqlite:///{self.path}"
        self.name = name

    def create(self):
        self.drop()

    def drop(self):
        for suffix in ("", "-journal", "-wal", "-shm"):
            Path(f"{self.path}{suffix}").unlink(missing_ok=True)

    def rows(self, query):
        with sqlite3.connect(self.path) as database:
            return database.execute(query).fetchall()

    def tables(self):
        return {
            name
            for (name,) in self.rows(
                "SELECT name FROM sqlite_master WHERE type = 'table' AND name NOT LIKE 'sqlite_%'"
            )
        }


class PostgresDatabase:
    """A database of the test's own on the PostgreSQL server the run uses (or CI's),
    created and dropped by the test."""

    vendor = "postgresql"

    def __init__(self, name):
        url = os.environ.get("DATABASE_URL", "")
        if not url or not dj_database_url.parse(url)["ENGINE"].endswith("postgresql"):
            url = DEFAULT_POSTGRES_URL
        parts = urlsplit(url)
        # One server for every pytest-xdist worker: each creates and drops its own.
        worker = os.environ.get("PYTEST_XDIST_WORKER")
        name = f"{name}_{worker}" if worker else name
        self.name = name
        self.url = urlunsplit(parts._replace(path=f"/{name}"))
        self.server = urlunsplit(parts._replace(scheme="postgresql", path="/postgres"))
        self.database = urlunsplit(parts._replace(scheme="postgresql", path=f"/{name}"))

    def require(self):
        """Skip the test (fail it in CI) without the client tools or a server to reach."""
        require(tool("pg_dump"), tool("pg_restore"))
        import psycopg

        try:
            psycopg.connect(self.server, connect_timeout=5).close()
        except psycopg.OperationalError as error:
            message = (
                f"No PostgreSQL server to test on at {urlsplit(self.server).netloc} "
                f"(set DATABASE_URL to a PostgreSQL server's address): {error}"
            )
            if in_ci():
                pytest.fail(f"CI=true and {message}", pytrace=False)
            pytest.skip(message)

    def execute(self, statement):
        import psycopg
        from psycopg import sql

        with psycopg.connect(self.server, autocommit=True) as server:
            server.execute(sql.SQL(statement).format(sql.Identifier(self.name)))

    def create(self):
        self.execute("DROP DATABASE IF EXISTS {} WITH (FORCE)")
        self.execute("CREATE DATABASE {}")

    def drop(self):
        self.execute("DROP DATABASE IF EXISTS {} WITH (FORCE)")

    def rows(self, query):
        import psycopg

        with psycopg.connect(self.database) as database:
            return database.execute(query).fetchall()

    def tables(self):
        return {
            name
            for (name,) in self.rows(
                "SELECT tablename FROM pg_tables WHERE schemaname = current_schema()"
            )
        }


def run_vendor():
    """The database the run is on: "postgresql" when DATABASE_URL names PostgreSQL."""
    url = os.environ.get("DATABASE_URL", "")
    if url and dj_database_url.parse(url)["ENGINE"].endswith("postgresql"):
        return "postgresql"
    return "sqlite"


def throwaway(vendor, folder, name):
    """An empty database of ``vendor``, ready for ``manage.py``; call ``drop()`` after."""
    if vendor == "sqlite":
        database = SqliteDatabase(folder, name)
    else:
        database = PostgresDatabase(name)
        database.require()
    database.create()
    return database
