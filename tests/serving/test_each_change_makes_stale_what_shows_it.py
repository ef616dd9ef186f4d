"""Whatever kind of change reaches scandium (a publication, an unpublication, a scheduled
moment, a revert, a deletion, a link, an import), every cached page serves exactly what
a fresh render shows; the pages that do not show what changed stay cached."""

import datetime

import pytest
import time_machine
from django.test import Client, override_settings
from django.utils import timezone

from initiatives.models import Initiative
from minerals.models import Mineral
from publishing.models import Change, Status
from tests.editorial.conftest import admin_url, open_change_form
from tests.editorial.test_import_export import confirm, csv_bytes, preview
from tests.factories import arranged

from .conftest import cache_status, text

pytestmark = pytest.mark.django_db

PAGES = [
    "/minerals/",
    "/minerals/scandium/",
    "/minerals/lithium/",
    "/minerals/matrix/",
    "/sectors/",
    "/sectors/space/",
    "/sectors/energy/",
    "/figures/",
    "/initiatives/trust/",
    "/initiatives/strategic-mineral-recovery-initiative/",
    "/changes/",
    "/api/v1/minerals/scandium/",
    "/api/v1/minerals/?page_size=100",
    "/hi/minerals/scandium/",
]
NEW_SUMMARY = "Scandium, rewritten to see which pages go stale."


def publish_summary(client, summary=NEW_SUMMARY):
    scandium = Mineral.objects.get(slug="scandium")
    data = open_change_form(client, scandium)
    data["summary"] = summary
    data["_publish"] = "Publish"
    assert client.post(admin_url(scandium, "change"), data).status_code == 302


def publish(publisher_client, editor_client):
    publish_summary(publisher_client)


def unpublish(publisher_client, editor_client):
    scandium = Mineral.objects.get(slug="scandium")
    response = publisher_client.post(
        admin_url(Mineral, "changelist"),
        {"action": "unpublish", "_selected_action": [scandium.pk], f"_version-{scandium.pk}": "0"},
    )
    assert response.status_code == 302
    assert not Mineral.objects.get(slug="scandium").is_public


def revert(publisher_client, editor_client):
    """Back to the version before the publication made before the pages were cached."""
    scandium = Mineral.objects.get(slug="scandium")
    baseline = Change.filter_item(scandium).get(action=Change.Action.BASELINE)
    assert publisher_client.post(admin_url(scandium, "revert", baseline.pk)).status_code == 302
    assert Mineral.objects.get(slug="scandium").summary != NEW_SUMMARY


def delete(publisher_client, editor_client):
    response = publisher_client.post(
        admin_url(Mineral.objects.get(slug="scandium"), "delete"), {"post": "yes"}
    )
    assert response.status_code == 302
    assert not Mineral.objects.filter(slug="scandium").exists()


def link(publisher_client, editor_client):
    scandium = Mineral.objects.get(slug="scandium")
    trust = Initiative.objects.get(slug="trust")
    data = open_change_form(publisher_client, scandium)
    assert str(trust.pk) not in data["initiatives"]
    data["initiatives"] = [*data["initiatives"], str(trust.pk)]
    data["_publish"] = "Publish"
    assert publisher_client.post(admin_url(scandium, "change"), data).status_code == 302
    assert trust in Mineral.objects.get(slug="scandium").initiatives.all()


def import_(publisher_client, editor_client):
    """An import of changes to a live item: they wait for review, the public sees none."""
    file = csv_bytes(["slug", "summary"], [{"slug": "scandium", "summary": NEW_SUMMARY}])
    confirm(editor_client, Mineral, preview(editor_client, Mineral, file))
    assert Mineral.objects.get(slug="scandium").summary != NEW_SUMMARY


CHANGES = {
    "publish": publish,
    "unpublish": unpublish,
    "revert": revert,
    "delete": delete,
    "link": link,
    "import": import_,
}
#: What is done before the pages are cached.
BEFORE = {"revert": publish}
#: Changes that leave the lists as they are: only the pages that show what changed go stale.
#: (A revert writes the links of the version again, so the pages of its neighbours go too.)
IN_PLACE = {"publish", "import"}


def fresh_render(path):
    """What ``path`` shows now, rendered without the page cache or kept parts."""
    with override_settings(PAGE_CACHE_SECONDS=0, FRAGMENT_CACHE_SECONDS=0):
        return text(Client().get(path))


def crawl(reader):
    answers = {}
    for path in PAGES:
        response = reader.get(path)
        answers[path] = (response.status_code, cache_status(response), text(response))
    return answers


def check_after(reader, before, in_place):
    after = crawl(reader)
    for path in PAGES:
        status, cached, body = after[path]
        if before[path][0] != 200 or status != 200:
            continue
        assert body == fresh_render(path), f"{path} served stale"
        if body != before[path][2]:
            assert cached == "miss", path
        elif in_place:
            assert cached == "hit", f"{path} does not show what changed but went stale"
    return after


@pytest.mark.parametrize("kind", CHANGES)
def test_a_change_makes_stale_exactly_what_shows_it(
    content, reader, publisher_client, editor_client, kind
):
    if kind in BEFORE:
        BEFORE[kind](publisher_client, editor_client)
    crawl(reader)
    before = crawl(reader)
    assert {cached for _, cached, _ in before.values()} == {"hit"}

    CHANGES[kind](publisher_client, editor_client)

    after = check_after(reader, before, kind in IN_PLACE)
    changed = [path for path in PAGES if after[path][2] != before[path][2]]
    if kind == "import":
        assert changed == []
    else:
        assert "/minerals/scandium/" in changed or after["/minerals/scandium/"][0] == 404


def test_a_scheduled_moment_makes_stale_what_shows_the_item(content, reader):
    go_live = timezone.now().replace(microsecond=0) + datetime.timedelta(days=2)
    scandium = Mineral.objects.get(slug="scandium")
    scandium.status, scandium.go_live_at = Status.PUBLISHED, go_live
    with arranged():
        scandium.save()
    with time_machine.travel(go_live - datetime.timedelta(seconds=1), tick=False):
        crawl(reader)
        before = crawl(reader)
        assert "/minerals/scandium/" not in before["/minerals/"][2]
    with time_machine.travel(go_live, tick=False):
        after = check_after(reader, before, in_place=False)
    assert "/minerals/scandium/" in after["/minerals/"][2]
