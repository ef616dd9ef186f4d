"""Django's ``loaddata``, allowed past the workflow's guard: fixtures are the content's
starting point (``load_content``, tests' arrangements), not edits to record."""

from django.core.management.commands import loaddata

from publishing.guard import loading


class Command(loaddata.Command):
    def handle(self, *fixture_labels, **options):
        with loading():
            return super().handle(*fixture_labels, **options)
