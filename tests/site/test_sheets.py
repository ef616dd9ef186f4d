"""Revision sheets: one A4 page per initiative, sector and mineral, in English and Hindi,
from the published content only, cached by the content's state, and made without
reading anything but the site's own static files."""

import io
import re
import threading
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer

import pypdf
import pytest
from django.conf import settings
from django.core.cache import caches
from django.core.management import call_command
from django.db import transaction
from django.test import Client
from django.urls import reverse
from django.utils import translation

from initiatives.models import Initiative, Sector
from minerals.models import Mineral
from publishing import cache as page_cache
from publishing import pdf as sheets
from publishing.models import Status
from publishing.pdf import SHEET_ORIGIN, RefusedAddress, StaticFilesFetcher, render_pdf
from publishing.roles import EDITOR, PUBLISHER
from tests.conftest import CONTENT_FIXTURES
from tests.editorial.conftest import admin_url, logged_in, member_of, open_change_form
from tests.factories import arranged

# One worker takes the whole module (see pyproject's addopts), so each sheet is made once.
pytestmark = [pytest.mark.django_db, pytest.mark.xdist_group("sheets")]

SHEETS = {
    Initiative: "initiatives:initiative-sheet",
    Sector: "initiatives:sector-sheet",
    Mineral: "minerals:mineral-sheet",
}
A4 = (595.28, 841.89)  # points


def sheet_url(item, language="en"):
    with translation.override(language):
        return reverse(SHEETS[type(item)], args=[item.slug])


def pdf_of(response):
    assert response.status_code == 200, response.status_code
    assert response["Content-Type"] == "application/pdf"
    return pypdf.PdfReader(io.BytesIO(response.content))


def words(reader):
    """The PDF's text, its whitespace collapsed (lines wrap anywhere)."""
    return " ".join(" ".join(page.extract_text() for page in reader.pages).split())


def fonts(reader):
    return {
        str(font.get_object()["/BaseFont"]).partition("+")[2]
        for page in reader.pages
        for font in page["/Resources"]["/Font"].values()
    }


@pytest.fixture
def editor_client(db, django_user_model):
    """A signed-in Editor: staff who may see drafts and previews."""
    return logged_in(Client, member_of(django_user_model, "edith", EDITOR))


@pytest.fixture(autouse=True)
def empty_cache():
    caches[settings.PAGE_CACHE_ALIAS].clear()
    yield
    caches[settings.PAGE_CACHE_ALIAS].clear()


@pytest.fixture(scope="module")
def rendered(shared_content, django_db_blocker):
    """Every sheet of the real content in both languages, each made once for the module:
    {(model, slug, language): response}."""
    with django_db_blocker.unblock(), transaction.atomic():
        if not shared_content.loaded:
            call_command("loaddata", *CONTENT_FIXTURES, verbosity=0)
        caches[settings.PAGE_CACHE_ALIAS].clear()
        client = Client()
        found = {}
        for model in SHEETS:
            for item in model.objects.published():
                for language in ("en", "hi"):
                    response = client.get(sheet_url(item, language))
                    found[model, item.slug, language] = response
        transaction.set_rollback(True)
    return found


@pytest.fixture
def every_sheet(rendered, content):
    return rendered


def expected_figures(item):
    """What a reader looks for on the sheet: each published figure's value and period."""
    return list(item.figures.published())


def test_every_sheet_is_one_a4_page_with_its_items_figures_and_version(every_sheet):
    assert len(every_sheet) == 2 * sum(model.objects.published().count() for model in SHEETS)
    for (model, slug, language), response in every_sheet.items():
        item = model.objects.get(slug=slug)
        reader = pdf_of(response)
        where = f"{slug} ({language})"
        assert len(reader.pages) == 1, where
        box = reader.pages[0].mediabox
        assert (round(float(box.width), 1), round(float(box.height), 1)) == (595.3, 841.9), where
        text = words(reader)
        with translation.override(language):
            page = item.get_absolute_url()
            figures = [(figure.display_value, figure.period) for figure in expected_figures(item)]
        assert f"http://testserver{page}" in "".join(text.split()), where
        if language == "en":
            assert item.name in text, where
            for value, period in figures:
                assert value in text and period in text, (where, value, period)
        else:
            # pypdf reads Devanagari back imperfectly: the figures' digits, then the font.
            for value, _ in figures:
                for number in re.findall(r"\d[\d,.]*", value):
                    assert number in text, (where, value)
            assert "Sheet-Devanagari" in fonts(reader), where
        assert response["Content-Disposition"] == (
            f'inline; filename="trustsite-{slug}-{language}.pdf"'
        )


