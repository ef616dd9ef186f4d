from django.urls import path

from publishing.views import item_paths

from . import views
from .models import Figure, Initiative, Milestone, Sector

app_name = "initiatives"

urlpatterns = [
    path("initiatives/", views.InitiativeListView.as_view(), name="initiative-list"),
    path(
        "initiatives/<slug:slug>/", views.InitiativeDetailView.as_view(), name="initiative-detail"
    ),
    path(
        "initiatives/<slug:slug>/sheet.pdf",
        views.InitiativeSheetView.as_view(),
        name="initiative-sheet",
    ),
    path("sectors/", views.SectorListView.as_view(), name="sector-list"),
    path("sectors/<slug:slug>/", views.SectorDetailView.as_view(), name="sector-detail"),
    path("sectors/<slug:slug>/sheet.pdf", views.SectorSheetView.as_view(), name="sector-sheet"),
    path("figures/", views.FiguresView.as_view(), name="figures"),
    path("figures/figures.csv", views.FiguresCSVView.as_view(), name="figures-csv"),
    path("figures/<slug:slug>/", views.FigureDetailView.as_view(), name="figure-detail"),
    path("timeline/", views.TimelineView.as_view(), name="timeline"),
    path("timeline/<slug:slug>/", views.MilestoneDetailView.as_view(), name="milestone-detail"),
    *item_paths("initiatives", Initiative, views.InitiativeDetailView, "initiative"),
    *item_paths("sectors", Sector, views.SectorDetailView, "sector"),
    *item_paths("figures", Figure, views.FigureDetailView, "figure"),
    *item_paths("timeline", Milestone, views.MilestoneDetailView, "milestone"),
]
