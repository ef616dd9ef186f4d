"""Public versions of an item: one per public change, each readable at a permanent address.

A version is named by the moment its public change went live, in UTC to the minute
(``2026-11-26T02:03Z``); its address is the item's page followed by ``versions/<stamp>/``
(or by its number, ``versions/3/``, counted from the first). An item's removal from the
site makes no version: its addresses answer 410 Gone (see :mod:`publishing.removals`).
Citations, revision sheets and the data package name the current version by the same
stamp, so this module is the one place that says what a version's name and address are.

A version shows the page as the public saw it at that moment, read from the stored
django-reversion versions (see :mod:`publishing.history`): the item's fields and parts
from the revision that was live then, and each related item as *it* was then, if it was
public then by the same rule as today's (:meth:`Publishable.public_condition` ``at``
that moment). Unpublished changes are never live rows, so no draft, review comment or
editor's name can appear; an item linked then but unlinked since is found only if it
still links here (its own later history is not searched).
"""

from datetime import UTC, datetime, timedelta

from django.contrib.contenttypes.models import ContentType
from django.db import models
from django.db.models import Max, Min, Q
from django.utils import timezone

from . import history
from .models import Change, PublicChange, Publishable, meets

STAMP_FORMAT = "%Y-%m-%dT%H:%MZ"
#: The models whose items have pages of versions, as the apps' URLconfs route them
#: (:func:`publishing.views.version_patterns` adds each). An item of any other kind is
#: shown on another item's page and has no versions of its own to link to.
VERSIONED_MODELS = set()
#: How many links deep a version's related items are read as they were (the item's
#: neighbours, and what those show of theirs: an application's sector).
DEPTH = 2


def stamp(moment):
    """The name of the version that went live at ``moment``."""
    return moment.astimezone(UTC).strftime(STAMP_FORMAT)


def page_url(item):
    """The address of ``item``'s page in the active language, without the anchor that an
    item shown on another item's page has."""
    return item.get_absolute_url().partition("#")[0]


def has_version_pages(item):
    """Whether ``item``'s versions have pages of their own."""
    return type(item) in VERSIONED_MODELS


def version_url(item, moment):
    """The permanent address of ``item``'s version that went live at ``moment``, in the
    active language."""
    return f"{page_url(item)}versions/{stamp(moment)}/"


def dated(item, version):
    """``(date, address)`` naming ``item`` as of ``version``, a public change: the date it
    went live and its version's permanent address; for an item the change log has never
    recorded (``version`` None), when it was last updated and its page."""
    if version is None:
        return item.updated, page_url(item)
    return version.date, version_url(item, version.date)


def compare_url(item, older, newer):
    """The address that compares two of ``item``'s versions, field by field."""
    return f"{version_url(item, older)}compare/{stamp(newer)}/"


#: The change log's entries that made no version: the item's removal shows no content.
NOT_VERSIONS = Q(kind=PublicChange.Kind.REMOVED)


def public_versions(item):
    """The item's public changes up to now, newest first: one per version."""
    return PublicChange.filter_item(item).filter(date__lte=timezone.now()).exclude(NOT_VERSIONS)


def current_version(item):
    """The public change that made the version readers see now, or None for an item the
    change log has never recorded."""
    return public_versions(item).first()


def find(item, name):
    """The public change that made ``item``'s version ``name`` (a stamp, or a number from
    1 for the first); None when it names none. Of two changes in one minute the stamp names
    the later, which the public saw for longer; the number names each."""
    versions = public_versions(item)
    if name.isdigit():
        # A number past what a database's OFFSET takes names no version either.
        number = int(name) if len(name) <= 9 else 0
        return (
            next(iter(versions.order_by("date", "pk")[number - 1 : number]), None)
            if number
            else None
        )
    try:
        start = datetime.strptime(name, STAMP_FORMAT).replace(tzinfo=UTC)
    except ValueError:
        return None
    if stamp(start) != name:
        return None
    return versions.filter(date__gte=start, date__lt=start + timedelta(minutes=1)).first()


def neighbours(change):
    """The public versions just before and just after the one ``change`` made."""
    same_item = PublicChange.objects.filter(
        content_type_id=change.content_type_id,
        object_id=change.object_id,
        date__lte=timezone.now(),
    ).exclude(NOT_VERSIONS)
    before = Q(date__lt=change.date) | Q(date=change.date, pk__lt=change.pk)
    after = Q(date__gt=change.date) | Q(date=change.date, pk__gt=change.pk)
    return same_item.filter(before).first(), same_item.filter(after).order_by("date", "pk").first()


