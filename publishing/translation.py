"""Hindi versions of content fields, and how fresh each one is.

Each text field a reader sees has a Hindi twin, ``<field>_hi``: an ordinary model
field, so django-reversion versions it, the workflow's comparison and per-field merge
see it (labelled "Summary (Hindi)") and a revert restores it, like any other field.
(django-modeltranslation stores the same columns, but makes ``name`` itself read and
write, and ``filter(name=…)`` query, the active language's column: the admin, the
workflow's comparisons, the API and search would change meaning with the request's
language, and its fallback would show a Hindi text that is out of date.)

``translated_from`` records, per field, the English text the Hindi was made from. A
field's Hindi is then *missing* (empty), *outdated* (the English has changed since)
or *current*. It is set whenever a save changes a Hindi value (the admin, the API,
an import: every channel saves through the model), and carried by the fixtures.
"""

import difflib

from django.db import models
from django.utils import timezone, translation
from django.utils.translation import gettext_lazy

LANGUAGE = "hi"
SUFFIX = f"_{LANGUAGE}"

MISSING, OUTDATED, CURRENT = "missing", "outdated", "current"
#: For editors (the admin and the API are in English).
STATUS_LABELS = {
    MISSING: gettext_lazy("missing"),
    OUTDATED: gettext_lazy("outdated"),
    CURRENT: gettext_lazy("current"),
}
#: The worst status first: an item is as fresh as its least fresh field.
SEVERITY = (MISSING, OUTDATED, CURRENT)


#: What a Hindi twin's label ends with, in forms, histories and the public change log.
HINDI_LABEL = " (Hindi)"


def is_hindi_label(label):
    return label.endswith(HINDI_LABEL)


def hindi(english_label, max_length=None):
    """The Hindi twin of a text field labelled ``english_label``."""
    options = {
        "verbose_name": f"{english_label}{HINDI_LABEL}",
        "blank": True,
        "help_text": "In Hindi (see fixtures/translations/GLOSSARY.md for the terms). Leave "
        "empty and readers of the Hindi site see the English, marked as such.",
    }
    if max_length:
        return models.CharField(max_length=max_length, **options)
    return models.TextField(**options)


def hindi_name(name):
    return f"{name}{SUFFIX}"


class Translated(models.Model):
    """A model whose ``translated_fields`` have Hindi twins and a recorded freshness."""

    #: The English fields that have a ``<field>_hi`` twin.
    translated_fields = ()
    #: Those whose Hindi exists only when the thing itself has one (a document's own Hindi
    #: title): an empty one is not missing, and readers get the English without a note.
    optional_translations = ()

    translated_from = models.JSONField(
        default=dict,
        blank=True,
        editable=False,
        help_text="For each translated field, the English text its Hindi was made from.",
    )

    class Meta:
        abstract = True

    def __str__(self):
        return self.named(english)

    def save(self, *args, **kwargs):
        """A save that changes a Hindi value marks it as made from the English as saved."""
        if self.translated_fields:
            stored = None
            if self.pk is not None:
                stored = (
                    type(self)
                    ._base_manager.filter(pk=self.pk)
                    .values(*map(hindi_name, self.translated_fields))
                    .first()
                )
            changed = [
                name
                for name in self.translated_fields
                if (getattr(self, hindi_name(name)) or "").strip()
                and (stored is None or stored[hindi_name(name)] != getattr(self, hindi_name(name)))
            ]
            if changed:
                self.mark_translated(changed)
                if kwargs.get("update_fields") is not None:
                    kwargs["update_fields"] = {*kwargs["update_fields"], "translated_from"}
        super().save(*args, **kwargs)

    def reader_str(self):
        """What str() says, in the reader's language: on the Hindi site with each
        translated field's Hindi where it is current (feeds, the change log)."""
        return self.named(for_reader)

    def named(self, text):
        """How the item is named, ``text(item, field)`` giving each field's words: str()
        is it in English, reader_str() in the reader's language."""
        return super().__str__()

    def hindi_status(self, name):
        """MISSING, OUTDATED or CURRENT; None when there is no English to translate (or no
        Hindi of an optional translation)."""
        english = getattr(self, name) or ""
        if not english.strip():
            return None
        if not (getattr(self, hindi_name(name)) or "").strip():
            return None if name in self.optional_translations else MISSING
        if (self.translated_from or {}).get(name) != english:
            return OUTDATED
        return CURRENT

    def hindi_statuses(self):
        return {
            name: status
            for name in self.translated_fields
            if (status := self.hindi_status(name)) is not None
        }

    def hindi_in_use(self, name):
        """The Hindi of ``name`` if it is current, else None (readers then get English)."""
        if self.hindi_status(name) == CURRENT:
            return getattr(self, hindi_name(name))
        return None

    def outdating_change(self, name):
        """The English change that made the Hindi of ``name`` outdated, as diff lines."""
        before = (self.translated_from or {}).get(name) or ""
        after = getattr(self, name) or ""
        return list(
            difflib.unified_diff(
                before.splitlines(),
                after.splitlines(),
                "translated from",
                "English now",
                lineterm="",
            )
        )

    def mark_translated(self, names):
        """Record that the Hindi of ``names`` was made from the English they have now."""
        self.translated_from = {
            **(self.translated_from or {}),
            **{name: getattr(self, name) for name in names},
        }


