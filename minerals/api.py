"""API resources for minerals and their applications (registered in trustsite/api/urls.py)."""

from publishing.api.viewsets import CitableViewSetMixin, ContentViewSet

from . import filters, serializers
from .models import Application, Mineral


class MineralViewSet(CitableViewSetMixin, ContentViewSet):
    """Critical minerals, with the sectors that use them and the initiatives addressing them."""

    queryset = Mineral.objects.all()
    serializer_class = serializers.MineralSerializer
    filterset_class = filters.MineralAPIFilter
    search_fields = ["name", "symbol", "summary", "body"]
    ordering_fields = ["name", "symbol", "group", "updated"]
    ordering = ["name"]
    visible_relations = ["applications", "initiatives", "figures", "sources"]


class ApplicationViewSet(ContentViewSet):
    """A mineral's use in a sector: what links a sector to the minerals it needs."""

    queryset = Application.objects.all()
    serializer_class = serializers.ApplicationSerializer
    filterset_class = filters.ApplicationFilter
    search_fields = ["use", "mineral__name", "sector__name"]
    ordering_fields = ["use", "mineral__name", "sector__name", "updated"]
    ordering = ["mineral__name", "sector__position", "sector__name"]
    visible_relations = ["mineral", "sector", "sources"]
