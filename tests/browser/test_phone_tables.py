"""The wide tables on a 375px phone: the comparison of two versions and the key figures
read without letters broken apart or columns hidden off-screen; desktop and print keep
the table."""

import pytest

from tests.browser.conftest import PHONE

pytestmark = pytest.mark.browser

COMPARE = "/versions/1/compare/2/"

#: How many lines the text of each row label (the compare table's <th scope=row>) takes.
LABEL_LINES = """() => [...document.querySelectorAll('.version-compare tbody th')].map(th => {
    const range = document.createRange();
    range.selectNodeContents(th);
    const tops = new Set([...range.getClientRects()].map(rect => Math.round(rect.top)));
    return [th.textContent.trim(), tops.size];
})"""

#: For each cell of the first figure's row: its column heading as the reader sees it
#: beside the value, and whether the cell lies within the screen's width.
FIGURE_CELLS = """() => {
    const width = document.documentElement.clientWidth;
    const row = document.querySelector('table.data tbody tr');
    return [...row.querySelectorAll('td')].filter(td => td.textContent.trim()).map(td => {
        const rect = td.getBoundingClientRect();
        return {
            heading: getComputedStyle(td, '::before').content,
            inside: rect.left >= 0 && rect.right <= width + 1 && rect.width > 0,
        };
    });
}"""

DISPLAYS = """() => ['table', 'tbody tr', 'tbody td'].map(
    selector => getComputedStyle(document.querySelector('main ' + selector)).display)"""


@pytest.fixture
def phone(browser):
    context = browser.new_context(viewport=PHONE, is_mobile=True, has_touch=True)
    yield context.new_page()
    context.close()


@pytest.mark.parametrize("prefix", ["", "/hi"])
def test_the_compare_tables_labels_keep_whole_words_on_a_phone(site, phone, prefix):
    phone.goto(f"{site}{prefix}/sectors/defence{COMPARE}")

    labels = phone.evaluate(LABEL_LINES)

    assert labels and all(lines == 1 for _, lines in labels), labels
    layout = phone.evaluate("() => [document.documentElement.scrollWidth, innerWidth]")
    assert layout[0] <= layout[1], layout
    assert phone.evaluate(
        "() => [...document.querySelectorAll('.version-compare tbody td')]"
        ".every(td => getComputedStyle(td, '::before').content.includes(td.dataset.heading))"
    ), "each version's value is headed by its date"


def test_the_compare_table_stays_a_table_on_the_desktop_and_in_print(site, page):
    page.goto(f"{site}/sectors/defence{COMPARE}")
    assert page.evaluate(DISPLAYS) == ["table", "table-row", "table-cell"]
    page.set_viewport_size(PHONE)
    page.emulate_media(media="print")
    assert page.evaluate(DISPLAYS) == ["table", "table-row", "table-cell"]


@pytest.mark.parametrize("prefix", ["", "/hi"])
def test_every_column_of_a_key_figure_is_on_screen_and_headed_on_a_phone(site, phone, prefix):
    phone.goto(f"{site}{prefix}/figures/")

    cells = phone.evaluate(FIGURE_CELLS)

    assert len(cells) >= 3, cells
    assert all(cell["inside"] for cell in cells), cells
    assert all(cell["heading"] not in ("none", "normal", '""') for cell in cells), cells
    layout = phone.evaluate("() => [document.documentElement.scrollWidth, innerWidth]")
    assert layout[0] <= layout[1], layout
    region = phone.locator(".table-wrap")
    assert region.get_attribute("tabindex") == "0"
    assert region.get_attribute("role") == "region" and region.get_attribute("aria-labelledby")


def test_the_figures_table_stays_a_table_on_the_desktop_and_in_print(site, page):
    page.goto(f"{site}/figures/")
    assert page.evaluate(DISPLAYS) == ["table", "table-row", "table-cell"]
    page.set_viewport_size(PHONE)
    page.emulate_media(media="print")
    assert page.evaluate(DISPLAYS) == ["table", "table-row", "table-cell"]
    assert page.evaluate(
        "() => getComputedStyle(document.querySelector('main table.data td'), '::before').content"
    ) in ("none", "normal")
