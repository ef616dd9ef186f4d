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
