"""What an answer shows, as keys; and the keys a change to content touches.

While an answer is built (:func:`collecting`), every content row loaded is noted as
``<model>:<pk>`` and every query run is noted by what decides which rows it returns:

* ``<model>:<field>=<value>``: the rows linked to one item or named by one unique
  value (an item's sections ``initiatives.section:initiative_id=3``, the mineral at
  an address ``minerals.mineral:slug=lithium``);
* ``<model>:links``: the model's public rows, whatever they hold (an index, the rows
  joined to reach others);
* ``<model>:list``: rows chosen or ordered by what they hold (a search, a filter).

Of a loaded row, the fields that only say something (a summary, a body, a figure's
value) are noted as they are read, ``<model>:<pk>.<field>``: a page that shows only a
mineral's name and address does not go stale when its summary changes.

A change to a row (:func:`change_keys`) touches the keys of the fields it changed and
its kind's ``list`` always. Its own key, its kind's ``links`` and the keys of its
links only when lists may hold other rows or hold them in another order: the row
added or removed, published, unpublished or rescheduled, its ordering fields (a
mineral's name), its links or unique values changed. Rows of a generic link (the
change log's) are also keyed by the one item they refer to
(``publishing.publicchange:item=<type>.<id>``), which every change to such a row stamps:
a list of one item's rows has that key alone, whatever it reads of them (an item's
versions, when its Hindi was last brought up to date). So every page and list that shows
a changed item is stale, and the pages of its neighbours are not.

Django has no signal for a query, so the read compiler is wrapped once at start-up
(:func:`connect`); it costs one context-variable look-up per query when no answer is
being collected. SQL run outside the ORM while collecting counts as reading every
content table it names, in full. A cache that keeps part of an answer (a fragment)
must keep the keys collected while that part was built and :func:`record` them again
when it serves it.
"""

import contextlib
import dataclasses
import functools
from contextvars import ContextVar

from django.contrib.contenttypes.models import ContentType
from django.core.exceptions import FieldDoesNotExist
from django.db import connections
from django.db.models import Exists, Lookup, Q, Subquery
from django.db.models.expressions import Col
from django.db.models.query_utils import DeferredAttribute
from django.db.models.signals import m2m_changed, post_delete, post_init, post_save, pre_save
from django.db.models.sql.compiler import (
    SQLCompiler,
    SQLDeleteCompiler,
    SQLInsertCompiler,
    SQLUpdateCompiler,
)
from django.db.models.sql.query import Query
from django.db.models.sql.where import NothingNode, WhereNode

from . import guard
from .history import part_relations, publishable_models
from .models import Change, ContentVersion, PublicChange, Publishable, Status

#: The key every answer depends on: stamped by changes too wide to name (a restore).
EVERYTHING = "all"
#: Fields of the public rule: lists filtered by them are a kind's ``links``.
STATE_FIELDS = ("status", "go_live_at", "expire_at")
#: What Django names the link column it selects to prefetch a many-to-many relation.
PREFETCH_VALUE = "_prefetch_related_val_"
#: More values than this in one ``IN`` and the list is the kind's ``links``.
MOST_VALUES = 100


@dataclasses.dataclass
class Collected:
    keys: set = dataclasses.field(default_factory=set)
    #: Inside the ORM's own query: SQL seen then is accounted for.
    in_orm: int = 0


_collected = ContextVar("collected_dependencies", default=None)


@contextlib.contextmanager
def collecting():
    """Collect the keys of what is read inside the block (the :class:`Collected`)."""
    collected = Collected({EVERYTHING})
    token = _collected.set(collected)
    try:
        with contextlib.ExitStack() as stack:
            for alias in connections:
                stack.enter_context(connections[alias].execute_wrapper(raw_sql_seen))
            yield collected
    finally:
        _collected.reset(token)


def current():
    """The :class:`Collected` of the answer being built, if any."""
    return _collected.get()


def record(*keys):
    """Note ``keys`` for the answer being collected, if any (a cached fragment's keys)."""
    collected = _collected.get()
    if collected is not None:
        collected.keys.update(keys)


# Keys --------------------------------------------------------------------------------


@functools.cache
def tracked_models():
    """Every model whose rows the public sees: the content (items, parts, link tables),
    the public change log and the recorded changes (the versions of an item)."""
    models = set(guard.guarded_models(publishable_models(), part_relations))
    return frozenset(models | {PublicChange, Change})


@functools.cache
def tracked_tables():
    return {model._meta.db_table: model for model in tracked_models()}


