"""An Editor and a Publisher, each in their own browser, take a change through review."""

import pytest
from django.contrib.auth.models import Group

from minerals.models import Mineral
from publishing.roles import EDITOR, PUBLISHER
from tests.browser.conftest import DESKTOP
from tests.tools import AXE

pytestmark = pytest.mark.browser

PASSWORD = "a-long-test-password-9"


@pytest.fixture(autouse=True)
def roles(site):
    """The groups the roles' migrations make: a live-server test empties every table
    when it ends, migrations' rows included, so each test grants them again."""
    from django.apps import apps

    from publishing.roles import grant

    for app_label in ("initiatives", "minerals"):
        forwards, _ = grant(app_label)
        forwards(apps, None)


def signed_in(browser, site, username, role, django_user_model):
    user = django_user_model.objects.create_user(username, password=PASSWORD, is_staff=True)
    user.groups.set([Group.objects.get(name=role)])
    context = browser.new_context(viewport=DESKTOP)
    page = context.new_page()
    page.goto(f"{site}/admin/login/")
    page.fill("#id_username", username)
    page.fill("#id_password", PASSWORD)
    page.click("input[type=submit]")
    page.wait_for_url(f"{site}/admin/")
    return page


def axe_violations(page):
    """axe-core's violations on the page, under the site's Content-Security-Policy: the
    script is evaluated through the browser's debugging protocol, which the policy does
    not govern (a <script> tag added to the page would be refused)."""
    page.evaluate(AXE.path.read_text())
    return page.evaluate(
        "() => axe.run(document, {resultTypes: ['violations']})"
        ".then(results => results.violations.map(v => v.id + ': ' + v.help))"
    )


def test_editor_submits_and_publisher_reviews_and_publishes(site, browser, django_user_model):
    neodymium = Mineral.objects.get(slug="neodymium")
    editor = signed_in(browser, site, "edith", EDITOR, django_user_model)
    publisher = signed_in(browser, site, "paula", PUBLISHER, django_user_model)

    editor.goto(f"{site}/admin/minerals/mineral/{neodymium.pk}/change/")
    assert editor.locator("input[name=_publish]").count() == 0
    editor.fill("#id_summary", "Neodymium, as corrected by an editor.")
    editor.click("input[name=_submit]")
    editor.wait_for_load_state()
    assert "submitted for review" in editor.content()

    public = browser.new_context().new_page()
    public.goto(f"{site}/minerals/neodymium/")
    assert "as corrected by an editor" not in public.content()

    publisher.goto(f"{site}/admin/review/")
    publisher.click("text=Neodymium")
    publisher.wait_for_load_state()
    review = publisher.content()
    assert "Changes against the live version" in review
    assert "Neodymium, as corrected by an editor." in review
    assert "Submitted by edith" in review
    assert axe_violations(publisher) == []

    publisher.click("input[name=_publish]")
    publisher.wait_for_load_state()
    assert "is published" in publisher.content()

    public.goto(f"{site}/minerals/neodymium/")
    assert "Neodymium, as corrected by an editor." in public.content()
    public.goto(f"{site}/changes/")
    assert "Changed: Summary." in public.content()
    for page in (editor, publisher, public):
        page.context.close()


def test_publisher_sends_back_and_the_editor_reads_the_comment(site, browser, django_user_model):
    space_sector = "/admin/initiatives/sector/"
    editor = signed_in(browser, site, "edith", EDITOR, django_user_model)
    publisher = signed_in(browser, site, "paula", PUBLISHER, django_user_model)
    editor.goto(f"{site}{space_sector}?q=space")
    editor.click("#result_list a:text('Space')")
    editor.fill("#id_summary", "Space, in need of a source.")
    editor.click("input[name=_submit]")
    editor.wait_for_load_state()

    publisher.goto(f"{site}/admin/review/")
    publisher.click("text=Space")
    publisher.fill("#comment", "Which document says this?")
    publisher.click("input[name=_send_back]")
    publisher.wait_for_load_state()
    assert "sent back" in publisher.content()

    editor.click("#result_list a:text('Space')")
    editor.wait_for_load_state()
    assert "Which document says this?" in editor.content()
    assert editor.input_value("#id_summary") == "Space, in need of a source."
    for page in (editor, publisher):
        page.context.close()
