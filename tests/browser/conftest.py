"""One headless Debian Chromium for the whole session, driven by Playwright."""

import os

import pytest
from django.core.management import call_command

from tests.tools import AXE, CHROMIUM, CHROMIUM_ARGS, make_versions, require

DESKTOP = {"width": 1280, "height": 900}
PHONE = {"width": 375, "height": 740}


@pytest.fixture(scope="package")
def browser():
    """Chromium, started once for the browser tests and stopped after them.

    Playwright's sync API keeps an asyncio loop running in the test thread while
    it is open, and Django then refuses ORM calls from that thread (loading and
    flushing the fixtures). Nothing in these tests is async and the live server
    answers from its own thread, so the check is off while the browser runs; it
    is closed before other packages' tests, which may use async code.
    """
    require(CHROMIUM, AXE)
    from playwright.sync_api import sync_playwright

    os.environ["DJANGO_ALLOW_ASYNC_UNSAFE"] = "true"
    with sync_playwright() as playwright:
        browser = playwright.chromium.launch(
            executable_path=str(CHROMIUM.path), headless=True, args=CHROMIUM_ARGS
        )
        yield browser
        browser.close()
    os.environ.pop("DJANGO_ALLOW_ASYNC_UNSAFE", None)


@pytest.fixture
def site(browser, live_server):
    """The live site with the real content loaded; its base URL."""
    call_command("loaddata", "initiatives", "minerals", verbosity=0)
    make_versions()
    return live_server.url


@pytest.fixture
def page(browser):
    context = browser.new_context(viewport=DESKTOP)
    yield context.new_page()
    context.close()
