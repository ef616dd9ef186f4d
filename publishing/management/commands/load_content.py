"""Load the source content into an empty database; reload it only when asked.

``make run`` calls this on every start, so a start must never overwrite what
editors saved: the fixtures named in ``settings.CONTENT_FIXTURES`` load only when
no content item exists yet. ``--reload`` puts the source content back over an
edited database, but first works out (by loading inside a transaction that is
rolled back) which items it would overwrite and asks. Each item it does
overwrite gets a "Reloaded" version in its history, after a baseline of what it
held before if it had no history yet, so a Publisher can revert the reload.
"""

import sys

from django.conf import settings
from django.core.management import call_command
from django.core.management.base import BaseCommand, CommandError
from django.db import transaction
from django.db.models.signals import post_save

from publishing import history
from publishing.models import Change, Draft, refresh_statistics
from publishing.workflow import record_baseline, record_public_change

RELOAD_COMMAND = "manage.py load_content --reload"


def items(count):
    return f"{count} item" if count == 1 else f"{count} items"


def content_items():
    """Every content item now in the database, keyed by ``(model, pk)``."""
    return {
        (model, item.pk): item
        for model in history.publishable_models()
        for item in model._base_manager.order_by("pk")
    }


def name_of(item):
    return f"{type(item)._meta.verbose_name.capitalize()} “{item}” ({item.slug})"


def load_fixtures(labels):
    """Load the fixtures; return the keys of the content items they wrote.

    The fixtures carry no primary keys (items are found by slug), so which existing
    items they cover is known only from the rows ``loaddata`` saves.
    """
    models = set(history.publishable_models())
    written = set()

    def note(sender, instance, **kwargs):
        if sender in models:
            written.add((sender, instance.pk))

    post_save.connect(note, weak=False)
    try:
        call_command("loaddata", *labels, verbosity=0)
    finally:
        post_save.disconnect(note)
    return written


def keys_with(model_class):
    """``(model, pk)`` of the items that have a row of ``model_class`` (a Change, a Draft)."""
    by_type = {history.content_type_of(model).pk: model for model in history.publishable_models()}
    return {
        (by_type[type_id], by_type[type_id]._meta.pk.to_python(object_id))
        for type_id, object_id in model_class.objects.values_list("content_type_id", "object_id")
        if type_id in by_type
    }


class Reload:
    """What loading the source content over the database does, item by item."""

    def __init__(self, labels):
        self.labels = labels
        self.overwritten = {}
        self.names = {}
        self.added = []
        self.only_in_database = []

    def run(self, keep, expected=None):
        """Load the fixtures and find what changed; keep it (recorded) only if ``keep``.

        ``expected`` is the outcome shown to the person who confirmed: if the database
        changed meanwhile so that the reload would do something else, nothing is kept.
        """
        with transaction.atomic():
            before_items = content_items()
            before = {key: history.describe(item) for key, item in before_items.items()}
            seen = {
                key: history.describe(item, public=True)
                for key, item in before_items.items()
                if keep and item.is_public
            }
            recorded = keys_with(Change)
            baselines = {
                key: history.snapshot(item)
                for key, item in before_items.items()
                if keep and key not in recorded
            }
            written = load_fixtures(self.labels)
            after_items = content_items()
            for key, item in before_items.items():
                differences = history.compare(before[key], history.describe(after_items[key]))
                if key not in written:
                    self.only_in_database.append(name_of(item))
                elif differences:
                    self.overwritten[key] = differences
                    self.names[key] = name_of(after_items[key])
            self.added = sorted(
                name_of(item) for key, item in after_items.items() if key not in before
            )
            if not keep:
                transaction.set_rollback(True)
                return self
            if expected is not None and self.outcome() != expected.outcome():
                raise CommandError(
                    "The content changed while you were deciding, so the reload would now do "
                    f"something else. Nothing was overwritten; run {RELOAD_COMMAND} again."
                )
            for key, differences in self.overwritten.items():
                self.record(
                    before_items[key],
                    after_items[key],
                    before[key],
                    differences,
                    baselines.get(key),
                    seen.get(key),
                )
        return self

    def record(self, old, item, before, differences, baseline, seen):
        """History for one overwritten item: its version before (if it had no history) and
        the reloaded one; and the public change log, if the public sees the change."""
        if baseline is not None:
            record_baseline(item, baseline, before, status=old.status)
        after = history.describe(item)
        history.store(
            item,
            history.snapshot(item),
            user=None,
            action=Change.Action.RELOADED,
            status=item.status,
            comment=f"{RELOAD_COMMAND} ({', '.join(self.labels)})",
            snapshot=after,
            changes=differences,
        )
        if item.is_live:
            record_public_change(item, seen)

    def outcome(self):
        return (
            {
                key: [entry["label"] for entry in entries]
                for key, entries in self.overwritten.items()
            },
            self.added,
        )

    @property
    def changes_anything(self):
        return bool(self.overwritten or self.added)


