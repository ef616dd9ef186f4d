from django.contrib import admin

from initiatives.admin import SourcedAdmin

from .models import Application, Mineral


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
class MineralAdmin(SourcedAdmin):
    list_display = ["name", "symbol", "group", "state", "updated"]
    list_filter = ["status", "group", "applications__sector"]
    search_fields = ["name", "symbol", "summary", "body", "slug"]
    autocomplete_fields = ["initiatives", "figures"]
    prepopulated_fields = {"slug": ["name"]}
    inlines = [ApplicationInline]
    ordering = ["name"]


@admin.register(Application)
class ApplicationAdmin(SourcedAdmin):
    list_display = ["mineral", "sector", "use", "state", "updated"]
    list_filter = ["status", "sector", "mineral__group"]
    search_fields = ["use", "mineral__name", "sector__name", "slug"]
    autocomplete_fields = ["mineral", "sector"]
    list_select_related = ["mineral", "sector"]
    ordering = ["mineral__name", "sector__position"]
