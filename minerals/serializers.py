"""API representations of minerals and their applications in sectors."""

from django.utils.translation import gettext_lazy as _
from rest_framework import serializers

from publishing.api.serializers import (
    CHECKED,
    PUBLICATION_FIELDS,
    CiteLinkMixin,
    ContentSerializer,
    PageLinkMixin,
    SlugHyperlinkField,
)

from .models import Application, Mineral


class MineralSerializer(PageLinkMixin, CiteLinkMixin, ContentSerializer):
    """A critical mineral, with its uses, the initiatives addressing it and figures."""

    is_rare_earth = serializers.BooleanField(
        read_only=True, help_text="Whether the mineral is a rare earth element."
    )
    applications = SlugHyperlinkField(
        view_name="application-detail",
        many=True,
        read_only=True,
        help_text="Its uses in sectors.",
    )
    read_only_reasons = {"is_rare_earth": _("Read-only: follows from group.")}

    class Meta:
        model = Mineral
        fields = [
            "url",
            "slug",
            *PUBLICATION_FIELDS,
            "page",
            "cite",
            "name",
            "symbol",
            "group",
            "is_rare_earth",
            "summary",
            "body",
            "applications",
            "initiatives",
            "figures",
            "sources",
            "created",
            "updated",
            CHECKED,
        ]


class ApplicationSerializer(PageLinkMixin, ContentSerializer):
    """A mineral's use in a sector."""

    class Meta:
        model = Application
        fields = [
            "url",
            "slug",
            *PUBLICATION_FIELDS,
            "page",
            "mineral",
            "sector",
            "use",
            "sources",
            "created",
            "updated",
        ]
