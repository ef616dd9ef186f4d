from django.apps import AppConfig
from django.contrib.admin import apps as admin_apps


class PublishingConfig(AppConfig):
    name = "publishing"
    verbose_name = "Publishing"
    default = True

    def ready(self):
        from . import guard
        from .cache import connect_signals
        from .history import part_relations, publishable_models, register_models

        register_models()
        connect_signals()
        guard.connect(publishable_models(), part_relations)


class EditorialAdminConfig(admin_apps.AdminConfig):
    """The admin, with the editors' review dashboard."""

    default = False
    default_site = "publishing.admin.EditorialAdminSite"
