"""Each page type answers and shows what a reader comes to it for, from the real content."""

import pytest

from tests.factories import arranged

from .conftest import parse, text_of

pytestmark = pytest.mark.django_db


def test_home_explains_trust_with_its_aims_sectors_figures_and_milestones(client, content):
    response = client.get("/")
    assert response.status_code == 200
    text = text_of(response)
    assert "Transforming the Relationship Utilizing Strategic Technology" in text
    assert "Aims of TRUST" in text
    for sector in ("Semiconductors", "Defence", "Quantum Technology", "Pharmaceuticals"):
        assert sector in text
    assert "nearly 70%" in text
    assert "by the end of 2025" in text
    links = parse(response).links
    for page in ("/initiatives/", "/sectors/", "/minerals/", "/minerals/matrix/", "/figures/"):
        assert page in links
    assert "/timeline/" in links and "/about/" in links and "/search/" in links


def test_initiative_index_lists_every_published_initiative(client, content):
    response = client.get("/initiatives/")
    assert response.status_code == 200
    text = text_of(response)
    for name in (
        "U.S.-India TRUST Initiative",
        "Strategic Mineral Recovery Initiative",
        "Initiative on Critical and Emerging Technology",
        "Minerals Security Partnership",
        "INDUS-X",
        "National Critical Minerals Mission",
    ):
        assert name in text
    assert "/initiatives/strategic-mineral-recovery-initiative/" in parse(response).links


def test_initiative_page_shows_sections_neighbours_sources_and_citation(client, content):
    response = client.get("/initiatives/trust/")
    assert response.status_code == 200
    text = text_of(response)
    page = parse(response)
    assert [level for level, _ in page.headings].count(1) == 1
    assert "Cooperation in Critical Minerals Sector" in text
    assert "Countering China" in text
    assert "India, United States" in text
    assert "/initiatives/strategic-mineral-recovery-initiative/" in page.links
    assert "/sectors/artificial-intelligence/" in page.links
    assert "/about/#source-trust-initiative-source-text" in page.links
    assert "/timeline/ai-infrastructure-roadmap/" in page.links
    assert "Cite this page" in text
    assert "trustsite. (2026, November 25). U.S.-India TRUST Initiative" in text
    assert 'href="/initiatives/trust/cite.bib"' in response.content.decode()


def test_child_initiative_links_back_to_its_parent(client, content):
    response = client.get("/initiatives/strategic-mineral-recovery-initiative/")
    assert response.status_code == 200
    assert "/initiatives/trust/" in parse(response).links


def test_sector_index_lists_sectors_with_the_minerals_they_depend_on(client, content):
    response = client.get("/sectors/")
    assert response.status_code == 200
    text = text_of(response)
    assert "Wireless Communication" in text
    links = parse(response).links
    assert "/sectors/defence/" in links
    assert "/minerals/neodymium/" in links


def test_sector_page_lists_minerals_with_their_application_and_its_initiatives(client, content):
    response = client.get("/sectors/defence/")
    assert response.status_code == 200
    text = text_of(response)
    for mineral in ("Neodymium", "Praseodymium", "Samarium"):
        assert mineral in text
    assert "High-performance magnets for missiles, fighter jets, and radars" in text
    links = parse(response).links
    assert "/minerals/neodymium/#application-neodymium-in-defence" in links
    assert any(link.startswith("/initiatives/") and link != "/initiatives/" for link in links)
    assert "Cite this page" in text


def test_mineral_index_lists_every_published_mineral(client, content):
    response = client.get("/minerals/")
    assert response.status_code == 200
    text = text_of(response)
    assert "16 minerals" in text
    for name in ("Neodymium", "Lithium", "Gallium", "Silicon (ultra-pure)", "Selenium"):
        assert name in text


def test_mineral_page_shows_applications_by_sector_figures_and_initiatives(client, content):
    response = client.get("/minerals/neodymium/")
    assert response.status_code == 200
    text = text_of(response)
    page = parse(response)
    assert "Rare earth element" in text
    assert "application-neodymium-in-defence" in page.ids
    assert "/sectors/defence/" in page.links
    assert "nearly 70%" in text
    assert any(link.startswith("/initiatives/") and link != "/initiatives/" for link in page.links)
    assert "trustsite. (2026, November 25). Neodymium (Nd)" in text


def test_matrix_shows_each_application_in_its_mineral_row_and_sector_column(client, content):
    response = client.get("/minerals/matrix/")
    assert response.status_code == 200
    html = response.content.decode()
    assert "<caption" in html and 'scope="col"' in html and 'scope="row"' in html
    row = html[html.index('href="/minerals/lithium/"') :]
    row = row[: row.index("</tr>")]
    assert "Advanced batteries for energy storage and electric vehicles" in row
    assert "Robust supply chains for pharma products" in row
    assert "magnets" not in row


