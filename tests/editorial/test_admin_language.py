"""The admin in the language each editor chooses on their profile: Django's admin in Hindi
for an editor who picks it, English for the others; the public site stays in its
address's language whoever reads it."""

import pytest
from django.urls import reverse
from django.utils import translation

from publishing.models import EditorProfile

pytestmark = pytest.mark.django_db


def test_an_editor_who_chooses_hindi_gets_the_admin_in_hindi(editor, editor_client):
    response = editor_client.post(
        reverse("editor-profile"),
        {"time_zone": "Asia/Kolkata", "language": "hi", "save_settings": "1"},
    )
    assert response.status_code == 302
    assert EditorProfile.of(editor).language == "hi"

    index = editor_client.get(reverse("admin:index"))

    page = index.content.decode()
    assert '<html lang="hi"' in page
    assert "लॉग आउट" in page
    assert index["Content-Language"] == "hi"


def test_other_editors_keep_the_admin_in_english(editor, editor_client, publisher_client):
    profile = EditorProfile.of(editor)
    profile.language = "hi"
    profile.save()

    page = publisher_client.get(reverse("admin:index")).content.decode()

    assert '<html lang="en"' in page
    assert "Log out" in page


def test_the_public_site_keeps_its_addresses_language_for_an_editor_in_hindi(
    content, editor, editor_client
):
    profile = EditorProfile.of(editor)
    profile.language = "hi"
    profile.save()

    english = editor_client.get("/minerals/")

    assert '<html lang="en"' in english.content.decode()
    assert english["Content-Language"] == "en"


def test_the_profile_refuses_a_language_the_site_does_not_have(editor, editor_client):
    response = editor_client.post(
        reverse("editor-profile"),
        {"time_zone": "Asia/Kolkata", "language": "fr", "save_settings": "1"},
    )

    assert response.status_code == 200
    assert EditorProfile.of(editor).language == "en"


def test_a_publisher_in_hindi_reviews_and_reads_the_history_of_an_item_in_hindi(
    content, publisher, publisher_client
):
    from minerals.models import Mineral
    from publishing import workflow

    profile = EditorProfile.of(publisher)
    profile.language = "hi"
    profile.save()
    neodymium = Mineral.objects.get(slug="neodymium")
    workflow.mark_checked(neodymium, publisher)
    opts = neodymium._meta
    admin = f"admin:{opts.app_label}_{opts.model_name}"

    review = publisher_client.get(reverse(f"{admin}_review", args=[neodymium.pk]))
    history = publisher_client.get(reverse(f"{admin}_history", args=[neodymium.pk]))

    review_page = review.content.decode()
    assert "<strong>स्थिति:</strong> प्रकाशित." in review_page
    assert '<h2 id="decision-heading">निर्णय</h2>' in review_page
    assert 'name="_publish" value="ये बदलाव प्रकाशित करें"' in review_page
    assert '<h2 id="share-heading">पूर्वावलोकन साझा करें</h2>' in review_page
    assert "Decision" not in review_page and "Share a preview" not in review_page
    history_page = history.content.decode()
    assert "इतिहास: " in history_page
    assert '<th scope="col">किसने</th>' in history_page
    assert ">Who<" not in history_page
    assert "स्रोतों से मिलान किया गया" in history_page and "Checked against" not in history_page


def test_an_editor_in_hindi_is_told_in_hindi_that_their_edit_came_too_late(
    content, editor, editor_client, publisher_client
):
    from minerals.models import Mineral
    from tests.editorial.conftest import admin_url, open_change_form

    profile = EditorProfile.of(editor)
    profile.language = "hi"
    profile.save()
    lithium = Mineral.objects.get(slug="lithium")
    late = open_change_form(editor_client, lithium)
    first = open_change_form(publisher_client, lithium)
    first["summary"] = "The publisher's summary."
    assert publisher_client.post(admin_url(lithium, "change"), first).status_code == 302
    late["summary"] = "The editor's summary."

    refused = editor_client.post(admin_url(lithium, "change"), late)

    page = refused.content.decode()
    assert "को आपके खोलने के बाद paula ने उन्हीं फ़ील्ड में बदल दिया" in page
    assert "आपका संस्करण सहेजा नहीं गया।" in page
    assert "was changed after you opened it" not in page


def test_an_editor_in_hindi_reads_the_kinds_of_items_in_hindi(content, editor, editor_client):
    from minerals.models import Mineral
    from tests.editorial.conftest import admin_url

    profile = EditorProfile.of(editor)
    profile.language = "hi"
    profile.save()

    index = editor_client.get(reverse("admin:index")).content.decode()
    form = editor_client.get(admin_url(Mineral.objects.get(slug="lithium"), "change"))

    assert "महत्वपूर्ण खनिज" in index and "पहलें, क्षेत्र और आँकड़े" in index
    assert "Critical minerals" not in index
    assert "<title>Lithium (Li) | खनिज बदलो" in form.content.decode()


def test_what_an_editor_in_hindi_changes_is_recorded_in_english(content, editor, editor_client):
    from initiatives.models import Initiative
    from publishing import workflow
    from publishing.models import Change

    trust = Initiative.objects.get(slug="trust")
    with translation.override("hi"), workflow.edit(Initiative, trust.pk, editor) as session:
        section = session.item.sections.first()
        section.heading = "A heading changed by an editor who reads Hindi"
        section.save()
        session.saved(session.item)

    labels = [entry["label"] for entry in Change.filter_item(trust).latest("pk").changes]
    assert labels == ["Section “A heading changed by an editor who reads Hindi”: Heading"]
