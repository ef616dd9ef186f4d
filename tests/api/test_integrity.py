"""Drafts never leak through links; the models' own rules hold on API writes."""

import pytest

from initiatives.models import Figure, Initiative, Sector
from publishing.models import Publishable
from tests.factories import ApplicationFactory, InitiativeFactory, SectorFactory

pytestmark = pytest.mark.django_db

DRAFT = Publishable.Status.DRAFT


def test_published_item_does_not_link_to_a_draft(api, publisher_api, content):
    draft_sector = SectorFactory(status=DRAFT, slug="secret-sector")
    draft_parent = InitiativeFactory(status=DRAFT, slug="secret-plan")
    initiative = InitiativeFactory(sectors=[draft_sector], parent=draft_parent)

    public = api.get(f"/api/v1/initiatives/{initiative.slug}/").json()
    staff = publisher_api.get(f"/api/v1/initiatives/{initiative.slug}/").json()

    assert public["sectors"] == [] and public["parent"] is None
    assert "secret" not in str(public)
    assert staff["sectors"][0].endswith("/sectors/secret-sector/")
    assert staff["parent"].endswith("/initiatives/secret-plan/")


def test_application_of_a_draft_mineral_is_hidden(api, content):
    application = ApplicationFactory(mineral__status=DRAFT)

    assert api.get(f"/api/v1/applications/{application.slug}/").status_code == 404
    listed = api.get("/api/v1/applications/", {"page_size": 100}).json()["results"]
    assert application.slug not in {item["slug"] for item in listed}


def test_draft_slug_is_not_accepted_as_a_filter_by_anonymous(api, publisher_api, content):
    SectorFactory(status=DRAFT, slug="secret-sector")

    assert api.get("/api/v1/initiatives/", {"sector": "secret-sector"}).status_code == 400
    assert publisher_api.get("/api/v1/initiatives/", {"sector": "secret-sector"}).status_code == 200


def test_initiative_cannot_become_part_of_its_own_part(publisher_api, content):
    response = publisher_api.patch(
        "/api/v1/initiatives/trust/",
        {"parent": "strategic-mineral-recovery-initiative"},
        format="json",
    )

    assert response.status_code == 400
    assert "parent" in response.json()
    assert Initiative.objects.get(slug="trust").parent is None


@pytest.mark.parametrize(
    ("change", "field"),
    [
        ({"value": "-5"}, "value"),
        ({"unit": "rank", "value": "2.5"}, "value"),
        ({"value": "101"}, "value"),
        ({"part_of": "critical-minerals-import-bill-fy24"}, "part_of"),
    ],
    ids=["negative", "fractional-rank", "percentage-above-100", "part-in-other-unit"],
)
def test_figure_rules_hold_on_api_writes(publisher_api, content, change, field):
    before = Figure.objects.get(slug="china-share-of-ree-production")

    response = publisher_api.patch(
        "/api/v1/figures/china-share-of-ree-production/", change, format="json"
    )

    assert response.status_code == 400
    assert field in response.json()
    after = Figure.objects.get(slug="china-share-of-ree-production")
    assert (after.value, after.unit, after.part_of) == (before.value, before.unit, None)


def test_partial_update_is_checked_against_the_stored_fields(publisher_api, content):
    """Only `precision` is sent; the stored year-only date makes day precision invalid."""
    response = publisher_api.patch(
        "/api/v1/milestones/icet-launched/", {"precision": "day"}, format="json"
    )

    assert response.status_code == 400
    assert {"month", "day"} <= set(response.json())


def test_february_30th_is_refused(publisher_api, content):
    response = publisher_api.post(
        "/api/v1/milestones/",
        {
            "slug": "feb-30",
            "title": "Impossible",
            "year": 2025,
            "month": 2,
            "day": 30,
            "precision": "day",
        },
        format="json",
    )

    assert response.status_code == 400
    assert "February 2025 has 28 days" in response.json()["day"][0]


def test_duplicate_application_answers_400(publisher_api, content):
    response = publisher_api.post(
        "/api/v1/applications/",
        {"slug": "neodymium-again", "mineral": "neodymium", "sector": "defence", "use": "x"},
        format="json",
    )

    assert response.status_code == 400
    assert "non_field_errors" in response.json()


def test_link_read_from_the_api_is_accepted_as_a_relation(publisher_api, content):
    link = publisher_api.get("/api/v1/sectors/space/").json()["url"]

    response = publisher_api.patch(
        "/api/v1/initiatives/icet/", {"sectors": [link, "energy"]}, format="json"
    )

    assert response.status_code == 200, response.json()
    assert set(Initiative.objects.get(slug="icet").sectors.values_list("slug", flat=True)) == {
        "space",
        "energy",
    }


@pytest.mark.parametrize("slug", ["time-travel", "nul\x00byte", "http://elsewhere/x/"])
def test_unknown_related_slug_answers_400_naming_it(publisher_api, content, slug):
    def sectors():
        return set(Initiative.objects.get(slug="icet").sectors.values_list("slug", flat=True))

    before = sectors()

    response = publisher_api.patch(
        "/api/v1/initiatives/icet/", {"sectors": ["space", slug]}, format="json"
    )

    assert response.status_code == 400
    assert slug in response.json()["sectors"][0]
    assert sectors() == before


def test_deleting_an_item_still_in_use_answers_409_and_keeps_it(publisher_api, content):
    response = publisher_api.delete("/api/v1/sectors/defence/")

    assert response.status_code == 409
    assert "Neodymium" in response.json()["detail"]
    assert Sector.objects.filter(slug="defence").exists()


def test_slug_with_characters_outside_a_slug_is_not_found(api, content):
    assert api.get("/api/v1/sectors/de%00fence/").status_code == 404
