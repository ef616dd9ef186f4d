"""A change makes stale exactly the cached answers that show what changed: after a
Publisher changes one mineral, the pages that show it show the change on their next
request, and (nearly) every other page of the sitemap still comes from the cache."""

import re

import pytest

from minerals.models import Mineral

from .conftest import cache_status, text

pytestmark = pytest.mark.django_db

NEW_SUMMARY = "Magnets for wind turbines, rewritten to test the page cache."
#: The share of the sitemap's pages still served from the cache after one mineral changed.
LEAST_STILL_CACHED = 0.90


def sitemap_paths(reader):
    """Every page the sitemap lists (English and Hindi), as paths."""
    response = reader.get("/sitemap.xml")
    assert response.status_code == 200
    return sorted(
        {
            re.sub(r"^https?://[^/]+", "", loc)
            for loc in re.findall(r"<loc>([^<]+)</loc>", text(response))
        }
    )


def crawl(reader, paths):
    """Each path's (cache status, text)."""
    answers = {}
    for path in paths:
        response = reader.get(path)
        assert response.status_code == 200, (path, response.status_code)
        answers[path] = (cache_status(response), text(response))
    return answers


def test_a_change_to_one_mineral_leaves_nine_pages_in_ten_cached(content, reader, publisher_api):
    paths = sitemap_paths(reader)
    assert len(paths) > 50
    crawl(reader, paths)
    before = crawl(reader, paths)
    assert {status for status, _ in before.values()} == {"hit"}

    neodymium = Mineral.objects.get(slug="neodymium")
    old_summary = neodymium.summary
    response = publisher_api.patch(
        "/api/v1/minerals/neodymium/", {"summary": NEW_SUMMARY}, format="json"
    )
    assert response.status_code == 200, response.content

    after = crawl(reader, paths)
    showing = [path for path, (_, body) in before.items() if old_summary in body]
    assert "/minerals/neodymium/" in showing
    for path in showing:
        status, body = after[path]
        assert NEW_SUMMARY in body, f"{path} does not show the change"
        assert status == "miss", path
    hits = sum(status == "hit" for status, _ in after.values())
    share = hits / len(paths)
    print(
        f"\n{hits} of {len(paths)} sitemap pages ({share:.1%}) still cached; "
        f"{len(showing)} showed the summary; misses: "
        + ", ".join(path for path, (status, _) in after.items() if status != "hit")
    )
    assert share >= LEAST_STILL_CACHED, [
        path for path, (status, _) in after.items() if status != "hit"
    ]
