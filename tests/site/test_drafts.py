"""A draft is nowhere a reader can reach: not its page, nor any list, search, feed or sitemap."""

import pytest

from publishing.models import Publishable
from tests.factories import (
    ApplicationFactory,
    FigureFactory,
    InitiativeFactory,
    MilestoneFactory,
    MineralFactory,
    SectorFactory,
    arranged,
)

DRAFT = Publishable.Status.DRAFT
SECRET = "Zyxwortium"

pytestmark = pytest.mark.django_db


@pytest.fixture
def drafts(content):
    sector = SectorFactory(name=f"{SECRET} sector", slug="draft-sector", status=DRAFT)
    initiative = InitiativeFactory(
        name=f"{SECRET} initiative", slug="draft-initiative", status=DRAFT, sectors=[sector]
    )
    mineral = MineralFactory(name=f"{SECRET} mineral", slug="draft-mineral", status=DRAFT)
    MilestoneFactory(title=f"{SECRET} milestone", slug="draft-milestone", status=DRAFT)
    FigureFactory(label=f"{SECRET} figure", slug="draft-figure", status=DRAFT, initiative=None)
    return {"sector": sector, "initiative": initiative, "mineral": mineral}


@pytest.mark.parametrize(
    "path", ["/initiatives/draft-initiative/", "/sectors/draft-sector/", "/minerals/draft-mineral/"]
)
def test_draft_detail_page_is_a_404(client, drafts, path):
    assert client.get(path).status_code == 404


@pytest.mark.parametrize(
    "path",
    [
        "/",
        "/initiatives/",
        "/sectors/",
        "/minerals/",
        "/minerals/matrix/",
        "/figures/",
        "/figures/figures.csv",
        "/timeline/",
        f"/search/?q={SECRET}",
        "/feed/",
        "/sitemap.xml",
    ],
)
def test_drafts_are_absent_from_lists_search_feed_and_sitemap(client, drafts, path):
    response = client.get(path)
    assert response.status_code == 200
    body = b"".join(response).decode()
    if path.startswith("/search/"):
        assert "No results for" in body
    else:
        assert SECRET not in body
    assert "draft-" not in body


def test_published_items_never_link_to_a_draft_neighbour(client, content, drafts):
    """Published neighbours of drafts still render, without the link to the draft."""
    from initiatives.models import Initiative, Sector
    from minerals.models import Mineral

    trust = Initiative.objects.get(slug="trust")
    with arranged():
        trust.sectors.add(drafts["sector"])
        drafts["mineral"].initiatives.add(trust)
    ApplicationFactory(mineral=drafts["mineral"], sector=Sector.objects.get(slug="defence"))
    child = Initiative.objects.get(slug="strategic-mineral-recovery-initiative")
    child.parent = drafts["initiative"]
    with arranged():
        child.save()
    lithium = Mineral.objects.get(slug="lithium")
    ApplicationFactory(mineral=lithium, sector=drafts["sector"], use=f"{SECRET} use")
    for path in (
        "/initiatives/trust/",
        "/initiatives/strategic-mineral-recovery-initiative/",
        "/sectors/defence/",
        "/minerals/lithium/",
        "/minerals/matrix/",
    ):
        response = client.get(path)
        assert response.status_code == 200, path
        assert SECRET not in response.content.decode(), path


def test_publishing_a_draft_makes_it_appear(client, drafts):
    mineral = drafts["mineral"]
    mineral.status = Publishable.Status.PUBLISHED
    with arranged():
        mineral.save()
    assert client.get("/minerals/draft-mineral/").status_code == 200
    assert SECRET in client.get("/minerals/").content.decode()
