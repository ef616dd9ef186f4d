"""The admin's screens as editors see them in Chromium, on a 1366 px laptop and on a phone.

What the eye catches and a unit test does not: a sentence said twice, a 404 in the console,
bullets astray, buttons that wrap out of their background, a preview wider than the screen,
help that describes another widget. Every screen here also fits both screens (a wide table
scrolls in its own box) and passes axe-core at both widths.
"""

import pytest

from initiatives.models import Figure, Initiative, Sector
from initiatives.resources import FigureResource
from minerals.models import Mineral
from publishing.roles import EDITOR, PUBLISHER
from tests.browser import test_review_screen
from tests.browser.conftest import PHONE
from tests.browser.test_pages import describe_violations
from tests.browser.test_review_screen import PASSWORD, signed_in
from tests.tools import AXE, CHROMIUM, CHROMIUM_ARGS

pytestmark = pytest.mark.browser

LAPTOP = {"width": 1366, "height": 768}
WIDTHS = {"laptop": LAPTOP, "phone": PHONE}

#: The editorial roles, granted again for each test (the same fixture as the review screen's).
roles = test_review_screen.roles


# What the editors do before looking ------------------------------------------------------


def change_form(site, item):
    opts = item._meta
    return f"{site}/admin/{opts.app_label}/{opts.model_name}/{item.pk}/change/"


def review_screen(site, item):
    opts = item._meta
    return f"{site}/admin/{opts.app_label}/{opts.model_name}/{item.pk}/review/"


def history_page(site, item):
    opts = item._meta
    return f"{site}/admin/{opts.app_label}/{opts.model_name}/{item.pk}/history/"


def press(page, button):
    page.click(f"input[name={button}]")
    page.wait_for_load_state()


def submit_changes(editor, site, item, summary):
    """An Editor changes a live item's summary and submits the change for review."""
    editor.goto(change_form(site, item))
    editor.fill("#id_summary", summary)
    press(editor, "_submit")


def submit_new_sector(editor, site):
    """An Editor adds a sector and submits it for review: a new item, never live."""
    editor.goto(f"{site}/admin/initiatives/sector/add/")
    editor.fill("#id_name", "Quantum sensing")
    editor.fill("#id_summary", "Sensors that count on quantum effects.")
    press(editor, "_submit")
    return Sector.objects.get(slug="quantum-sensing")


def publish_twice(publisher, site, item):
    """Two published corrections: a history with versions to revert to."""
    for summary in ("A first correction.", "A second correction."):
        publisher.goto(change_form(site, item))
        publisher.fill("#id_summary", summary)
        press(publisher, "_publish")


def preview_figures_import(publisher, site):
    """A Publisher exports every figure, corrects one label and uploads the file again."""
    exported = FigureResource().export(Figure.objects.all()).csv
    first = Figure.objects.order_by("position", "pk").first()
    corrected = exported.replace(first.label, f"{first.label} (revised)", 1)
    publisher.goto(f"{site}/admin/initiatives/figure/import/")
    publisher.set_input_files(
        "#id_import_file",
        files=[{"name": "figures.csv", "mimeType": "text/csv", "buffer": corrected.encode()}],
    )
    publisher.click("input[type=submit][value='Upload and preview']")
    publisher.wait_for_selector(".import-preview")


# What the tests read off a screen ---------------------------------------------------------


def axe_violations(page, rules=None):
    """axe-core's violations on the page, under the site's Content-Security-Policy: the
    script is evaluated through the debugging protocol, which the policy does not govern."""
    page.evaluate(AXE.path.read_text())
    options = {"resultTypes": ["violations"]}
    if rules:
        options["runOnly"] = rules
    return page.evaluate("options => axe.run(document, options)", options)["violations"]


def page_width(page):
    return page.evaluate("() => document.documentElement.scrollWidth")


