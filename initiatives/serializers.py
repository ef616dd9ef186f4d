"""API representations of the initiatives content.

Related items appear as API links and are written as slugs (see
:class:`publishing.api.serializers.SlugHyperlinkField`); ``page`` is the public page.
"""

from django.utils.translation import gettext_lazy as _
from rest_framework import serializers

from publishing.api.serializers import (
    CHECKED,
    PUBLICATION_FIELDS,
    CiteLinkMixin,
    ContentSerializer,
    DescribedFieldsMixin,
    PageLinkMixin,
    SlugHyperlinkedIdentityField,
    SlugHyperlinkField,
)

from .models import (
    Country,
    Figure,
    Initiative,
    Milestone,
    Organization,
    Point,
    Section,
    Sector,
    Source,
)

COMMON = ["url", "slug", *PUBLICATION_FIELDS]
TIMES = ["sources", "created", "updated"]
#: The times of items whose pages say when they were last checked against their sources.
CHECKED_TIMES = [*TIMES, CHECKED]


class SourceSerializer(PageLinkMixin, ContentSerializer):
    """A document the content is drawn from."""

    url = SlugHyperlinkedIdentityField(view_name="source-detail", help_text="This item in the API.")
    document_url = serializers.URLField(
        source="url", required=False, allow_blank=True, help_text="Where the document is online."
    )

    class Meta:
        model = Source
        fields = [
            "url",
            "page",
            "slug",
            *PUBLICATION_FIELDS,
            "title",
            "publisher",
            "document_url",
            "published_on",
            "description",
            "created",
            "updated",
        ]


class SectorSerializer(PageLinkMixin, CiteLinkMixin, ContentSerializer):
    """A strategic sector or cooperation area."""

    class Meta:
        model = Sector
        fields = [*COMMON, "page", "cite", "name", "summary", "body", "position", *CHECKED_TIMES]


class CountrySerializer(ContentSerializer):
    """A country: a partner, or context."""

    class Meta:
        model = Country
        fields = [*COMMON, "name", "iso_code", "summary", *TIMES]


class OrganizationSerializer(ContentSerializer):
    """An agency, unit or network."""

    class Meta:
        model = Organization
        fields = [*COMMON, "name", "acronym", "country", "summary", *TIMES]


class SectionSerializer(DescribedFieldsMixin, serializers.ModelSerializer):
    """A headed, ordered list of points in an initiative."""

    points = serializers.SlugRelatedField(
        slug_field="text",
        many=True,
        read_only=True,
        help_text="The section's points, in order.",
    )

    class Meta:
        model = Section
        fields = ["slug", "kind", "heading", "points"]
        read_only_fields = fields


class InitiativeSerializer(PageLinkMixin, CiteLinkMixin, ContentSerializer):
    """An initiative or partnership, with its sections of points."""

    children = SlugHyperlinkField(
        view_name="initiative-detail",
        many=True,
        read_only=True,
        help_text="Initiatives that are part of this one.",
    )
    sections = SectionSerializer(
        many=True,
        read_only=True,
        help_text="Ordered, headed lists of points: aims, key features, significance.",
    )

    class Meta:
        model = Initiative
        fields = [
            *COMMON,
            "page",
            "cite",
            "name",
            "acronym",
            "summary",
            "body",
            "parent",
            "children",
            "launched_year",
            "sectors",
            "partners",
            "organizations",
            "position",
            "sections",
            *CHECKED_TIMES,
        ]


class MilestoneSerializer(PageLinkMixin, CiteLinkMixin, ContentSerializer):
    """An event that happened or is expected, dated as precisely as known."""

    display_date = serializers.CharField(
        read_only=True, help_text="The date as the site shows it, only as precise as known."
    )
    read_only_reasons = {
        "display_date": _("Read-only: made from year, month, day, precision and date_qualifier."),
    }

    class Meta:
        model = Milestone
        fields = [
            *COMMON,
            "page",
            "cite",
            "title",
            "description",
            "year",
            "month",
            "day",
            "precision",
            "date_qualifier",
            "display_date",
            "expected",
            "initiative",
            "countries",
            "organizations",
            *CHECKED_TIMES,
        ]


class FigureSerializer(PageLinkMixin, CiteLinkMixin, ContentSerializer):
    """A key number: exact in `value`, as the site shows it in `display`."""

    display = serializers.CharField(
        source="display_value",
        read_only=True,
        help_text="The value as the site shows it (₹30,000 crore, nearly 70%).",
    )
    minerals = SlugHyperlinkField(
        view_name="mineral-detail",
        many=True,
        read_only=True,
        help_text="Minerals the figure is about (set on the mineral).",
    )
    read_only_reasons = {
        "display": _("Read-only: made from value, unit and qualifier."),
    }

    class Meta:
        model = Figure
        fields = [
            *COMMON,
            "page",
            "cite",
            "label",
            "value",
            "unit",
            "qualifier",
            "period",
            "display",
            "notes",
            "part_of",
            "initiative",
            "country",
            "sector",
            "minerals",
            "position",
            *CHECKED_TIMES,
        ]
        extra_kwargs = {
            "value": {
                "help_text": "The exact value, as a decimal string; `display` formats it.",
            }
        }


class SectionRowSerializer(DescribedFieldsMixin, serializers.ModelSerializer):
    """A section as a row of its own (the data package's table of sections): the API
    nests sections in their initiative."""

    initiative_slug = serializers.SlugRelatedField(
        source="initiative",
        slug_field="slug",
        read_only=True,
        help_text="The slug of the initiative the section belongs to.",
    )

    class Meta:
        model = Section
        fields = ["initiative_slug", "slug", "position", "kind", "heading", "heading_hi"]
        read_only_fields = fields
        extra_kwargs = {
            "slug": {"help_text": "The section's identifier, unique within its initiative."}
        }


class PointRowSerializer(DescribedFieldsMixin, serializers.ModelSerializer):
    """A section's point as a row of its own (the data package's table of points)."""

    initiative_slug = serializers.CharField(
        source="section.initiative.slug",
        read_only=True,
        help_text="The slug of the initiative the point's section belongs to.",
    )
    section_slug = serializers.CharField(
        source="section.slug", read_only=True, help_text="The slug of the point's section."
    )

    class Meta:
        model = Point
        fields = ["initiative_slug", "section_slug", "position", "text", "text_hi"]
        read_only_fields = fields
