"""Each item's API representation, kept for the next miss of a list that shows it.

An API consumer's query is nearly always a page-cache miss (a filter, an order, a page or
a search of its own), yet most of what the answer holds is the representation of items
that another answer already serialized. So each item's representation (the data the
serializer makes, before any renderer: JSON and CSV share it) is kept, as a page's parts
are (:mod:`publishing.fragments`): with the keys of everything read to make it, the
content version the answer read on its way in and when that answer began. It is reused
while it is fresh by the page cache's own test (:func:`publishing.fragments.fresh`,
against the state the request already read: no query), and its keys are recorded for the
answer (:func:`publishing.dependencies.record`), so ``Surrogate-Key``, the page-cache
entry and purging still name everything the list shows.

A list miss then asks the database for its count and its page's ids (in its order), and
the cache for those items at once; only the items whose representation is missing or
stale are loaded, with their relations prefetched, and serialized.

Whose keys are whose. The items made together are loaded and serialized together, so
what was read is collected for all of them at once. A key about one row (the row, one of
its fields, the rows linked to it: ``minerals.mineral:4``, ``minerals.mineral:4.summary``,
``minerals.application:mineral_id=4``) is kept with the items from which that row is
reached through their loaded relations (the item itself, its related items, theirs); any
other key (a kind's lists, the rows joined to pick them) with every item: a superset of
what each shows, never less. A row read through two items (an initiative that is also
another's parent) is theirs both.

A page of a list is also kept whole, by its address (the same test, with the keys of
everything its answer read: its count and ids and its items'), so a list asked for again
costs one cache look-up; when anything it shows changed, it is made again from its items.

Only the public representation is kept: a list is made from kept items where a page's
parts would be (:func:`publishing.fragments.usable`: the request was collected for the
page cache, so it has no session, token or preview, and is a ``GET`` or ``HEAD``) and the
reader is anonymous; otherwise nothing is read from or written to this cache.
"""

import dataclasses
import functools
import hashlib

from django.conf import settings
from django.db.models import prefetch_related_objects
from django.urls import get_script_prefix
from django.utils.translation import get_language
from rest_framework.response import Response

from publishing import dependencies, fragments

from .renderers import CSVRenderer

#: The prefixes of an item's key and a whole page's in the cache.
ITEM = "api.item"
LIST = "api.list"


@dataclasses.dataclass(frozen=True)
class Representation(fragments.Kept):
    """An item's serialized data, with what it was made from (as a kept page part)."""

    data: dict


@dataclasses.dataclass(frozen=True)
class Page(fragments.Kept):
    """A whole page of a list: its data and ``Link`` header, with what it was made from."""

    data: dict
    link: str | None


def usable(request):
    """Whether ``request`` (a REST framework request) may read and fill kept
    representations: a public read collected for the page cache, by an anonymous reader."""
    user = getattr(request, "user", None)
    return (
        request.method in ("GET", "HEAD")
        and (user is None or not user.is_authenticated)
        and request.auth is None
        and fragments.usable(request._request)
    )


def key_prefix(view, request):
    """What an item's representation depends on besides the item: the serializer, the
    answer's language, the API's version and the address the request reached (links are
    absolute), and the release."""
    serializer = view.get_serializer_class()
    parts = [
        f"{serializer.__module__}.{serializer.__qualname__}",
        str(getattr(request, "version", "")),
        f"{request.scheme}://{request.get_host()}{get_script_prefix()}",
    ]
    digest = hashlib.sha256("\n".join(parts).encode()).hexdigest()[:24]
    language = getattr(view, "language", None) or get_language()
    return f"{ITEM}.{settings.RELEASE}.{language}.{digest}"


def page(view, request, make_page):
    """The answer for a page of a list: kept whole by its address while fresh (what its
    count, its ids and its items were read from), else ``make_page(request)``, kept."""
    store = fragments.store()
    state = request._request.content_state
    digest = hashlib.sha256(request._request.get_full_path().encode()).hexdigest()[:32]
    key = f"{key_prefix(view, request).replace(ITEM, LIST, 1)}.{digest}"
    entry = store.get(key)
    if entry is not None and fragments.fresh(entry, state, Page):
        dependencies.record(*entry.keys)
        response = Response(entry.data)
        if entry.link:
            response["Link"] = entry.link
        return response
    response = make_page(request)
    if response.status_code == 200:
        keys = frozenset(dependencies.current().keys)
        answer_started = request._request.answer_started
        kept = Page(
            keys, state.number, answer_started, data=response.data, link=response.get("Link")
        )
        store.set(key, kept, fragments.seconds())
    return response


