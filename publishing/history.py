"""Versions of items: taking them, describing them to people, and putting them back.

A version is an item together with its parts (an initiative's sections and their
points) and its many-to-many links, stored as a django-reversion revision so it
can be restored exactly. :func:`describe` turns an item's current rows into
labelled values, which is what the history, the review screen, the public change
log and the API show; :func:`compare` lists what differs between two of them.
"""

import functools
from typing import NamedTuple

from django.apps import apps
from django.conf import settings
from django.contrib.contenttypes.models import ContentType
from django.core import serializers
from django.core.exceptions import FieldDoesNotExist
from django.db import connection, models, router
from django.utils import timezone, translation
from django.utils.encoding import force_str
from django.utils.translation import gettext
from reversion import revisions
from reversion.models import Revision, Version

from .models import Change, Draft, Publishable, when
from .translation import HINDI_LABEL

#: Fields about publication rather than content: the history shows them, the
#: public change log does not.
EDITORIAL_FIELDS = ("status", "go_live_at", "expire_at", "review_interval")
#: Fields no one edits; their changes are noise in a history. (``translated_from`` is
#: bookkeeping for the Hindi fields, which are described themselves.)
UNDESCRIBED_FIELDS = ("id", "created", "updated", "translated_from")


def publishable_models():
    return [model for model in apps.get_models() if issubclass(model, Publishable)]


def content_count():
    """How many content items the database holds."""
    return sum(model._base_manager.count() for model in publishable_models())


def register_models():
    """Put every publishable model and its parts under django-reversion (once, at start-up)."""

    def register(model):
        if not revisions.is_registered(model):
            revisions.register(model, follow=part_relations(model))
            for name in part_relations(model):
                register(model._meta.get_field(name).related_model)

    for model in publishable_models():
        register(model)


def part_relations(model):
    return tuple(getattr(model, "versioned_parts", ()))


def parts_of(obj):
    for name in part_relations(type(obj)):
        yield from getattr(obj, name).all()


def follow_set(item):
    """The item, then its parts, level by level (parents before their own parts)."""
    objects, level = [item], [item]
    while level:
        level = [part for obj in level for part in parts_of(obj)]
        objects.extend(level)
    return objects


def content_type_of(obj):
    return ContentType.objects.get_for_model(obj)


def snapshot(item):
    """Unsaved reversion versions of the item and its parts, as the rows are now."""
    db = router.db_for_write(type(item))
    versions = []
    for obj in follow_set(item):
        options = revisions._get_options(type(obj))
        versions.append(
            Version(
                content_type=content_type_of(obj),
                object_id=force_str(obj.pk),
                db=db,
                format=options.format,
                serialized_data=serializers.serialize(options.format, [obj], fields=options.fields),
                object_repr=force_str(obj)[:300],
            )
        )
    return versions


def store(item, versions, *, user, action, status, comment="", unpublished=False, **change):
    """Save ``versions`` as a revision and describe it with a :class:`Change`."""
    revision = Revision.objects.create(
        date_created=change.pop("date", None) or timezone.now(),
        user=user if user is not None and user.is_authenticated else None,
        comment=comment,
    )
    for version in versions:
        version.revision = revision
    Version.objects.bulk_create(versions)
    return Change.objects.create(
        revision=revision,
        content_type=content_type_of(item),
        object_id=str(item.pk),
        object_repr=str(item)[:300],
        action=action,
        status=status,
        unpublished=unpublished,
        **change,
    )


def reserve_primary_keys(versions):
    """Keep the keys of parts that exist only in a stored version from being handed out
    again. PostgreSQL's sequences never go back; SQLite's counter rolls back with the
    transaction that used it, so it is moved past them by hand."""
    if connection.vendor != "sqlite":
        return
    highest = {}
    for version in versions:
        model = version._model
        if (
            version.object_id.isdigit()
            and not model._base_manager.filter(pk=version.object_id).exists()
        ):
            table = model._meta.db_table
            highest[table] = max(highest.get(table, 0), int(version.object_id))
    with connection.cursor() as cursor:
        for table, pk in highest.items():
            cursor.execute(
                "UPDATE sqlite_sequence SET seq = %s WHERE name = %s AND seq < %s", [pk, table, pk]
            )
            cursor.execute("SELECT 1 FROM sqlite_sequence WHERE name = %s", [table])
            if cursor.fetchone() is None:
                cursor.execute(
                    "INSERT INTO sqlite_sequence (name, seq) VALUES (%s, %s)", [table, pk]
                )


