"""Self-service API tokens: every staff user makes, names, sees the last use of and revokes
their own tokens on their profile in the admin; tokens are stored hashed, shown once and
may expire; superusers revoke anyone's. The profile also keeps each user's time zone and
whether the workflow emails them."""

import datetime
import json
import re
import secrets

import pytest
import time_machine
from django.db import connection
from django.test import Client
from django.test.utils import CaptureQueriesContext
from django.urls import reverse
from django.utils import timezone
from rest_framework.test import APIClient

from publishing.models import ApiToken, EditorProfile
from publishing.roles import EDITOR
from tests.databases import manage, run_vendor, shell, throwaway
from tests.editorial.conftest import member_of
from tests.factories import SectorFactory, api_token_for

pytestmark = pytest.mark.django_db

PROFILE = "/admin/profile/"
NEW_KEY = re.compile(r'id="new-key" value="([0-9a-f]+)"')


@pytest.fixture
def sector(db):
    return SectorFactory(slug="space")


def history_status(key, slug="space"):
    """What the API answers a token holder asking for an item's history, which only
    Editors and Publishers may read (401 to a key the API does not accept)."""
    api = APIClient()
    api.credentials(HTTP_AUTHORIZATION=f"Token {key}")
    return api.get(f"/api/v1/sectors/{slug}/history/").status_code


def make_token(client, name="dashboard", lifetime="never"):
    """Make a token on the profile page as its user does; the answer and the key shown."""
    response = client.post(PROFILE, {"create_token": "1", "name": name, "lifetime": lifetime})
    assert response.status_code == 200
    found = NEW_KEY.search(response.content.decode())
    return response, found and found.group(1)


def revoke(client, token):
    return client.post(PROFILE, {"revoke_token": "1", "token": token.pk}, follow=True)


@pytest.fixture
def second_editor_token(django_user_model):
    other = member_of(django_user_model, "eddie", EDITOR)
    key = api_token_for(other, name="eddie's dashboard")
    return ApiToken.objects.get(user=other), key


def test_a_new_key_is_shown_once_and_only_its_digest_is_stored(editor_client, editor, sector):
    response, key = make_token(editor_client, name="dashboard")

    assert key and len(key) == 64
    assert "it is not shown again" in response.content.decode()
    assert history_status(key) == 200
    with connection.cursor() as cursor:
        cursor.execute("SELECT * FROM publishing_apitoken")
        stored = cursor.fetchall()
    assert len(stored) == 1
    assert not [value for value in stored[0] if isinstance(value, str) and key in value]
    again = editor_client.get(PROFILE).content.decode()
    assert "dashboard" in again
    assert key not in again
    assert not NEW_KEY.search(again)


def test_a_token_is_refused_once_it_expires(editor_client, editor, sector):
    made = datetime.datetime(2026, 12, 2, 8, 35, tzinfo=datetime.UTC)
    with time_machine.travel(made, tick=False):
        _, key = make_token(editor_client, lifetime="30")
    token = ApiToken.objects.get()
    assert token.expiry == made + datetime.timedelta(days=30)

    with time_machine.travel(token.expiry - datetime.timedelta(minutes=1), tick=False):
        assert history_status(key) == 200
    with time_machine.travel(token.expiry + datetime.timedelta(minutes=1), tick=False):
        assert history_status(key) == 401
        editor_client.force_login(editor)  # a month on, a new session
        page = editor_client.get(PROFILE).content.decode()
    # Still listed, so its owner sees why it stopped working: 08:35 UTC is 14:05 in India.
    assert "expired 1 Jan 2027, 14:05 IST" in page


def test_a_token_made_to_last_for_ever_has_no_expiry(editor_client, sector):
    _, key = make_token(editor_client, lifetime="never")

    assert ApiToken.objects.get().expiry is None
    with time_machine.travel(timezone.now() + datetime.timedelta(days=3650), tick=False):
        assert history_status(key) == 200


def test_a_revoked_token_is_refused(editor_client, sector):
    _, key = make_token(editor_client, name="old laptop")
    assert history_status(key) == 200

    response = revoke(editor_client, ApiToken.objects.get())

    assert "The token “old laptop” is revoked." in response.content.decode()
    assert history_status(key) == 401
    assert not ApiToken.objects.exists()


