"""A scheduled item appears at its go-live second and leaves at its expiry second, with
the page cache on and no write in between: the cached answers from before are not served."""

import datetime

import pytest
import time_machine
from django.utils import timezone

from minerals.models import Mineral
from publishing.models import Status
from tests.factories import arranged

from .conftest import cache_status, text

pytestmark = pytest.mark.django_db

SECOND = datetime.timedelta(seconds=1)
#: Where scandium shows when it is public, and the mark of it there.
PLACES = {
    "/minerals/": "/minerals/scandium/",
    "/sectors/space/": "/minerals/scandium/",
    "/minerals/matrix/": "/minerals/scandium/",
    "/api/v1/minerals/?page_size=100": "/api/v1/minerals/scandium/",
}


def shown(reader, path):
    response = reader.get(path)
    assert response.status_code == 200, (path, response.status_code)
    return PLACES[path] in text(response), cache_status(response)


@pytest.fixture
def moments():
    """A go-live and an expiry time in the near future, on whole seconds."""
    go_live = timezone.now().replace(microsecond=0) + datetime.timedelta(days=2)
    return go_live, go_live + datetime.timedelta(hours=1)


@pytest.fixture
def scheduled_scandium(content, moments):
    """Scandium published now, to go live and expire at those times (a real save, as any
    channel makes it; nothing is written after it)."""
    go_live, expire = moments
    scandium = Mineral.objects.get(slug="scandium")
    scandium.status = Status.PUBLISHED
    scandium.go_live_at, scandium.expire_at = go_live, expire
    with arranged():
        scandium.save()


@pytest.mark.parametrize("path", PLACES)
def test_a_scheduled_item_appears_at_its_second_through_the_cache(
    reader, scheduled_scandium, moments, path
):
    go_live, _ = moments
    with time_machine.travel(go_live - SECOND, tick=False):
        assert shown(reader, path) == (False, "miss")
        assert shown(reader, path) == (False, "hit"), "cached before its go-live time"
    with time_machine.travel(go_live, tick=False):
        is_shown, cached = shown(reader, path)
        assert is_shown, "the page cached before its go-live time was served at it"
        assert cached == "miss"


@pytest.mark.parametrize("path", PLACES)
def test_an_expiring_item_leaves_at_its_second_through_the_cache(
    reader, scheduled_scandium, moments, path
):
    _, expire = moments
    with time_machine.travel(expire - SECOND, tick=False):
        assert shown(reader, path) == (True, "miss")
        assert shown(reader, path) == (True, "hit")
    with time_machine.travel(expire, tick=False):
        assert shown(reader, path) == (False, "miss"), "served as cached before its expiry"


def test_two_scheduled_moments_within_one_second_are_two_states(reader, content):
    """One item goes live and another expires in the same second: each shows at its own
    moment, not when the second ends."""
    second = timezone.now().replace(microsecond=0) + datetime.timedelta(days=2)
    goes_live = second + datetime.timedelta(milliseconds=200)
    expires = second + datetime.timedelta(milliseconds=600)
    with arranged():
        Mineral.objects.filter(slug="scandium").update(go_live_at=goes_live)
        Mineral.objects.filter(slug="gallium").update(expire_at=expires)

    with time_machine.travel(second + datetime.timedelta(milliseconds=400), tick=False):
        page = text(reader.get("/minerals/"))
        assert "/minerals/scandium/" in page and "/minerals/gallium/" in page
        assert cache_status(reader.get("/minerals/")) == "hit"
    with time_machine.travel(second + datetime.timedelta(milliseconds=800), tick=False):
        answer = reader.get("/minerals/")

    assert "/minerals/gallium/" not in text(answer), "an expired item was served from the cache"
    assert cache_status(answer) == "miss"
