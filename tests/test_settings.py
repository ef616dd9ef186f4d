"""Settings come from the environment: safe for a newcomer, strict in production."""

import os
import subprocess
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent


def manage(*args, **env):
    environment = {k: v for k, v in os.environ.items() if k not in {"SECRET_KEY", "DJANGO_ENV"}}
    environment.update(env)
    return subprocess.run(
        [sys.executable, "manage.py", *args],
        cwd=ROOT,
        env=environment,
        capture_output=True,
        text=True,
        timeout=60,
    )


def test_production_refuses_to_start_without_a_secret_key_and_hosts():
    result = manage("check", DJANGO_ENV="production", ALLOWED_HOSTS="")
    assert result.returncode != 0
    assert "SECRET_KEY" in result.stderr and "ALLOWED_HOSTS" in result.stderr


def test_production_settings_pass_the_deployment_check():
    result = manage(
        "check",
        "--deploy",
        "--fail-level",
        "WARNING",
        DJANGO_ENV="production",
        SECRET_KEY="a-long-random-production-secret-" + "x" * 40,
        ALLOWED_HOSTS="trust.example.org",
    )
    assert result.returncode == 0, result.stderr


def test_database_url_switches_to_postgresql():
    code = "from django.conf import settings; print(settings.DATABASES['default']['ENGINE'])"
    result = subprocess.run(
        [sys.executable, "-c", f"import django; django.setup(); {code}"],
        cwd=ROOT,
        env={
            **os.environ,
            "DJANGO_SETTINGS_MODULE": "trustsite.settings",
            "DATABASE_URL": "postgres://someone@db.example.org:5432/trust",
        },
        capture_output=True,
        text=True,
        timeout=60,
    )
    assert result.stdout.strip() == "django.db.backends.postgresql", result.stderr


def test_development_settings_refuse_to_answer_other_hosts():
    """DEBUG on and a public key must never serve another machine."""
    result = manage("check", ALLOWED_HOSTS="trust.example.org")
    assert result.returncode != 0
    assert "answer this machine only, not trust.example.org" in result.stderr


def test_plain_http_in_production_is_refused_for_other_hosts():
    result = manage(
        "check",
        DJANGO_ENV="production",
        HTTPS="off",
        SECRET_KEY="a-long-random-production-secret-" + "x" * 40,
        ALLOWED_HOSTS="127.0.0.1,trust.example.org",
    )
    assert result.returncode != 0
    assert "HTTPS=off is for a server on this machine only" in result.stderr


def gunicorn_config_check(bind):
    environment = {**os.environ, "HTTPS": "off", "BIND": bind}
    return subprocess.run(
        [
            str(Path(sys.executable).with_name("gunicorn")),
            "--config",
            "trustsite/gunicorn.conf.py",
            "--check-config",
            "trustsite.wsgi",
        ],
        cwd=ROOT,
        env=environment,
        capture_output=True,
        text=True,
        timeout=60,
    )


def test_plain_http_under_gunicorn_listens_on_loopback_only():
    """Any client can send "Host: localhost": the address listened on must be loopback."""
    refused = gunicorn_config_check("0.0.0.0:8000")
    assert refused.returncode != 0
    assert "BIND=0.0.0.0:8000 listens on other addresses" in refused.stderr + refused.stdout
    assert gunicorn_config_check("127.0.0.1:8000").returncode == 0


def test_in_production_health_checks_answer_plain_http_and_pages_redirect_to_https():
    """The load balancer polls /healthz and /readyz over plain HTTP inside the network."""
    code = (
        "import django; django.setup(); from django.test import Client; "
        "get = lambda path: Client().get(path, HTTP_HOST='trust.example.org'); "
        "print(get('/healthz').status_code, get('/minerals/').status_code)"
    )
    environment = {
        **os.environ,
        "DJANGO_SETTINGS_MODULE": "trustsite.settings",
        "DJANGO_ENV": "production",
        "SECRET_KEY": "a-long-random-production-secret-" + "x" * 40,
        "ALLOWED_HOSTS": "trust.example.org",
    }
    result = subprocess.run(
        [sys.executable, "-c", code], cwd=ROOT, env=environment, capture_output=True, text=True
    )
    assert result.stdout.split() == ["200", "301"], result.stderr
