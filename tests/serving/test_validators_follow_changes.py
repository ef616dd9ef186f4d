"""ETag and Last-Modified follow every change to what an answer shows, deletions and
renamed related items included, so a conditional request never gets a 304 for an
answer that has changed; and they settle again once nothing changes."""

import datetime

import pytest
import time_machine
from django.utils import timezone
from django.utils.http import http_date, parse_http_date

pytestmark = pytest.mark.django_db

MS = datetime.timedelta(milliseconds=100)

#: Each shows both an application (lithium's use in pharmaceuticals) and the Space
#: sector's name, directly or through what it orders by; the CSVs' ETags come from
#: the content's state.
ANSWERS = [
    "/minerals/",
    "/api/v1/applications/?ordering=sector__name&page_size=100",
    "/figures/figures.csv",
    "/api/v1/minerals/?format=csv",
]


def validators(response):
    assert response.status_code == 200, response.status_code
    last_modified = response.headers.get("Last-Modified")
    return response["ETag"], last_modified and parse_http_date(last_modified)


def conditional(reader, path, etag=None, last_modified=None):
    headers = {}
    if etag is not None:
        headers["HTTP_IF_NONE_MATCH"] = etag
    if last_modified is not None:
        headers["HTTP_IF_MODIFIED_SINCE"] = http_date(last_modified)
    return reader.get(path, **headers).status_code


def delete_an_application(api):
    assert api.delete("/api/v1/applications/lithium-in-pharmaceuticals/").status_code == 204


def rename_a_sector(api):
    response = api.patch("/api/v1/sectors/space/", {"name": "Aerospace"}, format="json")
    assert response.status_code == 200, response.json()


def unpublish_a_mineral(api):
    response = api.patch("/api/v1/minerals/scandium/", {"status": "draft"}, format="json")
    assert response.status_code == 200, response.json()


@pytest.fixture
def traveller():
    """A controlled clock, on a whole second in the near future."""
    start = timezone.now().replace(microsecond=0) + datetime.timedelta(days=1)
    with time_machine.travel(start, tick=False) as traveller:
        yield traveller


@pytest.mark.parametrize("path", ANSWERS)
def test_validators_change_with_each_of_two_changes_in_one_second(
    content, reader, publisher_api, traveller, path
):
    """Two writes in the same second (a script's, say): HTTP dates have whole seconds,
    so the second write must not leave a Last-Modified a client already holds."""
    seen = [validators(reader.get(path))]
    for change in (delete_an_application, rename_a_sector):
        traveller.shift(MS)
        change(publisher_api)
        traveller.shift(MS)
        before_etag, before_modified = seen[-1]
        etag, modified = validators(reader.get(path))

        assert etag != before_etag, f"{path}: same ETag after {change.__name__}"
        assert conditional(reader, path, etag=before_etag) == 200
        if before_modified is not None:
            assert conditional(reader, path, last_modified=before_modified) == 200, (
                f"{path}: 304 for a Last-Modified from before {change.__name__}"
            )
        seen.append((etag, modified))

    traveller.shift(datetime.timedelta(seconds=2))
    etag, modified = validators(reader.get(path))
    assert etag == seen[-1][0], "the ETag changed with nothing changed"
    assert modified is not None, "no Last-Modified once the last change is seconds old"
    dates = [date for _, date in seen if date is not None] + [modified]
    assert dates == sorted(dates), "Last-Modified went backwards"
    assert conditional(reader, path, etag=etag) == 304
    assert conditional(reader, path, last_modified=modified) == 304


@pytest.mark.parametrize(
    ("path", "change"),
    [
        ("/api/v1/minerals/?page_size=100", delete_an_application),
        ("/minerals/", delete_an_application),
        ("/minerals/", rename_a_sector),
        ("/sectors/", rename_a_sector),
        ("/api/v1/applications/?ordering=sector__name&page_size=100", rename_a_sector),
        ("/figures/figures.csv", rename_a_sector),
        ("/api/v1/minerals/?format=csv", delete_an_application),
        # The feed's own Last-Modified (its newest item's date) misses an item leaving it.
        ("/feed/", unpublish_a_mineral),
        ("/sitemap.xml", unpublish_a_mineral),
        ("/api/v1/minerals/?page_size=100", unpublish_a_mineral),
    ],
)
def test_a_conditional_request_from_before_a_change_gets_the_new_answer(
    content, reader, publisher_api, traveller, path, change
):
    etag, modified = validators(reader.get(path))
    assert conditional(reader, path, etag=etag) == 304
    traveller.shift(datetime.timedelta(seconds=1))

    change(publisher_api)

    traveller.shift(datetime.timedelta(seconds=1))
    new_etag, new_modified = validators(reader.get(path))
    assert new_etag != etag
    assert new_modified > modified
    assert conditional(reader, path, etag=etag) == 200
    assert conditional(reader, path, last_modified=modified) == 200
    assert conditional(reader, path, etag=new_etag) == 304