def screen_problems(page):
    """At each width: a page wider than the screen, and axe-core's violations, described."""
    problems = []
    for name, size in WIDTHS.items():
        page.set_viewport_size(size)
        if page_width(page) > size["width"]:
            problems.append(f"{page.url} at {name} width is {page_width(page)} px wide")
        violations = axe_violations(page)
        if violations:
            problems.append(f"{page.url} at {name} width:\n{describe_violations(violations)}")
    return problems


#: Bulleted list items whose bullet is not where a reader expects it: the items of a list
#: stacked under each other, each indented enough for its bullet, inside the content column.
MISPLACED_BULLETS = """() => {
  const content = document.querySelector('#content');
  const column = content.getBoundingClientRect().left
    + parseFloat(getComputedStyle(content).paddingLeft);
  const problems = [];
  for (const list of document.querySelectorAll('#content ul, #content ol')) {
    const bulleted = [...list.children].filter((item) => {
      const style = getComputedStyle(item);
      return item.offsetParent !== null && style.display === 'list-item'
        && style.listStyleType !== 'none' && style.listStylePosition === 'outside';
    });
    if (!bulleted.length) continue;
    const box = list.getBoundingClientRect();
    const lefts = new Set(bulleted.map((item) => Math.round(item.getBoundingClientRect().left)));
    const indent = Math.min(...lefts) - box.left;
    const name = `${list.tagName.toLowerCase()}${list.className ? '.' + list.className : ''}`
      + ` ("${list.textContent.trim().replace(/\\s+/g, ' ').slice(0, 40)}")`;
    if (lefts.size > 1) problems.push(`${name}: bullets between items in a row`);
    if (indent < 10) problems.push(`${name}: bullets outside the list (indent ${indent}px)`);
    if (box.left + indent - 10 < column) problems.push(`${name}: bullets left of the column`);
  }
  return problems;
}"""


def misplaced_bullets(page):
    problems = []
    for name, size in WIDTHS.items():
        page.set_viewport_size(size)
        problems += [f"{page.url} at {name} width: {p}" for p in page.evaluate(MISPLACED_BULLETS)]
    return problems


# The review screen ------------------------------------------------------------------------


def test_the_review_screen_says_once_who_submitted_changes_and_new_items(
    site, browser, django_user_model
):
    neodymium = Mineral.objects.get(slug="neodymium")
    editor = signed_in(browser, site, "edith", EDITOR, django_user_model)
    publisher = signed_in(browser, site, "paula", PUBLISHER, django_user_model)
    submit_changes(editor, site, neodymium, "Neodymium, as corrected by an editor.")
    sector = submit_new_sector(editor, site)

    for item, state in ((neodymium, "Published, with changes in review"), (sector, "In review")):
        publisher.goto(review_screen(site, item))
        said = publisher.locator("#content-main").inner_text()
        assert state in said
        assert said.lower().count("submitted by") == 1, said
        assert "Submitted by edith" in said


def test_the_review_screens_bullets_sit_beside_their_items(site, browser, django_user_model):
    """The links under the state (preview, edit, history) are a row without bullets; the
    share links and comments keep theirs, beside each item; so does the import page's help."""
    neodymium = Mineral.objects.get(slug="neodymium")
    editor = signed_in(browser, site, "edith", EDITOR, django_user_model)
    publisher = signed_in(browser, site, "paula", PUBLISHER, django_user_model)
    submit_changes(editor, site, neodymium, "Neodymium, as corrected by an editor.")
    publisher.goto(review_screen(site, neodymium))
    publisher.fill("#comment", "Which document says this?")
    press(publisher, "_send_back")
    publisher.goto(review_screen(site, neodymium))
    publisher.click("input[value='Make a share link']")
    publisher.wait_for_load_state()
    publisher.goto(review_screen(site, neodymium))
    assert publisher.locator(".share-links li").count() == 1
    links = publisher.locator(".object-tools-inline li")
    assert links.all_inner_texts() == ["Preview it as the public will see it", "Edit", "History"]

    problems = misplaced_bullets(publisher)
    publisher.goto(f"{site}/admin/minerals/mineral/import/")
    problems += misplaced_bullets(publisher)
    assert not problems, "\n".join(problems)