def label(model):
    return model._meta.concrete_model._meta.label_lower


def instance_key(model, pk):
    return f"{label(model)}:{pk}"


def anchor_key(model, field, value):
    if field.primary_key:
        return instance_key(model, value)
    return f"{label(model)}:{field.attname}={value}"


def kind_keys(model):
    return {f"{label(model)}:list", f"{label(model)}:links"}


@functools.cache
def generic_links(model):
    """Each generic link of ``model`` as (its type's column, its id's column)."""
    return tuple(
        (
            model._meta.get_field(field.ct_field).attname,
            model._meta.get_field(field.fk_field).attname,
        )
        for field in model._meta.private_fields
        if hasattr(field, "fk_field")
    )


def generic_key(model, content_type, object_id):
    """The rows of ``model`` that refer to one item: narrower than those that refer to an
    item of one kind, or to an item with one id of any kind."""
    return f"{label(model)}:item={content_type}.{object_id}"


@functools.cache
def anchor_fields(model):
    """The fields whose value alone picks the rows of a list: the key, unique values,
    links to other rows (foreign keys, and a generic link's type and id)."""
    generic = {name for pair in generic_links(model) for name in pair}
    return tuple(
        field
        for field in model._meta.concrete_fields
        if field.primary_key or field.unique or field.is_relation or field.attname in generic
    )


def anchor_rank(field):
    """The narrower the field, the lower: one list key of the narrowest is enough, since a
    row entering or leaving a list stamps the keys of all its anchors."""
    if field.primary_key:
        return 0
    if field.unique:
        return 1
    if field.is_relation and field.related_model is ContentType:
        return 3
    return 2


@functools.cache
def ordering_fields(model):
    names = set()
    for entry in model._meta.ordering or ():
        if isinstance(entry, str):
            name = entry.lstrip("-").split("__")[0]
            names.add(model._meta.pk.name if name == "pk" else name)
    return frozenset(model._meta.get_field(name).attname for name in names)


@functools.cache
def shown_fields(model):
    """The fields that only say something: neither its key, links, unique values,
    ordering nor public state (a change to one of those moves the row in lists)."""
    return tuple(
        field.attname
        for field in model._meta.concrete_fields
        if not structural(field) and not model._meta.auto_created
    )


def field_key(model, pk, name):
    return f"{instance_key(model, pk)}.{name}"


@functools.cache
def tracked_fields(model):
    return tuple(field.attname for field in model._meta.concrete_fields)


def values_of(instance):
    return {name: getattr(instance, name) for name in tracked_fields(type(instance))}


def structural(field):
    """Whether a list filtered by ``field`` changes only as rows come, go or move (its
    public state, its key, its links, what it is ordered by: a change to any of them
    stamps the kind's ``links``; or a value written once with its row, its model's
    ``fixed_fields``), not as what else they hold changes."""
    return (
        field.attname in STATE_FIELDS
        or field in anchor_fields(field.model)
        or field.attname in ordering_fields(field.model)
        or field.attname in getattr(field.model, "fixed_fields", ())
    )


def public_kind(model):
    return issubclass(model, Publishable)


def change_keys(model, old, new, membership=False):
    """The keys a change of one row from ``old`` to ``new`` (field values; None: no row)
    touches. ``membership``: the row enters or leaves lists whatever its fields say (a
    publication window opening or closing)."""
    if public_kind(model) and all(
        values is None or values["status"] != Status.PUBLISHED for values in (old, new)
    ):
        return set()  # never public before or after: no answer showed it or will
    row = new if new is not None else old
    pk = row[model._meta.pk.attname]
    keys = {f"{label(model)}:list"}
    if old is None or new is None:
        membership = True
    else:
        watched = ordering_fields(model) | {name for name in STATE_FIELDS if name in old}
        membership = membership or any(old[name] != new[name] for name in watched)
    if membership:
        keys.add(f"{label(model)}:links")
    shown = shown_fields(model)
    for name in shown:
        if old is None or new is None or old[name] != new[name]:
            keys.add(field_key(model, pk, name))
    if membership or any(old[name] != new[name] for name in old if name not in shown):
        keys.add(instance_key(model, pk))
    for field in anchor_fields(model):
        for values in (old, new):
            if values is None:
                continue
            if membership or old is None or new is None or old[field.attname] != new[field.attname]:
                keys.add(anchor_key(model, field, values[field.attname]))
    for type_name, id_name in generic_links(model):
        for values in (old, new):
            if values is not None:
                keys.add(generic_key(model, values[type_name], values[id_name]))
    return keys


