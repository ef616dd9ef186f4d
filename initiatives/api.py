"""API resources for the initiatives content (registered in trustsite/api/urls.py)."""

from django.db.models import Prefetch

from publishing.api.viewsets import CitableViewSetMixin, ContentViewSet

from . import filters, serializers
from .models import (
    Country,
    Figure,
    Initiative,
    Milestone,
    Organization,
    Section,
    Sector,
    Source,
)


class SourceViewSet(ContentViewSet):
    """Documents the content is drawn from."""

    queryset = Source.objects.all()
    serializer_class = serializers.SourceSerializer
    filterset_class = filters.SourceFilter
    search_fields = ["title", "publisher", "description"]
    ordering_fields = ["title", "published_on", "updated"]
    ordering = ["title"]


class SectorViewSet(CitableViewSetMixin, ContentViewSet):
    """Strategic sectors and cooperation areas (AI, Semiconductors, Pharmaceuticals…)."""

    queryset = Sector.objects.all()
    serializer_class = serializers.SectorSerializer
    filterset_class = filters.SectorFilter
    search_fields = ["name", "summary", "body"]
    ordering_fields = ["name", "position", "updated"]
    ordering = ["position", "name"]
    visible_relations = ["sources"]


class CountryViewSet(ContentViewSet):
    """Countries: the partners, and others the content gives as context."""

    queryset = Country.objects.all()
    serializer_class = serializers.CountrySerializer
    filterset_class = filters.CountryFilter
    search_fields = ["name", "iso_code", "summary"]
    ordering_fields = ["name", "iso_code", "updated"]
    ordering = ["name"]
    visible_relations = ["sources"]


class OrganizationViewSet(ContentViewSet):
    """Agencies, units and networks that run or join the initiatives."""

    queryset = Organization.objects.all()
    serializer_class = serializers.OrganizationSerializer
    filterset_class = filters.OrganizationFilter
    search_fields = ["name", "acronym", "summary"]
    ordering_fields = ["name", "acronym", "updated"]
    ordering = ["name"]
    visible_relations = ["country", "sources"]


class InitiativeViewSet(CitableViewSetMixin, ContentViewSet):
    """Initiatives and partnerships, with their sections of points."""

    queryset = Initiative.objects.all()
    serializer_class = serializers.InitiativeSerializer
    filterset_class = filters.InitiativeFilter
    search_fields = ["name", "acronym", "summary", "body"]
    ordering_fields = ["name", "acronym", "launched_year", "position", "updated"]
    ordering = ["position", "name"]
    visible_relations = ["parent", "children", "sectors", "partners", "organizations", "sources"]
    prefetch = [Prefetch("sections", queryset=Section.objects.with_points())]


class MilestoneViewSet(CitableViewSetMixin, ContentViewSet):
    """Events that happened or are expected, dated as precisely as known."""

    queryset = Milestone.objects.chronological()
    serializer_class = serializers.MilestoneSerializer
    filterset_class = filters.MilestoneFilter
    search_fields = ["title", "description"]
    ordering_fields = ["year", "month", "day", "title", "updated"]
    ordering = None  # chronological, with dates known only to the year or month first
    visible_relations = ["initiative", "countries", "organizations", "sources"]


class FigureViewSet(CitableViewSetMixin, ContentViewSet):
    """Key numbers, exact (`value`) and as the site shows them (`display`)."""

    queryset = Figure.objects.all()
    serializer_class = serializers.FigureSerializer
    filterset_class = filters.FigureFilter
    search_fields = ["label", "period", "notes"]
    ordering_fields = ["label", "value", "unit", "period", "position", "updated"]
    ordering = ["position", "label"]
    visible_relations = ["part_of", "initiative", "country", "sector", "minerals", "sources"]
