"""An item's Hindi page says when its Hindi was last brought up to date. With the page
cache on, the date follows a change to that item's own Hindi on the next request, a
change to another item's Hindi leaves the page served from the cache, and a change to
the item that is not to its Hindi leaves the date as it was."""

import datetime
import re

import pytest
import time_machine
from django.utils import timezone

from initiatives.models import Sector
from tests.editorial.conftest import admin_url, open_change_form

from .conftest import cache_status, text

pytestmark = pytest.mark.django_db


def publish_with(client, item, **values):
    data = open_change_form(client, item)
    data.update(values, _publish="Publish")
    response = client.post(admin_url(item, "change"), data)
    assert response.status_code == 302, response.context and response.context["errors"]


def hindi_dated(reader, path):
    """``(cache status, the date the page says its Hindi was last brought up to date)``."""
    response = reader.get(path)
    assert response.status_code == 200
    match = re.search(
        r'class="hindi-freshness">[^<]*<time datetime="(\d{4}-\d\d-\d\d)', text(response)
    )
    assert match, f"{path} does not date its Hindi"
    return cache_status(response), datetime.date.fromisoformat(match[1])


def test_the_hindi_date_on_a_cached_page_follows_its_own_items_hindi_alone(
    content, reader, publisher_client
):
    semiconductors = Sector.objects.get(slug="semiconductors")
    space = Sector.objects.get(slug="space")
    own, other = f"/hi/sectors/{semiconductors.slug}/", f"/hi/sectors/{space.slug}/"
    # Days after the content was made, so the day its Hindi changes is a day of its own.
    moment = max(timezone.now(), semiconductors.created, space.created)
    with time_machine.travel(moment + datetime.timedelta(days=2), tick=True):
        loaded_on = timezone.localtime(semiconductors.created).date()
        for path in (own, other):
            assert hindi_dated(reader, path)[1] == loaded_on
            assert hindi_dated(reader, path)[0] == "hit"

        publish_with(publisher_client, semiconductors, summary_hi=semiconductors.summary_hi + " ।")
        today = timezone.localdate()

        assert hindi_dated(reader, own) == ("miss", today)
        assert hindi_dated(reader, other) == ("hit", timezone.localtime(space.created).date())

    with time_machine.travel(moment + datetime.timedelta(days=4), tick=True):
        publish_with(publisher_client, semiconductors, position=semiconductors.position + 1)

        assert hindi_dated(reader, own)[1] == today, "a change that is not Hindi moved it"
