from django.apps import AppConfig
from django.db.models.signals import post_migrate


class TrustsiteConfig(AppConfig):
    name = "trustsite"

    def ready(self):
        from .search import build_index

        # After every app's migrations, so every searched table is there.
        post_migrate.connect(build_index, dispatch_uid="trustsite.search.build_index")
