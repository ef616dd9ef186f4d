from django.contrib import admin

from initiatives.admin import SourcedAdmin

from .models import Application, Mineral


class ApplicationInline(admin.TabularInline):
    model = Application
    extra = 1
    fields = ["sector", "use", "slug", "status"]
    autocomplete_fields = ["sector"]


@admin.register(Mineral)
class MineralAdmin(SourcedAdmin):
    list_display = ["name", "symbol", "group", "status", "updated"]
    list_filter = ["status", "group", "applications__sector"]
    search_fields = ["name", "symbol", "summary", "body", "slug"]
    autocomplete_fields = ["initiatives", "figures"]
    prepopulated_fields = {"slug": ["name"]}
    inlines = [ApplicationInline]
    ordering = ["name"]


@admin.register(Application)
class ApplicationAdmin(SourcedAdmin):
    list_display = ["mineral", "sector", "use", "status", "updated"]
    list_filter = ["status", "sector", "mineral__group"]
    search_fields = ["use", "mineral__name", "sector__name", "slug"]
    autocomplete_fields = ["mineral", "sector"]
    list_select_related = ["mineral", "sector"]
    ordering = ["mineral__name", "sector__position"]
