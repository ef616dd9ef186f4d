"""An item is public from its go-live time until its expiry, to the second, everywhere."""

import datetime

import pytest
import time_machine
from django.utils import timezone

from minerals.models import Mineral
from publishing.models import Status
from tests.factories import arranged

pytestmark = pytest.mark.django_db

NOW = datetime.datetime(2026, 12, 1, 9, 0, tzinfo=datetime.UTC)
GO_LIVE = NOW + datetime.timedelta(hours=1)
EXPIRE = NOW + datetime.timedelta(hours=2)
SECOND = datetime.timedelta(seconds=1)

#: Where a reader (or a program) meets a mineral, and what shows it is there.
PLACES = {
    "its page": ("/minerals/scandium/", None),
    "the minerals index": ("/minerals/", "/minerals/scandium/"),
    "a sector it is used in": ("/sectors/space/", "/minerals/scandium/"),
    "the matrix": ("/minerals/matrix/", "/minerals/scandium/"),
    "search": ("/search/?q=scandium", "/minerals/scandium/"),
    "the sitemap": ("/sitemap.xml", "/minerals/scandium/"),
    "the feed": ("/feed/", "/minerals/scandium/"),
    "the API list": ("/api/v1/minerals/?page_size=100", "/api/v1/minerals/scandium/"),
    "the API item": ("/api/v1/minerals/scandium/", None),
    "the API's applications": ("/api/v1/applications/?page_size=100", "/minerals/scandium/"),
}


def shown_in(client, place):
    path, marker = PLACES[place]
    response = client.get(path)
    if marker is None:
        return response.status_code == 200
    assert response.status_code == 200, (place, response.status_code)
    return marker in response.content.decode()


@pytest.fixture
def scheduled_scandium(content):
    with arranged():
        Mineral.objects.filter(slug="scandium").update(
            status=Status.PUBLISHED, go_live_at=GO_LIVE, expire_at=EXPIRE, updated=NOW
        )


@pytest.mark.parametrize("place", PLACES)
def test_hidden_before_go_live_shown_after_hidden_after_expiry(client, scheduled_scandium, place):
    with time_machine.travel(GO_LIVE - SECOND, tick=False):
        assert not shown_in(client, place), "before its go-live time"
    with time_machine.travel(GO_LIVE, tick=False):
        assert shown_in(client, place), "at its go-live time"
    with time_machine.travel(EXPIRE - SECOND, tick=False):
        assert shown_in(client, place), "just before it expires"
    with time_machine.travel(EXPIRE, tick=False):
        assert not shown_in(client, place), "at its expiry"


def test_the_rule_for_an_item_in_hand_agrees_with_the_query(scheduled_scandium):
    for moment in (GO_LIVE - SECOND, GO_LIVE, EXPIRE - SECOND, EXPIRE):
        with time_machine.travel(moment, tick=False):
            scandium = Mineral.objects.get(slug="scandium")
            in_query = Mineral.objects.published().filter(slug="scandium").exists()
            assert scandium.is_public == in_query, moment


def test_expiry_must_follow_go_live(content):
    from django.core.exceptions import ValidationError

    scandium = Mineral.objects.get(slug="scandium")
    scandium.go_live_at = timezone.now()
    scandium.expire_at = scandium.go_live_at - SECOND
    with pytest.raises(ValidationError, match="expire after it goes live"):
        scandium.full_clean()
