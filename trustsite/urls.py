"""The root URLconf: the admin, the versioned API, the site-wide pages and both apps' pages.

The public pages are in English at their plain addresses and in Hindi under ``/hi/``
(``i18n_patterns`` without a prefix for English). What machines or editors use stays at
one address, in English: the admin, the API (its languages come with its own slice),
the health checks, robots.txt and the sitemap (which lists both languages' addresses).
"""

from django.conf.urls.i18n import i18n_patterns
from django.contrib import admin
from django.contrib.sitemaps.views import sitemap
from django.urls import include, path

from publishing.profile import profile_view

from . import data, health, views
from .feeds import UpdatesFeed
from .sitemaps import SITEMAPS

urlpatterns = [
    # Every staff user's own page (time zone, emails, API tokens), behind the admin's sign-in.
    path("admin/profile/", admin.site.admin_view(profile_view), name="editor-profile"),
    path("admin/", admin.site.urls),
    path("api/v1/", include(("trustsite.api.urls", "api"), namespace="v1")),
    path(
        "sitemap.xml",
        sitemap,
        {"sitemaps": SITEMAPS},
        name="django.contrib.sitemaps.views.sitemap",
    ),
    path("robots.txt", views.RobotsView.as_view(), name="robots"),
    # The data package's files have one address each, like the API: their content is
    # both languages' (every translated field has its Hindi column).
    path("data/<str:name>", data.DataFileView.as_view(), name="data-file"),
    path("healthz", health.healthz, name="healthz"),
    path("readyz", health.readyz, name="readyz"),
]

urlpatterns += i18n_patterns(
    path("", views.HomeView.as_view(), name="home"),
    path("about/", views.AboutView.as_view(), name="about"),
    path("search/", views.SearchView.as_view(), name="search"),
    path("data/", data.DataView.as_view(), name="data"),
    path("feed/", UpdatesFeed(), name="feed"),
    path("", include("publishing.urls")),
    path("", include("initiatives.urls")),
    path("", include("minerals.urls")),
    prefix_default_language=False,
)

handler400 = "trustsite.errors.bad_request"
handler404 = "trustsite.views.page_not_found"
# Django's own 500 view renders 500.html without touching the database.
handler500 = "django.views.defaults.server_error"