class MissingLink(NamedTuple):
    """A link a stored version holds to an item that has since been deleted."""

    label: str
    target: str
    required: bool

    def __str__(self):
        return f"{self.label}: {self.target} (deleted since)"


def settled_queryset(model, objects):
    """A queryset that holds ``objects`` without asking the database, as a prefetch leaves
    one behind: ``item.sections.all()`` then gives objects built in memory."""
    queryset = model._base_manager.filter(pk__in=[obj.pk for obj in objects])
    queryset._result_cache = list(objects)
    queryset._prefetch_done = True
    return queryset


def all_rows(model):
    return model._base_manager.all()


class WorkingCopy:
    """An item as one of its stored versions holds it: its fields, its parts and its links,
    built in memory from the version, with no write to its rows and no lock.

    This is how editors' screens read unpublished changes (the change form, the review
    screen, the API, exports, previews): the live rows stay as the public sees them and
    other editors never wait on a reader. :meth:`restore` writes it into the rows, for
    a write that builds on it (an edit session, a revert).

    Links to items deleted since the version was stored are left out (an optional link
    emptied) and listed in :attr:`missing`; a required one makes the version one that
    cannot be restored.
    """

    def __init__(self, revision, model, pk):
        versions = sorted(revision.version_set.all(), key=lambda version: version.pk)
        self.build(versions, model, pk)

    @classmethod
    def of_rows(cls, item):
        """The item as its rows hold it now, built the same way (for a merge to compare)."""
        copy = cls.__new__(cls)
        copy.build(snapshot(item), type(item), item.pk)
        return copy

    def build(self, versions, model, pk):
        stored = [version._object_version for version in versions]
        self.objects = [entry.object for entry in stored]
        self.links = {id(entry.object): dict(entry.m2m_data or {}) for entry in stored}
        self.item = next(
            obj for obj in self.objects if type(obj) is model and str(obj.pk) == str(pk)
        )
        self.missing = []
        self.drop_missing_links()
        self.children = {id(obj): self.parts_in_copy(obj) for obj in self.objects}
        self.attach(self.item, self.item, all_rows)

    @classmethod
    def of_draft(cls, item):
        """The working copy of a live item with unpublished changes; None without any."""
        draft = Draft.filter_item(item).select_related("change__revision").first()
        if draft is None:
            return None
        return cls(draft.change.revision, type(item), item.pk)

    @property
    def cannot_restore(self):
        return [link for link in self.missing if link.required]

    def drop_missing_links(self):
        wanted = {}
        for obj in self.objects:
            for field in obj._meta.concrete_fields:
                if field.is_relation and getattr(obj, field.attname) is not None:
                    wanted.setdefault(field.related_model, set()).add(getattr(obj, field.attname))
            for name, pks in self.links[id(obj)].items():
                wanted.setdefault(obj._meta.get_field(name).related_model, set()).update(pks)
        ids = {obj.pk for obj in self.objects}
        existing = {
            model: set(model._base_manager.filter(pk__in=pks).values_list("pk", flat=True)) | ids
            for model, pks in wanted.items()
        }
        for obj in self.objects:
            for field in obj._meta.concrete_fields:
                target = getattr(obj, field.attname) if field.is_relation else None
                if target is None or target in existing[field.related_model]:
                    continue
                name = deleted_name(field.related_model, target)
                self.missing.append(MissingLink(label_of(field), name, not field.null))
                if field.null:
                    setattr(obj, field.attname, None)
            for name, pks in self.links[id(obj)].items():
                field = obj._meta.get_field(name)
                found = existing[field.related_model]
                self.missing += [
                    MissingLink(label_of(field), deleted_name(field.related_model, pk), False)
                    for pk in pks
                    if pk not in found
                ]
                self.links[id(obj)][name] = [pk for pk in pks if pk in found]

    def parts_in_copy(self, obj):
        """The copy's parts of ``obj``, by relation, in the order pages show them."""
        parts = {}
        for name in part_relations(type(obj)):
            relation = type(obj)._meta.get_field(name)
            link = relation.remote_field
            ordering = [
                field for field in relation.related_model._meta.ordering if field != link.name
            ]
            found = [
                part
                for part in self.objects
                if type(part) is relation.related_model and getattr(part, link.attname) == obj.pk
            ]
            for part in found:
                setattr(part, link.name, obj)
            parts[name] = sorted(
                found, key=lambda part: tuple(getattr(part, field) for field in ordering)
            )
        return parts

    def attach(self, target, source, visible):
        """Give ``target`` the links and parts that ``source`` (an object of the copy) holds,
        the linked items as ``visible(model)`` lets its reader see them."""
        for name, pks in self.links[id(source)].items():
            related = target._meta.get_field(name).related_model
            target._prefetched_objects_cache = getattr(target, "_prefetched_objects_cache", {})
            target._prefetched_objects_cache[name] = visible(related).filter(pk__in=pks)
        for name, parts in self.children[id(source)].items():
            relation = type(source)._meta.get_field(name)
            for part in parts:
                self.attach(part, part, visible)
            target._prefetched_objects_cache = getattr(target, "_prefetched_objects_cache", {})
            target._prefetched_objects_cache[relation.get_accessor_name()] = settled_queryset(
                relation.related_model, parts
            )

    def dress(self, instance, visible=all_rows):
        """Make ``instance`` (the item read from its rows) read as this copy: its fields, and
        its links and parts as ``visible`` shows them. Its ``row_only_fields`` (when it was
        last checked against its sources) stay as the rows hold them."""
        row_only = getattr(type(instance), "row_only_fields", ())
        for field in instance._meta.concrete_fields:
            if field.primary_key or field.name in row_only:
                continue
            value = getattr(self.item, field.attname)
            stale_link = field.is_relation and getattr(instance, field.attname) != value
            if stale_link and field.is_cached(instance):
                field.delete_cached_value(instance)
            setattr(instance, field.attname, value)
        self.attach(instance, self.item, visible)
        return instance

    def in_order(self):
        """The copy's objects, the item first, then its parts level by level."""
        objects, level = [self.item], [self.item]
        while level:
            level = [
                part for obj in level for parts in self.children[id(obj)].values() for part in parts
            ]
            objects.extend(level)
        return objects

    def restore(self, item, keep=()):
        """Write the copy into the rows of ``item`` and its parts (inside an edit session).

        Parts are replaced as a whole (the current ones deleted, the copy's saved with their
        keys), so reordered points never collide. ``keep`` names fields of the item that stay
        as they are in the rows, as do its ``row_only_fields`` (when it was last checked
        against its sources is not content an earlier version can take back).
        """
        keep = (*keep, *getattr(type(item), "row_only_fields", ()))
        kept = {name: getattr(item, name) for name in keep}
        for name in part_relations(type(item)):
            getattr(item, name).all().delete()
        for name, value in kept.items():
            setattr(self.item, name, value)
        for obj in self.in_order():
            models.Model.save_base(obj, raw=True)
            for name, pks in self.links[id(obj)].items():
                # The links the copy shows would read as the rows' own, and set() would
                # then find nothing to change.
                obj._prefetched_objects_cache.pop(name, None)
                getattr(obj, name).set(pks)
        item.refresh_from_db()


