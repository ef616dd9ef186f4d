"""A write that names a field it cannot write is refused (400) naming each such field and
why, for every resource the API's router registers, in every method; a body read from
the API and sent back unchanged (read-only fields included) is still accepted.

The resources are taken from the router itself, so a resource added later is tried
without a word here (and fails until ``tests/api/resources.py`` says how to make one).
"""

import datetime

import pytest
from django.utils import timezone

from initiatives.models import Source
from minerals.models import Mineral
from publishing import workflow
from publishing.api.serializers import LINK_CHECKER_FIELDS, READ_ONLY
from trustsite.api.urls import router

from .resources import BY_NAME

pytestmark = pytest.mark.django_db

REGISTERED = [(prefix, viewset) for prefix, viewset, _ in router.registry]
each_registered = pytest.mark.parametrize(
    "prefix,viewset", REGISTERED, ids=[prefix for prefix, _ in REGISTERED]
)

#: What no resource has.
UNKNOWN = "no_such_field"
#: What no read-only field holds.
CHANGED = "changed by the client"


def resource_of(prefix):
    """How the tests make an item of the registered resource ``prefix`` (fail closed: a new
    resource must say so in tests/api/resources.py)."""
    assert prefix in BY_NAME, f"tests/api/resources.py has no entry for /api/v1/{prefix}/"
    return BY_NAME[prefix]


def read_only_fields(viewset):
    """The fields an answer shows that no write may set, as the serializer declares them."""
    return [name for name, field in viewset.serializer_class().fields.items() if field.read_only]


def an_item(viewset):
    return viewset.queryset.model.objects.published().order_by("slug").first()


def assert_refused(response, name, starts):
    assert response.status_code == 400, (name, response.status_code, response.content[:300])
    messages = response.json()[name]
    assert all(isinstance(message, str) for message in messages)
    assert any(message.startswith(starts) for message in messages), messages


@each_registered
@pytest.mark.parametrize("method", ["post", "put", "patch"])
def test_a_write_naming_an_unknown_field_is_refused_and_changes_nothing(
    publisher_api, content, prefix, viewset, method
):
    resource = resource_of(prefix)
    item = an_item(viewset)
    url = resource.detail_url(item.slug)
    before = publisher_api.get(url).json()
    count = viewset.queryset.model._base_manager.count()
    if method == "post":
        body, url = resource.new, resource.list_url
    elif method == "put":
        body = before
    else:
        body = resource.change

    response = getattr(publisher_api, method)(url, body | {UNKNOWN: "x"}, format="json")

    assert_refused(response, UNKNOWN, "Unknown field")
    assert viewset.queryset.model._base_manager.count() == count
    assert publisher_api.get(resource.detail_url(item.slug)).json() == before


@each_registered
@pytest.mark.parametrize("method", ["post", "put", "patch"])
def test_a_write_that_sets_a_read_only_field_is_refused_saying_why(
    publisher_api, content, prefix, viewset, method
):
    resource = resource_of(prefix)
    item = an_item(viewset)
    read = publisher_api.get(resource.detail_url(item.slug)).json()
    names = read_only_fields(viewset)
    assert {"url", "created", "updated"} <= set(names)
    for name in names:
        if method == "post":
            body, url = resource.new | {name: CHANGED}, resource.list_url
        elif method == "put":
            body, url = read | {name: CHANGED}, resource.detail_url(item.slug)
        else:
            body, url = resource.change | {name: CHANGED}, resource.detail_url(item.slug)

        response = getattr(publisher_api, method)(url, body, format="json")

        assert_refused(response, name, "Read-only: ")
        assert response.json()[name] != [str(READ_ONLY)], f"{prefix}.{name} gives no reason"
    assert publisher_api.get(resource.detail_url(item.slug)).json() == read
    assert not resource.model.objects.filter(slug=resource.new["slug"]).exists()


@each_registered
def test_each_refused_field_is_named_with_the_other_errors_at_once(
    publisher_api, content, prefix, viewset
):
    resource = resource_of(prefix)

    response = publisher_api.post(
        resource.list_url, resource.bad | {"updated": CHANGED, UNKNOWN: 1}, format="json"
    )

    assert response.status_code == 400
    assert {resource.bad_field, "updated", UNKNOWN} <= set(response.json())


@each_registered
@pytest.mark.parametrize("role", ["publisher_api", "editor_api"])
def test_an_item_read_and_sent_back_unchanged_is_accepted(request, content, prefix, viewset, role):
    """Read-only fields carrying the value the item has are what a client that PUTs back
    what it GETs sends: they are accepted (and still change nothing)."""
    api = request.getfixturevalue(role)
    resource = resource_of(prefix)
    item = an_item(viewset)
    read = api.get(resource.detail_url(item.slug))
    body = read.json()
    text = next(name for name in resource.change)

    response = api.put(
        resource.detail_url(item.slug),
        body | {text: resource.change[text]},
        format="json",
        HTTP_IF_MATCH=read["ETag"],
    )

    assert response.status_code == (200 if role == "publisher_api" else 202), response.content
    assert response.json()[text] == resource.change[text]


