"""Real Varnish with the shipped VCL in front of gunicorn: it keeps public answers, shows
a published change within a second (the site purges the changed keys), and lets
signed-in users, previews and share links straight through without storing them."""

import time
import uuid

import pytest

from tests.tools import require

from .servers import free_port, serving
from .varnish import VARNISHD, varnish_in_front_of

NEW_SUMMARY = "Changed behind Varnish, seen through it within a second."
MINERAL = "/minerals/neodymium/"


@pytest.fixture
def site_behind_varnish(served_database):
    """(Varnish, the gunicorn behind it, the database): the site purges at Varnish."""
    require(VARNISHD)
    backend_port = free_port()
    with (
        varnish_in_front_of(backend_port) as varnish,
        serving(
            1,
            ports=[backend_port],
            DATABASE_URL=served_database.url,
            RELEASE=f"varnish-test-{uuid.uuid4().hex[:8]}",
            CACHE_PURGE_URLS=varnish.url,
        ) as (site,),
    ):
        yield varnish, site, served_database


def cache(headers):
    return headers.get("X-Cache")


def test_a_published_change_shows_through_varnish_within_a_second(site_behind_varnish):
    varnish, site, database = site_behind_varnish
    status, headers, body = varnish.get(MINERAL)
    assert status == 200 and cache(headers) == "miss"
    status, headers, body = varnish.get(MINERAL)
    assert cache(headers) == "hit", headers
    assert len(headers["X-Varnish"].split()) == 2, "a hit names the request that stored it"
    assert NEW_SUMMARY not in body
    # What Varnish keeps is also what the site marked for shared caches.
    _, direct, _ = site.get(MINERAL)
    assert "s-maxage=" in direct["Cache-Control"] and "max-age=0" in direct["Cache-Control"]
    assert "minerals.mineral:" in direct["xkey"] and direct["xkey"] == direct["Surrogate-Key"]

    status, _, answer = site.write(
        database.publisher_token, "/api/v1/minerals/neodymium/", {"summary": NEW_SUMMARY}
    )
    assert status == 200, answer
    saved = time.monotonic()

    while NEW_SUMMARY not in varnish.get(MINERAL)[2]:
        assert time.monotonic() - saved < 1, "Varnish still served the page from before"
        time.sleep(0.05)
    _, headers, _ = varnish.get("/minerals/matrix/")
    _, headers, _ = varnish.get("/minerals/matrix/")
    assert cache(headers) == "hit"


@pytest.mark.parametrize(
    "path, headers",
    [
        ("/minerals/lithium/", {"Cookie": "sessionid=someone"}),
        ("/minerals/lithium/", {"Cookie": "csrftoken=abc"}),
        ("/minerals/lithium/", {"Authorization": "Token not-a-real-one"}),
        ("/minerals/lithium/?preview=minerals.mineral.1", {}),
        ("/share/not-a-real-token/", {}),
        ("/admin/login/", {}),
    ],
    ids=["signed-in", "csrf-cookie", "token", "preview", "share-link", "admin"],
)
def test_private_requests_pass_through_and_are_never_stored(site_behind_varnish, path, headers):
    varnish, _, _ = site_behind_varnish
    for _ in range(2):
        _, answer, _ = varnish.get(path, headers)
        assert cache(answer) == "miss", answer
        assert len(answer["X-Varnish"].split()) == 1
        assert int(answer.get("Age", "0")) == 0
    if path.startswith("/minerals/"):
        _, anonymous, _ = varnish.get("/minerals/lithium/")
        assert cache(anonymous) == "miss", "a private answer was stored for the public"
        assert varnish.get("/minerals/lithium/")[1]["X-Cache"] == "hit"
