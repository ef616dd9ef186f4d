# ruff: noqa: F811 (the editorial fixtures, imported)
"""The content in Hindi: readers of /hi/ get the Hindi while it is current, and the
English, marked and explained, when it is missing or out of date; editors see which."""

import csv
import datetime
import io
import re
from xml.etree import ElementTree

import pytest
import time_machine
from django.db import connection
from django.test import Client
from django.test.utils import CaptureQueriesContext
from django.urls import reverse
from django.utils import timezone, translation
from django.utils.html import escape

from initiatives.formatting import format_figure
from initiatives.models import Figure, Initiative, Milestone, Sector
from minerals.models import Mineral
from publishing.models import Change, Draft, Status
from tests.editorial.conftest import (  # noqa: F401 (fixtures)
    admin_url,
    editor,
    editor_client,
    open_change_form,
    publisher,
    publisher_client,
)
from tests.factories import (
    InitiativeFactory,
    PointFactory,
    SectionFactory,
    SourceFactory,
    arranged,
)

pytestmark = pytest.mark.django_db

SPACE_SUMMARY_HI = "TRUST पहल का एक प्रमुख क्षेत्र"  # the start of the reviewed Hindi in hi.json


def page(path):
    response = Client().get(path)
    assert response.status_code == 200
    return response.content.decode()


def test_the_hindi_pages_show_the_hindi_content(content):
    semiconductors = Sector.objects.get(slug="semiconductors")

    hindi = page("/hi/sectors/semiconductors/")
    english = page("/sectors/semiconductors/")

    assert escape(semiconductors.summary_hi) in hindi
    assert escape(semiconductors.summary) not in hindi
    assert escape(semiconductors.summary) in english
    assert escape(semiconductors.summary_hi) not in english
    assert "अंतिम बार" in hindi and "अंतिम बार" not in english


def change_english_summary(client, sector, text):
    data = open_change_form(client, sector)
    data["summary"] = text
    data["_publish"] = "Publish"
    response = client.post(admin_url(sector, "change"), data)
    assert response.status_code == 302, response.content.decode()[:2000]


def test_the_outdated_marker_appears_when_the_english_changes_and_clears_with_new_hindi(
    content, publisher_client
):
    sector = Sector.objects.get(slug="semiconductors")
    old_english = sector.summary
    change_english_summary(publisher_client, sector, old_english + " Also packaging.")

    form = publisher_client.get(admin_url(sector, "change")).content.decode()
    assert re.search(r"Summary: <strong>outdated</strong>", form)
    assert escape("+" + old_english + " Also packaging.") in form
    outdated = publisher_client.get(admin_url(Sector, "changelist") + "?hindi=outdated")
    assert sector in outdated.context["cl"].result_list
    current = publisher_client.get(admin_url(Sector, "changelist") + "?hindi=current")
    assert sector not in current.context["cl"].result_list

    data = open_change_form(publisher_client, sector)
    data["summary_hi"] = sector.summary_hi + " पैकेजिंग भी।"
    data["_publish"] = "Publish"
    publisher_client.post(admin_url(sector, "change"), data)

    form = publisher_client.get(admin_url(sector, "change")).content.decode()
    assert "Summary: <strong>current</strong>" in form
    current = publisher_client.get(admin_url(Sector, "changelist") + "?hindi=current")
    assert sector in current.context["cl"].result_list
    assert "पैकेजिंग भी।" in page("/hi/sectors/semiconductors/")


def test_readers_get_the_english_with_a_note_never_an_outdated_hindi(content, publisher_client):
    sector = Sector.objects.get(slug="semiconductors")
    outdated_hindi = sector.summary_hi
    change_english_summary(publisher_client, sector, "Chips, newly described.")

    hindi = page("/hi/sectors/semiconductors/")

    assert escape(outdated_hindi) not in hindi
    assert re.search(r'<span class="untranslated" lang="en">Chips, newly described\.</span>', hindi)
    assert "अंग्रेज़ी में दिखाया गया है" in hindi
    assert escape(sector.name_hi) in hindi  # the other fields stay in Hindi
    assert "Chips, newly described." in page("/sectors/semiconductors/")
    assert "untranslated" not in page("/sectors/semiconductors/")


