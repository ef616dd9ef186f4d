"""Versions of items: taking them, describing them to people, and putting them back.

A version is an item together with its parts (an initiative's sections and their
points) and its many-to-many links, stored as a django-reversion revision so it
can be restored exactly. :func:`describe` turns an item's current rows into
labelled values, which is what the history, the review screen, the public change
log and the API show; :func:`compare` lists what differs between two of them.
"""

from django.apps import apps
from django.contrib.contenttypes.models import ContentType
from django.core import serializers
from django.db import connection, models, router
from django.utils import timezone
from django.utils.encoding import force_str
from reversion import revisions
from reversion.models import Revision, Version

from .models import Change, Publishable, when

#: Fields about publication rather than content: the history shows them, the
#: public change log does not.
EDITORIAL_FIELDS = ("status", "go_live_at", "expire_at")
#: Fields no one edits; their changes are noise in a history.
UNDESCRIBED_FIELDS = ("id", "created", "updated")


def publishable_models():
    return [model for model in apps.get_models() if issubclass(model, Publishable)]


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


def restore(revision, item, keep=()):
    """Make the rows of ``item`` and its parts what ``revision`` holds.

    Parts are replaced as a whole (the current ones deleted, the stored ones saved
    with their keys), so reordered points never collide. Links to items deleted
    since are dropped, and a link field whose item is gone is emptied, so a version
    can always be put back. ``keep`` names fields of the item that stay as they are.
    """
    versions = sorted(revision.version_set.all(), key=lambda version: version.pk)
    kept = {name: getattr(item, name) for name in keep}
    for name in part_relations(type(item)):
        getattr(item, name).all().delete()
    for version in versions:
        stored = version._object_version
        obj = stored.object
        for field in obj._meta.concrete_fields:
            if field.is_relation and getattr(obj, field.attname) is not None:
                target = field.related_model._base_manager.filter(pk=getattr(obj, field.attname))
                if not target.exists():
                    setattr(obj, field.attname, None)
        if stored.m2m_data:
            for name, pks in stored.m2m_data.items():
                related = obj._meta.get_field(name).related_model
                stored.m2m_data[name] = list(
                    related._base_manager.filter(pk__in=pks).values_list("pk", flat=True)
                )
        if version.object_id == str(item.pk) and type(obj) is type(item):
            for name, value in kept.items():
                setattr(obj, name, value)
        stored.save()
    item.refresh_from_db()


def version_token(item):
    """Changes whenever anything is recorded about the item: the id of its latest change."""
    if item is None or item.pk is None:
        return "0"
    latest = Change.filter_item(item).order_by("-pk").values_list("pk", flat=True).first()
    return str(latest or 0)


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
        who = change.user.get_username() if change.user else "someone"
        fields = ", ".join(entry["label"] for entry in change.changes) or "no fields"
        lines.append(
            f"{who} ({change.get_action_display().lower()}, {when(change.date)}): {fields}"
        )
    return lines


# Describing versions in words -------------------------------------------------


def display(obj, field):
    """A field's value as a person reads it."""
    shown = getattr(type(obj), "history_display", {}).get(field.name)
    if shown:
        return str(getattr(obj, shown) or "")
    if field.many_to_many:
        return "; ".join(sorted(str(related) for related in getattr(obj, field.name).all()))
    value = getattr(obj, field.name)
    if value is None or value == "":
        return ""
    if field.choices:
        return str(getattr(obj, f"get_{field.name}_display")())
    if isinstance(value, bool):
        return "Yes" if value else "No"
    if isinstance(field, models.DateTimeField):
        return when(value)
    return str(value)


def described_fields(model, parent_link=None):
    for field in [*model._meta.concrete_fields, *model._meta.many_to_many]:
        if field.name in UNDESCRIBED_FIELDS or field is parent_link:
            continue
        yield field


def label_of(field):
    return str(field.verbose_name)[:1].upper() + str(field.verbose_name)[1:]


def describe(item, key_prefix="", label_prefix="", parent_link=None):
    """The item (and its parts) as ``{key: [label, value]}``, in the order of the form."""
    entries = {}
    for field in described_fields(type(item), parent_link):
        entries[f"{key_prefix}{field.name}"] = [
            f"{label_prefix}{label_of(field)}",
            display(item, field),
        ]
    for name in part_relations(type(item)):
        relation = type(item)._meta.get_field(name)
        part_model = relation.related_model
        parts = list(getattr(item, name).all())
        line_field = getattr(part_model, "history_line", None)
        if line_field:
            label = str(part_model._meta.verbose_name_plural).capitalize()
            entries[f"{key_prefix}{name}"] = [
                f"{label_prefix}{label}",
                "\n".join(f"• {getattr(part, line_field)}" for part in parts),
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
