"""Filters for the API's lists of initiatives content.

Every filter has help text, which becomes its description in the OpenAPI schema.
A value that cannot be used (a word for a year, a slug of nothing, a range whose
ends are swapped) is a form error, which the API answers with 400 naming the
parameter.
"""

import datetime

import django_filters
from django import forms

from .models import (
    Country,
    Figure,
    Initiative,
    Milestone,
    Organization,
    Publishable,
    Sector,
    Source,
)


def visible(model):
    """Slugs a filter accepts: those of items the requesting user can see."""

    def queryset(request):
        return model.objects.visible_to(getattr(request, "user", None))

    return queryset


def related_visible(model, name):
    """Like :func:`visible` for a model reached by a relation (no import of its app)."""
    return visible(model._meta.get_field(name).related_model)


class SlugFilter(django_filters.ModelChoiceFilter):
    """Items related to the one with this slug."""

    def __init__(self, *args, **kwargs):
        kwargs.setdefault("to_field_name", "slug")
        kwargs.setdefault("distinct", True)
        super().__init__(*args, **kwargs)


class YearFilter(django_filters.NumberFilter):
    """A whole year between 1900 and 2100, the range the models accept."""

    field_class = forms.IntegerField

    def __init__(self, *args, **kwargs):
        kwargs.setdefault("min_value", 1900)
        kwargs.setdefault("max_value", 2100)
        super().__init__(*args, **kwargs)


class StrictBooleanField(forms.NullBooleanField):
    """true or false (1 or 0); anything else is an error rather than silently ignored."""

    widget = forms.TextInput
    VALUES = {"true": True, "1": True, "false": False, "0": False}

    def to_python(self, value):
        if value in (None, ""):
            return None
        if isinstance(value, bool):
            return value
        try:
            return self.VALUES[str(value).lower()]
        except KeyError:
            raise forms.ValidationError(
                "Use true or false, not “%(value)s”.", code="invalid", params={"value": value}
            ) from None


class StrictBooleanFilter(django_filters.BooleanFilter):
    field_class = StrictBooleanField


class RecentTimeField(django_filters.fields.IsoDateTimeField):
    """An ISO 8601 time between 1900 and 2100: far-off times cannot be stored or
    compared (year 1 at +14:00 is before year 1 in UTC), and no content is dated there."""

    def to_python(self, value):
        try:
            value = super().to_python(value)
        except OverflowError:
            value = datetime.datetime.min
        if value is not None and not 1900 <= value.year <= 2100:
            raise forms.ValidationError("Give a time between 1900 and 2100.", code="invalid")
        return value


class RecentTimeFilter(django_filters.IsoDateTimeFilter):
    field_class = RecentTimeField


class ContentFilterSet(django_filters.FilterSet):
    """Filters every resource has, and the check of ranges given as (low, high) pairs."""

    status = django_filters.ChoiceFilter(
        choices=Publishable.Status.choices,
        help_text="Publication state. Only staff see drafts; others always get published items.",
    )
    updated_after = RecentTimeFilter(
        field_name="updated",
        lookup_expr="gte",
        help_text=(
            "Only items changed at or after this time (ISO 8601, such as "
            "2025-01-31T00:00:00Z): for keeping a copy in sync."
        ),
    )

    ranges = ()

    def get_form_class(self):
        form_class = super().get_form_class()
        ranges = self.ranges

        class RangeCheckedForm(form_class):
            def clean(self):
                data = super().clean()
                for low, high in ranges:
                    start, end = data.get(low), data.get(high)
                    if start is not None and end is not None and start > end:
                        self.add_error(
                            high,
                            f"{high} ({end}) is before {low} ({start}): the range is reversed.",
                        )
                return data

        return RangeCheckedForm


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