def test_a_missing_hindi_is_shown_in_english_under_the_missing_note(content, publisher_client):
    sector = Sector.objects.get(slug="semiconductors")
    data = open_change_form(publisher_client, sector)
    data["summary_hi"] = ""
    data["_publish"] = "Publish"
    publisher_client.post(admin_url(sector, "change"), data)

    hindi = page("/hi/sectors/semiconductors/")

    assert "यह भाग अभी हिंदी में उपलब्ध नहीं है" in hindi
    assert f'<span class="untranslated" lang="en">{escape(sector.summary)}' in hindi


def test_an_editors_hindi_change_goes_through_review_history_and_revert(
    content, editor_client, publisher_client
):
    sector = Sector.objects.get(slug="semiconductors")
    reviewed = sector.summary_hi
    data = open_change_form(editor_client, sector)
    data["summary_hi"] = "संपादक का नया सारांश।"
    data["_submit"] = "Submit changes for review"
    editor_client.post(admin_url(sector, "change"), data)

    sector.refresh_from_db()
    assert sector.summary_hi == reviewed and sector.status == Status.PUBLISHED
    assert Draft.filter_item(sector).get().in_review
    assert "संपादक का नया सारांश।" not in page("/hi/sectors/semiconductors/")

    data = open_change_form(publisher_client, sector)
    data["_publish"] = "Publish"
    publisher_client.post(admin_url(sector, "change"), data)
    assert "संपादक का नया सारांश।" in page("/hi/sectors/semiconductors/")
    history = publisher_client.get(admin_url(sector, "history")).content.decode()
    assert "Summary (Hindi)" in history and "संपादक का नया सारांश।" in history

    baseline = Change.filter_item(sector).order_by("pk").first()
    publisher_client.post(admin_url(sector, "revert", baseline.pk))
    sector.refresh_from_db()
    assert sector.summary_hi == reviewed
    assert escape(reviewed) in page("/hi/sectors/semiconductors/")


def digits(text):
    return re.findall(r"[\d.,]+", text)


def test_every_seed_figure_has_its_hindi_label_and_the_same_value_in_both_languages(content):
    english, hindi = page("/figures/"), page("/hi/figures/")
    figures = list(Figure.objects.all())
    assert len(figures) == 10
    assert sum(1 for figure in figures if figure.qualifier) == 2
    for figure in figures:
        assert escape(figure.label_hi) in hindi and escape(figure.label) not in hindi
        with translation.override("en"):
            in_english = figure.display_value
            bare_english = format_figure(figure.value, figure.unit)
        with translation.override("hi"):
            in_hindi = figure.display_value
            bare_hindi = format_figure(figure.value, figure.unit)
        assert escape(in_english) in english and escape(in_hindi) in hindi
        assert digits(bare_hindi) == digits(bare_english)
        if figure.qualifier:
            assert in_english == f"{figure.qualifier} {bare_english}"
            assert in_hindi == f"{figure.qualifier_hi} {bare_hindi}"
            assert f"{figure.qualifier} " not in hindi
        detail = page(f"/hi/figures/{figure.slug}/")
        assert escape(figure.label_hi) in detail
        assert f"<strong>{escape(in_hindi)}</strong>" in detail


def test_a_hindi_date_qualifier_follows_the_date(content):
    roadmap = Milestone.objects.get(slug="ai-infrastructure-roadmap")

    assert ">by the end of 2025</time>" in page(f"/timeline/{roadmap.slug}/")
    assert ">2025 के अंत तक</time>" in page(f"/hi/timeline/{roadmap.slug}/")


