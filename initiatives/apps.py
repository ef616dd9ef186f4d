from django.apps import AppConfig


class InitiativesConfig(AppConfig):
    name = "initiatives"
    verbose_name = "Initiatives, sectors and figures"
