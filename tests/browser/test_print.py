"""Pages print as their content: Chromium with the print media of the site's stylesheets."""

import pytest

pytestmark = pytest.mark.browser

CHROME = [".skip-link", ".site-header", ".site-header nav", ".language-switch", ".site-footer nav"]

PRINTED = """(chrome) => {
    const shown = selector => [...document.querySelectorAll(selector)]
        .some(element => element.checkVisibility());
    const after = element => getComputedStyle(element, '::after').content;
    const links = [...document.querySelectorAll('main a[href]')];
    return {
        chrome: chrome.filter(shown),
        addresses: links.filter(a => !a.closest('table') && !a.getAttribute('href').startsWith('#'))
            .map(a => [a.getAttribute('href'), after(a)]),
        anchors: links.filter(a => a.getAttribute('href').startsWith('#')).map(after),
        headings: [...document.querySelectorAll('main h2')]
            .map(h => getComputedStyle(h).breakAfter),
        tables: [...document.querySelectorAll('main table')]
            .map(t => getComputedStyle(t).breakInside),
    };
}"""


@pytest.mark.parametrize("path", ["/minerals/neodymium/", "/figures/", "/hi/initiatives/trust/"])
def test_a_printed_page_has_no_chrome_writes_link_addresses_and_keeps_blocks_whole(
    site, page, path
):
    page.goto(site + path)
    on_screen = page.evaluate(PRINTED, CHROME)
    page.emulate_media(media="print")
    printed = page.evaluate(PRINTED, CHROME)

    assert on_screen["chrome"], "the screen shows the header and navigation"
    assert printed["chrome"] == []
    assert printed["addresses"]
    for href, after in printed["addresses"]:
        assert href in after, (href, after)
    assert all(after == "none" for after in printed["anchors"])
    assert printed["headings"] and set(printed["headings"]) == {"avoid"}
    assert set(printed["tables"]) <= {"avoid"}
    assert page.pdf(format="A4").startswith(b"%PDF")