def test_figures_page_shows_every_figure_with_period_qualifier_and_source(client, content):
    response = client.get("/figures/")
    assert response.status_code == 200
    text = text_of(response)
    page = parse(response)
    assert "figure-critical-minerals-import-bill-fy24" in page.ids
    assert "approximately ₹30,000 crore" in text
    assert "₹12,648 crore" in text
    assert "FY24" in text and "Excluding lithium." in text
    assert "2nd" in text and "$20 billion" in text
    assert "/figures/figures.csv" in page.links


def test_figures_page_draws_the_import_bill_budget_split_and_shares_as_svg_with_tables(
    client, content
):
    html = client.get("/figures/").content.decode()
    assert html.count("<svg") == 3
    assert html.count('role="img"') == 3
    heading = 'id="chart-breakdown-critical-minerals-import-bill-fy24-heading"'
    import_chart = html[html.index(heading) :]
    import_chart = import_chart[: import_chart.index("</section>")]
    assert "<title" in import_chart and "<desc" in import_chart
    assert "India&#x27;s phosphorus imports: ₹12,648 crore" in import_chart
    assert "approximately ₹17,352 crore" in import_chart
    assert "<caption>" in import_chart
    budget = html[html.index('id="chart-breakdown-ncmm-outlay-heading"') :]
    budget = budget[: budget.index("</section>")]
    assert "₹7,000 crore" in budget and "₹1,500 crore" in budget and "₹7,800 crore" in budget
    shares = html[html.index('id="chart-shares-heading"') :]
    assert "nearly 70%" in shares[: shares.index("</section>")]


def test_timeline_orders_milestones_marks_expected_ones_and_dates_at_their_precision(
    client, content
):
    response = client.get("/timeline/")
    assert response.status_code == 200
    html = response.content.decode()
    order = [
        html.index('id="milestone-icet-launched"'),
        html.index('id="milestone-india-joins-msp"'),
        html.index('id="milestone-india-joins-msfn"'),
        html.index('id="milestone-ncmm-approved"'),
        html.index('id="milestone-ai-infrastructure-roadmap"'),
    ]
    assert order == sorted(order)
    assert '<time datetime="2025-01">January 2025</time>' in html
    assert '<time datetime="2023">2023</time>' in html
    roadmap = html[html.index('id="milestone-ai-infrastructure-roadmap"') :]
    assert "by the end of 2025" in roadmap[:400] and "Expected" in roadmap[:400]
    ncmm = html[html.index('id="milestone-ncmm-approved"') :]
    assert "Expected" not in ncmm[: ncmm.index("</li>")]


def test_about_page_lists_sources_with_their_anchor(client, content):
    response = client.get("/about/")
    assert response.status_code == 200
    assert "source-trust-initiative-source-text" in parse(response).ids
    assert "India–US TRUST Initiative" in text_of(response)


def test_robots_txt_allows_the_site_and_points_at_the_sitemap(client, content):
    response = client.get("/robots.txt")
    assert response.status_code == 200
    assert response["Content-Type"].startswith("text/plain")
    body = response.content.decode()
    assert "Disallow: /admin/" in body
    assert "Sitemap: http" in body and body.strip().endswith("/sitemap.xml")


def test_sitemap_lists_pages_and_published_items(client, content):
    response = client.get("/sitemap.xml")
    assert response.status_code == 200
    body = response.content.decode()
    for path in ("/minerals/neodymium/", "/sectors/defence/", "/initiatives/trust/", "/timeline/"):
        assert f"{path}</loc>" in body
    assert "<lastmod>2026-11-25</lastmod>" in body


def test_feed_is_atom_with_the_most_recently_updated_item_first(client, content):
    from minerals.models import Mineral

    lithium = Mineral.objects.get(slug="lithium")
    lithium.summary = "Corrected summary."
    with arranged():
        lithium.save()
    response = client.get("/feed/")
    assert response.status_code == 200
    assert response["Content-Type"].startswith("application/atom+xml")
    body = response.content.decode()
    first_entry = body[body.index("<entry>") : body.index("</entry>")]
    assert "Lithium" in first_entry and "/minerals/lithium/" in first_entry


def test_unknown_address_gets_the_friendly_404_page(client, content):
    response = client.get("/no-such-page/")
    assert response.status_code == 404
    text = text_of(response)
    assert "Page not found" in text
    assert 'name="q"' in response.content.decode()
    assert "/" in parse(response).links


def test_unknown_mineral_is_a_404(client, content):
    assert client.get("/minerals/unobtainium/").status_code == 404


@pytest.mark.urls("tests.site.failing_urls")
def test_a_failing_view_gets_the_friendly_500_page(client, content):
    client.raise_request_exception = False
    response = client.get("/broken/")
    assert response.status_code == 500
    html = response.content.decode()
    assert "Something went wrong" in html and 'href="/"' in html
    assert "RuntimeError" not in html


def test_sitemap_locations_use_the_sites_canonical_address(client, content, settings):
    settings.SITE_URL = "https://trust.example.org"
    body = client.get("/sitemap.xml").content.decode()
    assert "<loc>https://trust.example.org/minerals/neodymium/</loc>" in body
    canonical = client.get("/minerals/neodymium/").content.decode()
    assert (
        '<link rel="canonical" href="https://trust.example.org/minerals/neodymium/">' in canonical
    )