def item_status(statuses):
    """An item's status: its least fresh field's (CURRENT when it has nothing to translate)."""
    for status in SEVERITY:
        if status in statuses:
            return status
    return CURRENT


def field_statuses(item):
    """``[(object, field name, status)]`` for the item and its parts (an initiative's
    sections and points), as the item's rows or working copy hold them."""
    from .history import follow_set

    return [
        (obj, name, status)
        for obj in follow_set(item)
        if isinstance(obj, Translated)
        for name, status in obj.hindi_statuses().items()
    ]


def translation_status(item):
    """The item's Hindi as a whole: MISSING, OUTDATED or CURRENT."""
    return item_status({status for _, _, status in field_statuses(item)})


def last_brought_up_to_date(item):
    """When the item's Hindi, current as a whole now, was last brought up to date; None
    while any of it is missing or outdated.

    That is the Hindi's own record, not the item's ``updated`` (which any English edit
    moves): the public change log's latest entry that changed a Hindi field (a label
    "… (Hindi)", the item's parts included) or that added the item with its Hindi,
    dated when readers saw it. Content loaded from the fixtures, with no entry yet, has
    the Hindi it was loaded with: its creation time.
    """
    if translation_status(item) != CURRENT:
        return None
    from .models import PublicChange

    entries = (
        PublicChange.filter_item(item)
        .filter(date__lte=timezone.now())
        .order_by("-date", "-pk")
        .values_list("kind", "date", "fields")
    )
    for kind, date, fields in entries:
        if kind == PublicChange.Kind.ADDED or any(map(is_hindi_label, fields)):
            return date
    return getattr(item, "created", None)


def reading(item, name):
    """``(text, status)``: the text of ``name`` a reader of the active language gets, and,
    when that is the English on the Hindi site, why (MISSING or OUTDATED); else None."""
    english = getattr(item, name, "") or ""
    if translation.get_language() != LANGUAGE or not isinstance(item, Translated):
        return english, None
    status = item.hindi_status(name)
    if status is None:
        return english, None
    hindi = item.hindi_in_use(name)
    if hindi is not None:
        return hindi, None
    return english, status


def english(item, name):
    """The English of ``name``, as named() reads it for str()."""
    return getattr(item, name, "") or ""


def for_reader(item, name):
    """The text of ``name`` a reader of the active language gets, as plain text: on the
    Hindi site its Hindi when current, else (and on the English site) the English."""
    return reading(item, name)[0]


def phrase_reading(item, name, make):
    """``(text, status)`` as reading() for a phrase made around the field ``name`` by
    ``make(text)``: a figure around its qualifier ("लगभग 70%"), a date around its
    qualifier ("2025 के अंत तक"). When the Hindi of ``name`` is missing or outdated the
    whole phrase is made in English, so the English words keep their English order and
    the phrase can be marked ``lang="en"`` as a whole."""
    text, status = reading(item, name)
    if status is None:
        return make(text), None
    with translation.override("en"):
        return make(text), status