def deleted_name(model, pk):
    """What a deleted item was called, as its history last recorded it."""
    name = (
        Change.objects.filter(content_type=content_type_of(model), object_id=str(pk))
        .values_list("object_repr", flat=True)
        .first()
    )
    return f"“{name}”" if name else f"{model._meta.verbose_name} #{pk}"


def working_copy(item, visible=all_rows):
    """``item`` as its editors see it: dressed with its unpublished changes, if it has any."""
    copy = WorkingCopy.of_draft(item)
    return copy.dress(item, visible) if copy is not None else item


def version_token(item):
    """Changes whenever anything is recorded about the item: the id of its latest change."""
    if item is None or item.pk is None:
        return "0"
    latest = Change.filter_item(item).order_by("-pk").values_list("pk", flat=True).first()
    return str(latest or 0)


def version_before(item, token):
    """The version of ``item`` recorded just before the one ``token`` names, if any."""
    if not str(token).isdigit():
        return None
    earlier = (
        Change.filter_item(item)
        .filter(pk__lt=int(token))
        .order_by("-pk")
        .values_list("pk", flat=True)
        .first()
    )
    return None if earlier is None else str(earlier)


def waiting_changes(item):
    """The changes to ``item`` kept apart as unpublished changes since it was last
    published (or its waiting changes discarded)."""
    changes = Change.filter_item(item)
    settled = changes.filter(unpublished=False).order_by("-pk").values_list("pk", flat=True)
    return changes.filter(pk__gt=settled.first() or 0, unpublished=True)


def changes_since(item, token):
    """What was recorded about ``item`` after the change ``token`` names, oldest first."""
    try:
        after = int(token)
    except (TypeError, ValueError):
        after = 0
    return list(
        Change.filter_item(item)
        .filter(pk__gt=after)
        .exclude(action=Change.Action.BASELINE)
        .select_related("revision__user")
        .order_by("pk")
    )