# What an answer reads -----------------------------------------------------------------


@dataclasses.dataclass
class AliasUse:
    content: bool = False
    anchors: list = dataclasses.field(default_factory=list)


def query_keys(query):
    """The list keys of one ORM query (see the module's docstring)."""
    keys = set()
    for inner in (getattr(query, "inner_query", None), *getattr(query, "combined_queries", ())):
        if inner is not None:
            keys |= query_keys(inner)
    tables = tracked_tables()
    uses = {}
    base = None
    for alias, join in query.alias_map.items():
        if query.alias_refcount.get(alias, 0) or base is None:
            model = tables.get(join.table_name)
            if base is None:
                base = alias
            if model is not None:
                uses[alias] = (model, AliasUse())
    if base is None:
        return keys

    def use(alias):
        return uses.get(alias, (None, AliasUse()))[1]

    def expression(node):
        """Anything but a plain lookup: its columns count as content, its subqueries are read."""
        if isinstance(node, Query):
            keys.update(query_keys(node))
            return
        if isinstance(node, Subquery | Exists):
            keys.update(query_keys(node.query))
        if isinstance(node, Col):
            if not structural(node.target):
                use(node.alias).content = True
            return
        for source in getattr(node, "get_source_expressions", list)():
            if source is not None:
                expression(source)

    def walk(node, conjunctive):
        if isinstance(node, NothingNode):
            return
        if isinstance(node, WhereNode):
            inside = conjunctive and node.connector == "AND" and not node.negated
            for child in node.children:
                walk(child, inside)
            return
        if not isinstance(node, Lookup) or not isinstance(node.lhs, Col):
            use(base).content = True
            expression(node)
            return
        field, rhs = node.lhs.target, node.rhs
        if hasattr(rhs, "resolve_expression") or isinstance(rhs, Query):
            expression(rhs)
            if not structural(field):
                use(node.lhs.alias).content = True
            return
        if not structural(field):
            use(node.lhs.alias).content = True
            return
        if field not in anchor_fields(field.model):
            return
        values = rhs if node.lookup_name == "in" else [rhs] if node.lookup_name == "exact" else None
        if conjunctive and values is not None and len(values) <= MOST_VALUES:
            use(node.lhs.alias).anchors.append((anchor_rank(field), field, list(values)))

    walk(query.where, True)
    for annotation in query.annotations.values():
        expression(annotation)
    prefetching = all(name.startswith(PREFETCH_VALUE) for name in query.extra)
    if not prefetching or query.extra_tables or query.extra_order_by:
        use(base).content = True
    if query.order_by:
        model = uses.get(base, (query.model,))[0]
        known = set(model._meta.ordering or ()) if model is not None else set()
        if any(not isinstance(entry, str) or entry not in known for entry in query.order_by):
            use(base).content = True
    if query.values_select and base in uses:
        model = uses[base][0]
        for name in query.values_select:
            try:
                field = model._meta.get_field(name)
            except FieldDoesNotExist:
                field = None
            if field is None or not field.concrete or not structural(field):
                use(base).content = True
    for model, alias_use in uses.values():
        single = {
            field.attname: values[0] for _, field, values in alias_use.anchors if len(values) == 1
        }
        generic = [pair for pair in generic_links(model) if set(pair) <= set(single)]
        if generic:
            # Every change to a row stamps the key of the item it refers to, whatever
            # changed: one item's rows are keyed by it even when what they hold is read.
            type_name, id_name = generic[0]
            keys.add(generic_key(model, single[type_name], single[id_name]))
        elif alias_use.content:
            keys.add(f"{label(model)}:list")
        elif alias_use.anchors:
            _rank, field, values = min(alias_use.anchors, key=lambda anchor: anchor[0])
            keys.update(anchor_key(model, field, getattr(value, "pk", value)) for value in values)
        else:
            keys.add(f"{label(model)}:links")
    return keys


def raw_sql_seen(execute, sql, params, many, context):
    """SQL the ORM did not build, run while an answer is collected: it counts as reading
    every content table it names, whatever it picks."""
    collected = _collected.get()
    if collected is not None and not collected.in_orm:
        text = sql.lower()
        for table, model in tracked_tables().items():
            if table in text:
                collected.keys.add(f"{label(model)}:list")
    return execute(sql, params, many, context)


