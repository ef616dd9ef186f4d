"""Public pages of initiatives, sectors, key figures and the timeline.

Every queryset starts from ``.published()`` and prefetches only published
neighbours, so a draft never shows up as a link and the number of queries a
page makes does not depend on how much content there is. Lists that grow with
the content come in pages of ``LIST_PAGE_SIZE``; every item has a page of its own.
"""

from django.db.models import Prefetch, Q
from django.db.models.functions import Coalesce
from django.utils import translation
from django.utils.translation import pgettext_lazy
from django.views.generic import DetailView, ListView, View

from publishing.downloads import csv_download
from publishing.models import visible_related
from publishing.sheets import SheetView
from publishing.translation import for_reader
from publishing.views import PublicItemMixin

from .charts import breakdown_chart, figure_charts
from .formatting import plain_decimal
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

#: Items per page of a list that grows with the content.
LIST_PAGE_SIZE = 50


def published_sources():
    return Prefetch("sources", queryset=Source.objects.published())


def published_applications():
    """A sector's applications with their minerals, for the minerals a sector depends on."""
    applications = visible_related(Sector, "applications").select_related("mineral")
    return Prefetch("applications", queryset=applications.order_by("mineral__name"))


class InitiativeListView(ListView):
    template_name = "initiatives/initiative_list.html"
    context_object_name = "initiatives"
    paginate_by = LIST_PAGE_SIZE

    def get_queryset(self):
        return (
            Initiative.objects.published()
            .select_related("parent")
            .prefetch_related(Prefetch("sectors", queryset=Sector.objects.published()))
        )


class InitiativeQuerysetMixin:
    """A published initiative with everything its page and its revision sheet show."""

    context_object_name = "initiative"

    def get_queryset(self):
        return self.item_queryset().prefetch_related(*self.neighbours())

    def item_queryset(self):
        return Initiative.objects.published().select_related("parent")

    def neighbours(self):
        return [
            Prefetch("children", queryset=Initiative.objects.published()),
            Prefetch("sectors", queryset=Sector.objects.published()),
            Prefetch("partners", queryset=Country.objects.published()),
            Prefetch(
                "organizations",
                queryset=Organization.objects.published().select_related("country"),
            ),
            Prefetch("sections", queryset=Section.objects.with_points()),
            Prefetch("milestones", queryset=Milestone.objects.published().chronological()),
            Prefetch("figures", queryset=Figure.objects.published()),
            Prefetch("minerals", queryset=visible_related(Initiative, "minerals")),
            published_sources(),
        ]


class InitiativeDetailView(PublicItemMixin, InitiativeQuerysetMixin, DetailView):
    template_name = "initiatives/initiative_detail.html"
    shares_parts = True


class InitiativeSheetView(InitiativeQuerysetMixin, SheetView):
    template_name = "sheets/initiative.html"


class SectorListView(ListView):
    template_name = "initiatives/sector_list.html"
    context_object_name = "sectors"
    paginate_by = LIST_PAGE_SIZE

    def get_queryset(self):
        return Sector.objects.published().prefetch_related(
            Prefetch("initiatives", queryset=Initiative.objects.published()),
            published_applications(),
        )


class SectorQuerysetMixin:
    """A published sector with everything its page and its revision sheet show."""

    context_object_name = "sector"

    def get_queryset(self):
        return Sector.objects.published().prefetch_related(
            Prefetch("initiatives", queryset=Initiative.objects.published()),
            published_applications(),
            Prefetch("figures", queryset=Figure.objects.published()),
            published_sources(),
        )

    def get_context_data(self, **kwargs):
        context = super().get_context_data(**kwargs)
        context["sector_title"] = self.object.reader_title()
        return context


class SectorDetailView(PublicItemMixin, SectorQuerysetMixin, DetailView):
    template_name = "initiatives/sector_detail.html"


class SectorSheetView(SectorQuerysetMixin, SheetView):
    template_name = "sheets/sector.html"


class FigureQuerysetMixin:
    def get_queryset(self):
        return (
            Figure.objects.published()
            .select_related("part_of", "initiative", "country", "sector")
            .prefetch_related(
                Prefetch("parts", queryset=Figure.objects.published()),
                Prefetch("minerals", queryset=visible_related(Figure, "minerals")),
                published_sources(),
            )
        )


class FiguresView(FigureQuerysetMixin, ListView):
    template_name = "initiatives/figures.html"
    context_object_name = "figures"
    paginate_by = LIST_PAGE_SIZE

    def get_context_data(self, **kwargs):
        context = super().get_context_data(**kwargs)
        context["charts"] = figure_charts(context["figures"])
        return context


