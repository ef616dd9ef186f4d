from pathlib import Path

import pytest
from django.core.management import call_command
from django.test import override_settings

ROOT = Path(__file__).resolve().parent.parent

CONTENT_FIXTURES = ("initiatives", "minerals")


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


@pytest.fixture
def content(db):
    """The site's real content, loaded from the fixtures the site ships with."""
    call_command("loaddata", *CONTENT_FIXTURES, verbosity=0)


@pytest.fixture
def superuser(db, django_user_model):
    return django_user_model.objects.create_superuser("editor", "editor@example.org", "pw-12345")


@pytest.fixture
def admin_client(client, superuser):
    client.force_login(superuser)
    return client
