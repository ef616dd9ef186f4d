"""Add N times the seed content's volume of synthetic content, to measure the site at scale.

Each copy repeats the published seed (sources, sectors, countries, organizations,
initiatives with their sections and points, milestones, figures, minerals and
applications) with the same links among its own items, so pages grow the way
they would with real content. Every synthetic item is marked: its slug starts
with ``synthetic-``, its name or title says "(synthetic N)", and its summary says
it is test content. It goes into the database only, never into the fixtures;
``--remove`` takes it out again. Like fixtures, it is loaded past the editorial
workflow (nothing of it is an edit to record): it is the one command besides
``loaddata`` that writes content that way.
"""

import itertools
import string

from django.core.management.base import BaseCommand, CommandError
from django.db import transaction

from initiatives.models import (
    Country,
    Figure,
    Initiative,
    Milestone,
    Organization,
    Point,
    Sector,
    Source,
)
from minerals.models import Application, Mineral
from publishing import purge
from publishing.guard import loading
from publishing.models import ContentVersion, refresh_statistics

PREFIX = "synthetic-"
NOTE = "Synthetic test content, made by manage.py synthesize to measure the site at scale."
#: The models in the order their links need them, and which fields name the item.
MODELS = [
    Source,
    Sector,
    Country,
    Organization,
    Initiative,
    Milestone,
    Figure,
    Mineral,
    Application,
]
NAMED_BY = {
    Source: "title",
    Sector: "name",
    Country: "name",
    Organization: "name",
    Initiative: "name",
    Milestone: "title",
    Figure: "label",
    Mineral: "name",
}
#: Many-to-many links each copy repeats among its own items.
LINKS = {
    Initiative: ["sectors", "partners", "organizations"],
    Milestone: ["countries", "organizations"],
    Mineral: ["initiatives", "figures"],
}
TEXT_FIELDS = ("summary", "description")
#: Models whose items link to others of their own kind, by this field.
SELF_LINKED = {Initiative: "parent", Figure: "part_of"}


def country_codes(taken):
    """Two-letter codes no country uses yet, in order."""
    for first, second in itertools.product(string.ascii_uppercase, repeat=2):
        if first + second not in taken:
            yield first + second


class Copier:
    """Makes copy number ``number`` of the seed, remembering each copy's new item."""

    def __init__(self, number, codes):
        self.number = number
        self.codes = codes
        self.copies = {}

    def mark(self, text):
        return f"{text} (synthetic {self.number})"

    def copy(self, item):
        model = type(item)
        clone = model(
            **{
                field.attname: getattr(item, field.attname)
                for field in model._meta.concrete_fields
                if not field.primary_key
            }
        )
        clone.slug = f"{PREFIX}{self.number}-{item.slug}"[:120]
        if model in NAMED_BY:
            setattr(clone, NAMED_BY[model], self.mark(getattr(item, NAMED_BY[model])))
        for name in TEXT_FIELDS:
            if hasattr(clone, name):
                setattr(clone, name, f"{NOTE} {getattr(clone, name)}".strip())
        if model is Country:
            clone.iso_code = next(self.codes)
        for field in model._meta.concrete_fields:
            if field.is_relation and getattr(item, field.attname) is not None:
                target = self.copies.get((field.related_model, getattr(item, field.attname)))
                setattr(clone, field.attname, target.pk if target is not None else None)
        return clone


