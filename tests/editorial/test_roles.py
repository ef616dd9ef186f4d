"""The Editor and Publisher groups: exactly their permissions, and each rule where it applies."""

import datetime

import pytest
from django.contrib.auth.models import Group
from django.test import Client
from rest_framework.test import APIClient

from initiatives.models import Sector
from minerals.models import Mineral
from publishing.history import part_relations, publishable_models
from publishing.models import Status
from publishing.roles import EDITOR, PUBLISHER
from tests.editorial.conftest import admin_url, open_change_form
from tests.factories import api_token_for, arranged

pytestmark = pytest.mark.django_db


def expected_codenames(actions_for_items, actions_for_parts):
    codenames = set()
    for model in publishable_models():
        codenames |= {f"{action}_{model._meta.model_name}" for action in actions_for_items}
        for name in part_relations(model):
            part = model._meta.get_field(name).related_model
            for model_of_part in (
                part,
                *(part._meta.get_field(n).related_model for n in part_relations(part)),
            ):
                codenames |= {
                    f"{action}_{model_of_part._meta.model_name}" for action in actions_for_parts
                }
    return codenames


@pytest.mark.parametrize(
    "role, item_actions",
    [
        (EDITOR, ("add", "change", "view")),
        (PUBLISHER, ("add", "change", "delete", "view", "publish")),
    ],
)
def test_each_role_has_exactly_its_permissions(role, item_actions):
    group = Group.objects.get(name=role)

    granted = set(group.permissions.values_list("codename", flat=True))

    assert granted == expected_codenames(item_actions, ("add", "change", "delete", "view"))


def test_staff_status_alone_shows_no_drafts(content, django_user_model):
    with arranged():
        Mineral.objects.filter(slug="scandium").update(status=Status.DRAFT)
    staff = django_user_model.objects.create_user("staff-only", is_staff=True)
    browser = Client()
    browser.force_login(staff)
    api = APIClient()
    api.credentials(HTTP_AUTHORIZATION=f"Token {api_token_for(staff)}")

    assert browser.get("/minerals/scandium/").status_code == 404
    assert api.get("/api/v1/minerals/scandium/").status_code == 404
    assert "scandium" not in api.get("/api/v1/minerals/?page_size=100").content.decode()


def test_editor_cannot_unpublish_through_the_form(content, editor_client):
    space = Sector.objects.get(slug="space")
    data = open_change_form(editor_client, space)
    data["_unpublish"] = "Unpublish"

    assert editor_client.post(admin_url(space, "change"), data).status_code == 403
    assert Sector.objects.get(slug="space").status == Status.PUBLISHED


def test_publisher_unpublishes_through_the_form(content, publisher_client):
    space = Sector.objects.get(slug="space")
    data = open_change_form(publisher_client, space)
    data["_unpublish"] = "Unpublish"

    assert publisher_client.post(admin_url(space, "change"), data).status_code == 302
    assert Sector.objects.get(slug="space").status == Status.DRAFT
    assert Client().get("/sectors/space/").status_code == 410  # Gone: the public saw it go


def test_publisher_schedules_through_the_form(content, publisher_client):
    space = Sector.objects.get(slug="space")
    data = open_change_form(publisher_client, space)
    data["expire_at_0"] = "2030-01-01"
    data["expire_at_1"] = "00:00:00"
    data["_publish"] = "Publish"

    assert publisher_client.post(admin_url(space, "change"), data).status_code == 302
    # Entered in the publisher's own zone, Asia/Kolkata unless they chose another.
    assert Sector.objects.get(slug="space").expire_at == datetime.datetime(
        2029, 12, 31, 18, 30, tzinfo=datetime.UTC
    )


def test_editor_cannot_delete(content, editor_client):
    space = Sector.objects.get(slug="space")
    assert editor_client.post(admin_url(space, "delete"), {"post": "yes"}).status_code == 403
    assert Sector.objects.filter(slug="space").exists()
