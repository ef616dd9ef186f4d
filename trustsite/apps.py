from django.apps import AppConfig, apps
from django.db.models.signals import post_migrate


class TrustsiteConfig(AppConfig):
    name = "trustsite"

    def ready(self):
        from .search import build_index

        # Sent once per app with models after all migrations ran (trustsite has none):
        # once, for the app of the last searched tables, is enough.
        post_migrate.connect(
            build_index,
            sender=apps.get_app_config("minerals"),
            dispatch_uid="trustsite.search.build_index",
        )
