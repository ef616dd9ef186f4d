import pytest
from django.contrib.auth.models import Permission
from django.core.cache import cache
from rest_framework.authtoken.models import Token
from rest_framework.test import APIClient

CONTENT_APPS = ("initiatives", "minerals")


@pytest.fixture(autouse=True)
def no_earlier_requests_counted():
    """Throttle counts live in the cache; each test starts as a new client would."""
    cache.clear()
    yield
    cache.clear()


@pytest.fixture
def api():
    """An anonymous API consumer."""
    return APIClient()


def token_client(user):
    client = APIClient()
    client.credentials(HTTP_AUTHORIZATION=f"Token {Token.objects.create(user=user).key}")
    return client


@pytest.fixture
def editor(db, django_user_model):
    """A staff editor with every content permission, as the editors' group grants."""
    user = django_user_model.objects.create_user("api-editor", password="pw-12345", is_staff=True)
    user.user_permissions.set(Permission.objects.filter(content_type__app_label__in=CONTENT_APPS))
    return user


@pytest.fixture
def editor_api(editor):
    """The editor's script: token authentication, as the API documentation tells them."""
    return token_client(editor)


@pytest.fixture
def reader_api(db, django_user_model):
    """A signed-in user with a token but no permission to change content."""
    return token_client(django_user_model.objects.create_user("api-reader", password="pw-12345"))