class FigureDetailView(PublicItemMixin, FigureQuerysetMixin, DetailView):
    """A key figure's own page: the number, what it is part of and made of, its sources."""

    template_name = "initiatives/figure_detail.html"
    context_object_name = "figure"

    def get_context_data(self, **kwargs):
        context = super().get_context_data(**kwargs)
        figure = self.object
        parts = list(figure.parts.all())
        context["chart"] = breakdown_chart(figure, parts) if parts else None
        return context


class FiguresCSVView(FigureQuerysetMixin, View):
    """Every published figure as CSV, streamed: its exact value and the value as the site
    shows it. Under /hi/ its column names and its text are in Hindi (the English where
    the Hindi is missing or outdated); the slugs, units, values and addresses are the
    same in both languages."""

    #: The column names, in the language of the request when the header is written.
    HEADER = [
        pgettext_lazy("figures.csv column", "slug"),
        pgettext_lazy("figures.csv column", "label"),
        pgettext_lazy("figures.csv column", "value"),
        pgettext_lazy("figures.csv column", "unit"),
        pgettext_lazy("figures.csv column", "qualifier"),
        pgettext_lazy("figures.csv column", "display_value"),
        pgettext_lazy("figures.csv column", "period"),
        pgettext_lazy("figures.csv column", "notes"),
        pgettext_lazy("figures.csv column", "part_of"),
        pgettext_lazy("figures.csv column", "initiative"),
        pgettext_lazy("figures.csv column", "country"),
        pgettext_lazy("figures.csv column", "sector"),
        pgettext_lazy("figures.csv column", "minerals"),
        pgettext_lazy("figures.csv column", "sources"),
        pgettext_lazy("figures.csv column", "url"),
        pgettext_lazy("figures.csv column", "updated"),
    ]

    def get(self, request, *args, **kwargs):
        figures = self.get_queryset().iterator(chunk_size=500)
        header = [str(name) for name in self.HEADER]
        return csv_download(request, "figures.csv", header, self.rows(figures))

    def rows(self, figures):
        """The rows in the request's language, which the stream, written after the view
        returns, no longer has active."""
        language = translation.get_language()
        for figure in figures:
            with translation.override(language):
                yield self.row(figure)

    def row(self, figure):
        def slug_if_published(item):
            return item.slug if item is not None and item.is_public else ""

        return [
            figure.slug,
            for_reader(figure, "label"),
            plain_decimal(figure.value),
            figure.unit,
            for_reader(figure, "qualifier"),
            figure.display_value,
            for_reader(figure, "period"),
            for_reader(figure, "notes"),
            slug_if_published(figure.part_of),
            slug_if_published(figure.initiative),
            slug_if_published(figure.country),
            slug_if_published(figure.sector),
            " ".join(mineral.slug for mineral in figure.minerals.all()),
            "; ".join(for_reader(source, "title") for source in figure.sources.all()),
            self.request.build_absolute_uri(figure.get_absolute_url()),
            figure.updated.isoformat(),
        ]


class MilestoneQuerysetMixin:
    def get_queryset(self):
        return (
            Milestone.objects.published()
            .chronological()
            .select_related("initiative")
            .prefetch_related(
                Prefetch("countries", queryset=Country.objects.published()),
                Prefetch("organizations", queryset=Organization.objects.published()),
                published_sources(),
            )
        )


class TimelineView(MilestoneQuerysetMixin, ListView):
    template_name = "initiatives/timeline.html"
    context_object_name = "milestones"
    paginate_by = LIST_PAGE_SIZE


class MilestoneDetailView(PublicItemMixin, MilestoneQuerysetMixin, DetailView):
    """A milestone's own page, with the milestones before and after it on the timeline."""

    template_name = "initiatives/milestone_detail.html"
    context_object_name = "milestone"

    def get_context_data(self, **kwargs):
        context = super().get_context_data(**kwargs)
        context["earlier"], context["later"] = neighbours(self.object)
        return context


def neighbours(milestone):
    """The published milestones just before and just after ``milestone`` on the timeline.

    The timeline puts a date known only to the year after that year's dated events
    (see ``chronological``), so an unknown month or day counts as past the last one.
    """
    key = (milestone.year, milestone.month or 13, milestone.day or 32, milestone.title)
    timeline = (
        Milestone.objects.published()
        .exclude(pk=milestone.pk)
        .annotate(month_key=Coalesce("month", 13), day_key=Coalesce("day", 32))
    )
    before = (
        Q(year__lt=key[0])
        | Q(year=key[0], month_key__lt=key[1])
        | Q(year=key[0], month_key=key[1], day_key__lt=key[2])
        | Q(year=key[0], month_key=key[1], day_key=key[2], title__lt=key[3])
    )
    earlier = timeline.filter(before).order_by("-year", "-month_key", "-day_key", "-title")
    later = timeline.exclude(before).order_by("year", "month_key", "day_key", "title")
    return earlier.first(), later.first()
