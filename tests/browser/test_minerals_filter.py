"""The minerals filter is a plain GET form: a reader picks a group and submits it."""

import re
from urllib.parse import parse_qs, urlsplit

import pytest

from minerals.models import Mineral

pytestmark = pytest.mark.browser

MINERAL_LINK = re.compile(r"^/minerals/(?!matrix/)([\w-]+)/$")


def minerals_listed(page):
    hrefs = page.eval_on_selector_all("main a[href]", "links => links.map(a => a.pathname)")
    return {match[1] for href in hrefs if (match := MINERAL_LINK.match(href))}


@pytest.fixture
def page_without_javascript(browser):
    context = browser.new_context(java_script_enabled=False)
    yield context.new_page()
    context.close()


def test_choosing_a_group_and_clicking_filter_narrows_the_list(site, page_without_javascript):
    page = page_without_javascript
    page.goto(site + "/minerals/")
    published = Mineral.objects.published()
    assert minerals_listed(page) == set(published.values_list("slug", flat=True))

    rare_earth = Mineral.Group.RARE_EARTH
    page.locator("main form").get_by_label(re.compile("group", re.I)).select_option(rare_earth)
    with page.expect_navigation():
        page.locator("main form").locator("button, input[type=submit]").first.click()

    url = urlsplit(page.url)
    assert url.path == "/minerals/"
    assert parse_qs(url.query).get("group") == [rare_earth]
    expected = set(published.filter(group=rare_earth).values_list("slug", flat=True))
    assert expected, "the fixtures hold rare earth elements"
    assert minerals_listed(page) == expected
    assert page.locator("main form").get_by_label(re.compile("group", re.I)).input_value() == (
        rare_earth
    ), "the form forgets the chosen group after filtering"
