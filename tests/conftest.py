import pytest
from django.core.management import call_command

CONTENT_FIXTURES = ("initiatives", "minerals")


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