def test_a_sheet_has_validators_and_answers_304_when_unchanged(every_sheet):
    response = every_sheet[Mineral, "neodymium", "en"]
    assert response.has_header("ETag")

    again = Client().get("/minerals/neodymium/sheet.pdf", HTTP_IF_NONE_MATCH=response["ETag"])

    assert again.status_code == 304


class CountingHandler(BaseHTTPRequestHandler):
    requests = []

    def do_GET(self):
        CountingHandler.requests.append(self.path)
        self.send_response(200)
        self.send_header("Content-Type", "text/css")
        self.end_headers()
        self.wfile.write(b"body { color: red }")

    def log_message(self, *args):
        pass


@pytest.fixture
def local_server():
    """An HTTP server on this machine that records every request it is sent."""
    CountingHandler.requests = []
    server = ThreadingHTTPServer(("127.0.0.1", 0), CountingHandler)
    thread = threading.Thread(target=server.serve_forever, daemon=True)
    thread.start()
    yield f"127.0.0.1:{server.server_address[1]}"
    server.shutdown()
    server.server_close()
    thread.join()


def test_the_fetcher_reads_static_files_and_refuses_files_data_and_the_network(local_server):
    fetcher = StaticFilesFetcher()
    served = fetcher.fetch(f"{SHEET_ORIGIN}/static/css/sheet.css")
    assert b"@page" in served.read()
    refused = [
        f"file://{settings.BASE_DIR}/manage.py",
        "file:///etc/passwd",
        f"http://{local_server}/static/css/sheet.css",
        f"https://{local_server}/static/css/sheet.css",
        f"http://localhost:{local_server.partition(':')[2]}/static/css/sheet.css",
        "data:text/css,body{color:red}",
        f"{SHEET_ORIGIN}/manage.py",
        f"{SHEET_ORIGIN}/static/../manage.py",
        f"{SHEET_ORIGIN}/static/css/%2e%2e/%2e%2e/settings.py",
        f"{SHEET_ORIGIN}/static/css/no-such-file.css",
        f"{SHEET_ORIGIN}.example.org/static/css/sheet.css",
    ]
    for url in refused:
        with pytest.raises(RefusedAddress):
            fetcher.fetch(url)

    html = (
        f'<link rel="stylesheet" href="http://{local_server}/remote.css">'
        f'<style>@import url("http://{local_server}/imported.css");</style>'
        f'<img src="http://{local_server}/image.png" alt="">'
        f'<img src="file://{settings.BASE_DIR}/trustsite/static/favicon.svg" alt="">'
        "<p>A sheet that asks for the network.</p>"
    )
    pdf = render_pdf(lambda scale: html, fetcher)

    assert pdf.startswith(b"%PDF")
    assert CountingHandler.requests == []
    assert any(local_server in url for url in fetcher.requested)


def test_the_hindi_sheet_uses_the_sites_own_devanagari_font(content, monkeypatch):
    requested = []

    class Recording(StaticFilesFetcher):
        def fetch(self, url, headers=None):
            requested.append(url)
            return super().fetch(url, headers)

    monkeypatch.setattr(sheets, "StaticFilesFetcher", Recording)
    neodymium = Mineral.objects.get(slug="neodymium")

    response = Client().get(sheet_url(neodymium, "hi"))

    assert response.status_code == 200
    font = f"{SHEET_ORIGIN}/static/fonts/noto-sans-devanagari-devanagari-400-normal.woff2"
    assert font in requested
    assert all(url.startswith(f"{SHEET_ORIGIN}/static/") for url in requested)


