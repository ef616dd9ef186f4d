from django.apps import AppConfig, apps
from django.db.models.signals import post_migrate, pre_migrate


class TrustsiteConfig(AppConfig):
    name = "trustsite"

    def ready(self):
        from .search import build_index, drop_index

        # Both are sent once per app with models (trustsite has none), before and after
        # all the migrations: once, for the app of the last searched tables, is enough.
        searched = apps.get_app_config("minerals")
        pre_migrate.connect(drop_index, sender=searched, dispatch_uid="trustsite.search.drop")
        post_migrate.connect(build_index, sender=searched, dispatch_uid="trustsite.search.build")
