"""Minerals and applications in spreadsheets: the admin's import and export.

The columns are the fields below, in this order. Links to other items are slugs:
``mineral`` and ``sector`` hold one; ``initiatives``, ``figures`` and ``sources``
hold any number, separated by semicolons (``trust; icet``). Rows go through the
editorial workflow (see :mod:`publishing.imports`): new items start as drafts and
``status`` is exported only.
"""

from publishing.imports import WorkflowResource

from .models import Application, Mineral


class MineralResource(WorkflowResource):
    """A mineral per row; ``group`` is one of rare-earth, battery, semiconductor, other."""

    class Meta(WorkflowResource.Meta):
        model = Mineral
        name = "Minerals"
        fields = (
            "slug",
            "name",
            "symbol",
            "group",
            "summary",
            "body",
            "initiatives",
            "figures",
            "sources",
            "status",
            "unpublished_changes",
            "version",
        )


class ApplicationResource(WorkflowResource):
    """A mineral's use in a sector per row: ``mineral`` and ``sector`` are slugs."""

    class Meta(WorkflowResource.Meta):
        model = Application
        name = "Applications"
        fields = (
            "slug",
            "mineral",
            "sector",
            "use",
            "sources",
            "status",
            "unpublished_changes",
            "version",
        )