def test_a_draft_change_never_reaches_the_sheet_even_for_staff(content, editor_client):
    space = Sector.objects.get(slug="space")
    data = open_change_form(editor_client, space)
    data["summary"] = "Unpublished words about orbits."
    assert editor_client.post(admin_url(space, "change"), data).status_code == 302
    preview = editor_client.get(f"/sectors/space/?preview=initiatives.sector.{space.pk}")
    assert "Unpublished words about orbits." in preview.content.decode()

    for client, path in [  # a preview first: it must not fill the cache with the draft
        (editor_client, f"/sectors/space/sheet.pdf?preview=initiatives.sector.{space.pk}"),
        (editor_client, "/sectors/space/sheet.pdf"),
        (Client(), "/sectors/space/sheet.pdf"),
    ]:
        caches[settings.PAGE_CACHE_ALIAS].clear()
        text = words(pdf_of(client.get(path)))
        assert "Unpublished words" not in text, path
        assert " ".join(space.summary.split()) in text, path


def test_an_unpublished_item_has_no_sheet_for_anyone(content, editor_client):
    with arranged():
        osmium = Mineral.objects.create(
            slug="osmium", name="Osmium", symbol="Os", summary="Dense.", status=Status.DRAFT
        )

    assert Client().get("/minerals/osmium/sheet.pdf").status_code == 404
    assert editor_client.get("/minerals/osmium/sheet.pdf").status_code == 404
    preview = f"/minerals/osmium/sheet.pdf?preview=minerals.mineral.{osmium.pk}"
    assert editor_client.get(preview).status_code == 404
    assert Client().get("/hi/minerals/no-such-mineral/sheet.pdf").status_code == 404


def test_a_sheet_is_served_from_the_cache_until_a_publish_changes_it(content, django_user_model):
    reader = Client()
    first = reader.get("/sectors/space/sheet.pdf")
    second = reader.get("/sectors/space/sheet.pdf")
    assert (first["X-Sheet-Cache"], second["X-Sheet-Cache"]) == ("miss", "hit")
    assert first.content == second.content

    publisher = logged_in(Client, member_of(django_user_model, "paula", PUBLISHER))
    space = Sector.objects.get(slug="space")
    data = open_change_form(publisher, space)
    data.update(summary="Launchers, satellites and the ground stations.", _publish="Publish")
    assert publisher.post(admin_url(space, "change"), data).status_code == 302

    third = reader.get("/sectors/space/sheet.pdf")
    assert third["X-Sheet-Cache"] == "miss"
    assert "Launchers, satellites and the ground stations." in words(pdf_of(third))
    assert third["ETag"] != first["ETag"]
    hindi = reader.get("/hi/sectors/space/sheet.pdf")
    assert hindi["X-Sheet-Cache"] == "miss"


def test_a_sheet_makes_as_many_queries_however_many_items_it_lists(content):
    from django.contrib.contenttypes.models import ContentType
    from django.db import connection
    from django.test.utils import CaptureQueriesContext

    from initiatives.models import Country, Figure, Milestone
    from tests.factories import grow_content

    def queries_for_trust():
        caches[settings.PAGE_CACHE_ALIAS].clear()
        page_cache._schedule = page_cache.Schedule()  # worked out anew, as after any write
        with CaptureQueriesContext(connection) as queries:
            assert Client().get("/initiatives/trust/sheet.pdf").status_code == 200
        return len(queries)

    ContentType.objects.get_for_model(Initiative)  # cached per process after the first time
    before = queries_for_trust()
    grow_content(times=10)
    trust = Initiative.objects.get(slug="trust")
    with arranged():
        trust.sectors.add(*Sector.objects.all())
        trust.partners.add(*Country.objects.all())
        trust.minerals.add(*Mineral.objects.all())
        Figure.objects.update(initiative=trust)
        Milestone.objects.update(initiative=trust)
        Initiative.objects.filter(slug__startswith="initiative-").update(parent=trust)

    assert queries_for_trust() == before