def test_last_use_is_recorded_in_the_users_zone_and_not_on_every_request(
    editor_client, editor, sector
):
    _, key = make_token(editor_client)
    assert ApiToken.objects.get().last_used is None
    assert ">never</td>" in editor_client.get(PROFILE).content.decode()

    first_use = datetime.datetime(2026, 12, 2, 8, 35, tzinfo=datetime.UTC)
    with time_machine.travel(first_use, tick=False):
        assert history_status(key) == 200
    assert ApiToken.objects.get().last_used == first_use
    # 08:35 UTC is 14:05 in India, the editor's zone unless they choose another.
    assert "2 Dec 2026, 14:05 IST" in editor_client.get(PROFILE).content.decode()

    four_minutes_on = first_use + datetime.timedelta(minutes=4)
    with (
        time_machine.travel(four_minutes_on, tick=False),
        CaptureQueriesContext(connection) as queries,
    ):
        assert history_status(key) == 200
    writes = [q["sql"] for q in queries if q["sql"].lstrip().upper().startswith("UPDATE")]
    assert writes == []
    assert ApiToken.objects.get().last_used == first_use

    later = first_use + ApiToken.LAST_USE_PRECISION + datetime.timedelta(seconds=1)
    with time_machine.travel(later, tick=False):
        assert history_status(key) == 200
    assert ApiToken.objects.get().last_used == later


def test_a_superuser_revokes_another_users_token(admin_client, second_editor_token, sector):
    token, key = second_editor_token
    page = admin_client.get(PROFILE).content.decode()
    assert "Everyone else’s API tokens" in page
    assert "eddie&#x27;s dashboard" in page

    response = revoke(admin_client, token)

    assert "The token “eddie&#x27;s dashboard” of eddie is revoked." in response.content.decode()
    assert history_status(key) == 401


def test_an_editor_neither_sees_nor_revokes_another_editors_token(
    editor_client, second_editor_token, sector
):
    token, key = second_editor_token
    page = editor_client.get(PROFILE).content.decode()
    assert "eddie" not in page
    assert token.pk not in page
    assert "Everyone else" not in page

    response = revoke(editor_client, token)

    assert response.status_code == 200
    assert "There is no such token of yours" in response.content.decode()
    assert ApiToken.objects.filter(pk=token.pk).exists()
    assert history_status(key) == 200


def test_a_bad_token_form_gets_an_error_and_makes_nothing(editor_client):
    for data, error in [
        ({"name": "", "lifetime": "30"}, "This field is required."),
        ({"name": "x" * 101, "lifetime": "30"}, "at most 100 characters"),
        ({"name": "dashboard", "lifetime": "1000"}, "Select a valid choice."),
    ]:
        response = editor_client.post(PROFILE, {"create_token": "1", **data})
        assert response.status_code == 200
        assert error in response.content.decode()
        assert not NEW_KEY.search(response.content.decode())
    assert not ApiToken.objects.exists()
    response = editor_client.post(PROFILE, {"revoke_token": "1", "token": "not-a-digest"})
    assert response.status_code == 200
    assert "There is no such token of yours" in response.content.decode()


def test_the_profile_saves_the_time_zone_and_the_email_setting(editor_client, editor):
    page = editor_client.get(PROFILE).content.decode()
    assert '<option value="Asia/Kolkata" selected>' in page
    assert EditorProfile.of(editor).notifications is True

    response = editor_client.post(
        PROFILE,
        {"save_settings": "1", "time_zone": "America/New_York", "language": "en"},
        follow=True,
    )

    assert "Your settings are saved." in response.content.decode()
    profile = EditorProfile.objects.get(user=editor)
    assert (profile.time_zone, profile.notifications) == ("America/New_York", False)
    with time_machine.travel(datetime.datetime(2026, 12, 2, 8, 35, tzinfo=datetime.UTC)):
        api_token_for(editor, name="made in winter")
    assert "2 Dec 2026, 03:35 EST" in editor_client.get(PROFILE).content.decode()


def test_a_bad_time_zone_gets_a_form_error_and_saves_nothing(editor_client, editor):
    response = editor_client.post(
        PROFILE, {"save_settings": "1", "time_zone": "Mars/Olympus_Mons", "notifications": "on"}
    )

    assert response.status_code == 200
    assert "Select a valid choice. Mars/Olympus_Mons is not one of the available choices." in (
        response.content.decode()
    )
    assert EditorProfile.objects.get(user=editor).time_zone == "Asia/Kolkata"


