from django.contrib import admin

from initiatives.admin import SourcedAdmin
from publishing.admin import RelatedItemsInline
from publishing.imports import WorkflowImportExportMixin

from .models import Application, Mineral
from .resources import ApplicationResource, MineralResource


class ApplicationInline(RelatedItemsInline):
    """The mineral's uses, added and edited here: each is an item of its own (a new one
    starts as a draft; a change to a live one waits for review)."""

    model = Application
    fields = ["sector", "use", "state"]
    autocomplete_fields = ["sector"]


@admin.register(Mineral)
class MineralAdmin(WorkflowImportExportMixin, SourcedAdmin):
    resource_classes = [MineralResource]
    list_display = ["name", "symbol", "group", "state", "updated"]
    list_filter = ["status", "group", "applications__sector"]
    search_fields = ["name", "symbol", "summary", "body", "slug"]
    autocomplete_fields = ["initiatives", "figures"]
    prepopulated_fields = {"slug": ["name"]}
    inlines = [ApplicationInline]
    ordering = ["name"]


@admin.register(Application)
class ApplicationAdmin(WorkflowImportExportMixin, SourcedAdmin):
    resource_classes = [ApplicationResource]
    list_display = ["mineral", "sector", "use", "state", "updated"]
    list_filter = ["status", "sector", "mineral__group"]
    search_fields = ["use", "mineral__name", "sector__name", "slug"]
    autocomplete_fields = ["mineral", "sector"]
    list_select_related = ["mineral", "sector"]
    ordering = ["mineral__name", "sector__position"]