def test_an_outdated_hindi_qualifier_shows_the_whole_figure_in_english_marked_so(
    content, publisher_client
):
    figure = Figure.objects.get(slug="china-share-of-ree-production")
    data = open_change_form(publisher_client, figure)
    data["qualifier"] = "almost"
    data["_publish"] = "Publish"
    response = publisher_client.post(admin_url(figure, "change"), data)
    assert response.status_code == 302, response.context and response.context["errors"]

    detail = page(f"/hi/figures/{figure.slug}/")

    assert '<span class="untranslated" lang="en">almost 70%</span>' in detail
    assert f"{figure.qualifier_hi} 70%" not in detail


def test_a_points_hindi_goes_outdated_with_its_english_and_back_through_the_initiative_form(
    content, publisher_client
):
    initiative = Initiative.objects.get(slug="trust")
    aims = initiative.sections.get(slug="aims")
    first, second = aims.points.order_by("position")[:2]
    data = open_change_form(publisher_client, initiative)
    index = next(
        key.split("-")[1]
        for key, value in data.items()
        if key.endswith("-slug") and value == "aims"
    )
    english = data[f"sections-{index}-points_text"].splitlines()
    english[0] = "Catalyse collaboration, reworded."
    data[f"sections-{index}-points_text"] = "\n".join(english)
    data["_publish"] = "Publish"
    publisher_client.post(admin_url(initiative, "change"), data)

    form = publisher_client.get(admin_url(initiative, "change")).content.decode()
    assert "Point “Catalyse collaboration, reworded.”: Text: <strong>outdated</strong>" in form
    hindi = page("/hi/initiatives/trust/")
    assert escape(first.text_hi) not in hindi and escape(second.text_hi) in hindi
    assert '<span class="untranslated" lang="en">Catalyse collaboration, reworded.</span>' in hindi

    data = open_change_form(publisher_client, initiative)
    lines = data[f"sections-{index}-points_text_hi"].splitlines()
    lines[0] = "सहयोग को उत्प्रेरित करना (नया पाठ)।"
    data[f"sections-{index}-points_text_hi"] = "\n".join(lines)
    data["_publish"] = "Publish"
    publisher_client.post(admin_url(initiative, "change"), data)

    assert "सहयोग को उत्प्रेरित करना (नया पाठ)।" in page("/hi/initiatives/trust/")
    history = publisher_client.get(admin_url(initiative, "history")).content.decode()
    assert "Points (Hindi)" in history


def test_the_hindi_home_page_heads_the_featured_initiatives_sections_in_hindi(content):
    hindi = page("/hi/")

    sections = [
        section for initiative in Initiative.objects.all() for section in initiative.sections.all()
    ]
    shown = [section for section in sections if f'id="home-{section.slug}"' in hindi]
    assert shown
    for section in shown:
        heading = re.search(rf'<h2 id="home-{section.slug}">([^<]*)</h2>', hindi).group(1)
        assert escape(section.heading_hi) in heading, heading


ATOM = {"atom": "http://www.w3.org/2005/Atom"}


def feed_entries(path):
    """{link: (title, summary)} of an Atom feed's entries."""
    response = Client().get(path)
    assert response.status_code == 200
    root = ElementTree.fromstring(response.content)
    return {
        entry.find("atom:link", ATOM).get("href"): (
            entry.find("atom:title", ATOM).text,
            entry.find("atom:summary", ATOM).text,
        )
        for entry in root.findall("atom:entry", ATOM)
    }


def test_the_hindi_feed_names_and_describes_items_in_hindi(content):
    sector = Sector.objects.get(slug="semiconductors")
    mineral = Mineral.objects.get(slug="neodymium")

    hindi = feed_entries("/hi/feed/")
    english = feed_entries("/feed/")

    title, summary = hindi[f"http://testserver/hi/sectors/{sector.slug}/"]
    assert title == f"क्षेत्र: {sector.name_hi}"
    assert summary == escape(sector.summary_hi)
    assert english[f"http://testserver/sectors/{sector.slug}/"] == (
        f"Sector: {sector.name}",
        escape(sector.summary),
    )
    title, summary = hindi[f"http://testserver/hi/minerals/{mineral.slug}/"]
    assert title == f"खनिज: {mineral.name_hi} (Nd)"
    assert summary == escape(mineral.summary_hi)


