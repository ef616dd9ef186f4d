"""Update the Hindi catalog (locale/hi/LC_MESSAGES/django.po) from the site's sources.

What translators work on is the public site and the admin for editors who choose Hindi:
the templates and the Python that write their pages, feeds, forms and messages. The
browsable API's templates stay in English (DRF itself has no Hindi). tests/i18n runs this
command on a copy of the sources and fails when a message is missing from the catalog or
untranslated.
"""

from django.conf import settings
from django.core.management import call_command
from django.core.management.base import BaseCommand

#: Sources whose messages are not translated (see the module's docstring).
IGNORED = [
    ".venv",
    "node_modules",
    "tests",
    "staticfiles",
    "templates/rest_framework",
]


class Command(BaseCommand):
    help = "Update locale/<language>/LC_MESSAGES/django.po for each language but English."

    def handle(self, *args, **options):
        languages = [code for code, _ in settings.LANGUAGES if code != settings.LANGUAGE_CODE]
        call_command(
            "makemessages",
            locale=languages,
            ignore_patterns=IGNORED,
            no_obsolete=True,
            no_location=False,
            add_location="file",
            verbosity=options["verbosity"],
        )
