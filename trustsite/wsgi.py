"""WSGI entry point for trustsite."""

import os

from django.core.wsgi import get_wsgi_application

os.environ.setdefault("DJANGO_SETTINGS_MODULE", "trustsite.settings")

application = get_wsgi_application()
