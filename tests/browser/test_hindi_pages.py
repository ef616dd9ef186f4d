"""The Hindi pages in a real Chromium: no axe-core violations, and the switcher leads to the
same page in English and back."""

import pytest

from tests.browser.test_pages import describe_violations
from tests.tools import AXE, PAGE_TYPES

pytestmark = pytest.mark.browser


def test_no_hindi_page_type_has_axe_violations(site, browser):
    context = browser.new_context(bypass_csp=True, locale="hi-IN")
    tab = context.new_page()
    failures = {}
    for page in PAGE_TYPES:
        response = tab.goto(site + "/hi" + page.url, wait_until="load")
        if response.status != page.status:
            failures[page.name] = f"/hi{page.url} answered {response.status}"
            continue
        if tab.get_attribute("html", "lang") != "hi":
            failures[page.name] = "<html> is not lang=hi"
            continue
        tab.add_script_tag(path=str(AXE.path))
        results = tab.evaluate("() => axe.run(document, {resultTypes: ['violations']})")
        if results["violations"]:
            failures[page.name] = describe_violations(results["violations"])
    context.close()
    assert not failures, f"axe-core violations on {len(failures)} Hindi page(s):\n" + "\n".join(
        f"{name}:\n{report}" for name, report in failures.items()
    )


def test_the_switcher_leads_to_the_same_page_and_back(site, page):
    page.goto(site + "/minerals/lithium/")
    page.click("a.language-switch")
    assert page.url == site + "/hi/minerals/lithium/"
    assert page.get_attribute("html", "lang") == "hi"
    page.click("a.language-switch")
    assert page.url == site + "/minerals/lithium/"
    assert page.get_attribute("html", "lang") == "en"


def test_hindi_is_drawn_in_the_sites_own_devanagari_font_with_nothing_fetched_elsewhere(
    site, browser
):
    context = browser.new_context()
    tab = context.new_page()
    fetched = []
    tab.on("requestfinished", lambda request: fetched.append(request.url))
    tab.goto(site + "/hi/", wait_until="load")
    tab.evaluate("() => document.fonts.ready")

    fonts = [url for url in fetched if url.endswith(".woff2")]
    drawn = tab.evaluate(
        """() => [...document.fonts].filter((face) => face.status === 'loaded')
                   .map((face) => `${face.family} ${face.weight}`)"""
    )
    context.close()

    assert fonts and all(url.startswith(site + "/static/fonts/") for url in fonts), fetched
    assert all(url.startswith(site) for url in fetched), fetched
    assert '"Noto Sans Devanagari" 400' in drawn or "Noto Sans Devanagari 400" in drawn, drawn
