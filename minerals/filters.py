import django_filters

from initiatives.models import Sector

from .models import Mineral


class MineralFilter(django_filters.FilterSet):
    """Narrow minerals by group, by a sector that depends on them, or to rare earths.

    The public minerals index and the API both use this one filter set.
    """

    group = django_filters.ChoiceFilter(
        choices=Mineral.Group.choices, help_text="The mineral's group."
    )
    sector = django_filters.ModelChoiceFilter(
        field_name="applications__sector",
        to_field_name="slug",
        queryset=Sector.objects.published(),
        label="Sector",
        help_text="Slug of a sector that depends on the mineral.",
        distinct=True,
    )
    rare_earth = django_filters.BooleanFilter(
        method="filter_rare_earth",
        label="Rare earth element",
        help_text="true for rare earth elements only, false for all others.",
    )

    class Meta:
        model = Mineral
        fields = ["group", "sector", "rare_earth"]

    def filter_rare_earth(self, queryset, name, value):
        if value is None:
            return queryset
        rare_earth = Mineral.Group.RARE_EARTH
        return queryset.filter(group=rare_earth) if value else queryset.exclude(group=rare_earth)
