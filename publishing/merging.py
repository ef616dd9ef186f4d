"""Field-level merging of two editors' changes made from the same version of an item.

An editor saves on top of the version they opened (the *base*); meanwhile another
editor may have saved (*theirs*, the item's working copy now). Rather than refuse the
second save, its changes (*mine*) are compared with theirs field by field:

* a field only one of them changed takes that change;
* a field both changed to different values is a conflict, and the save is refused,
  naming each conflicting field with both values, for the editor to choose.

The fields compared are the item's own fields, each of its many-to-many links as a
whole, and its parts: each part (an initiative's section) by its key, with its own
fields, and a list of lines (a section's points) as one field. So two editors who
change different sections, or one the summary and the other the sectors, are both kept.
"""

import dataclasses

from django.db import models

from . import history

#: The value a field has in a version that does not hold it (a part added or removed).
ABSENT = object()
#: The value of a part's own key: the part is there.
PRESENT = "present"


@dataclasses.dataclass(frozen=True)
class Field:
    """One field of one version, as merging compares it and as a person reads it."""

    key: str
    label: str
    value: object
    shown: str


def fields_of(copy):
    """Every mergeable field of a :class:`~publishing.history.WorkingCopy`, by key."""
    found = {}
    collect(copy, copy.item, "", "", None, found)
    return found


def collect(copy, obj, key_prefix, label_prefix, parent_link, found):
    for field in history.described_fields(type(obj), parent_link):
        key = f"{key_prefix}{field.name}"
        if field.many_to_many:
            value = frozenset(copy.links[id(obj)].get(field.name, ()))
        else:
            value = getattr(obj, field.attname)
        label = f"{label_prefix}{history.label_of(field)}"
        found[key] = Field(key, label, value, history.display(obj, field))
    for name, parts in copy.children[id(obj)].items():
        relation = type(obj)._meta.get_field(name)
        part_model = relation.related_model
        line_field = getattr(part_model, "history_line", None)
        if line_field:
            # The Hindi lines merge with the English ones: both are the same rows.
            lines = tuple(
                tuple(getattr(part, line_field + suffix) for part in parts)
                for suffix, _ in history.line_lists(part_model)
            )
            label = f"{label_prefix}{str(part_model._meta.verbose_name_plural).capitalize()}"
            shown = "\n".join(f"• {line}" for line in lines[0])
            found[f"{key_prefix}{name}"] = Field(f"{key_prefix}{name}", label, lines, shown)
            continue
        for part in parts:
            key = f"{key_prefix}{name}[{part.pk}]"
            label = f"{label_prefix}{part_model._meta.verbose_name.capitalize()} “{part}”"
            found[key] = Field(key, label, PRESENT, str(part))
            collect(copy, part, f"{key}.", f"{label}: ", relation.remote_field, found)


@dataclasses.dataclass
class Merge:
    """What two editors changed from one base, and where they collide."""

    base: dict
    theirs: dict
    mine: dict

    def value(self, version, key):
        found = version.get(key)
        return found.value if found is not None else ABSENT

    def differs(self, first, second, key):
        return self.value(first, key) != self.value(second, key)

    @property
    def keys(self):
        return self.base.keys() | self.theirs.keys() | self.mine.keys()

    @property
    def theirs_changed(self):
        return {key for key in self.keys if self.differs(self.theirs, self.base, key)}

    @property
    def mine_changed(self):
        """What the saving editor changed: differs from the base, and from theirs too (a
        whole form posts the base's values for fields it did not change; a partial write,
        theirs)."""
        return {
            key
            for key in self.keys
            if self.differs(self.mine, self.base, key) and self.differs(self.mine, self.theirs, key)
        }

    @property
    def conflicts(self):
        """Fields both changed, each their own way."""
        return sorted(self.mine_changed & self.theirs_changed)

    @property
    def theirs_only(self):
        """What they changed and the saving editor did not: kept in the merge."""
        return sorted(self.theirs_changed - self.mine_changed)

    def label(self, key):
        for version in (self.mine, self.theirs, self.base):
            if key in version:
                return version[key].label
        return key

    def shown(self, version, key):
        found = version.get(key)
        return found.shown if found is not None else "(removed)"


def merge(base, theirs, mine):
    """The :class:`Merge` of three working copies."""
    return Merge(fields_of(base), fields_of(theirs), fields_of(mine))


# Writing their changes into the rows ------------------------------------------------


def keep_theirs(result, theirs, item):
    """Put the fields that only they changed into the rows of ``item`` (which hold the
    saving editor's version), inside the edit session."""
    done_parts = []
    for key in sorted(result.theirs_only, key=lambda key: key.count(".")):
        if any(key.startswith(f"{part}.") for part in done_parts):
            continue
        path, _, last = key.rpartition(".")
        owner = find_row(item, path)
        source = find_copy(theirs, path)
        if "[" in last:
            take_part(theirs, owner, source, last)
            done_parts.append(key)
        elif owner is not None and source is not None:
            take_field(theirs, owner, source, last)


def take_field(theirs, row, source, name):
    relation = row._meta.get_field(name)
    if relation.many_to_many:
        getattr(row, name).set(theirs.links[id(source)].get(name, ()))
    elif isinstance(relation, models.ForeignObjectRel):
        take_lines(theirs, row, source, name)
    else:
        setattr(row, relation.attname, getattr(source, relation.attname))
        row.save()


def take_lines(theirs, row, source, name):
    """A list of lines (a section's points), as theirs holds it."""
    getattr(row, name).all().delete()
    for line in theirs.children[id(source)][name]:
        fresh = type(line)(
            **{
                field.attname: getattr(line, field.attname)
                for field in line._meta.concrete_fields
                if not field.primary_key
            }
        )
        fresh.save()


def take_part(theirs, owner_row, owner_source, segment):
    """A part they added (saved with its own parts) or removed."""
    name, _, pk = segment.rstrip("]").partition("[")
    rows = getattr(owner_row, name)
    in_theirs = next(
        (part for part in theirs.children[id(owner_source)][name] if str(part.pk) == pk), None
    )
    if in_theirs is None:
        rows.filter(pk=pk).delete()
        return
    stack = [in_theirs]
    while stack:
        part = stack.pop()
        models.Model.save_base(part, raw=True)
        for link_name, pks in theirs.links[id(part)].items():
            part._prefetched_objects_cache.pop(link_name, None)
            getattr(part, link_name).set(pks)
        for children in theirs.children[id(part)].values():
            stack.extend(children)


def steps(path):
    return [step for step in path.split(".") if step] if path else []


def find_row(item, path):
    obj = item
    for step in steps(path):
        name, _, pk = step.rstrip("]").partition("[")
        obj = getattr(obj, name).filter(pk=pk).first() if obj is not None else None
    return obj


def find_copy(copy, path):
    obj = copy.item
    for step in steps(path):
        name, _, pk = step.rstrip("]").partition("[")
        parts = copy.children[id(obj)].get(name, []) if obj is not None else []
        obj = next((part for part in parts if str(part.pk) == pk), None)
    return obj
