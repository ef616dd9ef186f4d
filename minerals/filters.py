import django_filters
from django import forms
from django.forms.models import ModelChoiceIteratorValue
from django.utils.translation import gettext_lazy as _

from initiatives.models import Initiative, Sector
from publishing.filters import ContentFilterSet, SlugFilter, StrictBooleanFilter, visible
from trustsite.templatetags.content_tags import in_hindi, name_reading

from .models import Application, Mineral


class ReaderNameSelect(forms.Select):
    """A select whose options, each an item's name in the reader's language (see
    reader_choices()), say ``lang="en"`` when the name is the English shown for a
    missing or outdated Hindi."""

    def create_option(self, name, value, label, selected, index, subindex=None, attrs=None):
        option = super().create_option(name, value, label, selected, index, subindex, attrs)
        item = getattr(value, "instance", None)
        if item is not None and in_hindi() and name_reading(item)[1] is not None:
            option["attrs"]["lang"] = "en"
        return option


def reader_choices(items):
    """``items`` as a ReaderNameSelect's choices, ``(slug, name)``: each named as
    reader_str() names it, in their model's order with the name in that order read in
    the reader's language. On the Hindi site that is by their Hindi names (English
    fallbacks after them), not by the English the database sorts by; on the English
    site the order is the one given."""
    choices = [(ModelChoiceIteratorValue(item.slug, item), name_reading(item)[0]) for item in items]
    if not in_hindi():
        return choices
    return sorted(choices, key=reader_order)


def reader_order(choice):
    value, label = choice
    item = value.instance
    ordering = type(item)._meta.ordering
    before_name = ordering[: ordering.index("name")] if "name" in ordering else ordering
    return (
        *(getattr(item, field) for field in before_name),
        name_reading(item)[1] is not None,
        label.casefold(),
    )


class MineralFilter(django_filters.FilterSet):
    """Narrow minerals by group, by a sector that depends on them, or to rare earths.

    The public minerals index and the API both use this one filter set.
    """

    group = django_filters.ChoiceFilter(
        choices=Mineral.Group.choices, help_text="The mineral's group."
    )
    sector = django_filters.ModelChoiceFilter(
        method="filter_sector",
        widget=ReaderNameSelect,
        to_field_name="slug",
        queryset=visible(Sector),
        label=_("Sector"),
        help_text="Slug of a sector that depends on the mineral.",
    )
    rare_earth = django_filters.BooleanFilter(
        method="filter_rare_earth",
        label=_("Rare earth element"),
        help_text="true for rare earth elements only, false for all others.",
    )

    class Meta:
        model = Mineral
        fields = ["group", "sector", "rare_earth"]

    def filter_sector(self, queryset, name, value: str):
        """Minerals with an application in the sector (``value``) that the user may see:
        a draft application is no link between a mineral and a sector for the public.
        (The hint is what the schema shows: the parameter is the sector's slug.)"""
        if value is None:
            return queryset
        user = getattr(self.request, "user", None)
        uses = Application.objects.visible_to(user).filter(sector=value)
        return queryset.filter(pk__in=uses.values("mineral"))

    def filter_rare_earth(self, queryset, name, value):
        if value is None:
            return queryset
        rare_earth = Mineral.Group.RARE_EARTH
        return queryset.filter(group=rare_earth) if value else queryset.exclude(group=rare_earth)


class MineralAPIFilter(ContentFilterSet, MineralFilter):
    """The API's mineral filters: the public ones plus an initiative, with a strict boolean.

    ``rare_earth`` keeps its name and meaning but refuses anything other than true
    or false with a 400, where the public page's form would quietly ignore it.
    """

    rare_earth = StrictBooleanFilter(
        method="filter_rare_earth",
        label="Rare earth element",
        help_text="true for rare earth elements only, false for all others.",
    )
    initiative = SlugFilter(
        field_name="initiatives",
        queryset=visible(Initiative),
        help_text="Slug of an initiative that addresses the mineral.",
    )

    class Meta:
        model = Mineral
        fields = ["status", "updated_after", "group", "sector", "rare_earth", "initiative"]


class ApplicationFilter(ContentFilterSet):
    mineral = SlugFilter(queryset=visible(Mineral), help_text="Slug of the mineral used.")
    sector = SlugFilter(queryset=visible(Sector), help_text="Slug of the sector that uses it.")

    class Meta:
        model = Application
        fields = ["status", "updated_after", "mineral", "sector"]
