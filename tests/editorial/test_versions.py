"""Dated versions of item pages: each public change readable at a permanent address, as the
public saw it then, and never anything the public did not see."""

import datetime
import re

import pytest
import time_machine
from django.db import connection
from django.test import Client
from django.test.utils import CaptureQueriesContext
from django.utils import timezone

from initiatives.models import Initiative, Sector
from publishing import versions, workflow
from publishing.models import PublicChange
from tests.editorial.conftest import admin_url, open_change_form
from tests.factories import SectorFactory

pytestmark = pytest.mark.django_db

#: Days ahead of the content's loading (items did not exist before they were created).
FIRST = (timezone.now() + datetime.timedelta(days=3)).replace(second=17, microsecond=0)
SECOND = FIRST + datetime.timedelta(days=2, hours=5)
LATER = SECOND + datetime.timedelta(days=1)


def publish_change(client, item, **changes):
    data = open_change_form(client, item)
    data.update(changes)
    data["_publish"] = "Publish"
    response = client.post(admin_url(item, "change"), data)
    assert response.status_code == 302, response.content.decode()[:2000]


def save_draft(client, item, **changes):
    data = open_change_form(client, item)
    data.update(changes)
    data["_save"] = "Save"
    response = client.post(admin_url(item, "change"), data)
    assert response.status_code == 302


def at(moment, action, *args, **changes):
    with time_machine.travel(moment, tick=False):
        action(*args, **changes)


@pytest.fixture
def reading():
    """Readers come after every change below."""
    with time_machine.travel(LATER, tick=False):
        yield


@pytest.fixture
def space(content, publisher_client, editor_client):
    """Space published twice, then a draft on top that the public never saw."""
    space = Sector.objects.get(slug="space")
    at(FIRST, publish_change, publisher_client, space, summary="Orbits and launchers.")
    at(SECOND, publish_change, publisher_client, space, summary="Satellites and launchers.")
    at(LATER - datetime.timedelta(hours=1), save_draft, editor_client, space, summary="Secret.")
    return space


def page(path, status=200):
    response = Client().get(path)
    assert response.status_code == status, (path, response.status_code)
    return response.content.decode()


def stamped(moment):
    return versions.stamp(moment)


def test_a_version_shows_what_was_public_then_and_never_the_draft(space, reading):
    first = page(f"/sectors/space/versions/{stamped(FIRST)}/")
    second = page(f"/sectors/space/versions/{stamped(SECOND)}/")
    current = page("/sectors/space/")

    assert "Orbits and launchers." in first and "Satellites and launchers." not in first
    assert "Satellites and launchers." in second and "Orbits and launchers." not in second
    assert "Satellites and launchers." in current
    for text in (first, second, current):
        assert "Secret." not in text
        assert "edith" not in text and "paula" not in text


def test_a_version_is_also_addressed_by_its_number(space, reading):
    assert "Orbits and launchers." in page("/sectors/space/versions/1/")
    assert "Satellites and launchers." in page("/sectors/space/versions/2/")
    page("/sectors/space/versions/3/", status=404)
    page("/sectors/space/versions/0/", status=404)


@pytest.mark.parametrize(
    "name",
    ["2001-01-01T00:00Z", "a minute later", "yesterday", "2026-13-40T99:99Z", "2026-1-5T2:03Z"],
)
def test_a_version_that_never_existed_is_a_404(space, reading, name):
    if name == "a minute later":
        name = stamped(FIRST + datetime.timedelta(minutes=1))
    page(f"/sectors/space/versions/{name}/", status=404)


def test_versions_of_an_item_no_longer_public_are_gone(space, publisher_client, reading):
    data = open_change_form(publisher_client, space)
    data["_unpublish"] = "Unpublish"
    assert publisher_client.post(admin_url(space, "change"), data).status_code == 302

    page(f"/sectors/space/versions/{stamped(FIRST)}/", status=410)
    page("/sectors/space/versions/1/compare/2/", status=410)


def test_a_version_shows_related_items_as_they_were_then(content, publisher_client, reading):
    """The initiative's sectors as the public saw them at its version: the old name of a
    sector renamed since, and not a sector linked (or published) only later."""
    trust = Initiative.objects.get(slug="trust")
    at(FIRST, publish_change, publisher_client, trust, summary="TRUST, first version.")
    space = Sector.objects.get(slug="space")
    at(SECOND, publish_change, publisher_client, space, name="Outer space")
    newcomer = SectorFactory(name="Zyxwortium sector", slug="zyxwortium", status="draft")
    at(SECOND, publish_change, publisher_client, newcomer, name="Zyxwortium sector")
    sectors = [str(pk) for pk in trust.sectors.values_list("pk", flat=True)] + [str(newcomer.pk)]
    at(SECOND, publish_change, publisher_client, trust, sectors=sectors)

    then = page(f"/initiatives/trust/versions/{stamped(FIRST)}/")
    now = page("/initiatives/trust/")

    assert "TRUST, first version." in then
    assert ">Space<" in then and "Outer space" not in then
    assert "Zyxwortium" not in then
    assert "Outer space" in now and "Zyxwortium" in now


