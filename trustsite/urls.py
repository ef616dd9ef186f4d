"""The root URLconf: the admin, the versioned API, and the public pages of both apps."""

from django.contrib import admin
from django.urls import include, path

urlpatterns = [
    path("admin/", admin.site.urls),
    path("api/v1/", include(("trustsite.api.urls", "api"), namespace="v1")),
    path("", include("initiatives.urls")),
    path("", include("minerals.urls")),
]
