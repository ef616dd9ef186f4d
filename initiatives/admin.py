from django import forms
from django.contrib import admin
from django.db import models

from publishing.admin import (
    PUBLICATION_FIELDS,
    BrowserLimitsMixin,
    LinkedItemsInline,
    PartsFormSet,
    PublishableAdmin,
)
from publishing.imports import WorkflowImportExportMixin

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
from .resources import FigureResource, MilestoneResource

#: What ``manage.py check_sources`` writes about a source's address: shown, not edited.
ADDRESS_CHECK_FIELDS = ("link_status", "link_checked_at", "final_url", "redirects")


@admin.register(Source)
class SourceAdmin(PublishableAdmin):
    list_display = ["title", "publisher", "published_on", "address", "state", "updated"]
    list_filter = ["status", "publisher", "link_status"]
    readonly_fields = [
        *PublishableAdmin.readonly_fields,
        *ADDRESS_CHECK_FIELDS,
    ]
    search_fields = ["title", "publisher", "description", "slug"]
    prepopulated_fields = {"slug": ["title"]}
    ordering = ["title"]
    formfield_overrides = {
        models.URLField: {"form_class": forms.URLField, "assume_scheme": "https"}
    }

    def get_fieldsets(self, request, obj=None):
        """What ``manage.py check_sources`` found at the address, in a box of its own."""
        checked = list(ADDRESS_CHECK_FIELDS)
        fieldsets = [
            (name, {**options, "fields": [f for f in options["fields"] if f not in checked]})
            for name, options in super().get_fieldsets(request, obj)
        ]
        return [
            *fieldsets,
            (
                "Address check",
                {
                    "fields": checked,
                    "description": "Written by manage.py check_sources. Where the address "
                    "is dead, give an archived address above: readers then see it.",
                },
            ),
        ]

    @admin.display(description="address", ordering="link_status")
    def address(self, source):
        """The address's status when last checked: dead or moved ones say so."""
        if not source.url:
            return "—"
        if not source.link_status:
            return "Not checked yet"
        return source.link_report


class SourcedAdmin(PublishableAdmin):
    filter_horizontal = ["sources"]


@admin.register(Sector)
class SectorAdmin(SourcedAdmin):
    list_display = ["name", "position", "state", "updated"]
    list_editable = ["position"]
    search_fields = ["name", "summary", "body", "slug"]
    prepopulated_fields = {"slug": ["name"]}
    ordering = ["position", "name"]


@admin.register(Country)
class CountryAdmin(SourcedAdmin):
    list_display = ["name", "iso_code", "state", "updated"]
    search_fields = ["name", "iso_code", "summary", "slug"]
    prepopulated_fields = {"slug": ["name"]}
    ordering = ["name"]


@admin.register(Organization)
class OrganizationAdmin(SourcedAdmin):
    list_display = ["name", "acronym", "country", "state", "updated"]
    list_filter = ["status", "country"]
    search_fields = ["name", "acronym", "summary", "slug"]
    autocomplete_fields = ["country"]
    prepopulated_fields = {"slug": ["name"]}
    ordering = ["name"]


class SectionForm(forms.ModelForm):
    """A section with its points in one box, one point per line, so an initiative's
    sections and points are all edited (and versioned) on the initiative's page."""

    points_text = forms.CharField(
        label="Points",
        required=False,
        widget=forms.Textarea(attrs={"rows": 5, "cols": 80}),
        help_text="One point per line, in the order readers see them. Plain text.",
    )

    points_text_hi = forms.CharField(
        label="Points (Hindi)",
        required=False,
        widget=forms.Textarea(attrs={"rows": 5, "cols": 80, "lang": "hi"}),
        help_text="The Hindi of each point, line by line in the same order as the points.",
    )

    class Meta:
        model = Section
        fields = [
            "position",
            "kind",
            "heading",
            "heading_hi",
            "slug",
            "points_text",
            "points_text_hi",
        ]

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        if self.instance.pk:
            points = list(self.instance.points.all())
            self.initial["points_text"] = "\n".join(point.text for point in points)
            self.initial["points_text_hi"] = "\n".join(point.text_hi for point in points)

    def save(self, commit=True):
        section = super().save(commit)
        if commit:
            section.set_points(
                self.cleaned_data["points_text"].splitlines(),
                self.cleaned_data["points_text_hi"].splitlines(),
            )
        return section


class SectionInline(BrowserLimitsMixin, admin.StackedInline):
    model = Section
    form = SectionForm
    formset = PartsFormSet
    extra = 0
    prepopulated_fields = {"slug": ["heading"]}
    ordering = ["position"]

    def get_queryset(self, request):
        return super().get_queryset(request).prefetch_related("points")


class MilestoneInline(LinkedItemsInline):
    model = Milestone
    fields = ["title", "display_date", "status"]

    @admin.display(description="Date")
    def display_date(self, milestone):
        return milestone.display_date


@admin.register(Initiative)
class InitiativeAdmin(SourcedAdmin):
    list_display = ["name", "acronym", "parent", "launched_year", "position", "state", "updated"]
    list_filter = ["status", "sectors", "partners"]
    search_fields = ["name", "acronym", "summary", "body", "slug"]
    autocomplete_fields = ["parent", "sectors", "partners", "organizations"]
    prepopulated_fields = {"slug": ["name"]}
    inlines = [SectionInline, MilestoneInline]
    ordering = ["position", "name"]


@admin.register(Milestone)
class MilestoneAdmin(WorkflowImportExportMixin, SourcedAdmin):
    resource_classes = [MilestoneResource]
    list_display = ["title", "display_date", "expected", "initiative", "state", "updated"]
    list_filter = ["status", "expected", "precision", "year"]
    search_fields = ["title", "description", "slug"]
    autocomplete_fields = ["initiative", "countries", "organizations"]
    prepopulated_fields = {"slug": ["title"]}
    list_select_related = ["initiative"]
    ordering = ["year", "month", "day"]
    fieldsets = [
        (None, {"fields": ["title", "slug", "description"]}),
        ("Date", {"fields": ["year", "month", "day", "precision", "date_qualifier", "expected"]}),
        ("About", {"fields": ["initiative", "countries", "organizations", "sources"]}),
        ("Publication", {"fields": PUBLICATION_FIELDS}),
    ]

    @admin.display(description="Date", ordering="year")
    def display_date(self, milestone):
        return milestone.display_date


@admin.register(Figure)
class FigureAdmin(WorkflowImportExportMixin, SourcedAdmin):
    resource_classes = [FigureResource]
    list_display = ["label", "display_value", "unit", "period", "state", "updated"]
    list_filter = ["status", "unit", "period", "initiative", "country"]
    search_fields = ["label", "notes", "period", "slug"]
    autocomplete_fields = ["part_of", "initiative", "country", "sector"]
    prepopulated_fields = {"slug": ["label"]}
    list_select_related = ["initiative"]
    ordering = ["position", "label"]

    @admin.display(description="As shown")
    def display_value(self, figure):
        return figure.display_value
