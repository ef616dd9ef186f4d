# ruff: noqa: F811 (the editorial fixture, imported)
"""The API answers in the language asked for, says which, and takes Hindi under the
workflow's rules."""

import pytest
from rest_framework.test import APIClient

from initiatives.models import Sector
from publishing.models import Draft
from tests.editorial.conftest import editor  # noqa: F401 (a fixture)
from tests.factories import api_token_for

pytestmark = pytest.mark.django_db


def test_english_by_default_and_hindi_when_asked(content):
    api = APIClient()
    sector = Sector.objects.get(slug="semiconductors")

    english = api.get("/api/v1/sectors/semiconductors/")
    by_parameter = api.get("/api/v1/sectors/semiconductors/?lang=hi")
    by_header = api.get("/api/v1/sectors/semiconductors/", HTTP_ACCEPT_LANGUAGE="hi-IN,hi;q=0.9")

    assert english.json()["name"] == sector.name and english["Content-Language"] == "en"
    for hindi in (by_parameter, by_header):
        assert hindi.json()["name"] == sector.name_hi
        assert hindi.json()["summary"] == sector.summary_hi
        assert hindi["Content-Language"] == "hi"
        assert "Accept-Language" in hindi["Vary"]
        assert hindi.json()["hindi_translation"]["summary"] == "current"
    assert english["ETag"] != by_parameter["ETag"]


def test_an_outdated_hindi_is_answered_in_english_and_flagged(content):
    from tests.factories import arranged

    with arranged():
        sector = Sector.objects.get(slug="semiconductors")
        sector.summary = "Chips, newly described."
        sector.save()

    answer = APIClient().get("/api/v1/sectors/semiconductors/?lang=hi").json()

    assert answer["summary"] == "Chips, newly described."
    assert answer["hindi_translation"]["summary"] == "outdated"
    assert answer["name"] == sector.name_hi


def test_an_unknown_language_is_a_400_that_names_the_languages(content):
    response = APIClient().get("/api/v1/sectors/?lang=xx")

    assert response.status_code == 400
    assert "hi" in str(response.json())


def test_an_editors_hindi_write_to_a_live_item_waits_for_review(content, editor):
    api = APIClient()
    api.credentials(HTTP_AUTHORIZATION=f"Token {api_token_for(editor)}")

    response = api.patch(
        "/api/v1/sectors/space/", {"summary_hi": "कक्षाएँ और प्रक्षेपण यान।", "status": "review"}
    )

    assert response.status_code == 202, response.json()
    assert Draft.filter_item(Sector.objects.get(slug="space")).get().in_review
    assert Sector.objects.get(slug="space").summary_hi != "कक्षाएँ और प्रक्षेपण यान।"
    public = APIClient().get("/api/v1/sectors/space/?lang=hi").json()
    assert public["summary"] != "कक्षाएँ और प्रक्षेपण यान।"
    assert response.json()["summary_hi"] == "कक्षाएँ और प्रक्षेपण यान।"
    assert response.json()["hindi_translation"]["summary"] == "current"


def test_the_schema_documents_the_languages(content):
    schema = APIClient().get("/api/v1/schema/", {"format": "json"}).json()
    operation = schema["paths"]["/api/v1/sectors/{slug}/"]["get"]

    names = {parameter["name"] for parameter in operation["parameters"]}
    assert {"lang", "Accept-Language"} <= names
    assert "Content-Language" in operation["responses"]["200"]["headers"]


def test_a_hindi_answer_links_to_the_hindi_page_and_reads_figures_as_it_does(content):
    api = APIClient()

    english = api.get("/api/v1/figures/china-share-of-ree-production/").json()
    by_parameter = api.get("/api/v1/figures/china-share-of-ree-production/?lang=hi").json()
    by_header = api.get(
        "/api/v1/figures/china-share-of-ree-production/", HTTP_ACCEPT_LANGUAGE="hi"
    ).json()

    assert english["page"] == "http://testserver/figures/china-share-of-ree-production/"
    assert english["display"] == "nearly 70%"
    for hindi in (by_parameter, by_header):
        assert hindi["page"] == "http://testserver/hi/figures/china-share-of-ree-production/"
        assert hindi["display"] == "लगभग 70%"
    sectors = api.get("/api/v1/sectors/?lang=hi").json()["results"]
    assert all(sector["page"].startswith("http://testserver/hi/sectors/") for sector in sectors)