def who_changed_what(changes):
    """One sentence per change, for the message that refuses a stale edit."""
    lines = []
    for change in changes:
        who = change.user.get_username() if change.user else gettext("someone")
        fields = ", ".join(entry["label"] for entry in change.changes) or gettext("no fields")
        lines.append(
            f"{who} ({change.get_action_display().lower()}, {when(change.date)}): {fields}"
        )
    return lines


# Describing versions in words -------------------------------------------------


def display(obj, field, public=False):
    """A field's value as a person reads it (with ``public``, as the public reads it: links
    to items they cannot see are left out)."""
    shown = getattr(type(obj), "history_display", {}).get(field.name)
    if shown:
        return str(getattr(obj, shown) or "")
    if field.many_to_many:
        linked = getattr(obj, field.name).all()
        return "; ".join(
            sorted(str(related) for related in linked if not public or is_visible(related))
        )
    value = getattr(obj, field.name)
    if value is None or value == "":
        return ""
    if field.is_relation and public and not is_visible(value):
        return ""
    if field.choices:
        return str(getattr(obj, f"get_{field.name}_display")())
    if isinstance(value, bool):
        return "Yes" if value else "No"
    if isinstance(field, models.DateTimeField):
        return when(value)
    return str(value)


def is_visible(obj):
    return not isinstance(obj, Publishable) or obj.is_public


def is_link(model, key):
    """Whether the described field ``key`` of ``model`` is a link to other items."""
    try:
        return model._meta.get_field(key).is_relation
    except FieldDoesNotExist:
        return "." in key or "[" in key


def described_fields(model, parent_link=None):
    """The fields a version describes: not the bookkeeping ones, nor the ones written by
    operations other than edits (``row_only_fields``: a check against the sources)."""
    skipped = {*UNDESCRIBED_FIELDS, *getattr(model, "row_only_fields", ())}
    for field in [*model._meta.concrete_fields, *model._meta.many_to_many]:
        if field.name in skipped or field is parent_link:
            continue
        yield field


def in_site_language(function):
    """What the history records (labels, values in words) is in the site's language,
    whichever language the editor or API client reads: kinds and choices are translated
    lazily, and a Hindi admin must not write Hindi words into English records."""

    @functools.wraps(function)
    def recorded(*args, **kwargs):
        with translation.override(settings.LANGUAGE_CODE):
            return function(*args, **kwargs)

    return recorded


def label_of(field):
    return str(field.verbose_name)[:1].upper() + str(field.verbose_name)[1:]


def line_lists(part_model):
    """The lists of lines a part model reads as (its points; in Hindi too when they have a
    Hindi twin): ``(suffix of the line field, label)``."""
    label = str(part_model._meta.verbose_name_plural).capitalize()
    lists = [("", label)]
    if hasattr(part_model, f"{part_model.history_line}_hi"):
        lists.append(("_hi", f"{label}{HINDI_LABEL}"))
    return lists


@in_site_language
def describe(item, key_prefix="", label_prefix="", parent_link=None, public=False):
    """The item (and its parts) as ``{key: [label, value]}``, in the order of the form.
    With ``public``, links to items the public cannot see now are left out."""
    entries = {}
    for field in described_fields(type(item), parent_link):
        entries[f"{key_prefix}{field.name}"] = [
            f"{label_prefix}{label_of(field)}",
            display(item, field, public),
        ]
    for name in part_relations(type(item)):
        relation = type(item)._meta.get_field(name)
        part_model = relation.related_model
        parts = list(getattr(item, name).all())
        line_field = getattr(part_model, "history_line", None)
        if line_field:
            for suffix, label in line_lists(part_model):
                entries[f"{key_prefix}{name}{suffix}"] = [
                    f"{label_prefix}{label}",
                    "\n".join(f"• {getattr(part, line_field + suffix)}" for part in parts),
                ]
            continue
        for part in parts:
            identity = getattr(part, "slug", None) or part.pk
            entries.update(
                describe(
                    part,
                    key_prefix=f"{key_prefix}{name}[{identity}].",
                    label_prefix=f"{label_prefix}{part_model._meta.verbose_name.capitalize()} "
                    f"“{part}”: ",
                    parent_link=relation.remote_field,
                    public=public,
                )
            )
    return entries


def compare(before, after, skip=()):
    """What differs between two descriptions: ``[{field, label, old, new}]``."""
    before, after = before or {}, after or {}
    differences = []
    for key in [*before, *(key for key in after if key not in before)]:
        if key.split(".")[-1] in skip:
            continue
        old = before.get(key, [None, ""])
        new = after.get(key, [None, ""])
        if old[1] != new[1]:
            differences.append(
                {"field": key, "label": new[0] or old[0], "old": old[1], "new": new[1]}
            )
    return differences
