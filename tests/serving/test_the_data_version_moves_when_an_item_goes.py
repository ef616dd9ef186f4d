"""The open data's version moves when an item leaves the site (deleted, unpublished, or
at its expiry second), on the next request through the page cache: a consumer who
mirrors the data by version learns that the item is gone."""

import json

import pytest
import time_machine

from minerals.models import Mineral
from publishing.models import ContentVersion, DependencyVersion
from publishing.versions import stamp
from tests.removing import CHANGED_AT, HOW, MINUTE, REMOVED_AT, publish, remove

from .conftest import cache_status, text

pytestmark = pytest.mark.django_db

SECOND = MINUTE / 60


def data_version(reader):
    """The version ``datapackage.json`` names, the one the /data/ page names, and whether
    each came from the page cache."""
    descriptor = reader.get("/data/datapackage.json")
    page = reader.get("/data/")
    assert descriptor.status_code == page.status_code == 200
    version = json.loads(text(descriptor)).get("version")
    assert f"<code>{version}</code>" in text(page)
    return version, (cache_status(descriptor), cache_status(page))


@pytest.fixture
def neodymium(content, publisher):
    """Neodymium changed, the content's latest public change."""
    with time_machine.travel(CHANGED_AT, tick=False):
        return publish(Mineral.objects.get(slug="neodymium"), publisher, summary="Corrected.")


@pytest.mark.parametrize("how", HOW)
def test_the_data_version_moves_on_the_next_request_when_an_item_goes(
    reader, neodymium, publisher, how
):
    with time_machine.travel(REMOVED_AT - 2 * MINUTE, tick=False):
        assert data_version(reader) == (stamp(CHANGED_AT), ("miss", "miss"))
        assert data_version(reader) == (stamp(CHANGED_AT), ("hit", "hit"))

    remove(how, neodymium, publisher)

    with time_machine.travel(REMOVED_AT + SECOND, tick=False):
        assert data_version(reader) == (stamp(REMOVED_AT), ("miss", "miss"))
        assert "\nneodymium," not in text(reader.get("/data/minerals.csv"))


def test_an_expiry_moves_the_data_version_at_its_second(reader, neodymium, publisher):
    remove("expire", neodymium, publisher)

    with time_machine.travel(REMOVED_AT - SECOND, tick=False):
        assert data_version(reader) == (stamp(CHANGED_AT), ("miss", "miss"))
        assert data_version(reader) == (stamp(CHANGED_AT), ("hit", "hit"))
    with time_machine.travel(REMOVED_AT, tick=False):
        assert data_version(reader) == (stamp(REMOVED_AT), ("miss", "miss"))


@pytest.mark.parametrize("how", HOW)
def test_a_removal_stamps_what_the_data_and_the_change_log_name_for_the_edge(
    reader, neodymium, publisher, how
):
    """The answers name keys (``Surrogate-Key``) that the removal stamps, and so purges
    from shared caches once it commits (an expiry when it is scheduled); an expiry, which
    writes nothing at its second, then bounds how long a shared cache keeps them
    (``s-maxage``)."""
    read_at = REMOVED_AT - 2 * MINUTE
    with time_machine.travel(read_at, tick=False):
        answers = {path: reader.get(path) for path in ("/data/datapackage.json", "/changes/")}
    before = ContentVersion.objects.get().number

    remove(how, neodymium, publisher)

    stamped = set(DependencyVersion.objects.filter(number__gt=before).values_list("key", flat=True))
    for path, answer in answers.items():
        named = set(answer["Surrogate-Key"].split())
        assert named & stamped, f"nothing {path} names is purged"
        if how == "expire":
            with time_machine.travel(read_at, tick=False):
                control = reader.get(path)["Cache-Control"]
            assert int(control.rpartition("s-maxage=")[2]) <= (REMOVED_AT - read_at).seconds
