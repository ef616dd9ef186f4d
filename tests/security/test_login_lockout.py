"""Guessing an editor's password: five failures lock the account for a while, clearly."""

import datetime

import pytest
import time_machine
from django.conf import settings
from django.test import Client

pytestmark = pytest.mark.django_db

PASSWORD = "a-long-editor-password-7"
NOW = datetime.datetime(2026, 12, 1, 9, 0, tzinfo=datetime.UTC)


@pytest.fixture
def paula(django_user_model):
    return django_user_model.objects.create_user("paula", password=PASSWORD, is_staff=True)


def sign_in(client, username, password, address="203.0.113.7"):
    return client.post(
        "/admin/login/?next=/admin/",
        {"username": username, "password": password},
        REMOTE_ADDR=address,
    )


def signed_in(client):
    return "_auth_user_id" in client.session


def fail_five_times(client, username, address="203.0.113.7"):
    for _ in range(settings.AXES_FAILURE_LIMIT - 1):
        response = sign_in(client, username, "wrong-guess", address)
        assert response.status_code == 200, "a wrong password is a form error"
    assert sign_in(client, username, "wrong-guess", address).status_code == 429


def test_five_failures_lock_the_account_even_against_the_right_password(paula):
    client = Client()
    with time_machine.travel(NOW, tick=False):
        fail_five_times(client, "paula")

        response = sign_in(client, "paula", PASSWORD)

    assert response.status_code == 429
    assert "This account is locked for now" in response.content.decode()
    assert "the right one included" in response.content.decode()
    assert not signed_in(client)


def test_the_lock_is_released_after_the_cool_off(paula):
    client = Client()
    with time_machine.travel(NOW, tick=False):
        fail_five_times(client, "paula")
    with time_machine.travel(NOW + settings.AXES_COOLOFF_TIME - datetime.timedelta(seconds=5)):
        assert sign_in(client, "paula", PASSWORD).status_code == 429
    with time_machine.travel(NOW + settings.AXES_COOLOFF_TIME + datetime.timedelta(seconds=5)):
        response = sign_in(client, "paula", PASSWORD)

    assert response.status_code == 302
    assert signed_in(client)


def test_fewer_failures_than_the_limit_do_not_lock(paula):
    client = Client()
    for _ in range(settings.AXES_FAILURE_LIMIT - 1):
        sign_in(client, "paula", "wrong-guess")

    assert sign_in(client, "paula", PASSWORD).status_code == 302


def test_one_users_failures_behind_a_proxy_do_not_lock_out_the_others(
    settings, paula, django_user_model
):
    """Behind one load balancer every request comes from its address; the client's own
    address is the one it adds to X-Forwarded-For."""
    settings.TRUSTED_PROXIES = 1
    django_user_model.objects.create_user("edith", password=PASSWORD, is_staff=True)
    attacker, colleague = Client(), Client()
    proxy = "10.0.0.2"
    for _ in range(settings.AXES_FAILURE_LIMIT):
        attacker.post(
            "/admin/login/",
            {"username": "paula", "password": "wrong"},
            REMOTE_ADDR=proxy,
            HTTP_X_FORWARDED_FOR="198.51.100.9",
        )

    response = colleague.post(
        "/admin/login/?next=/admin/",
        {"username": "edith", "password": PASSWORD},
        REMOTE_ADDR=proxy,
        HTTP_X_FORWARDED_FOR="192.0.2.44",
    )

    assert response.status_code == 302


def test_a_forged_forwarded_address_does_not_hide_the_client(settings, paula):
    """The client may put any address first in X-Forwarded-For; the proxy appends the
    real one last, and that is the one counted."""
    settings.TRUSTED_PROXIES = 1
    attacker = Client()
    for number in range(settings.AXES_FAILURE_LIMIT):
        attacker.post(
            "/admin/login/",
            {"username": f"someone-{number}", "password": "wrong"},
            REMOTE_ADDR="10.0.0.2",
            HTTP_X_FORWARDED_FOR=f"192.0.2.{number}, 198.51.100.9",
        )

    response = attacker.post(
        "/admin/login/",
        {"username": "paula", "password": PASSWORD},
        REMOTE_ADDR="10.0.0.2",
        HTTP_X_FORWARDED_FOR="192.0.2.200, 198.51.100.9",
    )

    assert response.status_code == 429, "the spraying address is locked"
