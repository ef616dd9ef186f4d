"""Serving as production does: the page cache and the page parts' cache on, their own
empty cache for each test.

The page cache's middleware reads ``PAGE_CACHE_SECONDS`` when a handler builds its
middleware, which a test client does on its first request: every client a test makes
(``client`` included) is built after the autouse fixture below has turned it on.
"""

import datetime

import pytest
from django.core.cache import caches
from django.core.management import call_command
from django.test import Client
from django.utils import timezone
from rest_framework.test import APIClient

from initiatives.models import (
    Country,
    Figure,
    Initiative,
    Milestone,
    Organization,
    Point,
    Section,
    Sector,
    Source,
)
from minerals.models import Application, Mineral
from publishing import cache as page_cache
from publishing.models import ContentVersion, DependencyVersion, Status
from publishing.roles import EDITOR, PUBLISHER
from tests.conftest import CONTENT_FIXTURES
from tests.editorial.conftest import member_of
from tests.factories import api_token_for, arranged

from .servers import DatabaseBeingPrepared, answers_of, free_port

PAGE_CACHE_SECONDS = 300


@pytest.fixture(scope="package")
def content_once(django_db_setup, django_db_blocker):
    """The real content, loaded once for this package (each test still runs in a
    transaction that is rolled back); removed again, with the content version and the
    keys' numbers its loading counted, when the package is done (xdist may run another
    package's tests in between, and then this package's again)."""
    with django_db_blocker.unblock():
        call_command("loaddata", *CONTENT_FIXTURES, verbosity=0)
        yield
        with arranged():
            remove_content()


def remove_content():
    Figure.objects.update(part_of=None)
    Initiative.objects.update(parent=None)
    for model in (
        Application,
        Mineral,
        Milestone,
        Figure,
        Point,
        Section,
        Initiative,
        Organization,
        Country,
        Sector,
        Source,
        ContentVersion,
        # Numbered by the counter just removed: left, their numbers would stay above the
        # next load's, and what they name would never be fresh again in this run.
        DependencyVersion,
    ):
        model.objects.all().delete()


@pytest.fixture
def content(content_once, db):
    """The site's real content (see content_once)."""


@pytest.fixture(scope="package", autouse=True)
def database_being_prepared():
    """Started with the package's first test, so the database for server processes is
    ready by the time the tests that need it run."""
    preparing = DatabaseBeingPrepared()
    yield preparing
    preparing.remove()


@pytest.fixture
def served_database(database_being_prepared):
    """A database file for server processes, prepared by a subprocess (see servers.py)."""
    return database_being_prepared.ready()


@pytest.fixture(scope="package")
def database_down():
    """How a process whose PostgreSQL is down (nothing listens at its port) answers the
    health checks, and what it logs."""
    return answers_of(
        ["/healthz", "/readyz"],
        DATABASE_URL=f"postgres://postgres@127.0.0.1:{free_port()}/trustsite",
    )


@pytest.fixture(autouse=True)
def page_cache_on(settings):
    """The page cache and the parts' cache on, in a local cache of this package's own
    (never a shared Redis the environment may name), empty at the start of every test;
    and no scheduled moment remembered from another test (whose clock and content differ)."""
    settings.PAGE_CACHE_SECONDS = PAGE_CACHE_SECONDS
    settings.FRAGMENT_CACHE_SECONDS = PAGE_CACHE_SECONDS
    settings.PASSWORD_HASHERS = ["django.contrib.auth.hashers.MD5PasswordHasher"]  # fast users
    settings.CACHES = {
        "default": {
            "BACKEND": "django.core.cache.backends.locmem.LocMemCache",
            "LOCATION": "serving-tests",
            # Room for every page of the sitemap and what each page caches besides.
            "OPTIONS": {"MAX_ENTRIES": 5000},
        }
    }
    local = caches["default"]
    local.clear()
    page_cache._schedule = page_cache.Schedule()
    yield
    local.clear()  # this one: a test may have put another cache in its place
    page_cache._schedule = page_cache.Schedule()


@pytest.fixture
def reader():
    """An anonymous reader: no cookies, no credentials."""
    return Client()


@pytest.fixture
def publisher(db, django_user_model):
    return member_of(django_user_model, "paula", PUBLISHER)


@pytest.fixture
def editor(db, django_user_model):
    return member_of(django_user_model, "edith", EDITOR)


def signed_in(user):
    client = Client()
    client.force_login(user)
    return client


def token_client(user):
    client = APIClient()
    client.credentials(HTTP_AUTHORIZATION=f"Token {api_token_for(user)}")
    return client


@pytest.fixture
def publisher_client(publisher):
    """A Publisher signed in to the admin."""
    return signed_in(publisher)


@pytest.fixture
def editor_client(editor):
    """An Editor signed in to the admin."""
    return signed_in(editor)


@pytest.fixture
def publisher_api(publisher):
    """A Publisher's script, with a token."""
    return token_client(publisher)


@pytest.fixture
def editor_api(editor):
    """An Editor's script, with a token."""
    return token_client(editor)


def text(response):
    if response.streaming:
        return b"".join(response.streaming_content).decode()
    return response.content.decode()


def cache_status(response):
    """``hit``, ``miss`` (answered and stored) or None (the page cache was not used)."""
    return response.headers.get("X-Page-Cache")


@pytest.fixture
def scheduled_scandium(content):
    """Scandium published to go live in two days and expire an hour later (a real save;
    nothing is written after it); the moments, on whole seconds."""
    go_live = timezone.now().replace(microsecond=0) + datetime.timedelta(days=2)
    expire = go_live + datetime.timedelta(hours=1)
    scandium = Mineral.objects.get(slug="scandium")
    scandium.status, scandium.go_live_at, scandium.expire_at = Status.PUBLISHED, go_live, expire
    with arranged():
        scandium.save()
    return go_live, expire
