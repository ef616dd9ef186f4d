from django.apps import AppConfig
from django.contrib.admin import apps as admin_apps
from django.utils.translation import gettext_lazy


class PublishingConfig(AppConfig):
    name = "publishing"
    verbose_name = gettext_lazy("Publishing")
    default = True

    def ready(self):
        from django.db.models.signals import post_save, pre_save

        from . import guard, notifications, workflow
        from .cache import connect_signals
        from .history import part_relations, publishable_models, register_models
        from .models import Change, normalise_line_endings

        register_models()
        connect_signals()
        post_save.connect(workflow.announce_recorded, sender=Change, dispatch_uid="announce")
        notifications.connect()
        guard.connect(publishable_models(), part_relations)
        for model in guard.guarded():
            pre_save.connect(normalise_line_endings, sender=model, dispatch_uid=f"lines-{model}")


class EditorialAdminConfig(admin_apps.AdminConfig):
    """The admin, with the editors' review dashboard."""

    default = False
    default_site = "publishing.admin.EditorialAdminSite"
