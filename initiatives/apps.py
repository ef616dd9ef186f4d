from django.apps import AppConfig
from django.utils.translation import gettext_lazy


class InitiativesConfig(AppConfig):
    name = "initiatives"
    verbose_name = gettext_lazy("Initiatives, sectors and figures")
