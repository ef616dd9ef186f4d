from django.urls import path

from . import views

app_name = "initiatives"

urlpatterns = [
    path("initiatives/", views.InitiativeListView.as_view(), name="initiative-list"),
    path(
        "initiatives/<slug:slug>/", views.InitiativeDetailView.as_view(), name="initiative-detail"
    ),
    path("sectors/", views.SectorListView.as_view(), name="sector-list"),
    path("sectors/<slug:slug>/", views.SectorDetailView.as_view(), name="sector-detail"),
    path("figures/", views.FiguresView.as_view(), name="figures"),
    path("figures/figures.csv", views.FiguresCSVView.as_view(), name="figures-csv"),
    path("timeline/", views.TimelineView.as_view(), name="timeline"),
]
