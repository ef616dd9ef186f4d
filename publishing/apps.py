from django.apps import AppConfig
from django.contrib.admin import apps as admin_apps


class PublishingConfig(AppConfig):
    name = "publishing"
    verbose_name = "Publishing"
    default = True

    def ready(self):
        from .cache import connect_signals
        from .history import register_models

        register_models()
        connect_signals()


class EditorialAdminConfig(admin_apps.AdminConfig):
    """The admin, with the editors' review dashboard."""

    default = False
    default_site = "publishing.admin.EditorialAdminSite"
