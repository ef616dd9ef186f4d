"""The change log links an entry to its versions only where the item's versions have
pages: an application is shown on its mineral's page and has none of its own."""

import pytest
from django.test import Client

from minerals.models import Application
from publishing.roles import PUBLISHER
from tests.editorial.conftest import admin_url, logged_in, member_of, open_change_form

pytestmark = pytest.mark.django_db


def test_an_applications_change_links_to_no_version_page_of_its_mineral(content, django_user_model):
    publisher = logged_in(Client, member_of(django_user_model, "paula", PUBLISHER))
    application = Application.objects.get(slug="scandium-in-space")
    data = open_change_form(publisher, application)
    data.update(use="Light alloys for launcher frames.", _publish="Publish")
    assert publisher.post(admin_url(application, "change"), data).status_code == 302

    page = Client().get("/changes/").content.decode()

    assert "#application-scandium-in-space" in page
    assert "/minerals/scandium/versions/" not in page
