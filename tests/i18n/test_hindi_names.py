"""On the Hindi site an item is named in Hindi wherever it is named (a filter's options,
the timeline, a mineral's empty lists, the comparison of two versions, the change log),
and in English marked ``lang="en"`` only when its Hindi is missing or outdated."""

import re

import pytest
from django.contrib.auth import get_user_model
from django.test import Client
from django.utils import translation
from django.utils.html import escape

from initiatives.models import Initiative, Milestone, Sector
from minerals.models import Mineral
from tests.factories import arranged
from tests.tools import make_versions

pytestmark = pytest.mark.django_db


def page(path):
    response = Client().get(path)
    assert response.status_code == 200, (path, response.status_code)
    return response.content.decode()


def sector_options(html):
    select = re.search(r'<select name="sector".*?</select>', html, re.S).group()
    return re.findall(r'<option value="([^"]*)"([^>]*)>([^<]*)</option>', select)[1:]


def test_the_hindi_minerals_filter_offers_the_sectors_by_their_hindi_names(content):
    sectors = list(Sector.objects.published())

    hindi = sector_options(page("/hi/minerals/"))
    english = sector_options(page("/minerals/"))

    assert [label for _, _, label in hindi] == [escape(sector.name_hi) for sector in sectors]
    assert [attrs for _, attrs, _ in hindi] == [""] * len(sectors)
    assert english == [(sector.slug, "", escape(sector.name)) for sector in sectors]


def test_a_sector_without_hindi_is_offered_in_english_marked_and_after_the_hindi(content):
    with arranged():
        Sector.objects.filter(slug="defence").update(name_hi="", position=1)
        Sector.objects.filter(slug="artificial-intelligence").update(position=1)
        Sector.objects.filter(slug="energy").update(position=1)

    hindi = sector_options(page("/hi/minerals/"))

    assert hindi[:3] == [
        ("energy", "", "ऊर्जा"),
        ("artificial-intelligence", "", "कृत्रिम बुद्धिमत्ता"),
        ("defence", ' lang="en"', "Defence"),
    ]


def test_the_hindi_timeline_and_milestone_name_the_initiative_in_hindi(content):
    milestone = Milestone.objects.published().filter(initiative__isnull=False).first()
    initiative = milestone.initiative
    translation.activate("hi")
    hindi_name = escape(initiative.reader_str())
    translation.activate("en")
    assert initiative.name_hi and initiative.name_hi in hindi_name

    timeline = page("/hi/timeline/")
    detail = page(f"/hi/timeline/{milestone.slug}/")

    assert f'पहल: <a href="/hi/initiatives/{initiative.slug}/">{hindi_name}</a>' in timeline
    assert f'<a href="/hi/initiatives/{initiative.slug}/">{hindi_name}</a></dd>' in detail
    assert f">{escape(str(initiative))}<" not in timeline + detail


def test_an_initiative_without_hindi_is_named_in_english_marked_on_the_timeline(content):
    milestone = Milestone.objects.published().filter(initiative__isnull=False).first()
    with arranged():
        Initiative.objects.filter(pk=milestone.initiative_id).update(name_hi="")
    initiative = Initiative.objects.get(pk=milestone.initiative_id)

    marked = f'<span class="untranslated" lang="en">{escape(str(initiative))}</span>'

    assert marked in page("/hi/timeline/")
    assert marked in page(f"/hi/timeline/{milestone.slug}/")


def test_a_hindi_mineral_page_with_nothing_recorded_names_the_mineral_in_hindi(content):
    with arranged():
        indium = Mineral.objects.get(slug="indium")
        indium.initiatives.clear()
        indium.applications.all().delete()

    hindi = page("/hi/minerals/indium/")

    assert f"{indium.name_hi} से जुड़ी कोई पहल अभी दर्ज नहीं है।" in hindi
    assert f"{indium.name_hi} का कोई उपयोग अभी दर्ज नहीं है।" in hindi
    assert "Indium से" not in hindi and "Indium का" not in hindi
    assert "No initiative addressing Indium is recorded yet." in page("/minerals/indium/")


def test_the_hindi_comparison_names_the_item_in_hindi_and_marks_english_labels(content):
    make_versions()
    defence = Sector.objects.get(slug="defence")

    hindi = page("/hi/sectors/defence/versions/1/compare/2/")
    english = page("/sectors/defence/versions/1/compare/2/")

    assert f"<h1>{defence.name_hi}: दो संस्करणों की तुलना</h1>" in hindi
    assert f'<a href="/hi/sectors/defence/">{defence.name_hi}</a></nav>' in hindi
    assert re.search(r"<title>रक्षा: दो संस्करणों की तुलना", hindi)
    assert '<th scope="row" lang="en">Summary</th>' in hindi
    assert "<h1>Defence: two versions compared</h1>" in english
    assert '<th scope="row" lang="en">Summary</th>' in english


def test_a_recorded_label_is_shown_in_hindi_when_its_field_has_a_hindi_name():
    from trustsite.templatetags.content_tags import label_reading

    user = get_user_model()
    translation.activate("hi")
    try:
        assert label_reading(user, "Username") == ("प्रयोक्ता नाम", "hi")
        assert label_reading(Sector, "Summary") == ("Summary", "en")
        assert label_reading(Sector, "A field since removed") == ("A field since removed", "en")
    finally:
        translation.activate("en")
    assert label_reading(user, "Username") == ("Username", "en")


def test_the_hindi_change_log_names_the_item_in_hindi_and_marks_each_english_label(content):
    make_versions()
    defence = Sector.objects.get(slug="defence")

    hindi = page("/hi/changes/sector/defence/")

    assert f'<a href="/hi/sectors/defence/">{defence.name_hi}</a>' in hindi
    assert 'बदला गया: <span lang="en">Summary</span>।' in hindi
    assert "Changed: Summary." in page("/changes/sector/defence/")