# The history page ------------------------------------------------------------------------

#: For each "Revert to this version" button: how many lines its words take, whether its
#: background is painted behind all of them, and whether it stays inside its cell.
REVERT_BUTTONS = """() => [...document.querySelectorAll('table.history a.button')].map((button) => {
  const words = document.createRange();
  words.selectNodeContents(button);
  const lines = new Set([...words.getClientRects()].map((rect) => Math.round(rect.top))).size;
  const box = button.getBoundingClientRect();
  const text = words.getBoundingClientRect();
  const cell = button.closest('td').getBoundingClientRect();
  const background = getComputedStyle(button).backgroundColor;
  return {
    text: button.textContent,
    lines,
    fragments: button.getClientRects().length,
    painted: background !== 'rgba(0, 0, 0, 0)' && background !== 'transparent',
    behindWords: text.left >= box.left && text.right <= box.right
      && text.top >= box.top && text.bottom <= box.bottom,
    inCell: box.left >= cell.left - 0.5 && box.right <= cell.right + 0.5,
  };
})"""


def test_revert_buttons_stay_on_one_line_on_their_background(site, browser, django_user_model):
    """On a phone too, where the history's table scrolls in its own box, not the page."""
    neodymium = Mineral.objects.get(slug="neodymium")
    publisher = signed_in(browser, site, "paula", PUBLISHER, django_user_model)
    publish_twice(publisher, site, neodymium)
    publisher.goto(history_page(site, neodymium))

    for name, size in WIDTHS.items():
        publisher.set_viewport_size(size)
        assert page_width(publisher) <= size["width"], f"the page scrolls sideways at {name}"
        buttons = publisher.evaluate(REVERT_BUTTONS)
        assert len(buttons) >= 2, buttons
        whole = {
            "text": "Revert to this version",
            "lines": 1,
            "fragments": 1,
            "painted": True,
            "behindWords": True,
            "inCell": True,
        }
        assert buttons == [whole] * len(buttons), f"at {name} width: {buttons}"


# The import preview ----------------------------------------------------------------------


def test_the_import_preview_fits_the_screen_and_its_table_scrolls_in_its_own_region(
    site, browser, django_user_model
):
    publisher = signed_in(browser, site, "paula", PUBLISHER, django_user_model)
    publisher.set_viewport_size(LAPTOP)
    preview_figures_import(publisher, site)

    for name, size in WIDTHS.items():
        publisher.set_viewport_size(size)
        assert page_width(publisher) <= size["width"], f"the page scrolls sideways at {name}"
        region = publisher.get_by_role("region", name="Preview")
        assert region.locator("table.import-preview").count() == 1
        assert region.evaluate("box => box.scrollWidth > box.clientWidth"), name
        region.evaluate("box => { box.scrollLeft = 0; }")
        region.focus()
        assert region.evaluate("box => document.activeElement === box")
        publisher.keyboard.press("ArrowRight")
        publisher.wait_for_function(
            "() => document.querySelector('.import-preview').closest('[role=region]')"
            ".scrollLeft > 0"
        )
    publisher.click("input[name=confirm]")
    publisher.wait_for_url(f"{site}/admin/initiatives/figure/")
    assert "live item changed" in publisher.locator(".messagelist").inner_text()


# The change form's picker ----------------------------------------------------------------


def test_the_sources_picker_does_not_say_hold_down_control(site, browser, django_user_model):
    """The two-pane picker explains itself; Django's help for a plain multiple select
    ("Hold down Control, or Command on a Mac, to select more than one") misleads beside it."""
    publisher = signed_in(browser, site, "paula", PUBLISHER, django_user_model)
    publisher.goto(change_form(site, Sector.objects.get(slug="space")))
    publisher.wait_for_selector("#id_sources_from")
    sources = publisher.locator(".form-row.field-sources").inner_text()
    assert "Hold down" not in sources
    assert "Command" not in sources
    assert "The documents this item is drawn from." in sources


