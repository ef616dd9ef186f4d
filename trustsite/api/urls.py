"""The API v1 URLconf: one resource per content type, the schema and its documentation.

Included under the ``v1`` namespace, so names reverse as ``v1:sector-list`` and so on.
"""

from django.http import JsonResponse
from django.urls import path, re_path
from django.views.decorators.csrf import csrf_exempt
from drf_spectacular.views import SpectacularAPIView, SpectacularRedocView, SpectacularSwaggerView
from rest_framework.routers import DefaultRouter

from initiatives import api as initiatives_api
from minerals import api as minerals_api
from publishing.cache import code_only


@csrf_exempt  # a write to no resource is a 404, not a CSRF failure page
def not_found(request):
    return JsonResponse(
        {"detail": "Not found. The API's resources are listed at /api/v1/."}, status=404
    )


router = DefaultRouter()
router.register("sources", initiatives_api.SourceViewSet)
router.register("sectors", initiatives_api.SectorViewSet)
router.register("countries", initiatives_api.CountryViewSet)
router.register("organizations", initiatives_api.OrganizationViewSet)
router.register("initiatives", initiatives_api.InitiativeViewSet)
router.register("milestones", initiatives_api.MilestoneViewSet)
router.register("figures", initiatives_api.FigureViewSet)
router.register("minerals", minerals_api.MineralViewSet)
router.register("applications", minerals_api.ApplicationViewSet)

urlpatterns = [
    path("schema/", code_only(SpectacularAPIView.as_view()), name="schema"),
    path("docs/", code_only(SpectacularSwaggerView.as_view(url_name="schema")), name="docs"),
    path(
        "redoc/",
        code_only(
            SpectacularRedocView.as_view(
                url_name="schema", template_name="rest_framework/redoc.html"
            )
        ),
        name="redoc",
    ),
    *router.urls,
    # Anything else under /api/v1/ is an API 404 (JSON), not the site's HTML page.
    re_path(r"^[\s\S]*/$", not_found),
]
