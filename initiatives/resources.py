"""Key figures and milestones in spreadsheets: the admin's import and export.

The columns are the fields below, in this order. Links to other items are slugs:
``part_of``, ``initiative``, ``country`` and ``sector`` hold one; ``countries``,
``organizations`` and ``sources`` hold any number, separated by semicolons
(``india; united-states``). Rows go through the editorial workflow (see
:mod:`publishing.imports`): new items start as drafts and ``status`` is exported only.
"""

from publishing.imports import WorkflowResource

from .models import Figure, Milestone


class FigureResource(WorkflowResource):
    """A key figure per row. ``value`` is the exact number (a point for decimals, no
    thousands separators); ``unit`` is one of percent, INR, USD, count, rank."""

    class Meta(WorkflowResource.Meta):
        model = Figure
        name = "Key figures"
        fields = (
            "slug",
            "label",
            "value",
            "unit",
            "qualifier",
            "period",
            "notes",
            "part_of",
            "initiative",
            "country",
            "sector",
            "position",
            "sources",
            "status",
            "unpublished_changes",
            "version",
        )


class MilestoneResource(WorkflowResource):
    """A milestone per row, dated as precisely as its source: ``precision`` is year, month
    or day, and ``month`` and ``day`` are numbers left empty when the precision is coarser.
    ``expected`` is 1 for a planned event, 0 for one that happened."""

    class Meta(WorkflowResource.Meta):
        model = Milestone
        name = "Milestones"
        fields = (
            "slug",
            "title",
            "description",
            "year",
            "month",
            "day",
            "precision",
            "date_qualifier",
            "expected",
            "initiative",
            "countries",
            "organizations",
            "sources",
            "status",
            "unpublished_changes",
            "version",
        )
