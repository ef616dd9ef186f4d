"""Public pages of minerals: the filterable index, a mineral, and the dependency matrix."""

from django import forms
from django.db.models import Prefetch
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy
from django.views.generic import DetailView, ListView

from initiatives.models import Figure, Initiative, Sector, Source
from publishing import fragments
from publishing.filters import ReaderFormRenderer
from publishing.sheets import SheetView
from publishing.views import PublicItemMixin

from .filters import MineralFilter, reader_choices
from .models import Application, Mineral


class OrderingForm(forms.Form):
    """How the reader wants the minerals index sorted; the keys are what the URL shows."""

    ORDERINGS = {
        "name": ("name",),
        "-name": ("-name",),
        "symbol": ("symbol", "name"),
        "group": ("group", "name"),
    }
    ordering = forms.ChoiceField(
        label=gettext_lazy("Sort by"),
        required=False,
        choices=[
            ("name", gettext_lazy("Name (A to Z)")),
            ("-name", gettext_lazy("Name (Z to A)")),
            ("symbol", gettext_lazy("Chemical symbol")),
            ("group", gettext_lazy("Group")),
        ],
    )

    def order_by(self):
        key = self.cleaned_data.get("ordering") if self.is_valid() else ""
        return self.ORDERINGS.get(key or "name")


class MineralListView(ListView):
    """The filter and the sort order are plain GET forms: they work without JavaScript.

    A value the forms cannot accept answers 400 with the form's message beside the field.
    """

    template_name = "minerals/mineral_list.html"
    context_object_name = "minerals"
    paginate_by = 50

    def get_queryset(self):
        queryset = Mineral.objects.published().prefetch_related(
            Prefetch(
                "applications", queryset=Application.objects.published().select_related("sector")
            )
        )
        self.filterset = MineralFilter(self.request.GET or None, queryset=queryset)
        self.ordering_form = OrderingForm(self.request.GET or None)
        if self.ordering_form.is_bound and not self.ordering_form.is_valid():
            return queryset.none()
        if not self.filterset.is_bound:
            return queryset.order_by(*self.ordering_form.order_by())
        if not self.filterset.is_valid():
            return queryset.none()
        return self.filterset.qs.order_by(*self.ordering_form.order_by())

    def get(self, request, *args, **kwargs):
        """Unfiltered, nothing is checked before the page's part is rendered: the forms,
        the list, its count and the filter's choices are made only then, if at all
        (:mod:`publishing.fragments`)."""
        if request.GET:
            return super().get(request, *args, **kwargs)
        self.object_list = None
        context = {"view": self}
        fragments.defer(request, context, self.unfiltered)
        return super().render_to_response(context)  # no form is bound: none has errors

    def unfiltered(self):
        self.object_list = self.get_queryset()
        return self.contents()

    def get_context_data(self, **kwargs):
        """Filtered, the forms are checked first (a value they refuse answers 400), and so
        is another page's number (a page past the last is a 404); on the first page the
        list, its count and the filter's choices are read only if the page's part is
        rendered (:mod:`publishing.fragments`)."""
        if self.request.GET.get(self.page_kwarg, "1") not in ("", "1"):
            return self.contents(**kwargs)
        context = {"view": self}
        fragments.defer(self.request, context, lambda: self.contents(**kwargs))
        return context

    def contents(self, **kwargs):
        context = super().get_context_data(**kwargs)
        context["filter_form"] = for_readers(self.filterset.form)
        context["ordering_form"] = self.ordering_form
        for form in (context["filter_form"], self.ordering_form):
            form.renderer = FILTER_FORM_RENDERER
        context["is_filtered"] = any(
            self.request.GET.get(name) for name in self.filterset.form.fields
        )
        return context

    def render_to_response(self, context, **response_kwargs):
        if self.filterset.form.errors or self.ordering_form.errors:
            response_kwargs["status"] = 400
        return super().render_to_response(context, **response_kwargs)


FILTER_FORM_RENDERER = ReaderFormRenderer()

#: The sectors the minerals index offers to filter by (every sector page lists its
#: minerals too): a drop-down of a thousand sectors helps no one and weighs the page.
SECTOR_CHOICES = 50
#: What a sector's option is made of: its name in both languages and their freshness.
SECTOR_NAMED_BY = ("slug", "position", "name", "name_hi", "translated_from")


def for_readers(form):
    """The shared filter form, worded for readers of the site rather than API consumers."""
    form.fields["group"].label = _("Group")
    form.fields["group"].empty_label = _("Any group")
    form.fields["group"].choices = Mineral.Group.choices
    offered = list(Sector.objects.published().only(*SECTOR_NAMED_BY)[:SECTOR_CHOICES])
    chosen = form.cleaned_data.get("sector") if form.is_bound and form.is_valid() else None
    if chosen is not None and chosen not in offered:
        offered.append(chosen)
    form.fields["sector"].widget.choices = [
        ("", _("Any sector")),
        *reader_choices(offered),
    ]
    form.fields["rare_earth"].widget.choices = [
        ("", _("Rare earths or not")),
        ("true", _("Rare earths only")),
        ("false", _("Not rare earths")),
    ]
    form.fields["sector"].label = _("Sector")
    form.fields["rare_earth"].label = _("Rare earth elements")
    for field in form.fields.values():
        field.help_text = ""
    for bound_field in form:  # already made when the form was validated, with the help
        bound_field.help_text = ""
        bound_field.label = bound_field.field.label
    return form


class MineralQuerysetMixin:
    """A published mineral with everything its page and its revision sheet show."""

    context_object_name = "mineral"

    def get_queryset(self):
        return self.item_queryset().prefetch_related(*self.neighbours())

    def item_queryset(self):
        return Mineral.objects.published()

    def neighbours(self):
        return [
            Prefetch(
                "applications",
                queryset=Application.objects.published()
                .select_related("sector")
                .order_by("sector__position", "sector__name"),
            ),
            Prefetch(
                "figures",
                queryset=Figure.objects.published().select_related("part_of"),
            ),
            Prefetch("initiatives", queryset=Initiative.objects.published()),
            Prefetch("sources", queryset=Source.objects.published()),
        ]


class MineralDetailView(PublicItemMixin, MineralQuerysetMixin, DetailView):
    template_name = "minerals/mineral_detail.html"
    shares_parts = True


class MineralSheetView(MineralQuerysetMixin, SheetView):
    template_name = "sheets/mineral.html"


class MatrixView(ListView):
    """Minerals down the side, the sectors that depend on any of them across the top.

    A page of minerals at a time, with the sectors those minerals serve as columns, so
    the table stays readable (and light) however many minerals and sectors there are.
    """

    template_name = "minerals/matrix.html"
    context_object_name = "minerals"
    paginate_by = 30

    def get_queryset(self):
        return Mineral.objects.published().prefetch_related(
            Prefetch("applications", queryset=Application.objects.published())
        )

    def get_context_data(self, **kwargs):
        context = super().get_context_data(**kwargs)
        uses = Application.objects.published().filter(mineral__in=context["minerals"])
        sectors = list(Sector.objects.published().filter(applications__in=uses).distinct())
        context["sectors"] = sectors
        context["rows"] = [dependency_row(mineral, sectors) for mineral in context["minerals"]]
        return context


def dependency_row(mineral, sectors):
    """A mineral and, for each sector column, its application there or None."""
    by_sector = {application.sector_id: application for application in mineral.applications.all()}
    return mineral, [by_sector.get(sector.pk) for sector in sectors]