def with_earlier(entries):
    """Public change log entries, each annotated with ``earlier``: when the version before
    it went live (None for an item's first), so each links to both without a query more."""
    earlier = (
        PublicChange.objects.filter(
            content_type_id=models.OuterRef("content_type_id"),
            object_id=models.OuterRef("object_id"),
        )
        .exclude(NOT_VERSIONS)
        .filter(
            Q(date__lt=models.OuterRef("date"))
            | Q(date=models.OuterRef("date"), pk__lt=models.OuterRef("pk"))
        )
        .order_by("-date", "-pk")
        .values("date")[:1]
    )
    return entries.annotate(earlier=models.Subquery(earlier))


def is_publishable(model):
    return issubclass(model, Publishable)


def ordered(model, objects):
    """``objects`` in their model's order, read from the objects as they were."""

    def value(obj, path):
        for name in path.split("__"):
            obj = getattr(obj, name, None) if obj is not None else None
        return obj

    fields = [name.lstrip("-") for name in model._meta.ordering if isinstance(name, str)]
    return sorted(
        objects,
        key=lambda obj: tuple(
            (value(obj, name) is None, value(obj, name) if value(obj, name) is not None else "")
            for name in fields
        ),
    )


class AsOf:
    """The content as the public saw it at ``moment``: each item from the change that left
    its rows as they were then (the last one recorded by then, or the version kept from
    before its first recorded change, or its rows if it never changed), and only if it was
    public then. Items are read in batches, a few queries per kind of item, however many
    items or versions there are."""

    def __init__(self, moment):
        self.moment = moment
        #: (model, pk) → the item as it was, or None: not public at the moment.
        self.seen = {}
        self.settled = set()

    def public(self, model, pks):
        """The items of ``model`` among ``pks`` that were public at the moment, by pk."""
        pks = {pk for pk in pks if pk is not None}
        wanted = [pk for pk in pks if (model, pk) not in self.seen]
        if wanted:
            self.load(model, wanted)
        return {pk: self.seen[model, pk] for pk in pks if self.seen[model, pk] is not None}

    def live_changes(self, model, keys):
        """For each item (by its key as text), the change whose revision held its rows at
        the moment; items never changed are left out."""
        rows = (
            Change.objects.filter(content_type=ContentType.objects.get_for_model(model))
            .filter(object_id__in=keys)
            .values("object_id")
            .annotate(
                last=Max(
                    "pk", filter=Q(unpublished=False, revision__date_created__lte=self.moment)
                ),
                first=Min("pk"),
            )
        )
        return {row["object_id"]: row["last"] or row["first"] for row in rows}

    def stored(self, model, keys):
        """The items as their live changes stored them, by key; None for one that did not
        exist at the moment (created or deleted since)."""
        chosen = self.live_changes(model, keys)
        changes = (
            Change.objects.filter(pk__in=chosen.values())
            .select_related("revision")
            .prefetch_related("revision__version_set")
        )
        content_type = ContentType.objects.get_for_model(model)
        found = {}
        for change in changes:
            existed = change.action == Change.Action.BASELINE or (
                change.revision.date_created <= self.moment
            )
            if change.action == Change.Action.DELETED or not existed:
                found[change.object_id] = None
                continue
            version = next(
                version
                for version in change.revision.version_set.all()
                if version.content_type_id == content_type.pk
                and version.object_id == change.object_id
            )
            stored = version._object_version
            stored.object._version_links = dict(stored.m2m_data or {})
            found[change.object_id] = stored.object
        return found

    def load(self, model, pks):
        keys = {str(pk): pk for pk in pks}
        found = self.stored(model, list(keys))
        unchanged = [pk for key, pk in keys.items() if key not in found]
        for obj in model._base_manager.filter(pk__in=unchanged):
            obj._version_links = None
            found[str(obj.pk)] = obj
        objects = [obj for obj in found.values() if obj is not None]
        for name in model.public_through:
            self.settle_link(objects, model._meta.get_field(name))
        condition = model.public_condition(at=self.moment)
        for key, pk in keys.items():
            obj = found.get(key)
            public = obj is not None and obj.created <= self.moment and meets(obj, condition)
            self.seen[model, pk] = obj if public else None

    def links(self, objects, field):
        """Each object's linked pks through the many-to-many ``field``, as they were."""
        from_rows = [obj.pk for obj in objects if obj._version_links is None]
        rows = {}
        if from_rows:
            through = field.remote_field.through
            source = field.m2m_field_name()
            target = field.m2m_reverse_field_name()
            for source_pk, target_pk in through.objects.filter(
                **{f"{source}__in": from_rows}
            ).values_list(source, target):
                rows.setdefault(source_pk, []).append(target_pk)
        return {
            id(obj): (
                rows.get(obj.pk, [])
                if obj._version_links is None
                else obj._version_links.get(field.name, [])
            )
            for obj in objects
        }

    def settle_link(self, objects, field):
        """Give each object the item its foreign key ``field`` named then, or None."""
        related = field.related_model
        targets = [getattr(obj, field.attname) for obj in objects]
        if is_publishable(related):
            public = self.public(related, targets)
        else:
            public = {obj.pk: obj for obj in related._base_manager.filter(pk__in=targets)}
        for obj in objects:
            field.set_cached_value(obj, public.get(getattr(obj, field.attname)))
        return list(public.values())

    def settle_many(self, objects, field):
        links = self.links(objects, field)
        public = self.public(field.related_model, {pk for pks in links.values() for pk in pks})
        for obj in objects:
            linked = ordered(
                field.related_model, [public[pk] for pk in links[id(obj)] if pk in public]
            )
            cache = obj.__dict__.setdefault("_prefetched_objects_cache", {})
            cache[field.name] = history.settled_queryset(field.related_model, linked)
        return list(public.values())

    def settle(self, objects, depth=DEPTH):
        """Give ``objects`` (of one model) their links as the public saw them: every
        foreign key and many-to-many link to ``depth`` links away."""
        objects = [obj for obj in objects if id(obj) not in self.settled]
        if not objects or depth == 0:
            return
        self.settled.update(id(obj) for obj in objects)
        model = type(objects[0])
        for field in model._meta.concrete_fields:
            if field.is_relation and field.related_model is not ContentType:
                self.settle(self.settle_link(objects, field), depth - 1)
        for field in model._meta.many_to_many:
            self.settle(self.settle_many(objects, field), depth - 1)

    def settle_reverse(self, item, relation, depth=DEPTH - 1):
        """Give ``item`` the items that linked to it then through ``relation`` (the other
        side of their foreign key or many-to-many link), among those that link to it now."""
        model, field = relation.related_model, relation.field
        if relation.many_to_many:
            candidates = model._base_manager.filter(**{field.name: item.pk})
            cache_name = field.related_query_name()
        else:
            candidates = model._base_manager.filter(**{field.attname: item.pk})
            cache_name = relation.cache_name
        public = list(self.public(model, candidates.values_list("pk", flat=True)).values())
        if relation.many_to_many:
            links = self.links(public, field)
            linked = [obj for obj in public if item.pk in links[id(obj)]]
        else:
            linked = [obj for obj in public if getattr(obj, field.attname) == item.pk]
        self.settle(linked, depth)
        item.__dict__.setdefault("_prefetched_objects_cache", {})[cache_name] = (
            history.settled_queryset(model, ordered(model, linked))
        )

    def item(self, item, reverse=()):
        """``item`` (read from its rows now) as the public saw it at the moment: its fields
        and parts from its live revision, its links and the ``reverse`` relations named
        (``children``, ``figures``…) as they were."""
        model = type(item)
        change_pk = self.live_changes(model, [str(item.pk)]).get(str(item.pk))
        if change_pk is None:
            copy = history.WorkingCopy.of_rows(item)
            links = None
        else:
            change = Change.objects.select_related("revision").get(pk=change_pk)
            copy = history.WorkingCopy(change.revision, model, item.pk)
            links = copy.links[id(copy.item)]
        copy.dress(item, visible=lambda related: related._base_manager.none())
        item._version_links = links
        self.settled.discard(id(item))
        self.settle([item])
        for name in reverse:
            self.settle_reverse(item, model._meta.get_field(name))
        return item


def item_at(item, change, reverse=()):
    """``item`` as its version made by the public change ``change`` showed it."""
    return AsOf(change.date).item(item, reverse)


def checked_while_current(item, change, later):
    """When ``item`` had last been checked against its sources while the version made by
    the public change ``change`` was the one readers saw: a check made after the ``later``
    version replaced it is not this version's (None for ``later``: the current version)."""
    if later is None:
        return item.last_checked
    checked = (
        Change.filter_item(item)
        .filter(action=Change.Action.CHECKED, revision__date_created__lt=later.date)
        .aggregate(last=Max("revision__date_created"))["last"]
    )
    if checked:
        return checked
    if item.last_checked and item.last_checked < later.date:
        return item.last_checked  # set before the later version, by no recorded check
    stored = AsOf(change.date).stored(type(item), [str(item.pk)]).get(str(item.pk))
    return stored.last_checked if stored else None


def described(item, change):
    """The version of ``item`` made by ``change``, field by field, as the change log's
    comparisons describe an item (the fields about publication left out)."""
    return history.describe(item_at(item, change))
