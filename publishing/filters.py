"""Filters every resource shares: slugs of visible items, years, strict booleans, times.

A value that cannot be used (a word for a year, a slug of nothing, a range whose
ends are swapped) is a form error, which the API answers with 400 naming the
parameter. Every filter has help text, which becomes its description in the
OpenAPI schema.
"""

import datetime

import django_filters
from django import forms
from django.forms.renderers import DjangoTemplates
from django.utils.html import conditional_escape
from django.utils.safestring import mark_safe
from django.utils.translation import gettext_lazy as _

from .models import Status

#: The longest search, on pages and in the API: each word is one more condition on every
#: field searched, and ten kilobytes of words make a query SQLite refuses outright.
SEARCH_MAX_LENGTH = 200


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
                _("Use true or false, not “%(value)s”."), code="invalid", params={"value": value}
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
        choices=Status.choices,
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


class ReaderFormRenderer(DjangoTemplates):
    """Django's form renderer, except that a drop-down is written in Python, not through
    ``select.html``, which includes ``select_option.html`` once per option: most of the
    time a filter form took to render. The markup is the templates' own, to the byte;
    a drop-down with option groups is left to them."""

    SELECT = forms.Select.template_name

    def render(self, template_name, context, request=None):
        widget = context.get("widget", {})
        if template_name != self.SELECT or any(group for group, *_ in widget["optgroups"]):
            return super().render(template_name, context, request)
        options = "".join(
            f'\n  <option value="{conditional_escape(str(option["value"]))}"'
            f"{html_attributes(option['attrs'])}>{conditional_escape(option['label'])}</option>\n"
            for _group, choices, _index in widget["optgroups"]
            for option in choices
        )
        return mark_safe(  # noqa: S308 (every value above is escaped)
            f'<select name="{conditional_escape(widget["name"])}"'
            f"{html_attributes(widget['attrs'])}>{options}\n</select>"
        )


def html_attributes(attrs):
    """What ``django/forms/widgets/attrs.html`` writes for a widget's attributes."""
    return "".join(
        f" {conditional_escape(name)}"
        + ("" if value is True else f'="{conditional_escape(str(value))}"')
        for name, value in attrs.items()
        if value is not False
    )