def test_the_profile_is_linked_from_the_admins_user_tools(editor_client):
    page = editor_client.get(reverse("admin:index")).content.decode()
    tools = page[page.index('id="user-tools"') :]
    assert f'<a href="{PROFILE}">Your profile</a>' in tools[: tools.index("</div>")]


def test_the_profile_is_for_signed_in_staff_only(client, django_user_model):
    response = client.get(PROFILE)
    assert response.status_code == 302
    assert response["Location"].startswith(reverse("admin:login"))
    reader = django_user_model.objects.create_user("reader", password="pw-12345")
    client.force_login(reader)
    assert client.get(PROFILE).status_code == 302
    response = client.post(PROFILE, {"create_token": "1", "name": "x", "lifetime": "30"})
    assert response.status_code == 302
    assert not ApiToken.objects.exists()


def test_making_or_revoking_a_token_needs_the_pages_csrf_token(editor, second_editor_token):
    client = Client(enforce_csrf_checks=True)
    client.force_login(editor)
    response = client.post(PROFILE, {"create_token": "1", "name": "forged", "lifetime": "30"})
    assert response.status_code == 403
    assert ApiToken.objects.count() == 1


# DRF's tokens from before, on a database of the run's kind ---------------------------

MAKE_DRF_TOKEN = """
import json
from django.contrib.auth.models import Group, User
from django.db import connection
from django.utils import timezone

user = User.objects.create_user("old-holder", is_staff=True)
user.groups.set([Group.objects.get(name="Editor")])
created = "timestamp with time zone" if connection.vendor == "postgresql" else "datetime"
with connection.cursor() as cursor:
    # rest_framework.authtoken's table, as its migrations left it.
    cursor.execute(
        'CREATE TABLE "authtoken_token" ("key" varchar(40) NOT NULL PRIMARY KEY, '
        f'"created" {{created}} NOT NULL, '
        '"user_id" integer NOT NULL UNIQUE REFERENCES "auth_user" ("id"))'
    )
    cursor.execute(
        'INSERT INTO "authtoken_token" ("key", "created", "user_id") VALUES (%s, %s, %s)',
        [{key!r}, timezone.now(), user.pk],
    )
    cursor.execute(
        "INSERT INTO django_migrations (app, name, applied) VALUES (%s, %s, %s)",
        ["authtoken", "0001_initial", timezone.now()],
    )
"""

USE_DRF_TOKEN = """
import json
from rest_framework.test import APIClient
from initiatives.models import Sector
from publishing.models import ApiToken
from tests.factories import arranged

with arranged():
    Sector.objects.create(slug="space", name="Space", summary="Space.", status="published")
answers = {{}}
for name, key in [("old key", {key!r}), ("another key", {other!r})]:
    api = APIClient()
    api.credentials(HTTP_AUTHORIZATION="Token " + key)
    answers[name] = api.get("/api/v1/sectors/space/history/").status_code
token = ApiToken.objects.get()
print(json.dumps({{"answers": answers, "owner": token.user.username, "name": token.name}}))
"""


@pytest.fixture
def drf_era_database(tmp_path):
    database = throwaway(run_vendor(), tmp_path, "trustsite_drf_tokens_test")
    yield database
    database.drop()


def test_a_drf_token_from_before_keeps_working_and_is_no_longer_stored(drf_era_database):
    database = drf_era_database
    key, other = secrets.token_hex(20), secrets.token_hex(20)
    manage(database.url, "migrate", "--noinput", "--verbosity", "0")
    manage(database.url, "migrate", "publishing", "0004", "--noinput", "--verbosity", "0")
    shell(database.url, MAKE_DRF_TOKEN.format(key=key))

    manage(database.url, "migrate", "--noinput", "--verbosity", "0")

    output = shell(database.url, USE_DRF_TOKEN.format(key=key, other=other)).stdout
    used = json.loads(output.strip().splitlines()[-1])
    assert used["answers"] == {"old key": 200, "another key": 401}
    assert used["owner"] == "old-holder"
    assert "authtoken_token" not in database.tables()
    assert database.rows("SELECT name FROM django_migrations WHERE app = 'authtoken'") == []
    stored = database.rows("SELECT * FROM publishing_apitoken")
    assert len(stored) == 1
    assert not [value for value in stored[0] if isinstance(value, str) and key in value]
