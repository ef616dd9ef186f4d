"""The profile page in Chromium: an editor finds it in the user tools, makes an API token,
copies its key once, and revokes it; a superuser revokes another's. At a laptop's and a
phone's width the page fits and passes axe-core, with the new key shown and without."""

import urllib.error
import urllib.request

import pytest

from publishing.models import ApiToken
from publishing.roles import EDITOR, PUBLISHER
from tests.browser import test_review_screen
from tests.browser.test_admin_screens import LAPTOP, screen_problems
from tests.browser.test_review_screen import signed_in
from tests.factories import api_token_for

pytestmark = pytest.mark.browser

#: The editorial roles, granted again for each test (the same fixture as the review screen's).
roles = test_review_screen.roles


def api_answer(site, key):
    """The status of an API read that only Editors and Publishers may make."""
    request = urllib.request.Request(
        f"{site}/api/v1/sectors/space/history/", headers={"Authorization": f"Token {key}"}
    )
    try:
        with urllib.request.urlopen(request, timeout=30) as answer:
            return answer.status
    except urllib.error.HTTPError as error:
        return error.code


def test_an_editor_makes_a_token_sees_its_key_once_and_revokes_it(site, browser, django_user_model):
    editor = signed_in(browser, site, "edith", EDITOR, django_user_model)
    editor.click("#user-tools a:text('Your profile')")
    editor.wait_for_url(f"{site}/admin/profile/")
    editor.fill("#id_name", "curl on my laptop")
    editor.select_option("#id_lifetime", "90")
    editor.click("input[name=create_token]")
    editor.wait_for_load_state()

    key = editor.input_value("#new-key")
    assert api_answer(site, key) == 200
    assert "Copy it now: it is not shown again." in editor.inner_text("#content")
    problems = screen_problems(editor)

    editor.set_viewport_size(LAPTOP)
    editor.goto(f"{site}/admin/profile/")
    assert key not in editor.content()
    row = editor.inner_text("tr:has-text('curl on my laptop')")
    assert " IST" in row  # made and expiring, in the editor's zone, named
    problems += screen_problems(editor)
    assert not problems, "\n".join(problems)

    editor.set_viewport_size(LAPTOP)
    editor.click("button[aria-label='Revoke curl on my laptop']")
    editor.wait_for_load_state()
    assert "The token “curl on my laptop” is revoked." in editor.inner_text(".messagelist")
    assert api_answer(site, key) == 401


def test_a_superuser_sees_and_revokes_everyone_elses_tokens(site, browser, django_user_model):
    eddie = django_user_model.objects.create_user("eddie", is_staff=True)
    key = api_token_for(eddie, name="eddie's dashboard")
    root = signed_in(browser, site, "root", PUBLISHER, django_user_model)
    django_user_model.objects.filter(username="root").update(is_superuser=True)
    root.goto(f"{site}/admin/profile/")
    problems = screen_problems(root)
    assert not problems, "\n".join(problems)

    root.set_viewport_size(LAPTOP)
    root.click('button[aria-label="Revoke eddie\'s dashboard of eddie"]')
    root.wait_for_load_state()

    assert "of eddie is revoked" in root.inner_text(".messagelist")
    assert not ApiToken.objects.filter(user=eddie).exists()
    assert api_answer(site, key) == 401