def test_the_hindi_change_feed_names_the_changed_item_in_hindi(content, publisher_client):
    sector = Sector.objects.get(slug="semiconductors")
    data = open_change_form(publisher_client, sector)
    data["body"] = data["body"] + "\n\nOne more sentence."
    data["_publish"] = "Publish"
    assert publisher_client.post(admin_url(sector, "change"), data).status_code == 302

    (title, summary), *_ = feed_entries("/hi/changes/feed/").values()
    (english_title, _summary), *_ = feed_entries("/changes/feed/").values()

    assert title.endswith(f": {sector.name_hi}") and english_title.endswith(f": {sector.name}")
    assert summary.startswith("बदला गया: ") and '<span lang="en">' in summary


def test_the_hindi_change_log_names_items_in_hindi_and_marks_outdated_names_english(
    content, publisher_client
):
    sector = Sector.objects.get(slug="semiconductors")
    data = open_change_form(publisher_client, sector)
    data["body"] = data["body"] + "\n\nOne more sentence."
    data["_publish"] = "Publish"
    assert publisher_client.post(admin_url(sector, "change"), data).status_code == 302
    mineral = Mineral.objects.get(slug="neodymium")
    data = open_change_form(publisher_client, mineral)
    data["name"] = "Neodymium metal"
    data["_publish"] = "Publish"
    assert publisher_client.post(admin_url(mineral, "change"), data).status_code == 302

    hindi = page("/hi/changes/")
    sector_changes = page(f"/hi/changes/sector/{sector.slug}/")

    assert f'<a href="/hi/sectors/{sector.slug}/">{escape(sector.name_hi)}</a>' in hindi
    assert (
        f'<a href="/hi/minerals/{mineral.slug}/"><span class="untranslated" lang="en">'
        "Neodymium metal (Nd)</span>" in hindi
    )
    assert f">{escape(sector.name)}<" not in hindi
    assert "UTC</time> · क्षेत्र</p>" in hindi and "UTC</time> · खनिज</p>" in hindi
    assert escape(sector.name_hi) in re.search(r"<title>(.*?)</title>", sector_changes, re.S)[1]
    assert f'<a href="/hi/sectors/{sector.slug}/">{escape(sector.name_hi)}</a>' in sector_changes
    assert f'<a href="/sectors/{sector.slug}/">{escape(sector.name)}</a>' in page("/changes/")


def test_the_hindi_figures_csv_has_hindi_columns_and_text_with_the_same_values(content):
    def rows(path):
        response = Client().get(path)
        assert response.status_code == 200
        return list(csv.reader(io.StringIO(b"".join(response.streaming_content).decode())))

    english, hindi = rows("/figures/figures.csv"), rows("/hi/figures/figures.csv")

    assert english[0][:4] == ["slug", "label", "value", "unit"]
    assert hindi[0][:4] == ["स्लग", "आँकड़ा", "मान", "इकाई"]
    assert len(hindi) == len(english) == 1 + Figure.objects.count()
    china = Figure.objects.get(slug="china-share-of-ree-production")
    row = next(row for row in hindi if row[0] == china.slug)
    assert row[1:7] == [china.label_hi, "70", "percent", china.qualifier_hi, "लगभग 70%", ""]


def test_a_source_shows_its_own_hindi_title_on_hindi_pages_and_english_ones_marked(content):
    sector = Sector.objects.get(slug="semiconductors")
    english_only = sector.sources.get()
    with arranged():
        hindi_source = SourceFactory(
            title="Critical Minerals: A Report", title_hi="महत्वपूर्ण खनिज: एक रिपोर्ट"
        )
        sector.sources.add(hindi_source)

    hindi, english = page("/hi/sectors/semiconductors/"), page("/sectors/semiconductors/")

    assert ">महत्वपूर्ण खनिज: एक रिपोर्ट</a>" in hindi
    assert f'<span lang="en">{escape(english_only.title)}</span>' in hindi
    assert ">Critical Minerals: A Report</a>" in english and "महत्वपूर्ण खनिज: एक" not in english
    assert hindi_source.hindi_statuses() == {"title": "current"}
    assert english_only.hindi_statuses() == {"description": "current"}


