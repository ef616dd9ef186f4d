"""Real processes for the tests that need them: Django in a subprocess, a database
prepared by one, and gunicorn serving the site as `make serve` does."""

import contextlib
import http.client
import json
import os
import shutil
import socket
import subprocess
import sys
import tempfile
import time
from dataclasses import dataclass
from pathlib import Path

from tests.tools import ROOT

#: Variables of the environment that would change what a subprocess serves.
OWN_SETTINGS = {
    "ALLOWED_HOSTS",
    "BIND",
    "CACHE_PURGE_URLS",
    "DATABASE_URL",
    "DEBUG",
    "DJANGO_ENV",
    "EDGE_CACHE_SECONDS",
    "FRAGMENT_CACHE_SECONDS",
    "HTTPS",
    "LOG_LEVEL",
    "PAGE_CACHE_SECONDS",
    "PORT",
    "REDIS_URL",
    "RELEASE",
    "SECRET_KEY",
    "SITE_URL",
    "WEB_CONCURRENCY",
}


def environment(**settings):
    """A server's environment: DEBUG off and the page cache on (as in production), no
    shared cache unless one is given, and the settings given."""
    env = {key: value for key, value in os.environ.items() if key not in OWN_SETTINGS}
    env.update(
        DJANGO_SETTINGS_MODULE="trustsite.settings",
        DEBUG="false",
        PAGE_CACHE_SECONDS="300",
        PYTHONUNBUFFERED="1",
    )
    env.update(settings)
    return env


def django_command(code):
    return [sys.executable, "-c", f"import django\ndjango.setup()\n{code}"]


def run_django(code, **settings):
    """Run ``code`` in a new Python process with Django set up; its completed process."""
    return subprocess.run(
        django_command(code),
        cwd=ROOT,
        env=environment(**settings),
        capture_output=True,
        text=True,
        timeout=120,
    )


ANSWERS = """
import json
from django.test import Client

answers = {{}}
for path in {paths!r}:
    response = Client(raise_request_exception=False).get(path)
    answers[path] = {{
        "status": response.status_code,
        "retry_after": response.get("Retry-After"),
        "body": response.content.decode(),
    }}
print(json.dumps(answers))
"""


@dataclass(frozen=True)
class Answers:
    """What a Django process answered, and what it logged meanwhile."""

    answers: dict
    log: str


def answers_of(paths, **settings):
    """The answers of a new process with ``settings`` to GET requests (Django's test
    client, no server) for ``paths``; its log lines."""
    result = run_django(ANSWERS.format(paths=list(paths)), **settings)
    assert result.returncode == 0, result.stderr
    return Answers(json.loads(result.stdout.strip().splitlines()[-1]), result.stderr)


def free_port():
    """A port nothing listens on (for a server to take, or to find closed)."""
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return probe.getsockname()[1]


PREPARE = """
from django.contrib.auth.models import Group, User
from django.core.management import call_command
from tests.factories import api_token_for

call_command("migrate", interactive=False, verbosity=0)
call_command("load_content", verbosity=0)
publisher = User.objects.create_user("serving-publisher", is_staff=True)
publisher.groups.set([Group.objects.get(name="Publisher")])
with open({token!r}, "w") as token:
    token.write(api_token_for(publisher))
"""


@dataclass(frozen=True)
class Database:
    url: str
    #: The API token of a Publisher in it.
    publisher_token: str


class DatabaseBeingPrepared:
    """A temporary SQLite file, migrated and loaded with the content as `make run` does,
    with a Publisher and their API token, by a subprocess that starts at once; ``ready``
    waits for it (so it can run while other tests do)."""

    def __init__(self):
        self.folder = Path(tempfile.mkdtemp(prefix="trustsite-serving-"))
        self.url = f"sqlite:///{self.folder / 'db.sqlite3'}"
        self.output = self.folder / "prepare.log"
        self.token = self.folder / "token"
        with self.output.open("w") as output:
            self.process = subprocess.Popen(
                django_command(PREPARE.format(token=str(self.token))),
                cwd=ROOT,
                env=environment(DATABASE_URL=self.url),
                stdout=output,
                stderr=subprocess.STDOUT,
            )

    def ready(self):
        returncode = self.process.wait(timeout=180)
        assert returncode == 0, self.output.read_text()
        return Database(self.url, self.token.read_text().strip())

    def remove(self):
        if self.process.poll() is None:
            self.process.kill()
            self.process.wait(timeout=10)
        shutil.rmtree(self.folder, ignore_errors=True)


@dataclass
class Server:
    process: subprocess.Popen
    port: int
    log: Path

    def request(self, method, path, body=None, headers=None):
        """(status, headers, body text) of one request to this server."""
        connection = http.client.HTTPConnection("127.0.0.1", self.port, timeout=20)
        try:
            connection.request(method, path, body=body, headers=headers or {})
            response = connection.getresponse()
            return response.status, dict(response.getheaders()), response.read().decode()
        finally:
            connection.close()

    def get(self, path, headers=None):
        return self.request("GET", path, headers=headers)

    def write(self, token, path, fields, headers=None):
        """PATCH ``fields`` of the item at the API address ``path`` with the API ``token``."""
        return self.request(
            "PATCH",
            path,
            body=json.dumps(fields),
            headers=(headers or {})
            | {"Authorization": f"Token {token}", "Content-Type": "application/json"},
        )

    def output(self):
        return self.log.read_text(errors="replace")


def wait_until_serving(server, seconds=30):
    deadline = time.monotonic() + seconds
    while time.monotonic() < deadline:
        if server.process.poll() is not None:
            raise AssertionError(f"The server stopped:\n{server.output()}")
        try:
            if server.get("/healthz")[0] == 200:
                return
        except OSError:
            pass
        time.sleep(0.1)
    raise AssertionError(f"The server did not answer within {seconds} s:\n{server.output()}")


@contextlib.contextmanager
def serving(count, ports=(), workers=1, **settings):
    """``count`` gunicorn processes (``workers`` each) serving the site with ``settings``,
    at ``ports`` or free ones; stopped, and their logs removed, on the way out."""
    folder = Path(tempfile.mkdtemp(prefix="trustsite-servers-"))
    servers = []
    try:
        for number in range(count):
            port = ports[number] if number < len(ports) else free_port()
            log = folder / f"server-{number}.log"
            with log.open("w") as output:
                process = subprocess.Popen(
                    [
                        sys.executable,
                        "-m",
                        "gunicorn",
                        "--config",
                        "trustsite/gunicorn.conf.py",
                        "trustsite.wsgi",
                    ],
                    cwd=ROOT,
                    env=environment(
                        BIND=f"127.0.0.1:{port}", WEB_CONCURRENCY=str(workers), **settings
                    ),
                    stdout=output,
                    stderr=subprocess.STDOUT,
                )
            servers.append(Server(process, port, log))
        for server in servers:
            wait_until_serving(server)
        yield servers
    finally:
        stop(servers)
        shutil.rmtree(folder, ignore_errors=True)


def stop(servers, seconds=15):
    """Ask ``servers`` to stop; kill those still running after ``seconds``."""
    for server in servers:
        server.process.terminate()
    for server in servers:
        try:
            server.process.wait(timeout=seconds)
        except subprocess.TimeoutExpired:
            server.process.kill()
            server.process.wait(timeout=5)
