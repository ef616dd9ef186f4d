"""Every write to content goes through the editorial workflow, or is refused.

The workflow (:mod:`publishing.workflow`) records who changed what, keeps changes to a
live item apart until a Publisher publishes them, and checks who may do what. A
write that goes around it (the change list's ``list_editable``, an admin action
nobody wired, ``QuerySet.update()``, a cascade, a script in ``manage.py shell``)
would skip all three. So the rule is enforced where every channel must pass: the
model layer. A content row (an item, one of its parts, or one of its links to
other items) may be written only inside a :func:`writing` scope that the workflow
opens for that item, or while fixtures load (:func:`loading`, used by ``loaddata``
alone). Anything else raises :class:`OutsideWorkflow`.

A part or link row belongs to its *owner*: a section and its points to their
initiative, a row of ``Initiative.sectors`` to the initiative. Writing one needs
the owner's scope.
"""

import contextlib
import dataclasses
from contextvars import ContextVar

from django.core.exceptions import PermissionDenied
from django.db import models
from django.db.models.signals import m2m_changed, post_save, pre_delete, pre_save


class OutsideWorkflow(PermissionDenied):
    """A write to content that does not go through the editorial workflow."""

    def __init__(self, what):
        super().__init__(
            f"{what} was refused: content changes go through the editorial workflow (the "
            "admin's forms and actions, the API, imports), which records them and checks "
            "who may publish."
        )


@dataclasses.dataclass
class Scope:
    """What one workflow operation may write: these items (by owner key), and new items
    of these kinds (each becomes writable once it has a key)."""

    items: set = dataclasses.field(default_factory=set)
    new_kinds: set = dataclasses.field(default_factory=set)


_scopes = ContextVar("workflow_scopes", default=())
_loading = ContextVar("loading_fixtures", default=False)
#: Model class → the foreign key that leads to its owner (None: it is an owner itself).
_owner_links = {}


def key(model, pk):
    return (model._meta.concrete_model._meta.label_lower, str(pk))


@contextlib.contextmanager
def writing(model, *pks):
    """Let the current workflow operation write the items ``pks`` of ``model`` (a pk of
    None: one new item of the kind), with their parts and links."""
    scope = Scope()
    for pk in pks:
        if pk is None:
            scope.new_kinds.add(model._meta.concrete_model._meta.label_lower)
        else:
            scope.items.add(key(model, pk))
    token = _scopes.set((*_scopes.get(), scope))
    try:
        yield scope
    finally:
        _scopes.reset(token)


@contextlib.contextmanager
def loading():
    """Fixtures are loading: their rows are the content's starting point, not edits.
    Used by the ``loaddata`` command (and tests' arrangements); nothing else."""
    token = _loading.set(True)
    try:
        yield
    finally:
        _loading.reset(token)


def owner_key(obj):
    """The key of the item that ``obj`` (an item, a part or a link row) belongs to."""
    link = _owner_links.get(type(obj))
    while link is not None:
        owner_id = getattr(obj, link.attname)
        owner_model = link.related_model
        if _owner_links.get(owner_model) is None:
            return key(owner_model, owner_id)
        obj = getattr(obj, link.name)
        link = _owner_links.get(type(obj))
    return key(type(obj), obj.pk)


def allowed(obj):
    if _loading.get():
        return True
    scopes = _scopes.get()
    if not scopes:
        return False
    if obj.pk is None and _owner_links.get(type(obj)) is None:
        label = type(obj)._meta.concrete_model._meta.label_lower
        return any(label in scope.new_kinds for scope in scopes)
    wanted = owner_key(obj)
    return any(wanted in scope.items for scope in scopes)


def describe(obj):
    return f"Writing {type(obj)._meta.verbose_name} “{obj}”"


def check(obj):
    if not allowed(obj):
        raise OutsideWorkflow(describe(obj))


def check_or(obj, what):
    if not allowed(obj):
        raise OutsideWorkflow(what)


def adopt(obj):
    """A new item saved in a scope that allows new items of its kind is now in that scope
    (its parts and links may be written next)."""
    scopes = _scopes.get()
    label = type(obj)._meta.concrete_model._meta.label_lower
    for scope in reversed(scopes):
        if label in scope.new_kinds:
            scope.items.add(key(type(obj), obj.pk))
            return