class Command(BaseCommand):
    help = __doc__.splitlines()[0]

    def add_arguments(self, parser):
        parser.add_argument(
            "--factor", type=int, default=10, help="How many copies of the seed to add."
        )
        parser.add_argument(
            "--remove", action="store_true", help="Remove all synthetic content instead."
        )

    def handle(self, *args, factor, remove, **options):
        if remove:
            self.remove()
            return
        if factor < 1:
            raise CommandError("--factor is the number of copies to add: 1 or more.")
        seed = {model: list(model.objects.exclude(slug__startswith=PREFIX)) for model in MODELS}
        if not seed[Mineral]:
            raise CommandError("There is no seed content: run manage.py load_content first.")
        taken = set(Country.objects.values_list("iso_code", flat=True))
        if len(taken) + factor * len(seed[Country]) > 26 * 26:
            raise CommandError(
                f"--factor {factor} needs more two-letter country codes than exist; use at most "
                f"{(26 * 26 - len(taken)) // max(len(seed[Country]), 1)}."
            )
        first = self.next_copy_number()
        codes = country_codes(taken)
        with transaction.atomic(), loading():
            for number in range(first, first + factor):
                self.add_copy(Copier(number, codes), seed)
            ContentVersion.bump()
        purge.wait()
        refresh_statistics()
        added = factor * sum(len(items) for items in seed.values())
        self.stdout.write(
            f"Added {factor} synthetic copies of the seed content ({added} items, with their "
            f"sections, points and links), numbered {first} to {first + factor - 1}. "
            "Remove them with: manage.py synthesize --remove"
        )

    @staticmethod
    def next_copy_number():
        slugs = Source.objects.filter(slug__startswith=PREFIX).values_list("slug", flat=True)
        numbers = [int(slug[len(PREFIX) :].split("-", 1)[0]) for slug in slugs]
        return max(numbers, default=0) + 1

    def add_copy(self, copier, seed):
        for model in MODELS:
            originals = seed[model]
            if model in SELF_LINKED:
                # An item linking to another of its kind (a parent, a total) is saved
                # after it, one by one, so the link can point at the copy.
                originals = sorted(
                    originals,
                    key=lambda item: item.serializable_value(SELF_LINKED[model]) is not None,
                )
                for original in originals:
                    clone = copier.copy(original)
                    clone.save()
                    copier.copies[(model, original.pk)] = clone
            else:
                clones = model.objects.bulk_create([copier.copy(item) for item in originals])
                copier.copies.update(
                    ((model, original.pk), clone)
                    for original, clone in zip(originals, clones, strict=True)
                )
            self.copy_links(model, originals, copier)
        self.copy_sections(seed[Initiative], copier)

    @staticmethod
    def copy_links(model, originals, copier):
        names = [*LINKS.get(model, []), *(["sources"] if hasattr(model, "sources") else [])]
        for name in names:
            field = model._meta.get_field(name)
            through = field.remote_field.through
            source_column = field.m2m_field_name()
            target_column = field.m2m_reverse_field_name()
            rows = []
            for original in originals:
                for target_pk in getattr(original, name).values_list("pk", flat=True):
                    target = copier.copies.get((field.related_model, target_pk))
                    if target is not None:
                        rows.append(
                            through(
                                **{
                                    f"{source_column}_id": copier.copies[(model, original.pk)].pk,
                                    f"{target_column}_id": target.pk,
                                }
                            )
                        )
            through.objects.bulk_create(rows, ignore_conflicts=True)

    @staticmethod
    def copy_sections(initiatives, copier):
        for initiative in initiatives:
            clone = copier.copies[(Initiative, initiative.pk)]
            for section in initiative.sections.prefetch_related("points"):
                points = list(section.points.all())
                section.pk = None
                section.initiative_id = clone.pk
                section.save()
                for point in points:
                    point.pk = None
                    point.section_id = section.pk
                Point.objects.bulk_create(points)

    def remove(self):
        with transaction.atomic(), loading():
            Figure.objects.filter(slug__startswith=PREFIX).update(part_of=None)
            Initiative.objects.filter(slug__startswith=PREFIX).update(parent=None)
            counts = {}
            for model in reversed(MODELS):
                deleted, _ = model.objects.filter(slug__startswith=PREFIX).delete()
                counts[model._meta.verbose_name_plural] = deleted
            ContentVersion.bump()
        purge.wait()
        self.stdout.write(f"Removed the synthetic content ({sum(counts.values())} rows).")
