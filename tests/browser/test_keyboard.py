"""A keyboard user can skip the navigation and always sees where the focus is."""

import pytest

pytestmark = pytest.mark.browser

ACTIVE = """() => {
    const el = document.activeElement;
    return {tag: el.tagName.toLowerCase(), id: el.id, href: el.getAttribute('href'),
            text: el.textContent.trim(), inMain: !!el.closest('main')};
}"""


def test_skip_link_is_the_first_tab_stop_and_moves_focus_to_main(site, page):
    page.goto(site + "/")
    page.keyboard.press("Tab")
    first = page.evaluate(ACTIVE)
    assert first["tag"] == "a" and (first["href"] or "").startswith("#"), (
        f"the first Tab stop is not a skip link to the content: {first}"
    )
    box = page.evaluate("() => document.activeElement.getBoundingClientRect().toJSON()")
    assert box["width"] > 1 and box["height"] > 1 and box["top"] >= 0, (
        f"the focused skip link is not visible on screen: {box}"
    )
    target_id = first["href"][1:]
    assert page.evaluate(
        "id => { const el = document.getElementById(id); return !!el && !!el.closest('main'); }",
        target_id,
    ), f"the skip link points at #{target_id}, which is not the main content"

    page.keyboard.press("Enter")
    landed = page.evaluate(ACTIVE)
    assert landed["inMain"], (
        f"after following the skip link the focus is on {landed}, not in <main> "
        '(give the target tabindex="-1")'
    )
    page.keyboard.press("Tab")
    assert page.evaluate(ACTIVE)["inMain"], "the next Tab after the skip link leaves <main>"


def test_a_link_focused_by_keyboard_shows_a_visible_outline(site, page):
    page.goto(site + "/")
    for _ in range(3):
        page.keyboard.press("Tab")
    focused = page.evaluate(
        """() => {
            const el = document.activeElement, style = getComputedStyle(el);
            return {tag: el.tagName.toLowerCase(), text: el.textContent.trim(),
                    outlineStyle: style.outlineStyle, outlineWidth: style.outlineWidth,
                    boxShadow: style.boxShadow};
        }"""
    )
    assert focused["tag"] == "a", f"the third Tab stop on the home page is not a link: {focused}"
    outline_visible = focused["outlineStyle"] != "none" and focused["outlineWidth"] != "0px"
    assert outline_visible or focused["boxShadow"] != "none", (
        f"a keyboard-focused link shows no outline or focus ring: {focused}"
    )