# The favicon -----------------------------------------------------------------------------


def test_the_admin_has_an_icon_and_the_console_no_404(site, browser, django_user_model):
    """A first visit to the login page, the index and a change form.

    Chromium asks for /favicon.ico once per browser when a page names no icon, and
    remembers a 404 for every context: only a Chromium of its own makes a first visit."""
    django_user_model.objects.create_superuser("ada", "ada@example.org", PASSWORD)
    own = browser.browser_type.launch(
        executable_path=str(CHROMIUM.path), headless=True, args=CHROMIUM_ARGS
    )
    context = own.new_context(viewport=LAPTOP)
    errors = []

    def console(message):
        if message.type == "error":
            errors.append(f"console: {message.text} ({message.location.get('url')})")

    def response(answer):
        if answer.status >= 400:
            errors.append(f"{answer.url} answered {answer.status}")

    context.on("console", console)
    context.on("response", response)
    page = context.new_page()
    icons = set()
    for url in (
        f"{site}/admin/login/",
        f"{site}/admin/",
        change_form(site, Mineral.objects.get(slug="neodymium")),
    ):
        page.goto(url)
        page.wait_for_load_state("networkidle")
        page.wait_for_timeout(1500)
        icons.update(
            page.eval_on_selector_all("link[rel~=icon]", "found => found.map(l => l.href)")
        )
        if url.endswith("/login/"):
            page.fill("#id_username", "ada")
            page.fill("#id_password", PASSWORD)
            page.click("input[type=submit]")
            page.wait_for_url(f"{site}/admin/")
    answers = [context.request.get(icon) for icon in icons]
    own.close()

    assert errors == []
    assert len(answers) == 1
    assert answers[0].ok and answers[0].headers["content-type"].startswith("image/svg+xml")


# Accessibility ---------------------------------------------------------------------------


def test_the_admin_screens_fit_a_laptop_and_a_phone_and_pass_axe(site, browser, django_user_model):
    """Wide tables scroll in their own boxes; nothing else is wider than the screen."""
    neodymium = Mineral.objects.get(slug="neodymium")
    editor = signed_in(browser, site, "edith", EDITOR, django_user_model)
    publisher = signed_in(browser, site, "paula", PUBLISHER, django_user_model)
    publish_twice(publisher, site, neodymium)
    submit_changes(editor, site, neodymium, "Neodymium, as corrected by an editor.")
    sector = submit_new_sector(editor, site)
    publisher.goto(review_screen(site, neodymium))
    publisher.click("input[value='Make a share link']")
    publisher.wait_for_load_state()

    anonymous = browser.new_context().new_page()
    anonymous.goto(f"{site}/admin/login/")
    problems = screen_problems(anonymous)
    anonymous.context.close()
    for url in (
        f"{site}/admin/",
        f"{site}/admin/review/",
        change_form(site, Sector.objects.get(slug="space")),
        change_form(site, neodymium),
        change_form(site, Initiative.objects.get(slug="trust")),
        review_screen(site, neodymium),
        review_screen(site, sector),
        history_page(site, neodymium),
        f"{site}/admin/initiatives/figure/import/",
    ):
        publisher.set_viewport_size(LAPTOP)
        publisher.goto(url)
        problems += screen_problems(publisher)
    publisher.set_viewport_size(LAPTOP)
    preview_figures_import(publisher, site)
    problems += screen_problems(publisher)
    assert not problems, "\n".join(problems)


def test_the_schedule_boxes_have_names(site, browser, django_user_model):
    publisher = signed_in(browser, site, "paula", PUBLISHER, django_user_model)
    publisher.goto(change_form(site, Sector.objects.get(slug="space")))
    assert describe_violations(axe_violations(publisher, rules=["label"])) == ""