class GuardedQuerySet(models.QuerySet):
    """The bulk writes that send no signals (``update()``, ``bulk_create()``,
    ``bulk_update()``) checked like a save; ``delete()`` sends ``pre_delete`` for each row."""

    def update(self, **kwargs):
        what = f"Updating {self.model._meta.verbose_name_plural} in bulk"
        if not _loading.get():
            if not _scopes.get():
                raise OutsideWorkflow(what)
            for row in self._chain():
                check_or(row, what)
        return super().update(**kwargs)

    update.alters_data = True

    def bulk_create(self, objs, *args, **kwargs):
        objs = list(objs)
        for obj in objs:
            check(obj)
        created = super().bulk_create(objs, *args, **kwargs)
        for obj in created:
            if obj.pk is not None and _owner_links.get(type(obj)) is None:
                adopt(obj)
        return created

    bulk_create.alters_data = True

    def bulk_update(self, objs, *args, **kwargs):
        objs = list(objs)
        for obj in objs:
            check(obj)
        return super().bulk_update(objs, *args, **kwargs)

    bulk_update.alters_data = True

    def delete(self):
        """Rows of a link table send no ``pre_delete`` (Django sends none for the tables it
        makes), so each row is checked here."""
        if self.model._meta.auto_created and not _loading.get():
            for row in self._chain():
                check(row)
        return super().delete()

    delete.alters_data = True


# Signals ------------------------------------------------------------------------


def before_save(sender, instance, raw=False, **kwargs):
    check(instance)


def after_save(sender, instance, created, **kwargs):
    if created:
        adopt(instance)


def before_delete(sender, instance, **kwargs):
    check(instance)


def before_link_change(sender, instance, action, reverse, model, pk_set, **kwargs):
    """A change to a many-to-many link changes the item that holds the field."""
    if not action.startswith("pre_") or _loading.get():
        return
    if not reverse:
        check_or(instance, f"Changing the links of “{instance}”")
        return
    holders = model._base_manager.all()
    if pk_set is not None:
        holders = holders.filter(pk__in=pk_set)
    else:
        field_name = next(
            field.name for field in model._meta.many_to_many if field.remote_field.through is sender
        )
        holders = holders.filter(**{field_name: instance})
    for holder in holders:
        check_or(holder, f"Changing the links of “{holder}”")


def guarded_models(owners, parts_of):
    """Every model whose rows are content: the owners, their parts (at every level) and the
    tables of their many-to-many links, each with the link to its owner."""
    links = {}

    def add_parts(model):
        for name in parts_of(model):
            relation = model._meta.get_field(name)
            part = relation.related_model
            links[part] = relation.remote_field
            add_parts(part)

    for owner in owners:
        links[owner] = None
        add_parts(owner)
    for model in list(links):
        for field in model._meta.local_many_to_many:
            through = field.remote_field.through
            links[through] = through._meta.get_field(field.m2m_field_name())
    return links


def connect(owners, parts_of):
    """Guard every content model (once, at start-up)."""
    _owner_links.update(guarded_models(owners, parts_of))
    for model in _owner_links:
        uid = model._meta.label_lower
        pre_save.connect(before_save, sender=model, dispatch_uid=f"guard-save-{uid}")
        post_save.connect(after_save, sender=model, dispatch_uid=f"guard-saved-{uid}")
        pre_delete.connect(before_delete, sender=model, dispatch_uid=f"guard-delete-{uid}")
        if model._meta.auto_created:
            m2m_changed.connect(before_link_change, sender=model, dispatch_uid=f"guard-{uid}")
            guard_link_table(model)


def checked(method):
    def write(obj, *args, **kwargs):
        check(obj)
        return method(obj, *args, **kwargs)

    write.guarded = True
    return write


def guard_link_table(through):
    """Guard a link table (made by Django for a many-to-many field), which sends no save or
    delete signals: its rows' own ``save()`` and ``delete()`` check first, and its manager
    is guarded, as the content models' are."""
    if getattr(through.save, "guarded", False):
        return
    through.save = checked(through.save)
    through.delete = checked(through.delete)
    opts = through._meta
    opts.local_managers = [manager for manager in opts.local_managers if manager.name != "objects"]
    manager = GuardedQuerySet.as_manager()
    manager.auto_created = True
    through.add_to_class("objects", manager)
    opts.base_manager_name = "objects"
    for cached in ("managers", "managers_map", "base_manager", "default_manager"):
        opts.__dict__.pop(cached, None)


def guarded():
    """The guarded models, for tests that enumerate them."""
    return dict(_owner_links)
