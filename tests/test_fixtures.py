"""The fixtures carry every fact of the source text, and load idempotently."""

from decimal import Decimal

import pytest
from django.core.management import call_command

from initiatives.models import (
    Country,
    Figure,
    Initiative,
    Milestone,
    Organization,
    Point,
    Section,
    Sector,
    Source,
)
from minerals.models import Application, Mineral

from .conftest import CONTENT_FIXTURES

pytestmark = pytest.mark.django_db

CONTENT_MODELS = [
    Source,
    Sector,
    Country,
    Organization,
    Initiative,
    Section,
    Point,
    Milestone,
    Figure,
    Mineral,
    Application,
]

# The source's "Importance of Critical Minerals" list: mineral -> {sector: words of its use}.
MINERAL_USES = {
    "neodymium": {"defence": "magnets for missiles, fighter jets, and radars"},
    "praseodymium": {"defence": "magnets for missiles, fighter jets, and radars"},
    "samarium": {"defence": "magnets for missiles, fighter jets, and radars"},
    "lithium": {
        "energy": "batteries for energy storage and electric vehicles",
        "pharmaceuticals": "pharma",
    },
    "cobalt": {"energy": "batteries for energy storage and electric vehicles"},
    "nickel": {"energy": "batteries for energy storage and electric vehicles"},
    "gallium": {"semiconductors": "semiconductors", "artificial-intelligence": "AI hardware"},
    "indium": {"semiconductors": "semiconductors", "artificial-intelligence": "AI hardware"},
    "silicon": {"quantum-technology": "quantum computing"},
    "scandium": {"space": "space technology"},
    "europium": {"biotechnology": "medical diagnostics"},
    "terbium": {"biotechnology": "medical diagnostics"},
    "magnesium": {"pharmaceuticals": "pharma"},
    "zinc": {"pharmaceuticals": "pharma"},
    "selenium": {"pharmaceuticals": "pharma"},
}

CRORE = Decimal(10_000_000)
# slug -> (value, unit, qualifier, period)
FIGURES = {
    "china-share-of-ree-production": (Decimal(70), "percent", "nearly", ""),
    "critical-minerals-import-bill-fy24": (30_000 * CRORE, "INR", "approximately", "FY24"),
    "phosphorus-imports-fy24": (12_648 * CRORE, "INR", "", "FY24"),
    "ncmm-outlay": (16_300 * CRORE, "INR", "", "January 2025"),
    "ncmm-exploration": (7_000 * CRORE, "INR", "", "January 2025"),
    "ncmm-recycling-incentives": (1_500 * CRORE, "INR", "", "January 2025"),
    "msp-member-countries": (Decimal(14), "count", "", ""),
    "india-consumer-goods-exports-to-us-2023": (Decimal(20_000_000_000), "USD", "", "2023"),
    "pharma-share-of-consumer-goods-exports-2023": (Decimal("21.9"), "percent", "", "2023"),
    "india-api-manufacturer-rank": (Decimal(2), "rank", "", ""),
}

# slug -> (year, month, day, precision, expected, as displayed)
MILESTONES = {
    "icet-launched": (2022, None, None, "year", False, "2022"),
    "chips-act-itsi-fund": (2022, None, None, "year", False, "2022"),
    "india-joins-msp": (2023, None, None, "year", False, "2023"),
    "india-joins-msfn": (2024, None, None, "year", False, "2024"),
    "ncmm-approved": (2025, 1, None, "month", False, "January 2025"),
    "ai-infrastructure-roadmap": (2025, None, None, "year", True, "by the end of 2025"),
}


def content_counts():
    return {model.__name__: model.objects.count() for model in CONTENT_MODELS}


def test_every_mineral_of_the_source_has_its_applications_and_sectors(content):
    for slug, uses in MINERAL_USES.items():
        mineral = Mineral.objects.get(slug=slug)
        applications = {a.sector.slug: a.use for a in mineral.applications.select_related("sector")}
        assert set(applications) == set(uses), slug
        for sector, words in uses.items():
            assert words.lower() in applications[sector].lower(), (slug, sector)
    assert (
        Mineral.objects.get(slug="phosphorus")
        .figures.filter(slug="phosphorus-imports-fy24")
        .exists()
    )


def test_every_mineral_has_a_symbol_and_a_group(content):
    symbols = dict(Mineral.objects.values_list("slug", "symbol"))
    assert symbols["neodymium"] == "Nd" and symbols["silicon"] == "Si"
    assert symbols["phosphorus"] == "P"
    assert set(Mineral.objects.filter(group="rare-earth").values_list("slug", flat=True)) >= {
        "neodymium",
        "praseodymium",
        "samarium",
        "europium",
        "terbium",
    }


