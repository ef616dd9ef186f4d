"""Factories for content beyond the fixtures: drafts, edge cases, and ten times the volume."""

from contextlib import contextmanager
from decimal import Decimal

import factory
from factory.django import DjangoModelFactory as BaseModelFactory

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
from publishing.guard import loading
from publishing.models import Publishable
from publishing.profile import NewTokenForm

PUBLISHED = Publishable.Status.PUBLISHED


def api_token_for(user, name="tests", lifetime="never"):
    """The key of a new API token of ``user``'s, made as they make one on their profile."""
    form = NewTokenForm({"name": name, "lifetime": lifetime})
    if not form.is_valid():
        raise ValueError(f"No token for {user}: {form.errors.as_text()}")
    _token, key = form.issue(user)
    return key


@contextmanager
def arranged():
    """Content a test sets up directly, as fixtures set it up: past the workflow's guard,
    which refuses every other write that does not go through the workflow."""
    with loading():
        yield


class DjangoModelFactory(BaseModelFactory):
    """Factories arrange content as fixtures do (see :func:`arranged`)."""

    class Meta:
        abstract = True

    @classmethod
    def _generate(cls, strategy, params):
        with arranged():
            return super()._generate(strategy, params)


CODES_IN_FIXTURES = {"CN", "IN", "US"}


def unused_country_code(n):
    """Two capital letters that no fixture country uses."""
    code = f"{chr(65 + n // 26 % 26)}{chr(65 + n % 26)}"
    return f"Z{code[1]}" if code in CODES_IN_FIXTURES else code


class SourceFactory(DjangoModelFactory):
    class Meta:
        model = Source
        django_get_or_create = ["slug"]

    title = factory.Sequence(lambda n: f"Source document {n}")
    slug = factory.Sequence(lambda n: f"source-{n}")
    status = PUBLISHED


class SourcedFactory(DjangoModelFactory):
    status = PUBLISHED

    class Meta:
        abstract = True
        skip_postgeneration_save = True

    @factory.post_generation
    def sources(self, create, extracted, **kwargs):
        if create:
            self.sources.set(extracted if extracted is not None else [SourceFactory()])


class SectorFactory(SourcedFactory):
    class Meta:
        model = Sector

    name = factory.Sequence(lambda n: f"Sector {n}")
    slug = factory.Sequence(lambda n: f"sector-{n}")
    summary = factory.LazyAttribute(lambda o: f"What {o.name} covers.")


class CountryFactory(SourcedFactory):
    class Meta:
        model = Country

    name = factory.Sequence(lambda n: f"Country {n}")
    slug = factory.Sequence(lambda n: f"country-{n}")
    iso_code = factory.Sequence(lambda n: unused_country_code(n))


class OrganizationFactory(SourcedFactory):
    class Meta:
        model = Organization

    name = factory.Sequence(lambda n: f"Organization {n}")
    slug = factory.Sequence(lambda n: f"organization-{n}")
    acronym = factory.Sequence(lambda n: f"ORG{n}")
    country = factory.SubFactory(CountryFactory)


class InitiativeFactory(SourcedFactory):
    class Meta:
        model = Initiative

    name = factory.Sequence(lambda n: f"Initiative {n}")
    slug = factory.Sequence(lambda n: f"initiative-{n}")
    acronym = factory.Sequence(lambda n: f"IN{n}")
    summary = factory.LazyAttribute(lambda o: f"What {o.name} sets out to do.")
    body = "A *Markdown* body."
    launched_year = 2024

    @factory.post_generation
    def sectors(self, create, extracted, **kwargs):
        if create and extracted:
            self.sectors.set(extracted)

    @factory.post_generation
    def partners(self, create, extracted, **kwargs):
        if create and extracted:
            self.partners.set(extracted)


class SectionFactory(DjangoModelFactory):
    class Meta:
        model = Section

    initiative = factory.SubFactory(InitiativeFactory)
    heading = factory.Sequence(lambda n: f"Section {n}")
    slug = factory.Sequence(lambda n: f"section-{n}")
    position = factory.Sequence(int)


class PointFactory(DjangoModelFactory):
    class Meta:
        model = Point

    section = factory.SubFactory(SectionFactory)
    text = factory.Sequence(lambda n: f"Point number {n}.")
    position = factory.Sequence(int)


class MilestoneFactory(SourcedFactory):
    class Meta:
        model = Milestone

    title = factory.Sequence(lambda n: f"Milestone {n}")
    slug = factory.Sequence(lambda n: f"milestone-{n}")
    year = 2024
    precision = Milestone.Precision.YEAR
    initiative = factory.SubFactory(InitiativeFactory)


class FigureFactory(SourcedFactory):
    class Meta:
        model = Figure

    label = factory.Sequence(lambda n: f"Figure {n}")
    slug = factory.Sequence(lambda n: f"figure-{n}")
    value = Decimal("42")
    unit = Figure.Unit.PERCENT
    period = "2024"
    initiative = factory.SubFactory(InitiativeFactory)


class MineralFactory(SourcedFactory):
    class Meta:
        model = Mineral

    name = factory.Sequence(lambda n: f"Mineral {n}")
    slug = factory.Sequence(lambda n: f"mineral-{n}")
    symbol = "Xx"
    group = Mineral.Group.OTHER
    summary = factory.LazyAttribute(lambda o: f"What {o.name} is used for.")


class ApplicationFactory(SourcedFactory):
    class Meta:
        model = Application

    mineral = factory.SubFactory(MineralFactory)
    sector = factory.SubFactory(SectorFactory)
    slug = factory.Sequence(lambda n: f"application-{n}")
    use = factory.Sequence(lambda n: f"Use number {n}")


def grow_content(times=10):
    """Add ``times`` as many linked items as the fixtures hold, for query-count tests."""
    source = SourceFactory(slug="growth-source")
    for _ in range(times):
        sectors = SectorFactory.create_batch(2, sources=[source])
        countries = CountryFactory.create_batch(1, sources=[source])
        initiative = InitiativeFactory(sectors=sectors, partners=countries, sources=[source])
        section = SectionFactory(initiative=initiative)
        PointFactory.create_batch(3, section=section)
        MilestoneFactory(initiative=initiative, sources=[source])
        figure = FigureFactory(initiative=initiative, country=countries[0], sources=[source])
        for sector in sectors:
            mineral = MineralFactory(sources=[source])
            with arranged():
                mineral.initiatives.add(initiative)
                mineral.figures.add(figure)
            ApplicationFactory(mineral=mineral, sector=sector, sources=[source])
