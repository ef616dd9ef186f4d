from django import forms
from django.contrib import admin
from django.db import models

from publishing.admin import PublishableAdmin

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


@admin.register(Source)
class SourceAdmin(PublishableAdmin):
    list_display = ["title", "publisher", "published_on", "status", "updated"]
    list_filter = ["status", "publisher"]
    search_fields = ["title", "publisher", "description", "slug"]
    prepopulated_fields = {"slug": ["title"]}
    ordering = ["title"]
    formfield_overrides = {
        models.URLField: {"form_class": forms.URLField, "assume_scheme": "https"}
    }


class SourcedAdmin(PublishableAdmin):
    filter_horizontal = ["sources"]


@admin.register(Sector)
class SectorAdmin(SourcedAdmin):
    list_display = ["name", "position", "status", "updated"]
    list_editable = ["position"]
    search_fields = ["name", "summary", "body", "slug"]
    prepopulated_fields = {"slug": ["name"]}
    ordering = ["position", "name"]


@admin.register(Country)
class CountryAdmin(SourcedAdmin):
    list_display = ["name", "iso_code", "status", "updated"]
    search_fields = ["name", "iso_code", "summary", "slug"]
    prepopulated_fields = {"slug": ["name"]}
    ordering = ["name"]


@admin.register(Organization)
class OrganizationAdmin(SourcedAdmin):
    list_display = ["name", "acronym", "country", "status", "updated"]
    list_filter = ["status", "country"]
    search_fields = ["name", "acronym", "summary", "slug"]
    autocomplete_fields = ["country"]
    prepopulated_fields = {"slug": ["name"]}
    ordering = ["name"]


class SectionInline(admin.TabularInline):
    model = Section
    extra = 0
    fields = ["position", "kind", "heading", "slug"]
    prepopulated_fields = {"slug": ["heading"]}
    show_change_link = True
    ordering = ["position"]


class PointInline(admin.TabularInline):
    model = Point
    extra = 1
    fields = ["position", "text"]
    ordering = ["position"]


class MilestoneInline(admin.TabularInline):
    model = Milestone
    extra = 0
    fields = ["title", "year", "month", "day", "precision", "expected", "status"]
    show_change_link = True


@admin.register(Initiative)
class InitiativeAdmin(SourcedAdmin):
    list_display = ["name", "acronym", "parent", "launched_year", "position", "status", "updated"]
    list_filter = ["status", "sectors", "partners"]
    search_fields = ["name", "acronym", "summary", "body", "slug"]
    autocomplete_fields = ["parent", "sectors", "partners", "organizations"]
    prepopulated_fields = {"slug": ["name"]}
    inlines = [SectionInline, MilestoneInline]
    ordering = ["position", "name"]


@admin.register(Section)
class SectionAdmin(admin.ModelAdmin):
    """Where an initiative's section gets its points (the initiative page links here)."""

    list_display = ["heading", "initiative", "kind", "position"]
    list_filter = ["kind", "initiative"]
    search_fields = ["heading", "points__text", "initiative__name"]
    autocomplete_fields = ["initiative"]
    prepopulated_fields = {"slug": ["heading"]}
    inlines = [PointInline]
    ordering = ["initiative__position", "initiative__name", "position"]


@admin.register(Point)
class PointAdmin(admin.ModelAdmin):
    list_display = ["text", "section", "position"]
    list_filter = ["section__initiative", "section__kind"]
    search_fields = ["text", "section__heading"]
    autocomplete_fields = ["section"]
    list_select_related = ["section"]
    ordering = ["section__initiative__position", "section__position", "position"]


@admin.register(Milestone)
class MilestoneAdmin(SourcedAdmin):
    list_display = ["title", "display_date", "expected", "initiative", "status", "updated"]
    list_filter = ["status", "expected", "precision", "year"]
    search_fields = ["title", "description", "slug"]
    autocomplete_fields = ["initiative", "countries", "organizations"]
    prepopulated_fields = {"slug": ["title"]}
    list_select_related = ["initiative"]
    ordering = ["year", "month", "day"]
    fieldsets = [
        (None, {"fields": ["title", "slug", "description", "status"]}),
        ("Date", {"fields": ["year", "month", "day", "precision", "date_qualifier", "expected"]}),
        ("About", {"fields": ["initiative", "countries", "organizations", "sources"]}),
        ("History", {"fields": ["created", "updated"]}),
    ]

    @admin.display(description="Date", ordering="year")
    def display_date(self, milestone):
        return milestone.display_date


@admin.register(Figure)
class FigureAdmin(SourcedAdmin):
    list_display = ["label", "display_value", "unit", "period", "status", "updated"]
    list_filter = ["status", "unit", "period", "initiative", "country"]
    search_fields = ["label", "notes", "period", "slug"]
    autocomplete_fields = ["part_of", "initiative", "country", "sector"]
    prepopulated_fields = {"slug": ["label"]}
    list_select_related = ["initiative"]
    ordering = ["position", "label"]

    @admin.display(description="As shown")
    def display_value(self, figure):
        return figure.display_value
