"""Search and ordering backends that say what they accept and refuse what they do not."""

from django_filters.rest_framework import DjangoFilterBackend
from rest_framework import filters, serializers

from ..filters import SEARCH_MAX_LENGTH


class FilterBackend(DjangoFilterBackend):
    """django-filter's backend, which leaves a list asked for without any of its filters'
    parameters as it is without building the filter set: the set, its form class and the
    querysets its choices are checked against are made for each request, a twentieth of
    an unfiltered list's time, only to filter nothing. A filter's parameters are its name
    or its name with a suffix (a range's ``_min``), so any parameter that begins with a
    filter's name takes the usual way, errors included."""

    def filter_queryset(self, request, queryset, view):
        filterset_class = self.get_filterset_class(view, queryset)
        if filterset_class is not None and not any(
            parameter.startswith(name)
            for parameter in request.query_params
            for name in filterset_class.base_filters
        ):
            return queryset
        return super().filter_queryset(request, queryset, view)


class SearchFilter(filters.SearchFilter):
    """Free-text search; the schema lists the fields it looks in.

    A search longer than ``max_length`` characters is refused with a 400 naming the
    parameter, rather than a query SQLite refuses ("Expression tree is too large") and
    PostgreSQL works through for nothing. The site's own search has the same limit.
    """

    max_length = SEARCH_MAX_LENGTH

    def get_search_terms(self, request):
        value = request.query_params.get(self.search_param, "")
        if len(value) > self.max_length:
            raise serializers.ValidationError(
                {
                    self.search_param: [
                        f"Please shorten your search to {self.max_length} characters or "
                        f"fewer (this one has {len(value)})."
                    ]
                }
            )
        try:
            return super().get_search_terms(request)
        except serializers.ValidationError as error:
            raise serializers.ValidationError({self.search_param: error.detail}) from error

    def get_schema_operation_parameters(self, view):
        parameters = super().get_schema_operation_parameters(view)
        fields = ", ".join(name.lstrip("^=@$") for name in getattr(view, "search_fields", []))
        parameters[0]["description"] = (
            f"Words to look for (case-insensitive; every word must match) in: {fields}. "
            f"At most {self.max_length} characters."
        )
        return parameters


class OrderingFilter(filters.OrderingFilter):
    """Sort by the listed fields; an unknown field answers 400 instead of being ignored.

    Keys may come in one parameter separated by commas (``ordering=unit,-value``) or in
    repeated parameters (``ordering=unit&ordering=-value``), which is how generated
    clients send a list: DRF alone would use only the last of them.

    The slug is always the last sort key, so that pages never overlap or skip items
    when many share a value of the sort field.
    """

    def get_ordering(self, request, queryset, view):
        terms = [
            term.strip()
            for value in request.query_params.getlist(self.ordering_param)
            for term in value.split(",")
        ]
        if not any(terms):
            return self.get_default_ordering(view)
        allowed = {name for name, _ in self.get_valid_fields(queryset, view, {})}
        unknown = [term for term in terms if term.lstrip("-") not in allowed]
        if unknown:
            raise serializers.ValidationError(
                {
                    self.ordering_param: [
                        f"Cannot order by {', '.join(repr(term) for term in unknown)}. "
                        f"Choose from: {', '.join(sorted(allowed))} (prefix - to reverse)."
                    ]
                }
            )
        ordering = self.remove_invalid_fields(queryset, terms, view, request)
        if "slug" not in ordering and "-slug" not in ordering:
            ordering = [*ordering, "slug"]
        return ordering

    def get_schema_operation_parameters(self, view):
        """A list of keys, each named for generated clients (``NAME``, ``NAME_DESC``)."""
        fields = [name for name, _ in self.get_valid_fields(None, view, {})]
        choices = [option for name in fields for option in (name, f"-{name}")]
        names = [option for name in fields for option in (name.upper(), f"{name.upper()}_DESC")]
        default = getattr(view, "ordering", None)
        default = ", ".join(default) if default else "the resource's natural order"
        return [
            {
                "name": self.ordering_param,
                "required": False,
                "in": "query",
                "description": (
                    "Sort keys, the first deciding first; a leading - reverses one. Repeat the "
                    "parameter (`ordering=unit&ordering=-value`) or separate the keys with "
                    f"commas (`ordering=unit,-value`). Default: {default}."
                ),
                "schema": {
                    "type": "array",
                    "items": {"type": "string", "enum": choices, "x-enum-varnames": names},
                },
                "style": "form",
                "explode": True,
            }
        ]