class Command(BaseCommand):
    help = (
        "Load the source content (settings.CONTENT_FIXTURES) into an empty database. "
        "With content already there it loads nothing, so editors' changes are kept; "
        "--reload puts the source content back over them after listing what it overwrites "
        "and asking."
    )
    stealth_options = ("stdin",)

    def add_arguments(self, parser):
        parser.add_argument(
            "--reload",
            action="store_true",
            help="Reload the source content over the database, overwriting editors' changes "
            "to the items it holds (it lists them and asks first).",
        )
        parser.add_argument(
            "--force",
            "--noinput",
            "--no-input",
            action="store_true",
            dest="force",
            help="With --reload: overwrite without asking.",
        )

    def handle(self, *args, reload, force, **options):
        self.stdin = options.get("stdin") or sys.stdin
        labels = list(settings.CONTENT_FIXTURES)
        if reload:
            self.reload(labels, force)
            return
        count = history.content_count()
        if count:
            self.stdout.write(
                f"The database already holds content ({items(count)}), so nothing was loaded "
                "and editors' changes are kept.\n"
                "To reload the source content over it (it lists what it would overwrite and "
                f"asks first): {RELOAD_COMMAND}"
            )
            return
        call_command("loaddata", *labels, verbosity=0)
        refresh_statistics()
        self.stdout.write(
            f"Loaded the source content into the empty database: {items(history.content_count())} "
            f"(fixtures: {', '.join(labels)})."
        )

    def reload(self, labels, force):
        plan = Reload(labels).run(keep=False)
        if not plan.changes_anything:
            self.stdout.write(
                "Reloading the source content would change nothing: the database already "
                f"holds it (fixtures: {', '.join(labels)})."
            )
            self.report_untouched(plan)
            return
        self.report(plan, labels)
        if not force and not self.confirm(plan):
            self.stdout.write("Reload cancelled: nothing was overwritten.")
            return
        done = Reload(labels).run(keep=True, expected=plan)
        self.stdout.write(
            f"Reloaded the source content: overwrote {items(len(done.overwritten))} and added "
            f"{items(len(done.added))}. Each overwritten item's history holds its version "
            "from before the reload, so a Publisher can revert it."
        )

    def report(self, plan, labels):
        drafted = keys_with(Draft)
        self.stdout.write(
            f"Reloading the source content (fixtures: {', '.join(labels)}) would overwrite "
            f"{items(len(plan.overwritten))}{':' if plan.overwritten else '.'}"
        )
        for key, differences in plan.overwritten.items():
            labels_changed = ", ".join(entry["label"] for entry in differences)
            waiting = " (its unpublished changes are kept)" if key in drafted else ""
            self.stdout.write(f"  {plan.names[key]}: {labels_changed}{waiting}")
        self.stdout.write(f"It would add {items(len(plan.added))}{':' if plan.added else '.'}")
        for name in plan.added:
            self.stdout.write(f"  {name}")
        self.report_untouched(plan)
        if drafted:
            self.stdout.write(
                f"{items(len(drafted))} {'has' if len(drafted) == 1 else 'have'} unpublished "
                "changes waiting; the reload keeps them as they are."
            )

    def report_untouched(self, plan):
        if plan.only_in_database:
            count = len(plan.only_in_database)
            self.stdout.write(
                f"{items(count)} {'exists' if count == 1 else 'exist'} only in the database, "
                "not in the source content; the reload leaves them alone."
            )

    def confirm(self, plan):
        count = len(plan.overwritten)
        if count:
            question = (
                f"Overwrite {'this' if count == 1 else 'these'} {items(count)} with the source "
                "content? Type 'yes' to continue: "
            )
        else:
            question = (
                f"Add {items(len(plan.added))} from the source content? Type 'yes' to continue: "
            )
        if not self.stdin.isatty():
            raise CommandError(
                "Nothing was overwritten: there is no terminal to ask for confirmation on. "
                f"Run {RELOAD_COMMAND} --force to reload without asking."
            )
        return input(question).strip().lower() == "yes"
