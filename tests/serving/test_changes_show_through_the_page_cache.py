"""With the page cache on, a repeat is served from it, and every published change shows
on the very next anonymous request, whatever channel made it; an Editor's unpublished
change shows nowhere."""

import pytest

from initiatives.models import Sector
from minerals.models import Application, Mineral
from tests.editorial.conftest import admin_url, open_change_form

from .conftest import cache_status, text

pytestmark = pytest.mark.django_db

SPACE_PAGE = "/sectors/space/"
SPACE_API = "/api/v1/sectors/space/"
MINERALS_PAGE = "/minerals/"
MINERALS_API = "/api/v1/minerals/?page_size=100"
NEW_SUMMARY = "Launchers, satellites and the minerals they are made of."


def cached(reader, path):
    """Fill the cache with ``path`` and check a repeat comes from it; the cached text."""
    first = reader.get(path)
    assert first.status_code == 200, (path, first.status_code)
    repeat = reader.get(path)
    assert cache_status(repeat) == "hit", (path, dict(repeat.headers))
    assert text(repeat) == text(first)
    return text(repeat)


def fresh(reader, path):
    response = reader.get(path)
    assert response.status_code == 200, (path, response.status_code)
    assert cache_status(response) != "hit", f"{path} still came from the cache"
    return text(response)


@pytest.mark.parametrize("path", [SPACE_PAGE, MINERALS_PAGE, SPACE_API, MINERALS_API])
def test_an_anonymous_repeat_comes_from_the_cache(content, reader, path):
    assert cache_status(reader.get(path)) == "miss"
    assert cache_status(reader.get(path)) == "hit"


def test_a_publishers_admin_save_shows_at_once(content, reader, publisher_client):
    for path in (SPACE_PAGE, SPACE_API):
        assert NEW_SUMMARY not in cached(reader, path)
    space = Sector.objects.get(slug="space")
    data = open_change_form(publisher_client, space)
    data["summary"] = NEW_SUMMARY
    data["_publish"] = "Publish"

    response = publisher_client.post(admin_url(space, "change"), data)

    assert response.status_code == 302, response.content.decode()[:2000]
    for path in (SPACE_PAGE, SPACE_API):
        assert NEW_SUMMARY in fresh(reader, path), path


def test_a_publishers_unpublish_action_shows_at_once(content, reader, publisher_client):
    for path in (MINERALS_PAGE, MINERALS_API, SPACE_PAGE):
        assert "/minerals/scandium/" in cached(reader, path)
    scandium = Mineral.objects.get(slug="scandium")

    response = publisher_client.post(
        admin_url(Mineral, "changelist"),
        {"action": "unpublish", "_selected_action": [scandium.pk], f"_version-{scandium.pk}": "0"},
    )

    assert response.status_code == 302
    for path in (MINERALS_PAGE, MINERALS_API, SPACE_PAGE):
        assert "/minerals/scandium/" not in fresh(reader, path), path


def test_a_publishers_api_write_shows_at_once(content, reader, publisher_api):
    for path in (SPACE_PAGE, SPACE_API):
        assert NEW_SUMMARY not in cached(reader, path)

    response = publisher_api.patch(SPACE_API, {"summary": NEW_SUMMARY}, format="json")

    assert response.status_code == 200, response.json()
    for path in (SPACE_PAGE, SPACE_API):
        assert NEW_SUMMARY in fresh(reader, path), path


def test_an_admin_deletion_shows_at_once(content, reader, publisher_client):
    for path in (SPACE_PAGE, MINERALS_API):
        assert "scandium-in-space" in cached(reader, path)
    application = Application.objects.get(slug="scandium-in-space")

    response = publisher_client.post(admin_url(application, "delete"), {"post": "yes"})

    assert response.status_code == 302
    assert not Application.objects.filter(slug="scandium-in-space").exists()
    for path in (SPACE_PAGE, MINERALS_API):
        assert "scandium-in-space" not in fresh(reader, path), path


def test_an_api_deletion_shows_at_once(content, reader, publisher_api):
    for path in (SPACE_PAGE, MINERALS_API, "/api/v1/applications/scandium-in-space/"):
        assert "scandium-in-space" in cached(reader, path)

    response = publisher_api.delete("/api/v1/applications/scandium-in-space/")

    assert response.status_code == 204
    for path in (SPACE_PAGE, MINERALS_API):
        assert "scandium-in-space" not in fresh(reader, path), path
    assert reader.get("/api/v1/applications/scandium-in-space/").status_code == 410


def test_an_editors_unpublished_changes_stay_out_of_the_public_answers(
    content, reader, editor_client, editor_api
):
    before = {path: cached(reader, path) for path in (SPACE_PAGE, SPACE_API)}
    space = Sector.objects.get(slug="space")
    data = open_change_form(editor_client, space)
    data["summary"] = NEW_SUMMARY
    assert editor_client.post(admin_url(space, "change"), data).status_code == 302
    response = editor_api.patch(SPACE_API, {"name": "Outer space"}, format="json")
    assert response.status_code == 202, response.json()

    for path, seen in before.items():
        now = reader.get(path)
        assert now.status_code == 200
        assert text(now) == seen, path
        assert NEW_SUMMARY not in text(now) and "Outer space" not in text(now)
