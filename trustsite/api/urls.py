"""The API v1 URLconf: one resource per content type, the schema and its documentation.

Included under the ``v1`` namespace, so names reverse as ``v1:sector-list`` and so on.
"""

from csp.decorators import csp_update
from django.http import JsonResponse
from django.urls import path, re_path
from django.views.decorators.cache import never_cache
from django.views.decorators.csrf import csrf_exempt
from drf_spectacular.views import (
    SpectacularAPIView,
    SpectacularRedocView,
    SpectacularSwaggerSplitView,
)
from rest_framework.routers import DefaultRouter

from initiatives import api as initiatives_api
from minerals import api as minerals_api
from publishing.cache import code_only

#: What the ReDoc page adds to the Content-Security-Policy. ``style-src``: the <style> element
#: ReDoc's bundle adds while it loads, before ReDoc.init can hand it the page's nonce
#: (style-loader's copy of perfect-scrollbar's CSS, checked once empty and once filled; the
#: same CSS reaches the page again through styled-components, with the nonce). The hashes are
#: those of ReDoc 2.5.4 in drf-spectacular-sidecar 2026.10.1: after an upgrade,
#: tests/browser/test_csp.py fails with the new hash in Chromium's message. ``worker-src``:
#: ReDoc searches in a Web Worker made from a blob: address, which only a script the page
#: already runs can make (without it, search finds nothing).
REDOC_POLICY = {
    "style-src": [
        "'sha256-47DEQpj8HBSa+/TImW+5JCeuQeRkm5NMpJWZG3hSuFU='",
        "'sha256-QMIg+bpjm3JdElJ388KYke01izlUW0UoNOeKjpMxdgc='",
    ],
    "worker-src": ["blob:"],
}


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
    # Swagger UI with its initialisation script served apart (/api/v1/docs/?script=), as the
    # Content-Security-Policy refuses inline scripts.
    path(
        "docs/",
        code_only(
            SpectacularSwaggerSplitView.as_view(
                url_name="schema", template_name="rest_framework/swagger_ui.html"
            )
        ),
        name="docs",
    ),
    # The ReDoc page carries its request's CSP nonce, so it must never be served again from
    # a cache: the nonce would no longer match the policy sent with it.
    path(
        "redoc/",
        code_only(
            never_cache(
                csp_update(REDOC_POLICY)(
                    SpectacularRedocView.as_view(
                        url_name="schema", template_name="rest_framework/redoc.html"
                    )
                )
            )
        ),
        name="redoc",
    ),
    *router.urls,
    # Anything else under /api/v1/ is an API 404 (JSON), not the site's HTML page.
    re_path(r"^[\s\S]*/$", not_found),
]
