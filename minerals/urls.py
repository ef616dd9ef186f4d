from django.urls import path

from publishing.citations import citation_paths
from publishing.views import version_patterns

from . import views
from .models import Mineral

app_name = "minerals"

urlpatterns = [
    path("minerals/", views.MineralListView.as_view(), name="mineral-list"),
    path("minerals/matrix/", views.MatrixView.as_view(), name="matrix"),
    path("minerals/<slug:slug>/", views.MineralDetailView.as_view(), name="mineral-detail"),
    *citation_paths("minerals/", Mineral, "mineral"),
    path("minerals/<slug:slug>/sheet.pdf", views.MineralSheetView.as_view(), name="mineral-sheet"),
    *version_patterns("minerals", Mineral, views.MineralDetailView, "mineral"),
]
