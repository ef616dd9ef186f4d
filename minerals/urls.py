from django.urls import path

from . import views

app_name = "minerals"

urlpatterns = [
    path("minerals/", views.MineralListView.as_view(), name="mineral-list"),
    path("minerals/matrix/", views.MatrixView.as_view(), name="matrix"),
    path("minerals/<slug:slug>/", views.MineralDetailView.as_view(), name="mineral-detail"),
    path("minerals/<slug:slug>/sheet.pdf", views.MineralSheetView.as_view(), name="mineral-sheet"),
]