def reads(execute_sql):
    @functools.wraps(execute_sql)
    def execute(self, *args, **kwargs):
        collected = _collected.get()
        if collected is None or isinstance(
            self, SQLInsertCompiler | SQLUpdateCompiler | SQLDeleteCompiler
        ):
            return execute_sql(self, *args, **kwargs)
        collected.keys.update(query_keys(self.query))
        collected.in_orm += 1
        try:
            return execute_sql(self, *args, **kwargs)
        finally:
            collected.in_orm -= 1

    execute.collects = True
    return execute


#: Where a row loaded while collecting holds the values of its :func:`shown_fields`
#: until they are read.
UNREAD = "_unread_values"


def loaded(sender, instance, **kwargs):
    """A row loaded while an answer is collected: its key, and its shown fields held back
    so that reading one notes it (see :class:`ReadAttribute`)."""
    collected = _collected.get()
    if collected is None or instance.pk is None:
        return
    collected.keys.add(instance_key(sender, instance.pk))
    values = instance.__dict__
    unread = {name: values.pop(name) for name in shown_fields(sender) if name in values}
    if unread:
        values[UNREAD] = unread


class ReadAttribute(DeferredAttribute):
    """A shown field's value, noted as read (``<model>:<pk>.<field>``) the first time it is
    read on a row loaded while an answer was collected; Django's deferred field otherwise."""

    def __get__(self, instance, cls=None):
        if instance is None:
            return self
        unread = instance.__dict__.get(UNREAD)
        name = self.field.attname
        if unread is None or name not in unread:
            return super().__get__(instance, cls)
        value = instance.__dict__[name] = unread.pop(name)
        record(field_key(type(instance), instance.pk, name))
        return value


# What a change touches ------------------------------------------------------------------


def stamp(keys):
    """Stamp ``keys`` with a new content version, in the current transaction (which purges
    them from shared caches once it commits)."""
    if keys:
        ContentVersion.bump(keys)


def before_save(sender, instance, raw=False, **kwargs):
    instance._values_before = None
    if not raw and instance.pk is not None:
        instance._values_before = (
            sender._base_manager.filter(pk=instance.pk).values(*tracked_fields(sender)).first()
        )


def saved(sender, instance, raw=False, **kwargs):
    if raw:
        stamp({EVERYTHING})
        return
    stamp(change_keys(sender, getattr(instance, "_values_before", None), values_of(instance)))


def deleted(sender, instance, **kwargs):
    stamp(change_keys(sender, values_of(instance), None))


def links_changed(sender, instance, action, reverse, model, pk_set, **kwargs):
    """A link table's rows added or removed (they send no save or delete signals)."""
    if action not in ("post_add", "post_remove", "pre_clear"):
        return
    fields = [field for field in sender._meta.concrete_fields if field.is_relation]
    if action == "pre_clear":
        names = [field.attname for field in fields]
        rows = sender._base_manager.filter(
            Q(**{names[0]: instance.pk}) | Q(**{names[1]: instance.pk})
        ).values_list(*names)
        values = {value for row in rows for value in row}
    else:
        values = set(pk_set or ())
    if not values and action != "pre_clear":
        return
    values.add(instance.pk)
    keys = kind_keys(sender)
    for field in fields:
        keys.update(anchor_key(sender, field, value) for value in values)
    stamp(keys)


def state_set(item, **fields):
    """An item's state fields changed with ``update()`` (no save signals)."""
    new = values_of(item)
    old = {**new}
    new.update({type(item)._meta.get_field(name).attname: value for name, value in fields.items()})
    stamp(change_keys(type(item), old, new))


def connect():
    """Collect what answers read, and stamp what changes touch (once, at start-up)."""
    if not getattr(SQLCompiler.execute_sql, "collects", False):
        SQLCompiler.execute_sql = reads(SQLCompiler.execute_sql)
    for model in tracked_models():
        uid = label(model)
        post_init.connect(loaded, sender=model, dispatch_uid=f"deps-init-{uid}")
        for name in shown_fields(model):
            setattr(model, name, ReadAttribute(model._meta.get_field(name)))
        if model._meta.auto_created:
            m2m_changed.connect(links_changed, sender=model, dispatch_uid=f"deps-links-{uid}")
            continue
        pre_save.connect(before_save, sender=model, dispatch_uid=f"deps-before-{uid}")
        post_save.connect(saved, sender=model, dispatch_uid=f"deps-saved-{uid}")
        post_delete.connect(deleted, sender=model, dispatch_uid=f"deps-deleted-{uid}")
