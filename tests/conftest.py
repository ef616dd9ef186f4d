from pathlib import Path

import pytest
from django.core.management import call_command
from django.db import transaction
from django.test import override_settings

ROOT = Path(__file__).resolve().parent.parent

CONTENT_FIXTURES = ("initiatives", "minerals")
#: Set on a test module whose every test reads the content in a transaction of its own.
CONTENT_SHARED = "_content_shared_by_module"
#: What makes a test commit, or empty the database when it ends: it cannot share content.
TRANSACTIONAL = {"transactional_db", "live_server", "django_db_reset_sequences"}


def pytest_configure(config):
    """Compile the interface's translations when their .po is newer than the .mo, as the
    Makefile does: a bare ``pytest`` then tests the Hindi pages with the current catalog."""
    from babel.messages.mofile import write_mo
    from babel.messages.pofile import read_po

    for po in ROOT.glob("locale/*/LC_MESSAGES/django.po"):
        mo = po.with_suffix(".mo")
        if not mo.exists() or mo.stat().st_mtime < po.stat().st_mtime:
            with po.open("rb") as source:
                catalog = read_po(source)
            with mo.open("wb") as target:
                write_mo(target, catalog)


def remove_all_content():
    """Empty every content table, for fixtures that load content outside a test's own
    transaction: tests elsewhere start from the empty database they expect."""
    from initiatives.models import Figure, Initiative
    from publishing.history import publishable_models
    from tests.factories import arranged

    with arranged():
        Figure.objects.update(part_of=None)
        Initiative.objects.update(parent=None)
        for model in reversed(publishable_models()):
            model._base_manager.all().delete()


@pytest.fixture(autouse=True)
def default_language():
    """Each test starts and ends in English: a request to a /hi/ page leaves Hindi active in
    its thread (as Django's own LocaleMiddleware does), and reverse() would follow it."""
    from django.utils import translation

    translation.activate("en")
    yield
    translation.activate("en")


@pytest.fixture(scope="session", autouse=True)
def fast_password_hashing():
    """MD5 instead of PBKDF2 for the tests' users: PBKDF2 is slow on purpose (about half
    a second a password on CI's machine), and every user a test makes or signs in with a
    password would pay it. Only the tests' own process: servers and ``manage.py`` run in
    subprocesses keep the site's hashers."""
    with override_settings(PASSWORD_HASHERS=["django.contrib.auth.hashers.MD5PasswordHasher"]):
        yield


def in_a_transaction_with_content(item):
    """Whether ``item`` uses the content and runs in a transaction rolled back after it."""
    fixtures = set(getattr(item, "fixturenames", ()))
    marker = item.get_closest_marker("django_db")
    committing = marker is not None and (
        marker.kwargs.get("transaction") or marker.kwargs.get("reset_sequences")
    )
    return "content" in fixtures and not fixtures & TRANSACTIONAL and not committing


def pytest_collection_modifyitems(items):
    """Mark the modules where every test selected reads the content in a transaction of
    its own: ``content`` loads it once for such a module (see content_for_module)."""
    by_module = {}
    for item in items:
        module = getattr(item, "module", None)
        if module is not None:
            by_module.setdefault(module, []).append(item)
    for module, module_items in by_module.items():
        setattr(module, CONTENT_SHARED, all(map(in_a_transaction_with_content, module_items)))


@pytest.fixture(scope="module")
def content_for_module(request, django_db_setup, django_db_blocker):
    """The content loaded once for a module whose every test uses it (see
    pytest_collection_modifyitems), in a transaction rolled back when the module is done.

    Each test's own transaction is a savepoint inside that one, rolled back after the
    test, so a test sees exactly the freshly loaded content, as if it had loaded it
    itself, and what it writes never reaches the next test; after the module the
    database is as empty as before. Loading costs about a second, and most modules
    of the site's pages use it in every test. Elsewhere this does nothing and
    ``content`` loads it in each test's own transaction.
    """
    if not getattr(request.module, CONTENT_SHARED, False):
        yield False
        return
    outer = transaction.atomic()
    with django_db_blocker.unblock():
        outer.__enter__()
    try:
        with django_db_blocker.unblock():
            call_command("loaddata", *CONTENT_FIXTURES, verbosity=0)
        yield True
    finally:
        with django_db_blocker.unblock():
            transaction.set_rollback(True)
            outer.__exit__(None, None, None)


@pytest.fixture
def content(content_for_module, db):
    """The site's real content, loaded from the fixtures the site ships with."""
    if not content_for_module:
        call_command("loaddata", *CONTENT_FIXTURES, verbosity=0)


@pytest.fixture
def superuser(db, django_user_model):
    return django_user_model.objects.create_superuser("editor", "editor@example.org", "pw-12345")


@pytest.fixture
def admin_client(client, superuser):
    client.force_login(superuser)
    return client