def test_a_related_draft_of_then_never_shows(content, publisher_client, editor_client, reading):
    """A sector linked then but not public then stays out of the version, though it is
    public now."""
    trust = Initiative.objects.get(slug="trust")
    hidden = SectorFactory(name="Zyxwortium sector", slug="zyxwortium", status="draft")
    sectors = [str(pk) for pk in trust.sectors.values_list("pk", flat=True)] + [str(hidden.pk)]
    at(FIRST, publish_change, publisher_client, trust, sectors=sectors, summary="TRUST, then.")
    at(SECOND, publish_change, publisher_client, hidden, summary="Now public.")

    assert "Zyxwortium" not in page(f"/initiatives/trust/versions/{stamped(FIRST)}/")
    assert "Zyxwortium" in page("/initiatives/trust/")


def test_a_version_page_is_noindex_with_the_current_page_as_canonical(space, reading):
    text = page(f"/sectors/space/versions/{stamped(FIRST)}/")

    assert '<meta name="robots" content="noindex">' in text
    assert '<link rel="canonical" href="http://testserver/sectors/space/">' in text
    assert '<meta name="robots"' not in page("/sectors/space/")


def test_the_banner_names_the_date_and_links_the_current_page_and_neighbours(space, reading):
    text = page(f"/sectors/space/versions/{stamped(FIRST)}/")
    banner = re.search(r'<aside class="version-banner".*?</aside>', text, re.S).group()

    assert f'datetime="{FIRST:%Y-%m-%dT%H:%M:%S}+0000"' in banner
    assert 'href="/sectors/space/"' in banner
    assert f'href="/sectors/space/versions/{stamped(SECOND)}/"' in banner
    assert "still current" in page(f"/sectors/space/versions/{stamped(SECOND)}/")


def test_two_versions_compare_field_by_field(space, reading):
    text = page(f"/sectors/space/versions/{stamped(FIRST)}/compare/{stamped(SECOND)}/")

    row = re.search(r"<tr><th scope=\"row\" lang=\"en\">Summary</th>.*?</tr>", text).group()
    assert "<del>Orbits and launchers.</del>" in row
    assert "<ins>Satellites and launchers.</ins>" in row
    assert "Secret." not in text
    assert '<meta name="robots" content="noindex">' in text
    assert text.count("<tr>") == 2  # the header and the one field that changed
    page(f"/sectors/space/versions/{stamped(FIRST)}/compare/2001-01-01T00:00Z/", status=404)


def test_the_change_log_links_each_entry_to_the_versions_before_and_after(space, reading):
    text = page("/changes/sector/space/")
    latest = PublicChange.filter_item(space).first()
    entry = re.search(rf'<li id="change-{latest.pk}">.*?</li>\s*</ul>', text, re.S).group()

    assert f'href="/sectors/space/versions/{stamped(FIRST)}/"' in entry
    assert f'href="/sectors/space/versions/{stamped(SECOND)}/"' in entry
    assert f'href="/sectors/space/versions/{stamped(FIRST)}/compare/{stamped(SECOND)}/"' in entry


def test_a_hindi_version_page_shows_the_hindi_fields_and_hindi_words(space, reading):
    text = page(f"/hi/sectors/space/versions/{stamped(FIRST)}/")

    assert "<h1>अंतरिक्ष</h1>" in text
    assert 'href="/hi/sectors/space/"' in text
    assert '<link rel="canonical" href="http://testserver/hi/sectors/space/">' in text
    assert "You are reading" not in text
    compared = page("/hi/sectors/space/versions/1/compare/2/")
    assert "Orbits and launchers." in compared and "Read the current page" not in compared


def test_a_version_page_costs_the_same_queries_however_many_versions(content, publisher_client):
    trust = Initiative.objects.get(slug="trust")
    for day in range(6):
        at(
            FIRST + datetime.timedelta(days=day),
            publish_change,
            publisher_client,
            trust,
            summary=f"TRUST, version {day + 1}.",
        )

    def queries(path):
        with time_machine.travel(LATER + datetime.timedelta(days=6), tick=False):
            Client().get(path)
            with CaptureQueriesContext(connection) as captured:
                assert Client().get(path).status_code == 200
        return len(captured)

    with_two = queries("/initiatives/trust/versions/2/")
    with_five = queries("/initiatives/trust/versions/5/")
    current = queries("/initiatives/trust/versions/6/")
    compared = queries("/initiatives/trust/versions/1/compare/6/")

    assert with_two == with_five
    # The current version reads when it was last checked from the row, not the history.
    assert current == with_five - 1
    assert compared <= 2 * with_five


def test_an_earlier_version_says_when_it_was_last_checked_then_not_since(space, publisher, reading):
    """The check made after the second version went live is the second's and the current
    page's, never the first's."""
    first_checked = Sector.objects.get(pk=space.pk).last_checked
    checked_at = SECOND + datetime.timedelta(hours=2)
    at(checked_at, workflow.mark_checked, space, publisher)

    first = page(f"/sectors/space/versions/{stamped(FIRST)}/")
    second = page(f"/sectors/space/versions/{stamped(SECOND)}/")
    current = page("/sectors/space/")

    checked_on = r'Last checked against sources on <time datetime="([\d-]+)">'
    assert re.search(checked_on, first)[1] == first_checked.date().isoformat()
    assert re.search(checked_on, second)[1] == checked_at.date().isoformat()
    assert re.search(checked_on, current)[1] == checked_at.date().isoformat()
