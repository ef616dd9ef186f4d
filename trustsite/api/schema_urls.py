"""The URLconf the OpenAPI schema is generated from: the API alone, at its own address.

drf-spectacular walks (and de-types) every pattern of the URLconf it is given, by default
the root one, which also holds the public pages' ``i18n_patterns``: it cannot read their
language prefix and warns, which fails ``check --deploy``. Its schema view, its command
and its deploy check all make their generator from ``DEFAULT_GENERATOR_CLASS``.
"""

from django.urls import include, path
from drf_spectacular.generators import SchemaGenerator

urlpatterns = [path("api/v1/", include(("trustsite.api.urls", "api"), namespace="v1"))]


class APISchemaGenerator(SchemaGenerator):
    """drf-spectacular's generator, on this URLconf unless it is given another."""

    def __init__(self, *args, urlconf=None, **kwargs):
        super().__init__(*args, urlconf=urlconf or __name__, **kwargs)
