"""Every page type in a real Chromium: accessible, self-contained, light, and fit for a phone."""

from urllib.parse import urlsplit

import pytest

from tests.tools import AXE, PAGE_TYPES, render_server_error_page

pytestmark = pytest.mark.browser

PAGE_WEIGHT_LIMIT = 60 * 1024
SERVER_ERROR = "server-error"
PAGES = {page.name: page for page in PAGE_TYPES}


def open_page(page, site, name):
    """Load one page type; the 500 page is rendered by the site's own handler and shown as sent."""
    if name == SERVER_ERROR:
        page.goto(site + "/robots.txt")
        page.set_content(render_server_error_page(), wait_until="load")
        return
    expected = PAGES[name]
    response = page.goto(site + expected.url, wait_until="load")
    assert response.status == expected.status, (
        f"{expected.url} answered {response.status}, not {expected.status}"
    )


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


@pytest.fixture
def axe_page(browser):
    """A desktop tab that may inject axe-core whatever Content-Security-Policy a page sends."""
    context = browser.new_context(viewport={"width": 1280, "height": 900}, bypass_csp=True)
    yield context.new_page()
    context.close()


@pytest.mark.parametrize("name", [*PAGES, SERVER_ERROR])
def test_page_type_has_no_axe_violations(site, axe_page, name):
    open_page(axe_page, site, name)
    axe_page.add_script_tag(path=str(AXE.path))
    results = axe_page.evaluate("() => axe.run(document, {resultTypes: ['violations']})")
    violations = results["violations"]
    assert not violations, f"axe-core found {len(violations)} violation(s) on {name}:\n" + (
        describe_violations(violations)
    )


@pytest.mark.parametrize("name", list(PAGES))
def test_page_type_loads_its_own_styles_and_nothing_from_elsewhere(site, page, name):
    """Styles arrive (from the site itself, no CDN), nothing fails, and the page stays light."""
    origin = urlsplit(site).netloc
    responses = []
    page.on("response", responses.append)
    failed_requests = []
    page.on("requestfailed", lambda request: failed_requests.append(request.url))
    open_page(page, site, name)

    foreign = [r.url for r in responses if urlsplit(r.url).netloc not in {origin, ""}]
    assert not foreign, f"{name} fetched from another origin: {foreign}"
    assets = [r for r in responses if r.request.resource_type != "document"]
    broken = [f"{r.status} {r.url}" for r in assets if r.status >= 400]
    assert not broken + failed_requests, f"{name} has broken assets: {broken + failed_requests}"

    sheets = page.evaluate(
        """() => [...document.querySelectorAll('link[rel~="stylesheet"]')].map(link => ({
               href: link.href, rules: link.sheet ? link.sheet.cssRules.length : 0}))"""
    )
    assert sheets, f"{name} links no stylesheet"
    assert all(sheet["rules"] for sheet in sheets), (
        f"a stylesheet did not apply on {name}: {sheets}"
    )

    weighed = [
        r for r in responses if r.request.resource_type in {"document", "stylesheet", "script"}
    ]
    sizes = {r.url: len(r.body()) for r in weighed}
    assert sum(sizes.values()) < PAGE_WEIGHT_LIMIT, (
        f"{name} weighs {sum(sizes.values())} bytes of HTML+CSS+JS (limit {PAGE_WEIGHT_LIMIT}): "
        f"{sizes}"
    )


@pytest.mark.parametrize("name", list(PAGES))
def test_page_type_fits_a_phone_screen_without_sideways_scrolling(site, phone_page, name):
    open_page(phone_page, site, name)
    layout = phone_page.evaluate(
        """() => {
            const width = document.documentElement.clientWidth;
            const wide = [...document.querySelectorAll('body *')]
                .filter(el => el.getBoundingClientRect().right > width + 1)
                .slice(0, 5)
                .map(el => el.tagName.toLowerCase() + (el.id ? '#' + el.id : '')
                     + (el.className && typeof el.className === 'string'
                        ? '.' + el.className.trim().split(/\\s+/).join('.') : ''));
            return {width, scrollWidth: document.documentElement.scrollWidth, wide};
        }"""
    )
    assert layout["width"] == 375, (
        f"{name} is laid out {layout['width']}px wide on a 375px phone: "
        'is <meta name="viewport" content="width=device-width, initial-scale=1"> missing?'
    )
    assert layout["scrollWidth"] <= layout["width"], (
        f"{name} scrolls sideways on a 375px phone ({layout['scrollWidth']}px wide); "
        f"wider elements: {layout['wide']}"
    )
