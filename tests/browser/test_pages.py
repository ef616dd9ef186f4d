"""Every page type in a real Chromium: accessible, self-contained, light, and fit for a phone.

Each test visits every page type and lists every page that fails: a live-server
test reloads and flushes the whole content, which costs more than a page visit.
"""

from urllib.parse import urlsplit

import pytest

from tests.browser.conftest import DESKTOP, PHONE
from tests.tools import AXE, PAGE_TYPES, render_server_error_page

pytestmark = pytest.mark.browser

PAGE_WEIGHT_LIMIT = 60 * 1024
SERVER_ERROR = "server-error"
PAGES = {page.name: page for page in PAGE_TYPES}
ALL_PAGES = [*PAGES, SERVER_ERROR]


def open_page(page, site, name):
    """Load one page type, or say why it could not be.

    The 500 page is rendered by the site's own handler and shown as it is sent.
    """
    if name == SERVER_ERROR:
        page.goto(site + "/robots.txt")
        page.set_content(render_server_error_page(), wait_until="load")
        return None
    expected = PAGES[name]
    response = page.goto(site + expected.url, wait_until="load")
    if response.status != expected.status:
        return f"{expected.url} answered {response.status}, not {expected.status}"
    return None


def describe_violations(violations):
    lines = []
    for violation in violations:
        lines.append(f"- {violation['id']} ({violation['impact']}): {violation['help']}")
        for node in violation["nodes"][:8]:
            summary = (node.get("failureSummary") or "").replace("\n", " ")
            lines.append(f"    at {' > '.join(map(str, node['target']))}: {summary[:300]}")
        if len(violation["nodes"]) > 8:
            lines.append(f"    ... and {len(violation['nodes']) - 8} more")
    return "\n".join(lines)


def test_no_page_type_has_axe_violations(site, browser):
    """Every page type, the 404 and 500 pages included, passes axe-core's default rules."""
    context = browser.new_context(viewport=DESKTOP, bypass_csp=True)
    tab = context.new_page()
    failures = {}
    for name in ALL_PAGES:
        if problem := open_page(tab, site, name):
            failures[name] = problem
            continue
        tab.add_script_tag(path=str(AXE.path))
        results = tab.evaluate("() => axe.run(document, {resultTypes: ['violations']})")
        if results["violations"]:
            failures[name] = describe_violations(results["violations"])
    context.close()
    assert not failures, f"axe-core violations on {len(failures)} page type(s):\n" + "\n".join(
        f"{name}:\n{report}" for name, report in failures.items()
    )


def asset_problems(page, site, name):
    """What is wrong with the files one page loads: foreign, broken, unstyled or too heavy."""
    origin = urlsplit(site).netloc
    responses, failed = [], []
    page.on("response", lambda response: responses.append(response))
    page.on("requestfailed", lambda request: failed.append(request.url))
    if problem := open_page(page, site, name):
        return [problem]
    problems = []
    foreign = [r.url for r in responses if urlsplit(r.url).netloc not in {origin, ""}]
    if foreign:
        problems.append(f"fetched from another origin: {foreign}")
    assets = [r for r in responses if r.request.resource_type != "document"]
    broken = [f"{r.status} {r.url}" for r in assets if r.status >= 400] + failed
    if broken:
        problems.append(f"broken assets: {broken}")
    sheets = page.evaluate(
        """() => [...document.querySelectorAll('link[rel~="stylesheet"]')].map(link => ({
               href: link.href, rules: link.sheet ? link.sheet.cssRules.length : 0}))"""
    )
    if not sheets or not all(sheet["rules"] for sheet in sheets):
        problems.append(f"styles did not apply: {sheets}")
    code = {"document", "stylesheet", "script"}
    sizes = {r.url: len(r.body()) for r in responses if r.request.resource_type in code}
    if sum(sizes.values()) >= PAGE_WEIGHT_LIMIT:
        problems.append(f"{sum(sizes.values())} bytes of HTML+CSS+JS (limit 60 KB): {sizes}")
    return problems


def test_every_page_type_is_styled_by_its_own_light_assets_and_nothing_from_elsewhere(
    site, browser
):
    """No CDN, no broken file, the stylesheet really applies, and HTML+CSS+JS stay under 60 KB."""
    context = browser.new_context(viewport=DESKTOP)
    failures = {}
    for name in PAGES:
        tab = context.new_page()
        if problems := asset_problems(tab, site, name):
            failures[name] = problems
        tab.close()
    context.close()
    assert not failures, "\n".join(f"{name}: {'; '.join(p)}" for name, p in failures.items())


SIDEWAYS = """() => {
    const width = document.documentElement.clientWidth;
    const wide = [...document.querySelectorAll('body *')]
        .filter(el => el.getBoundingClientRect().right > width + 1)
        .slice(0, 5)
        .map(el => el.tagName.toLowerCase() + (el.id ? '#' + el.id : '')
             + (typeof el.className === 'string' && el.className.trim()
                ? '.' + el.className.trim().split(/\\s+/).join('.') : ''));
    return {width, scrollWidth: document.documentElement.scrollWidth, wide};
}"""


def test_every_page_type_fits_a_375px_phone_without_sideways_scrolling(site, browser):
    context = browser.new_context(viewport=PHONE, is_mobile=True, has_touch=True)
    tab = context.new_page()
    failures = {}
    for name in ALL_PAGES:
        if problem := open_page(tab, site, name):
            failures[name] = problem
            continue
        layout = tab.evaluate(SIDEWAYS)
        if layout["width"] != PHONE["width"]:
            failures[name] = (
                f"laid out {layout['width']}px wide: is "
                '<meta name="viewport" content="width=device-width, initial-scale=1"> missing?'
            )
        elif layout["scrollWidth"] > layout["width"]:
            failures[name] = (
                f"{layout['scrollWidth']}px wide, scrolls sideways; too wide: {layout['wide']}"
            )
    context.close()
    assert not failures, "\n".join(f"{name}: {problem}" for name, problem in failures.items())
