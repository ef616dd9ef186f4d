import pytest
from django.contrib.auth.models import Group
from django.core.cache import cache
from django.core.management import call_command
from rest_framework.test import APIClient

from publishing.roles import EDITOR, PUBLISHER
from tests.conftest import CONTENT_FIXTURES, remove_all_content
from tests.factories import api_token_for


@pytest.hookimpl(tryfirst=True)
def pytest_collection_modifyitems(items):
    """Each of Schemathesis's generated tests gets its operation in its id, as its name
    has it: under pytest 9 their ids leave it out, so every operation's test had one
    and the same id, and pytest-xdist, which tells tests apart by id, ran only one."""
    for item in items:
        label = getattr(item, "operation_label", None)
        if label and item._id.params is None:
            item._id = item._id.with_params(label)


@pytest.fixture(scope="package")
def content_once(django_db_setup, django_db_blocker):
    """The real content, loaded once for this package rather than once per test.

    Each test still runs in a transaction that is rolled back, so what a test writes
    never reaches the next one; the content is removed again when the package is done,
    so tests elsewhere start from the empty database they expect.
    """
    with django_db_blocker.unblock():
        call_command("loaddata", *CONTENT_FIXTURES, verbosity=0)
        yield
        remove_all_content()


@pytest.fixture
def content(content_once, db):
    """The site's real content (see content_once)."""


@pytest.fixture(autouse=True)
def no_earlier_requests_counted(settings):
    """Throttle counts live in the cache: each test gets its own empty local cache, as a
    new client would, and never touches a shared one (such as Redis) configured in the
    environment."""
    settings.CACHES = {
        "default": {
            "BACKEND": "django.core.cache.backends.locmem.LocMemCache",
            "LOCATION": "api-tests",
        }
    }
    cache.clear()
    yield
    cache.clear()


@pytest.fixture
def api():
    """An anonymous API consumer."""
    return APIClient()


def token_client(user):
    client = APIClient()
    client.credentials(HTTP_AUTHORIZATION=f"Token {api_token_for(user)}")
    return client


def member_of(django_user_model, username, role):
    user = django_user_model.objects.create_user(username, password="pw-12345", is_staff=True)
    user.groups.set([Group.objects.get(name=role)])
    return user


@pytest.fixture
def publisher(db, django_user_model):
    """A member of the Publisher group, as the roles' data migration makes it."""
    return member_of(django_user_model, "api-publisher", PUBLISHER)


@pytest.fixture
def publisher_api(publisher):
    """The publisher's script: token authentication, as the API documentation tells them."""
    return token_client(publisher)


@pytest.fixture
def editor_api(db, django_user_model):
    """An Editor's script: writes, but never publishes."""
    return token_client(member_of(django_user_model, "api-editor", EDITOR))


@pytest.fixture
def reader_api(db, django_user_model):
    """A signed-in user with a token but no permission to change content."""
    return token_client(django_user_model.objects.create_user("api-reader", password="pw-12345"))
