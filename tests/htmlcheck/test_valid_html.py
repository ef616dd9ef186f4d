"""Every page type is valid HTML by the Nu HTML Checker, the W3C's own validator.

The pages are rendered once with the test client into files and checked in a
single ``vnu.jar`` run (the JVM start dominates the cost), then each page type
gets its own test so a failure names the page and lists the checker's messages.
"""

import json
import subprocess
from pathlib import Path

import pytest
from django.core.management import call_command
from django.db import transaction
from django.test import Client

from tests.tools import (
    JAVA,
    PAGE_TYPES,
    ROOT,
    VNU_JAR,
    make_versions,
    render_server_error_page,
    require,
)

# django_db makes pytest-django create the test database this module's pages are rendered from;
# the xdist group keeps the module on one worker, so the checker runs once.
pytestmark = [pytest.mark.htmlcheck, pytest.mark.django_db, pytest.mark.xdist_group("htmlcheck")]

SERVER_ERROR = "server-error"
PAGE_NAMES = [page.name for page in PAGE_TYPES] + [SERVER_ERROR]
OWN_STYLESHEETS = sorted(
    path
    for app in ("trustsite", "initiatives", "minerals")
    for path in (ROOT / app / "static").glob("**/*.css")
)


def render_pages(folder):
    """Write each page type's HTML to ``folder``; return the problems met on the way."""
    problems = {}
    client = Client(raise_request_exception=False)
    for page in PAGE_TYPES:
        response = client.get(page.url)
        if response.status_code != page.status:
            error = f" ({response.exc_info[1]!r})" if response.exc_info else ""
            problems[page.name] = (
                f"{page.url} answered {response.status_code}, not {page.status}{error}"
            )
        (folder / f"{page.name}.html").write_bytes(response.content)
    try:
        (folder / f"{SERVER_ERROR}.html").write_text(render_server_error_page())
    except Exception as error:  # noqa: BLE001 - reported against the page, not the module
        problems[SERVER_ERROR] = f"the 500 handler failed: {error!r}"
    return problems


def run_vnu(files):
    """Run the checker once over ``files``; return its messages grouped by file path."""
    result = subprocess.run(
        [
            str(JAVA.path),
            "-jar",
            str(VNU_JAR.path),
            "--format",
            "json",
            "--exit-zero-always",
            "--also-check-css",
            *map(str, files),
        ],
        capture_output=True,
        text=True,
        timeout=300,
    )
    messages = json.loads(result.stderr or result.stdout)["messages"]
    by_file = {}
    for message in messages:
        where = Path(message.get("url", "").removeprefix("file:")).resolve()
        by_file.setdefault(where, []).append(message)
    unknown = set(by_file) - {Path(file).resolve() for file in files}
    assert not unknown, f"the checker reported on files it was not given: {unknown}"
    return by_file


@pytest.fixture(scope="module")
def checked_pages(django_db_setup, django_db_blocker, tmp_path_factory):
    require(JAVA, VNU_JAR)
    folder = tmp_path_factory.mktemp("html")
    with django_db_blocker.unblock(), transaction.atomic():
        call_command("loaddata", "initiatives", "minerals", verbosity=0)
        make_versions()
        problems = render_pages(folder)
        transaction.set_rollback(True)
    pages = sorted(folder.glob("*.html"))
    return folder, problems, run_vnu(pages + OWN_STYLESHEETS)


def describe(message):
    where = f"line {message.get('lastLine', '?')}:{message.get('firstColumn', '?')}"
    extract = message.get("extract", "").strip().replace("\n", " ")
    return f"  {where}: {message['message']}" + (f"\n      near: {extract}" if extract else "")


def errors_in(messages):
    return [m for m in messages if m.get("type") in {"error", "non-document-error"}]


@pytest.mark.parametrize("name", PAGE_NAMES)
def test_page_type_is_valid_html(checked_pages, name):
    folder, problems, by_file = checked_pages
    assert name not in problems, problems.get(name)
    errors = errors_in(by_file.get((folder / f"{name}.html").resolve(), []))
    assert not errors, f"{len(errors)} Nu HTML Checker error(s) on {name}:\n" + "\n".join(
        map(describe, errors)
    )


@pytest.mark.skipif(not OWN_STYLESHEETS, reason="the site has no stylesheet of its own yet")
@pytest.mark.parametrize("stylesheet", OWN_STYLESHEETS, ids=lambda path: path.name)
def test_own_stylesheet_is_valid_css(checked_pages, stylesheet):
    _, _, by_file = checked_pages
    errors = errors_in(by_file.get(stylesheet.resolve(), []))
    assert not errors, (
        f"{len(errors)} CSS error(s) in {stylesheet.relative_to(ROOT)}:\n"
        + "\n".join(map(describe, errors))
    )


def test_checker_reports_an_invalid_page(tmp_path):
    """The check above can fail: the checker finds the error in a broken page."""
    require(JAVA, VNU_JAR)
    broken = tmp_path / "broken.html"
    broken.write_text("<!doctype html><html lang=en><title>x</title><p><div></span></html>")
    assert errors_in(run_vnu([broken])[broken.resolve()])