def test_a_stale_put_back_of_a_whole_item_is_still_merged(content, publisher_api, editor_api):
    """The read-only fields a stale body carries (when it was updated) are those of the
    version its If-Match names: the write is merged as a PATCH would be, not refused."""
    read = editor_api.get("/api/v1/minerals/lithium/")
    publisher_api.patch("/api/v1/minerals/lithium/", {"summary": "The publisher's."})

    response = editor_api.put(
        "/api/v1/minerals/lithium/",
        read.json() | {"body": "The editor's body."},
        format="json",
        HTTP_IF_MATCH=read["ETag"],
    )

    assert response.status_code == 202, response.content
    assert response["Merged-With"] == "api-publisher: Summary"
    assert response.json()["summary"] == "The publisher's."
    assert response.json()["body"] == "The editor's body."


def test_last_checked_is_shown_read_only_and_a_write_to_it_says_how_it_is_set(
    content, publisher_api, editor_api, api
):
    lithium = Mineral.objects.get(slug="lithium")
    workflow.mark_checked(lithium, None)
    lithium.refresh_from_db()
    shown = api.get("/api/v1/minerals/lithium/").json()["last_checked"]
    assert datetime.datetime.fromisoformat(shown) == lithium.last_checked

    for client in (publisher_api, editor_api):
        response = client.patch(
            "/api/v1/minerals/lithium/",
            {"last_checked": (timezone.now() + datetime.timedelta(days=3)).isoformat()},
            format="json",
        )
        assert_refused(response, "last_checked", "Read-only: set when an editor marks")

    assert Mineral.objects.get(slug="lithium").last_checked == lithium.last_checked


@pytest.mark.parametrize("name", LINK_CHECKER_FIELDS)
def test_the_link_checkers_fields_are_refused_saying_who_sets_them(content, publisher_api, name):
    source = Source.objects.order_by("slug").first()

    response = publisher_api.patch(f"/api/v1/sources/{source.slug}/", {name: "ok"}, format="json")

    assert_refused(response, name, "Read-only: set by the link checker")


def test_a_misspelt_field_is_refused_with_the_field_it_probably_means(content, publisher_api):
    response = publisher_api.patch("/api/v1/sectors/space/", {"sumary": "Orbits."}, format="json")

    assert_refused(response, "sumary", "Unknown field")
    assert "“summary”" in response.json()["sumary"][0]


def test_the_refusals_come_in_the_language_the_api_is_asked_in(content, publisher_api):
    response = publisher_api.patch(
        "/api/v1/sectors/space/?lang=hi", {"updated": CHANGED, UNKNOWN: 1}, format="json"
    )

    assert response.status_code == 400
    assert response["Content-Language"] == "hi"
    assert response.json()["updated"] == ["केवल पढ़ने के लिए: प्रविष्टि के हर बदलाव पर तय होता है।"]
    assert response.json()[UNKNOWN] == ["अज्ञात फ़ील्ड।"]


@pytest.mark.parametrize(
    "basename", ["initiatives", "sectors", "milestones", "figures", "minerals"]
)
def test_items_whose_pages_say_when_they_were_checked_carry_it_in_the_api(api, content, basename):
    resource = BY_NAME[basename]
    item = resource.model.objects.published().exclude(last_checked=None).first()

    shown = api.get(resource.detail_url(item.slug)).json()

    assert datetime.datetime.fromisoformat(shown["last_checked"]) == item.last_checked


@pytest.mark.parametrize(
    "sent",
    ["2026-13-45T00:00:00Z", "not a time", 12, None, ["x"], {"x": 1}],
    ids=["no-such-day", "text", "number", "null", "list", "object"],
)
def test_any_value_sent_to_a_read_only_time_is_a_400_never_a_500(content, publisher_api, sent):
    response = publisher_api.patch("/api/v1/minerals/lithium/", {"updated": sent}, format="json")

    assert_refused(response, "updated", "Read-only: ")


def test_a_time_written_back_in_another_notation_is_the_same_time(content, publisher_api):
    read = publisher_api.get("/api/v1/minerals/lithium/").json()
    other = read["created"].replace("Z", "+00:00")

    response = publisher_api.patch(
        "/api/v1/minerals/lithium/", {"created": other, "summary": "Same."}, format="json"
    )

    assert response.status_code == 200, response.content


@pytest.mark.parametrize(
    "body,name,starts",
    [
        ({"review_interval": 30}, "review_interval", "Not in the API: change it in the admin."),
        ({"link_status": "ok"}, "link_status", "Unknown field."),
        ({"translated_from": {}}, "translated_from", "Read-only: kept by the site"),
        ({"id": 1}, "id", "Read-only: the database's key"),
    ],
    ids=["model-field-not-in-the-api", "another-kinds-field", "bookkeeping", "key"],
)
def test_fields_of_the_item_the_api_does_not_carry_are_refused_saying_so(
    content, publisher_api, body, name, starts
):
    response = publisher_api.patch("/api/v1/minerals/lithium/", body, format="json")

    assert_refused(response, name, starts)
