from django.contrib import admin, messages
from django.utils.translation import ngettext

from .models import Status


class PublishableAdmin(admin.ModelAdmin):
    """What every editable public item shares: status at a glance, publish in bulk, timestamps."""

    list_filter = ["status"]
    readonly_fields = ["created", "updated"]
    actions = ["publish", "unpublish"]
    list_per_page = 50

    @admin.action(description="Publish the selected items", permissions=["change"])
    def publish(self, request, queryset):
        self._set_status(request, queryset, Status.PUBLISHED)

    @admin.action(description="Return the selected items to draft", permissions=["change"])
    def unpublish(self, request, queryset):
        self._set_status(request, queryset, Status.DRAFT)

    def _set_status(self, request, queryset, status):
        changed = 0
        for item in queryset.exclude(status=status):
            item.status = status
            item.save(update_fields=["status", "updated"])
            changed += 1
        self.message_user(
            request,
            ngettext("%d item is now %s.", "%d items are now %s.", changed)
            % (changed, Status(status).label.lower()),
            messages.SUCCESS,
        )
