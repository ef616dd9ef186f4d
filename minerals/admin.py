from django.contrib import admin

from initiatives.admin import SourcedAdmin
from publishing.imports import WorkflowImportExportMixin

from .models import Application, Mineral
from .resources import ApplicationResource, MineralResource


class ApplicationInline(admin.TabularInline):
    """A mineral's applications, for reference: each is its own item with its own review,
    added and edited on its own page."""

    model = Application
    extra = 0
    fields = ["sector", "use", "status"]
    readonly_fields = fields
    show_change_link = True
    can_delete = False

    def has_add_permission(self, request, obj=None):
        return False


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
