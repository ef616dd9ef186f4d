"""The Hindi pages are valid HTML by the Nu HTML Checker, as the English ones are: every page
type under /hi/, and the 500 page in Hindi."""

import pytest
from django.core.management import call_command
from django.db import transaction
from django.test import Client
from django.utils import translation

from tests.htmlcheck.test_valid_html import describe, errors_in, run_vnu
from tests.tools import (
    JAVA,
    PAGE_TYPES,
    VNU_JAR,
    make_versions,
    render_server_error_page,
    require,
)

# One worker takes the whole module (see pyproject's addopts), so the checker runs once.
pytestmark = [pytest.mark.htmlcheck, pytest.mark.django_db, pytest.mark.xdist_group("htmlcheck-hi")]

SERVER_ERROR = "server-error"
PAGE_NAMES = [page.name for page in PAGE_TYPES] + [SERVER_ERROR]


@pytest.fixture(scope="module")
def checked_hindi_pages(django_db_setup, django_db_blocker, tmp_path_factory):
    require(JAVA, VNU_JAR)
    folder = tmp_path_factory.mktemp("html-hi")
    problems = {}
    with django_db_blocker.unblock(), transaction.atomic():
        call_command("loaddata", "initiatives", "minerals", verbosity=0)
        make_versions()
        client = Client(raise_request_exception=False)
        for page in PAGE_TYPES:
            response = client.get("/hi" + page.url)
            if response.status_code != page.status or 'lang="hi"' not in response.text:
                problems[page.name] = f"/hi{page.url} answered {response.status_code}"
            (folder / f"{page.name}.html").write_bytes(response.content)
        transaction.set_rollback(True)
    with translation.override("hi"):
        error_page = render_server_error_page()
    if 'lang="hi"' not in error_page:
        problems[SERVER_ERROR] = "the 500 page is not in Hindi"
    (folder / f"{SERVER_ERROR}.html").write_text(error_page)
    return folder, problems, run_vnu(sorted(folder.glob("*.html")))


@pytest.mark.parametrize("name", PAGE_NAMES)
def test_hindi_page_type_is_valid_html(checked_hindi_pages, name):
    folder, problems, by_file = checked_hindi_pages
    assert name not in problems, problems.get(name)
    errors = errors_in(by_file.get((folder / f"{name}.html").resolve(), []))
    assert not errors, f"{len(errors)} Nu HTML Checker error(s) on /hi/ {name}:\n" + "\n".join(
        map(describe, errors)
    )