def publish_with(client, item, **values):
    data = open_change_form(client, item)
    data.update(values, _publish="Publish")
    response = client.post(admin_url(item, "change"), data)
    assert response.status_code == 302, response.context and response.context["errors"]


def hindi_dated(path):
    """The date the Hindi page says its Hindi was last brought up to date."""
    html = page(path)
    match = re.search(r'class="hindi-freshness">[^<]*<time datetime="(\d{4}-\d\d-\d\d)', html)
    assert match, "no date of the Hindi on the page"
    return datetime.date.fromisoformat(match[1])


def test_a_page_dates_its_hindi_when_the_hindi_was_brought_up_to_date_not_when_the_item_was(
    content, publisher_client
):
    sector = Sector.objects.get(slug="semiconductors")
    path = f"/hi/sectors/{sector.slug}/"
    assert hindi_dated(path) == timezone.localtime(sector.created).date()
    now = timezone.now()
    hindi_day, english_day = now + datetime.timedelta(days=2), now + datetime.timedelta(days=5)

    with time_machine.travel(hindi_day, tick=False):
        publish_with(publisher_client, sector, summary_hi=sector.summary_hi + " पैकेजिंग भी।")
    with time_machine.travel(english_day, tick=False):
        publish_with(publisher_client, sector, position=sector.position + 1)
        sector.refresh_from_db()
        assert sector.updated == english_day

        assert hindi_dated(path) == timezone.localtime(hindi_day).date()


def hindi_column(client, model):
    """{name in the row: the row's Hindi column} of ``model``'s admin list."""
    response = client.get(admin_url(model, "changelist"))
    assert response.status_code == 200
    return {
        name: status
        for name, status in re.findall(
            r'<th class="field-\w+"><a href="[^"]*">([^<]*)</a></th>.*?'
            r'<td class="field-hindi_state"><span class="hindi-\w+">(\w+)</span></td>',
            response.content.decode(),
        )
    }


def test_the_admin_lists_show_each_items_hindi_state_without_a_query_per_row(
    content, publisher_client
):
    sector = Sector.objects.get(slug="semiconductors")
    change_english_summary(publisher_client, sector, sector.summary + " Also packaging.")

    sectors = hindi_column(publisher_client, Sector)
    assert sectors[sector.name] == "outdated" and sectors["Space"] == "current"
    with arranged():
        new = InitiativeFactory(name="A new initiative")
    assert hindi_column(publisher_client, Initiative)["A new initiative"] == "missing"

    with CaptureQueriesContext(connection) as before:
        hindi_column(publisher_client, Initiative)
    with arranged():
        for _ in range(3):
            PointFactory(section=SectionFactory(initiative=InitiativeFactory()))
        PointFactory(section=SectionFactory(initiative=new))
    with CaptureQueriesContext(connection) as after:
        hindi_column(publisher_client, Initiative)
    assert len(after) == len(before)


def test_an_editor_who_chose_hindi_gets_the_inbox_and_profile_and_hindi_column_in_hindi(
    editor, editor_client
):
    from publishing.models import EditorProfile

    profile = EditorProfile.of(editor)
    profile.language = "hi"
    profile.save()

    inbox = editor_client.get(reverse("admin:index")).content.decode()
    own = editor_client.get(reverse("editor-profile")).content.decode()

    assert "समीक्षा के लिए जमा" in inbox and "Submitted for review" not in inbox
    assert "आपकी सेटिंग्स" in own and "Your settings" not in own
    assert "टोकन बनाएँ" in own and "Make token" not in own