def representations(view, request, pks):
    """The data of the items ``pks`` (in that order), each from the cache while fresh,
    else made and kept."""
    store = fragments.store()
    state = request._request.content_state
    prefix = key_prefix(view, request)
    keys = {pk: f"{prefix}.{pk}" for pk in pks}
    found = store.get_many(list(keys.values())) if keys else {}
    data = {}
    for pk, key in keys.items():
        entry = found.get(key)
        if entry is not None and fragments.fresh(entry, state, Representation):
            data[pk] = entry.data
            dependencies.record(*entry.keys)
    missing = [pk for pk in keys if pk not in data]
    # Made at most MOST_VALUES at a time: a longer ``IN`` is read as the kind's ``links``
    # (dependencies.query_keys), which a row moved from one item to another does not stamp.
    batch = dependencies.MOST_VALUES
    for start in range(0, len(missing), batch):
        made = make(view, missing[start : start + batch])
        started = request._request.answer_started
        store.set_many(
            {
                keys[pk]: Representation(frozenset(item_keys), state.number, started, data=item)
                for pk, (item, item_keys) in made.items()
            },
            fragments.seconds(),
        )
        data.update((pk, item) for pk, (item, _keys) in made.items())
    return [data[pk] for pk in pks if pk in data]


def csv_rows(view, request, pks, columns, chunk_size):
    """The CSV rows of the items ``pks`` (a whole list, streamed after the view returned),
    a chunk at a time, each item from the cache while fresh: the rows the serializer would
    make (:func:`publishing.api.renderers.csv_rows`)."""
    for start in range(0, len(pks), chunk_size):
        for row in representations(view, request, pks[start : start + chunk_size]):
            yield [CSVRenderer.cell(row.get(column)) for column in columns]


def make(view, pks):
    """Load the items ``pks`` with what they show and serialize them: ``{pk: (data,
    keys)}``. An item no longer visible (changed since its id was read) is left out."""
    queryset = view.get_queryset()
    lookups = queryset._prefetch_related_lookups
    with dependencies.collecting() as loading:
        items = list(queryset.prefetch_related(None).filter(pk__in=pks))
    with dependencies.collecting() as reading:
        prefetch_related_objects(items, *lookups)
        rows = [
            plain(row) for row in view.get_serializer(items, many=True).to_representation(items)
        ]
    read = loading.keys | reading.keys
    dependencies.record(*read)
    # Which items reach each row (itself, its related rows, theirs): a key that names a
    # row is kept with the items that reach it; any other key with every item.
    reach = {}
    for item in items:
        for obj in reachable(item):
            row = (dependencies.label(type(obj)), str(obj.pk))
            reach.setdefault(row, set()).add(item.pk)
    common, owned = set(), {}
    for key in read:
        owners = reach.get(row_named(key))
        if owners is None:
            common.add(key)
        else:
            for owner in owners:
                owned.setdefault(owner, set()).add(key)
    return {
        item.pk: (row, common | owned.get(item.pk, set()))
        for item, row in zip(items, rows, strict=True)
    }


def plain(value):
    """``value`` as plain data, as every renderer writes it: a link is a ``str`` that also
    carries its item (to be named in the browsable API), which would be pickled with it."""
    if isinstance(value, dict):
        return {key: plain(item) for key, item in value.items()}
    if isinstance(value, list | tuple):
        return [plain(item) for item in value]
    if isinstance(value, str) and type(value) is not str:
        return str(value)
    return value


def reachable(item):
    """``item`` and every row reachable from it through its loaded relations."""
    seen, found = {id(item)}, [item]
    stack = [item]
    while stack:
        obj = stack.pop()
        linked = [*obj._state.fields_cache.values()]
        for cached in getattr(obj, "_prefetched_objects_cache", {}).values():
            linked.extend(cached)
        for other in linked:
            if other is None or not hasattr(other, "_state") or id(other) in seen:
                continue
            seen.add(id(other))
            found.append(other)
            stack.append(other)
    return found


@functools.cache
def link_targets():
    """The model (label) each (model label, column) of a link names a row of."""
    return {
        (dependencies.label(model), field.attname): dependencies.label(field.related_model)
        for model in dependencies.tracked_models()
        for field in model._meta.concrete_fields
        if field.is_relation
    }


def row_named(key):
    """The row (model label, pk as text) that ``key`` is about, if one: its own key or
    one of its fields (``<model>:<pk>``, ``<model>:<pk>.<field>``), or the rows linked to
    it (``<model>:<column>=<pk>``). A kind's lists, a generic link's rows: None."""
    kind, _, rest = key.partition(":")
    column, equals, value = rest.partition("=")
    if equals:
        target = link_targets().get((kind, column))
        return (target, value) if target is not None else None
    return (kind, rest.split(".", 1)[0])
