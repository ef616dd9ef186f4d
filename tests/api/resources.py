"""What the tests need to know about each API resource, so tests are written once."""

from dataclasses import dataclass, field

from initiatives.models import Country, Figure, Initiative, Milestone, Organization, Sector, Source
from minerals.models import Application, Mineral
from tests import factories


@dataclass
class Resource:
    basename: str
    model: type
    factory: type
    #: A valid new item, relations given by slug, as an editor's script writes it.
    new: dict
    #: A change and the field it touches.
    change: dict
    #: Bad data and the field its 400 names.
    bad: dict
    bad_field: str
    #: (query, slugs expected in the fixtures' content), each narrowing the list.
    filters: list = field(default_factory=list)

    def __str__(self):
        return self.basename

    @property
    def list_url(self):
        return f"/api/v1/{self.basename}/"

    def detail_url(self, slug):
        return f"/api/v1/{self.basename}/{slug}/"


SOURCE_SLUG = "trust-initiative-source-text"

RESOURCES = [
    Resource(
        "sources",
        Source,
        factories.SourceFactory,
        new={
            "slug": "new-source",
            "title": "A new report",
            "document_url": "https://example.org/r",
        },
        change={"publisher": "Ministry of Mines"},
        bad={"slug": "bad-source", "title": "A report", "document_url": "not a link"},
        bad_field="document_url",
        filters=[({"search": "TRUST"}, {SOURCE_SLUG}), ({"search": "nowhere-to-be-found"}, set())],
    ),
    Resource(
        "sectors",
        Sector,
        factories.SectorFactory,
        new={"slug": "robotics", "name": "Robotics", "sources": [SOURCE_SLUG]},
        change={"summary": "Machines that sense and act."},
        bad={"slug": "not a slug!", "name": "Robotics"},
        bad_field="slug",
        filters=[
            ({"search": "quantum"}, {"quantum-technology"}),
            ({"initiative": "national-critical-minerals-mission"}, {"critical-minerals"}),
        ],
    ),
    Resource(
        "countries",
        Country,
        factories.CountryFactory,
        new={"slug": "japan", "name": "Japan", "iso_code": "JP", "sources": [SOURCE_SLUG]},
        change={"summary": "A partner in the Quad."},
        bad={"slug": "japan", "name": "Japan", "iso_code": "jp"},
        bad_field="iso_code",
        filters=[({"search": "china"}, {"china"})],
    ),
    Resource(
        "organizations",
        Organization,
        factories.OrganizationFactory,
        new={"slug": "isro", "name": "Indian Space Research Organisation", "country": "india"},
        change={"acronym": "MSFN"},
        bad={"slug": "atlantis-agency", "name": "Atlantis Agency", "country": "atlantis"},
        bad_field="country",
        filters=[
            ({"country": "india"}, {"idex"}),
            ({"search": "DIU"}, {"defense-innovation-unit"}),
        ],
    ),
    Resource(
        "initiatives",
        Initiative,
        factories.InitiativeFactory,
        new={
            "slug": "quantum-bridge",
            "name": "Quantum Bridge",
            "summary": "A joint quantum research programme.",
            "parent": "trust",
            "sectors": ["quantum-technology", "semiconductors"],
            "partners": ["india", "united-states"],
            "launched_year": 2025,
        },
        change={"acronym": "T-R-U-S-T"},
        bad={"slug": "too-old", "name": "Too old", "summary": "s", "launched_year": 1800},
        bad_field="launched_year",
        filters=[
            ({"launched_min": 2022, "launched_max": 2022}, {"icet", "itsi-fund"}),
            ({"launched_min": 2025}, {"national-critical-minerals-mission"}),
            ({"parent": "trust"}, {"strategic-mineral-recovery-initiative"}),
        ],
    ),
    Resource(
        "milestones",
        Milestone,
        factories.MilestoneFactory,
        new={
            "slug": "quantum-bridge-signed",
            "title": "Quantum Bridge signed",
            "year": 2025,
            "month": 3,
            "precision": "month",
            "initiative": "trust",
            "countries": ["india"],
        },
        change={"description": "Both governments signed."},
        bad={"slug": "no-day", "title": "No day", "year": 2025, "month": 2, "precision": "day"},
        bad_field="day",
        filters=[
            ({"expected": "true"}, {"ai-infrastructure-roadmap"}),
            ({"year_min": 2023, "year_max": 2023}, {"india-joins-msp"}),
            ({"year_min": 2025, "expected": "false"}, {"ncmm-approved"}),
        ],
    ),
    Resource(
        "figures",
        Figure,
        factories.FigureFactory,
        new={
            "slug": "lithium-import-share",
            "label": "Share of lithium imported",
            "value": "99.5",
            "unit": "percent",
            "qualifier": "nearly",
            "country": "india",
        },
        change={"notes": "Checked against the budget."},
        bad={"slug": "too-much", "label": "Too much", "value": "150", "unit": "percent"},
        bad_field="value",
        filters=[
            ({"unit": "rank"}, {"india-api-manufacturer-rank"}),
            ({"period": "fy24"}, {"critical-minerals-import-bill-fy24", "phosphorus-imports-fy24"}),
            (
                {"initiative": "national-critical-minerals-mission", "unit": "INR"},
                {"ncmm-outlay", "ncmm-exploration", "ncmm-recycling-incentives"},
            ),
            (
                {"mineral": "phosphorus"},
                {"phosphorus-imports-fy24", "critical-minerals-import-bill-fy24"},
            ),
        ],
    ),
    Resource(
        "minerals",
        Mineral,
        factories.MineralFactory,
        new={
            "slug": "dysprosium",
            "name": "Dysprosium",
            "symbol": "Dy",
            "group": "rare-earth",
            "initiatives": ["trust"],
        },
        change={"summary": "Used in permanent magnets."},
        bad={"slug": "dysprosium", "name": "Dysprosium", "symbol": "dy", "group": "rare-earth"},
        bad_field="symbol",
        filters=[
            ({"group": "battery"}, {"lithium", "cobalt", "nickel"}),
            ({"sector": "defence"}, {"neodymium", "praseodymium", "samarium"}),
            (
                {"rare_earth": "true"},
                {"neodymium", "praseodymium", "samarium", "europium", "terbium", "scandium"},
            ),
            ({"rare_earth": "false", "sector": "semiconductors"}, {"gallium", "indium"}),
        ],
    ),
    Resource(
        "applications",
        Application,
        factories.ApplicationFactory,
        new={
            "slug": "neodymium-in-energy",
            "mineral": "neodymium",
            "sector": "energy",
            "use": "Magnets for wind turbines",
        },
        change={"use": "Magnets for missiles, fighter jets and radars"},
        bad={
            "slug": "unobtainium-in-space",
            "mineral": "unobtainium",
            "sector": "space",
            "use": "x",
        },
        bad_field="mineral",
        filters=[
            ({"mineral": "lithium"}, {"lithium-in-energy", "lithium-in-pharmaceuticals"}),
            ({"mineral": "gallium", "sector": "semiconductors"}, {"gallium-in-semiconductors"}),
            (
                {"sector": "defence"},
                {"neodymium-in-defence", "praseodymium-in-defence", "samarium-in-defence"},
            ),
        ],
    ),
]

BY_NAME = {resource.basename: resource for resource in RESOURCES}


def slugs(response):
    return {item["slug"] for item in response.json()["results"]}


def text_of(response):
    """The body as text, whether the answer was streamed (a whole-list CSV) or not."""
    if response.streaming:
        return b"".join(response.streaming_content).decode()
    return response.content.decode()
