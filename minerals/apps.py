from django.apps import AppConfig
from django.utils.translation import gettext_lazy


class MineralsConfig(AppConfig):
    name = "minerals"
    verbose_name = gettext_lazy("Critical minerals")
