from pathlib import Path

import pytest
from django.core.management import call_command
from django.db import transaction
from django.test import override_settings

ROOT = Path(__file__).resolve().parent.parent

CONTENT_FIXTURES = ("initiatives", "minerals")
#: What makes a test commit, or empty the database when it ends: it cannot share content.
TRANSACTIONAL = {
    "transactional_db",
    "live_server",
    "django_db_reset_sequences",
    "django_db_serialized_rollback",
}
#: What gives a test the database, besides the django_db mark.
DATABASE = {"db", *TRANSACTIONAL}


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


@pytest.hookimpl(trylast=True)
def pytest_collection_modifyitems(config, items):
    """The ids pytest-xdist (``make test``) schedules by: each test marked ``xdist_group``
    gets its group in its id, and two tests with one id stop the run.

    pytest-xdist 3.8 appends the group where pytest 8 kept ids; pytest 9 reads them from
    elsewhere, so without this the groups were ignored, and each grouped module's fixture
    was made again on every worker. Tests with one id: xdist would run only one of them,
    without a word."""
    from _pytest.nodeid import NodeId

    if getattr(config.option, "loadgroup", False):
        for item in items:
            groups = sorted({str(mark.args[0]) for mark in item.iter_markers("xdist_group")})
            suffix = f"@{'_'.join(groups)}"
            if groups and not item.nodeid.endswith(suffix):
                item._id = NodeId.parse(item.nodeid + suffix)
    seen, twice = set(), []
    for item in items:
        if item.nodeid in seen:
            twice.append(item.nodeid)
        seen.add(item.nodeid)
    if twice:
        raise pytest.UsageError(f"these tests share their ids with others: {sorted(set(twice))}")


def in_a_transaction_with_content(item):
    """Whether ``item`` uses the content and runs in a transaction rolled back after it."""
    fixtures = set(getattr(item, "fixturenames", ()))
    marker = item.get_closest_marker("django_db")
    committing = marker is not None and any(
        marker.kwargs.get(option) for option in ("transaction", "reset_sequences")
    )
    return "content" in fixtures and not fixtures & TRANSACTIONAL and not committing


def uses_the_database(item):
    fixtures = set(getattr(item, "fixturenames", ()))
    return item.get_closest_marker("django_db") is not None or bool(fixtures & DATABASE)


class SharedContent:
    """The content loaded in a transaction of its own, which the tests' transactions
    nest in as savepoints, until it is rolled back."""

    def __init__(self, blocker):
        self.blocker = blocker
        self.outer = None

    @property
    def loaded(self):
        return self.outer is not None

    def load(self):
        self.outer = transaction.atomic()
        with self.blocker.unblock():
            self.outer.__enter__()
        try:
            with self.blocker.unblock():
                call_command("loaddata", *CONTENT_FIXTURES, verbosity=0)
        except BaseException:
            self.unload()
            raise

    def unload(self):
        with self.blocker.unblock():
            transaction.set_rollback(True)
            self.outer.__exit__(None, None, None)
        self.outer = None


#: The module's shared content while its tests run (see shared_content), and the test
#: being set up.
_shared = None
_item_being_set_up = None


@pytest.hookimpl(tryfirst=True)
def pytest_runtest_setup(item):
    """Before any fixture of ``item``: the module's shared content loaded if it reads
    the content in a transaction of its own, and rolled back if it uses the database
    otherwise (it sees the database exactly as if every test loaded its own content)."""
    global _item_being_set_up
    _item_being_set_up = item
    if _shared is None:
        return
    if in_a_transaction_with_content(item):
        if not _shared.loaded:
            _shared.load()
    elif _shared.loaded and uses_the_database(item):
        _shared.unload()


@pytest.fixture(scope="module")
def shared_content(django_db_setup, django_db_blocker):
    """The content, loaded once for a run of a module's tests that each read it in a
    transaction of their own, rather than once for each (it costs about a second).

    Each test's transaction is a savepoint inside the one the content was loaded in,
    rolled back after the test: a test sees exactly the freshly loaded content, as if it
    had loaded it itself, and what it writes never reaches the next test. Before a test
    that uses the database otherwise (without ``content``, or committing), and after the
    module, the content's transaction is rolled back: such a test sees the database as
    it would without this, and ``content`` then loads the content in the test's own
    transaction.
    """
    global _shared
    _shared = SharedContent(django_db_blocker)
    try:
        if in_a_transaction_with_content(_item_being_set_up):
            _shared.load()
        yield _shared
    finally:
        if _shared.loaded:
            _shared.unload()
        _shared = None


@pytest.fixture
def content(shared_content, db):
    """The site's real content, loaded from the fixtures the site ships with."""
    if not shared_content.loaded:
        call_command("loaddata", *CONTENT_FIXTURES, verbosity=0)


@pytest.fixture
def superuser(db, django_user_model):
    return django_user_model.objects.create_superuser("editor", "editor@example.org", "pw-12345")


@pytest.fixture
def admin_client(client, superuser):
    client.force_login(superuser)
    return client
