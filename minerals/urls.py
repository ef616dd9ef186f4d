from django.urls import path

from publishing.views import item_paths

from . import views
from .models import Mineral

app_name = "minerals"

urlpatterns = [
    path("minerals/", views.MineralListView.as_view(), name="mineral-list"),
    path("minerals/matrix/", views.MatrixView.as_view(), name="matrix"),
    path("minerals/<slug:slug>/", views.MineralDetailView.as_view(), name="mineral-detail"),
    path("minerals/<slug:slug>/sheet.pdf", views.MineralSheetView.as_view(), name="mineral-sheet"),
    *item_paths("minerals", Mineral, views.MineralDetailView, "mineral"),
]
