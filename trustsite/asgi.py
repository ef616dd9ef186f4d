"""ASGI entry point for trustsite."""

import os

from django.core.asgi import get_asgi_application

os.environ.setdefault("DJANGO_SETTINGS_MODULE", "trustsite.settings")

application = get_asgi_application()