def test_every_initiative_of_the_source_is_there(content):
    names = set(Initiative.objects.values_list("acronym", flat=True))
    assert {"TRUST", "iCET", "MSP", "ITSI Fund", "INDUS-X", "NCMM"} <= names
    recovery = Initiative.objects.get(slug="strategic-mineral-recovery-initiative")
    assert recovery.parent.slug == "trust"
    recovery_points = " ".join(
        Point.objects.filter(section__initiative=recovery).values_list("text", flat=True)
    )
    for industry in ("Aluminum", "Coal mining", "Oil and gas"):
        assert industry in recovery_points
    indus_x = Initiative.objects.get(slug="indus-x")
    assert set(indus_x.organizations.values_list("acronym", flat=True)) == {"iDEX", "DIU"}


def test_trust_has_its_sectors_features_and_significance(content):
    trust = Initiative.objects.get(slug="trust")
    sectors = set(trust.sectors.values_list("name", flat=True))
    assert {
        "Artificial Intelligence",
        "Semiconductors",
        "Quantum Technology",
        "Biotechnology",
        "Energy",
        "Space",
        "Defence",
    } <= sectors
    headings = list(trust.sections.values_list("kind", "heading"))
    assert ("feature", "Cooperation in Critical Minerals Sector") in headings
    assert ("feature", "Cooperation in Pharmaceutical Sector") in headings
    assert ("feature", "Cooperation in Artificial Intelligence") in headings
    significance = [h for kind, h in headings if kind == "significance"]
    assert significance == [
        "Enhancing Bilateral Trade",
        "Boosting Innovation",
        "Diversifying Supply Chains",
        "Countering China",
        "Broadening Collaboration Scope",
    ]
    assert Point.objects.filter(section__initiative=trust).count() == 19
    assert set(trust.partners.values_list("iso_code", flat=True)) == {"IN", "US"}


def test_every_figure_has_its_value_unit_and_period(content):
    for slug, (value, unit, qualifier, period) in FIGURES.items():
        figure = Figure.objects.get(slug=slug)
        assert (figure.value, figure.unit, figure.qualifier, figure.period) == (
            value,
            unit,
            qualifier,
            period,
        ), slug
    assert Figure.objects.count() == len(FIGURES)
    assert "lithium" in Figure.objects.get(slug="critical-minerals-import-bill-fy24").notes
    assert Figure.objects.get(slug="ncmm-exploration").part_of.slug == "ncmm-outlay"


def test_figures_display_as_the_source_writes_them(content):
    shown = {f.slug: f.display_value for f in Figure.objects.all()}
    assert shown["critical-minerals-import-bill-fy24"] == "approximately ₹30,000 crore"
    assert shown["china-share-of-ree-production"] == "nearly 70%"
    assert shown["india-consumer-goods-exports-to-us-2023"] == "$20 billion"
    assert shown["india-api-manufacturer-rank"] == "2nd"


def test_every_milestone_has_its_date_and_precision(content):
    for slug, (year, month, day, precision, expected, shown) in MILESTONES.items():
        milestone = Milestone.objects.get(slug=slug)
        assert (milestone.year, milestone.month, milestone.day) == (year, month, day), slug
        assert milestone.precision == precision, slug
        assert milestone.expected is expected, slug
        assert milestone.display_date == shown, slug
    assert Milestone.objects.count() == len(MILESTONES)


def test_every_public_item_is_published_and_cites_the_source(content):
    for model in CONTENT_MODELS:
        if model in (Section, Point):
            continue
        assert not model.objects.exclude(status="published").exists(), model
        if model is not Source:
            assert not model.objects.filter(sources=None).exists(), model


def test_loading_the_fixtures_twice_changes_nothing(content):
    before = content_counts()
    call_command("loaddata", *CONTENT_FIXTURES, verbosity=0)
    assert content_counts() == before
    assert all(before.values())


def test_dump_flush_and_load_give_the_same_content_back(content, tmp_path):
    dump = tmp_path / "content.json"
    call_command(
        "dumpdata",
        "initiatives",
        "minerals",
        natural_foreign=True,
        natural_primary=True,
        output=str(dump),
        verbosity=0,
    )
    before = content_counts()
    shown_before = sorted(str(f) for f in Figure.objects.all())
    call_command("flush", interactive=False, verbosity=0)
    assert sum(content_counts().values()) == 0

    call_command("loaddata", str(dump), verbosity=0)
    assert content_counts() == before
    assert sorted(str(f) for f in Figure.objects.all()) == shown_before
