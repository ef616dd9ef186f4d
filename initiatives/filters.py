"""Filters for the API's lists of initiatives content (shared pieces in publishing.filters)."""

import django_filters

from publishing.filters import (
    ContentFilterSet,
    SlugFilter,
    StrictBooleanFilter,
    YearFilter,
    related_visible,
    visible,
)

from .models import Country, Figure, Initiative, Milestone, Organization, Sector, Source


class SourceFilter(ContentFilterSet):
    class Meta:
        model = Source
        fields = ["status", "updated_after"]


class SectorFilter(ContentFilterSet):
    initiative = SlugFilter(
        field_name="initiatives",
        queryset=visible(Initiative),
        help_text="Slug of an initiative: the sectors it covers.",
    )

    class Meta:
        model = Sector
        fields = ["status", "updated_after", "initiative"]


class CountryFilter(ContentFilterSet):
    initiative = SlugFilter(
        field_name="initiatives",
        queryset=visible(Initiative),
        help_text="Slug of an initiative: its partner countries.",
    )

    class Meta:
        model = Country
        fields = ["status", "updated_after", "initiative"]


class OrganizationFilter(ContentFilterSet):
    country = SlugFilter(
        queryset=visible(Country), help_text="Slug of the country that runs or leads it."
    )
    initiative = SlugFilter(
        field_name="initiatives",
        queryset=visible(Initiative),
        help_text="Slug of an initiative the organization takes part in.",
    )

    class Meta:
        model = Organization
        fields = ["status", "updated_after", "country", "initiative"]


class InitiativeFilter(ContentFilterSet):
    sector = SlugFilter(
        field_name="sectors", queryset=visible(Sector), help_text="Slug of a sector it covers."
    )
    partner = SlugFilter(
        field_name="partners",
        queryset=visible(Country),
        help_text="Slug of a partner country (such as india).",
    )
    organization = SlugFilter(
        field_name="organizations",
        queryset=visible(Organization),
        help_text="Slug of an organization that takes part.",
    )
    parent = SlugFilter(
        queryset=visible(Initiative), help_text="Slug of the initiative it is part of."
    )
    launched_min = YearFilter(
        field_name="launched_year",
        lookup_expr="gte",
        help_text="Launched in this year or later (1900-2100).",
    )
    launched_max = YearFilter(
        field_name="launched_year",
        lookup_expr="lte",
        help_text="Launched in this year or earlier (1900-2100).",
    )

    ranges = (("launched_min", "launched_max"),)

    class Meta:
        model = Initiative
        fields = [
            "status",
            "updated_after",
            "sector",
            "partner",
            "organization",
            "parent",
            "launched_min",
            "launched_max",
        ]


class MilestoneFilter(ContentFilterSet):
    year_min = YearFilter(
        field_name="year", lookup_expr="gte", help_text="In this year or later (1900-2100)."
    )
    year_max = YearFilter(
        field_name="year", lookup_expr="lte", help_text="In this year or earlier (1900-2100)."
    )
    expected = StrictBooleanFilter(
        help_text="true for planned or expected events only, false for ones that happened."
    )
    precision = django_filters.ChoiceFilter(
        choices=Milestone.Precision.choices, help_text="How precisely the date is known."
    )
    initiative = SlugFilter(
        queryset=visible(Initiative), help_text="Slug of the initiative it belongs to."
    )
    country = SlugFilter(
        field_name="countries", queryset=visible(Country), help_text="Slug of a country involved."
    )

    ranges = (("year_min", "year_max"),)

    class Meta:
        model = Milestone
        fields = [
            "status",
            "updated_after",
            "year_min",
            "year_max",
            "expected",
            "precision",
            "initiative",
            "country",
        ]


class FigureFilter(ContentFilterSet):
    mineral = SlugFilter(
        field_name="minerals",
        queryset=related_visible(Figure, "minerals"),
        help_text="Slug of a mineral the figure is about.",
    )
    initiative = SlugFilter(
        queryset=visible(Initiative), help_text="Slug of the initiative the figure is about."
    )
    country = SlugFilter(
        queryset=visible(Country), help_text="Slug of the country the figure is about."
    )
    sector = SlugFilter(queryset=visible(Sector), help_text="Slug of the sector it is about.")
    unit = django_filters.ChoiceFilter(
        choices=Figure.Unit.choices, help_text="The unit the value is in."
    )
    period = django_filters.CharFilter(
        lookup_expr="iexact",
        help_text="When the figure applies, as the source gives it (FY24, 2023…); any case.",
    )
    part_of = SlugFilter(
        queryset=visible(Figure), help_text="Slug of the total the figure is a part of."
    )

    class Meta:
        model = Figure
        fields = [
            "status",
            "updated_after",
            "mineral",
            "initiative",
            "country",
            "sector",
            "unit",
            "period",
            "part_of",
        ]
