"""Search across the published content, with highlighted snippets.

On PostgreSQL it is full-text search (stemmed, ranked, with ``ts_headline``
snippets). On SQLite, the newcomer's database, it falls back to matching every
word of the query as a substring, which finds the same items for single words.
A substring condition reads every row of every kind, so on SQLite an FTS5 index with
the trigram tokenizer (which answers substrings of three characters or more) first
names the rows that can match, and the same substring condition then decides among
those only: the results are the scan's own, at a fraction of its cost (see
:func:`index_statements` for how the index stays in step with the content).
Either way a result is only ever a published item, and a snippet is escaped
before the only markup it may carry, ``<mark>``, is added.

On the Hindi site the Hindi twins of the fields are searched too (beside the
English, so an English name still finds its item), but only where the Hindi is
current: an outdated or missing Hindi is shown in English on the page, so that
English is what matches, never the outdated Hindi nobody sees. PostgreSQL has no Hindi
stemmer, so the Hindi is searched with the ``simple`` configuration (words as
written, lower-cased), which splits Devanagari into words correctly.
"""

import datetime
import functools
import re
from dataclasses import dataclass

from django import forms
from django.contrib.postgres.search import SearchHeadline, SearchQuery, SearchRank, SearchVector
from django.core.exceptions import FieldDoesNotExist
from django.db import connection, models
from django.db.models import Case, F, Q, TextField, Value, When
from django.db.models.expressions import RawSQL
from django.db.models.fields.json import KeyTextTransform
from django.db.models.functions import Concat
from django.db.models.lookups import Exact
from django.db.models.sql import Query
from django.utils import timezone, translation
from django.utils.html import escape
from django.utils.safestring import mark_safe
from django.utils.translation import gettext_lazy as _

from initiatives.models import Figure, Initiative, Milestone, Point, Sector, Source
from minerals.models import Application, Mineral
from publishing import preview
from publishing.filters import SEARCH_MAX_LENGTH
from publishing.translation import LANGUAGE, SUFFIX, Translated, hindi_name

RESULTS_PER_KIND = 20
#: Fields no search result shows (see :meth:`ModelTarget.unread`).
UNREAD = ("created", "updated", "last_checked", "review_interval", "go_live_at", "expire_at")
SNIPPET_CHARS = 220
# Control characters no editor types: they mark highlights until the text is escaped.
START, STOP = "\x1e", "\x1f"


@dataclass
class Target:
    kind: str
    fields: tuple
    related: tuple = ()

    def queryset(self, at=None):
        raise NotImplementedError


class ModelTarget(Target):
    def __init__(self, kind, model, fields, related=(), narrowed=True):
        super().__init__(kind, fields, related)
        self.model = model
        #: Whether SQLite's search indexes narrow the rows first (see :func:`may_contain`).
        self.narrowed = narrowed

    def queryset(self, at=None):
        return self.model.objects.published(at).select_related(*self.related)

    def title(self, item):
        return str(item)

    def url(self, item):
        return item.get_absolute_url()

    def unread(self, hindi=False):
        """The fields of the item and the items loaded with it that no result reads: their
        times (made, changed, checked, scheduled) and, in English, their Hindi. Loading
        them (times converted, Hindi and its record decoded) was a tenth of a search with
        a hundred results."""
        paths = [""]
        for path in self.related:
            links = path.split("__")
            paths += ["__".join(links[: length + 1]) for length in range(len(links))]
        unread = []
        for path in dict.fromkeys(paths):
            model = self.model
            for link in filter(None, path.split("__")):
                model = model._meta.get_field(link).related_model
            names = [name for name in UNREAD if has_field(model, name)]
            if not hindi and issubclass(model, Translated):
                names += [hindi_name(name) for name in model.translated_fields]
                names.append("translated_from")
            unread += [f"{path}__{name}" if path else name for name in names]
        return unread

    @property
    def hindi_fields(self):
        """The Hindi twins of the searched fields (``mineral__name_hi`` for ``mineral__name``)."""
        twins = []
        for path in self.fields:
            *links, name = path.split("__")
            model = self.model
            for link in links:
                model = model._meta.get_field(link).related_model
            if issubclass(model, Translated) and name in model.translated_fields:
                twins.append(hindi_name(path))
        return tuple(twins)

    def hindi_in_use(self):
        """``{alias: expression}``: each Hindi twin where it is current, else empty (the
        SQL form of ``Translated.hindi_in_use``: the Hindi was made from the English
        the field has now)."""
        expressions = {}
        for twin in self.hindi_fields:
            path = twin.removesuffix(SUFFIX)
            *links, name = path.split("__")
            recorded = KeyTextTransform(name, "__".join([*links, "translated_from"]))
            expressions[hindi_alias(twin)] = Case(
                When(Exact(recorded, F(path)), then=F(twin)),
                default=Value(""),
                output_field=TextField(),
            )
        return expressions

    def hindi_text(self, item):
        """The searched Hindi of ``item`` that readers see: its current twins."""
        texts = []
        for twin in self.hindi_fields:
            *links, name = twin.removesuffix(SUFFIX).split("__")
            owner = value_of(item, "__".join(links)) if links else item
            texts.append(owner.hindi_in_use(name) or "")
        return texts

    def column_of(self, path):
        """``(relation, model, column)`` of a searched field: ``mineral__name`` is the
        ``name`` of the ``Mineral`` reached by ``mineral``."""
        *links, name = path.split("__")
        model = self.model
        for link in links:
            model = model._meta.get_field(link).related_model
        return "__".join(links), model, model._meta.get_field(name).column

    def title_in_hindi(self, item):
        """The result's title on the Hindi site: the Hindi of its first field when current."""
        name = self.fields[0]
        if "__" not in name and isinstance(item, Translated) and name in item.translated_fields:
            return item.hindi_in_use(name) or str(item)
        return str(item)


class PointTarget(ModelTarget):
    """A point of an initiative's section is found as that section of the initiative."""

    def queryset(self, at=None):
        return Point.objects.filter(
            section__initiative__in=Initiative.objects.published(at)
        ).select_related(*self.related)

    def title(self, item):
        return f"{item.section.initiative.name}: {item.section.heading}"

    def title_in_hindi(self, item):
        initiative, section = item.section.initiative, item.section
        return (
            f"{initiative.hindi_in_use('name') or initiative.name}: "
            f"{section.hindi_in_use('heading') or section.heading}"
        )

    def url(self, item):
        return f"{item.section.initiative.get_absolute_url()}#section-{item.section.slug}"


TARGETS = [
    ModelTarget(_("Initiative"), Initiative, ("name", "acronym", "summary", "body")),
    ModelTarget(_("Sector"), Sector, ("name", "summary", "body")),
    ModelTarget(_("Mineral"), Mineral, ("name", "symbol", "summary", "body")),
    ModelTarget(
        _("Application"),
        Application,
        ("mineral__name", "sector__name", "use"),
        related=("mineral", "sector"),
        # Short texts, read in the order of their minerals' names: the scan finds its
        # first twenty quickly, where the indexes would first gather every match (measured
        # at 100x content: 4 ms against 32 for "lithium").
        narrowed=False,
    ),
    ModelTarget(_("Milestone"), Milestone, ("title", "description", "date_qualifier")),
    ModelTarget(_("Key figure"), Figure, ("label", "qualifier", "period", "notes")),
    ModelTarget(_("Source"), Source, ("title", "publisher", "description")),
    PointTarget(
        _("Initiative section"),
        Point,
        ("section__heading", "text"),
        related=("section__initiative",),
    ),
]


@dataclass
class Result:
    kind: str
    title: str
    url: str
    snippet: str
    rank: float


class SearchForm(forms.Form):
    q = forms.CharField(
        label=_("Search the site"),
        max_length=SEARCH_MAX_LENGTH,
        required=False,
        error_messages={
            "max_length": _("Please shorten your search to %(limit_value)d characters or fewer.")
        },
    )

    def results(self):
        query = self.cleaned_data.get("q", "")
        if not query:
            return []
        search = search_postgres if connection.vendor == "postgresql" else search_substring
        hindi = translation.get_language() == LANGUAGE
        found = [result for target in TARGETS for result in search(target, query, hindi)]
        return sorted(found, key=lambda result: (-result.rank, result.kind, result.title))


def joined_text(fields):
    parts = []
    for field in fields:
        parts.extend([field, Value(" ")])
    return Concat(*parts[:-1], output_field=TextField())


def search_postgres(target, query, hindi=False):
    search_query = SearchQuery(query, search_type="websearch", config="english")
    vector = SearchVector(*target.fields, config="english")
    shown = target.fields
    items = target.queryset()
    if hindi:
        current = target.hindi_in_use()
        items = items.alias(**current)
        search_query |= SearchQuery(query, search_type="websearch", config="simple")
        vector += SearchVector(*current, config="simple")
        shown = (*current, *target.fields)
    items = (
        items.annotate(
            search=vector,
            rank=SearchRank(vector, search_query),
            headline=SearchHeadline(
                joined_text(shown),
                search_query,
                config="simple" if hindi else "english",
                start_sel=START,
                stop_sel=STOP,
                max_words=35,
                min_words=15,
            ),
        )
        .filter(search=search_query)
        .order_by("-rank")[:RESULTS_PER_KIND]
    )
    title = target.title_in_hindi if hindi else target.title
    return [
        Result(str(target.kind), title(item), target.url(item), marked(item.headline), item.rank)
        for item in items
    ]


def singular(word):
    """A plural's stem, so "semiconductors" finds "semiconductor" as PostgreSQL's stemmer does."""
    if len(word) > 3 and word.endswith("s") and not word.endswith(("ss", "us", "is")):
        return word[:-1]
    return word


def search_substring(target, query, hindi=False):
    words = [singular(word) for word in query.split()]
    items = compiled_matches(target, words, hindi)
    if items is None:
        items = matches(target, words, hindi)
    title = target.title_in_hindi if hindi else target.title
    kind = str(target.kind)
    lowered_words = [word.lower() for word in words]
    pattern = highlighting(tuple(words))
    results = []
    for item in items:
        texts = [str(value_of(item, field)) for field in target.fields]
        if hindi:
            texts = [*target.hindi_text(item), *texts]
        text = " ".join(texts)
        lowered = text.lower()
        rank = sum(lowered.count(word) for word in lowered_words)
        snippet = marked(highlight(excerpt(text, words, lowered), words, pattern))
        results.append(Result(kind, title(item), target.url(item), snippet, rank))
    return results


def matches(target, words, hindi=False, at=None):
    """The first RESULTS_PER_KIND public items of ``target`` with each of ``words`` in one of
    its searched fields (``at``: public at that moment rather than now)."""
    items = target.queryset(at)
    fields = target.fields
    if hindi:
        current = target.hindi_in_use()
        items = items.alias(**current)
        fields = (*current, *target.fields)
    narrowed = narrows(target)
    condition = Q()
    for word in words:
        condition &= any_field_contains(fields, word)
        if narrowed:
            condition &= may_contain(target, word)
    return items.filter(condition).defer(*target.unread(hindi))[:RESULTS_PER_KIND]


# Searches compiled once per shape -----------------------------------------------------

#: Searches of more words take the ORM's way each time (each word is one more shape).
MOST_COMPILED_WORDS = 4
#: Stands for the time while a shape is compiled (no content is dated then).
STAND_IN_MOMENT = datetime.datetime(1901, 2, 3, 4, 5, 6, 789012, tzinfo=datetime.UTC)
#: Each shape's compiled search, or None for one that cannot be compiled.
_compiled = {}


def stand_in(position, narrowed):
    """A word in the query made once for a shape: as long as a word the indexes narrow
    for (or as short as one they do not), and unlike any text (a private-use character)."""
    return f"\ue000{position}\ue000" if narrowed else chr(0xE100 + position)


def like_pattern(word, connection):
    """The value Django gives ``icontains`` for ``word`` (escaped, between wildcards)."""
    return f"%{connection.ops.prep_for_like_query(word)}%"


def phrase(word):
    """``word`` as an FTS5 phrase: quoted, its quotes doubled, so no word is an operator."""
    return '"' + word.replace('"', '""') + '"'


def compiled_matches(target, words, hindi=False):
    """What :func:`matches` finds, from SQL compiled once for the search's shape (the kind,
    the language, how many words and which are long enough for the indexes); None where
    the search takes the ORM's way (PostgreSQL, many words, a preview)."""
    if (
        connection.vendor != "sqlite"
        or not words
        or len(words) > MOST_COMPILED_WORDS
        or preview.previewed_item() is not None
    ):
        return None
    narrowed = tuple(len(word) >= SHORTEST_INDEXED for word in words)
    shape = (id(target), hindi, narrows(target), narrowed)
    if shape not in _compiled:
        stand_ins = [stand_in(position, long) for position, long in enumerate(narrowed)]
        _compiled[shape] = CompiledSearch.of(
            matches(target, stand_ins, hindi, at=STAND_IN_MOMENT), stand_ins
        )
    search = _compiled[shape]
    return None if search is None else search.items(words)


class CompiledSearch:
    """One shape of search of one kind, made into SQL once per process.

    Building a kind's query with the ORM and making it SQL took most of a search's time
    at the source content (eight kinds, each a list of conditions on several fields and
    the public rule). The query is built once with stand-ins for the words and the
    moment, and its SQL kept with the place of each stand-in's value; a search puts its
    own values in those places. Its rows become items, and what they show is noted for
    the caches (:mod:`publishing.dependencies`), by Django's own steps, as for any query:
    only the making of the SQL is skipped.
    """

    def __init__(self, queryset, sql, roles, state):
        self.queryset, self.sql, self.roles, self.state = queryset, sql, roles, state

    @classmethod
    def of(cls, queryset, stand_ins):
        """The compiled search, or None if a stand-in went where it cannot be told apart."""
        compiler = queryset.query.get_compiler(connection=connection)
        sql, params = compiler.as_sql()
        moment = models.DateTimeField().get_db_prep_value(STAND_IN_MOMENT, connection)
        places = {moment: ("moment", None)}
        for position, word in enumerate(stand_ins):
            places[like_pattern(word, connection)] = ("like", position)
            places[phrase(word)] = ("phrase", position)
        roles = []
        for param in params:
            role = places.get(param) if isinstance(param, str) else None
            if role is None and any(mark in str(param) for mark in (*stand_ins, moment)):
                return None
            roles.append(role or ("value", param))
        state = {
            name: getattr(compiler, name)
            for name in ("select", "klass_info", "annotation_col_map", "col_count")
        }
        state["has_extra_select"] = compiler.has_extra_select
        return cls(queryset, sql, roles, state)

    def items(self, words):
        now = models.DateTimeField().get_db_prep_value(timezone.now(), connection)
        values = {
            "moment": lambda _: now,
            "like": lambda position: like_pattern(words[position], connection),
            "phrase": lambda position: phrase(words[position]),
            "value": lambda value: value,
        }
        params = [values[role](argument) for role, argument in self.roles]
        query = self.queryset.query.chain(CompiledQuery)
        query.compiled = (self.state, self.sql, params)
        return list(type(self.queryset)(model=self.queryset.model, query=query))


class CompiledQuery(Query):
    """A query whose SQL was made beforehand (see :class:`CompiledSearch`): its compiler
    answers with that SQL and with what Django worked out while making it."""

    compiled = None

    def get_compiler(self, using=None, connection=None, elide_empty=True):
        compiler = super().get_compiler(using, connection, elide_empty)
        state, sql, params = self.compiled
        compiler.__dict__.update(state)
        compiler.as_sql = lambda *args, **kwargs: (sql, params)
        return compiler


def hindi_alias(twin):
    return f"current_{twin}"


def any_field_contains(fields, word):
    condition = Q()
    for field in fields:
        condition |= Q(**{f"{field}__icontains": word})
    return condition


def indexed_columns():
    """``{model: [column…]}``: every column some target searches (Hindi twins too), by the
    model whose table holds it."""
    columns = {}
    for target in TARGETS:
        for path in (*target.fields, *target.hindi_fields):
            _relation, model, column = target.column_of(path)
            if column not in columns.setdefault(model, []):
                columns[model].append(column)
    return columns


def index_name(model):
    return f"{model._meta.db_table}_search"


def dropping_statements(model):
    index = index_name(model)
    return [
        *(f"DROP TRIGGER IF EXISTS {index}_{event}" for event in ("insert", "update", "delete")),
        f"DROP TABLE IF EXISTS {index}",
    ]


def index_statements(model, columns):
    """SQL that (re)makes ``model``'s search index: an FTS5 table over the columns of its
    own table (external content: the text is not stored twice), kept in step by triggers
    on every insert, update and delete, whichever way it is made (a save, a queryset's
    ``update()``, ``bulk_create``, a fixture, a revert), then filled from the table.

    The indexes are dropped before ``migrate`` and remade after it (see
    ``trustsite.apps``): SQLite refuses to drop a column a trigger names, and a migration
    that remakes a table drops its triggers with it."""
    table, index = model._meta.db_table, index_name(model)
    key = model._meta.pk.column
    names = ", ".join(columns)
    new = ", ".join(f"new.{column}" for column in columns)
    old = ", ".join(f"old.{column}" for column in columns)
    forget = f"INSERT INTO {index}({index}, rowid, {names}) VALUES ('delete', old.{key}, {old});"
    learn = f"INSERT INTO {index}(rowid, {names}) VALUES (new.{key}, {new});"
    return [
        *dropping_statements(model),
        f"CREATE VIRTUAL TABLE {index} USING fts5({names}, content='{table}', "
        f"content_rowid='{key}', tokenize='trigram')",
        f"CREATE TRIGGER {index}_insert AFTER INSERT ON {table} BEGIN {learn} END",
        f"CREATE TRIGGER {index}_update AFTER UPDATE ON {table} BEGIN {forget} {learn} END",
        f"CREATE TRIGGER {index}_delete AFTER DELETE ON {table} BEGIN {forget} END",
        f"INSERT INTO {index}({index}) VALUES ('rebuild')",
    ]


def drop_index(using="default", **kwargs):
    """Drop the search indexes of an SQLite database (a ``pre_migrate`` receiver)."""
    from django.db import connections

    database = connections[using]
    if database.vendor != "sqlite":
        return
    with database.cursor() as cursor:
        for model in indexed_columns():
            for statement in dropping_statements(model):
                cursor.execute(statement)
    INDEXED.discard(database.settings_dict["NAME"])
    MEASURED.pop(database.settings_dict["NAME"], None)


def build_index(using="default", **kwargs):
    """Make the search indexes of an SQLite database (a ``post_migrate`` receiver), for
    the tables that have their columns (after ``migrate minerals zero`` some do not)."""
    from django.db import connections

    database = connections[using]
    if database.vendor != "sqlite":
        return
    with database.cursor() as cursor:
        introspection = database.introspection
        tables = set(introspection.table_names(cursor))
        for model, columns in indexed_columns().items():
            table = model._meta.db_table
            if table not in tables:
                continue
            present = {column.name for column in introspection.get_table_description(cursor, table)}
            if not set(columns) <= present:
                continue
            for statement in index_statements(model, columns):
                cursor.execute(statement)
    INDEXED.discard(database.settings_dict["NAME"])
    MEASURED.pop(database.settings_dict["NAME"], None)


#: The SQLite databases known to have their search indexes (checked once per process).
INDEXED = set()
#: Rows of each table of each SQLite database, as SQLite last measured them (``ANALYZE``,
#: after content is loaded in bulk), read once per process.
MEASURED = {}
#: A kind of fewer rows than this is scanned rather than narrowed by its index: asking an
#: index costs a tenth to a fifth of a millisecond, and scanning about 0.7 microseconds a
#: row (measured at 100 times the source content, where every kind but the sources has
#: 600 rows or more; at the source content none has thirty, and the indexes cost a search
#: a millisecond more than the scans).
NARROWED_FROM = 200


def indexed():
    """Whether this SQLite database has its search indexes (one made before they existed
    has them from its next ``migrate``; until then search scans, as it did)."""
    if connection.vendor != "sqlite":
        return False
    name = connection.settings_dict["NAME"]
    if name not in INDEXED:
        with connection.cursor() as cursor:
            cursor.execute("SELECT name FROM sqlite_master WHERE type = 'table'")
            tables = {row[0] for row in cursor.fetchall()}
        if {index_name(model) for model in indexed_columns()} <= tables:
            INDEXED.add(name)
    return name in INDEXED


def measured_rows(model):
    """How many rows ``model``'s table had when SQLite last measured it; None if never."""
    name = connection.settings_dict["NAME"]
    if name not in MEASURED:
        rows = {}
        with connection.cursor() as cursor:
            cursor.execute("SELECT name FROM sqlite_master WHERE name = 'sqlite_stat1'")
            if cursor.fetchone():
                cursor.execute("SELECT tbl, stat FROM sqlite_stat1")
                for table, stat in cursor.fetchall():
                    count = int((stat or "0").split()[0])
                    rows[table] = max(rows.get(table, 0), count)
        MEASURED[name] = rows
    return MEASURED[name].get(model._meta.db_table)


def narrows(target):
    """Whether SQLite's search indexes first name the rows of ``target`` that may match: a
    kind searched in long texts, in a database that has the indexes, unless SQLite measured
    it as too small for them to pay."""
    if not (target.narrowed and indexed()):
        return False
    rows = measured_rows(target.model)
    return rows is None or rows >= NARROWED_FROM


#: The trigram tokenizer answers substrings of three characters and more.
SHORTEST_INDEXED = 3


def may_contain(target, word):
    """The rows of ``target`` whose searched fields may contain ``word``, from the indexes:
    every row that does, and maybe a few more (the index folds case beyond ASCII)."""
    if len(word) < SHORTEST_INDEXED:
        return Q()
    condition = Q()
    relations = {}
    for path in (*target.fields, *target.hindi_fields):
        relation, model, _column = target.column_of(path)
        relations.setdefault(relation, model)
    for relation, model in relations.items():
        index = index_name(model)
        rows = RawSQL(f"SELECT rowid FROM {index} WHERE {index} MATCH %s", [phrase(word)])
        condition |= Q(**{f"{relation or 'pk'}__in": rows})
    return condition


def has_field(model, name):
    try:
        model._meta.get_field(name)
    except FieldDoesNotExist:
        return False
    return True


def value_of(item, path):
    for name in path.split("__"):
        item = getattr(item, name)
    return item


def excerpt(text, words, lowered=None):
    """About SNIPPET_CHARS characters of ``text`` around the first word found, on word breaks
    (``lowered``: ``text.lower()``, when the caller has it already)."""
    if lowered is None:
        lowered = text.lower()
    positions = [lowered.find(word.lower()) for word in words if word.lower() in lowered]
    start = max(min(positions, default=0) - SNIPPET_CHARS // 3, 0)
    if start:
        start = text.find(" ", start) + 1 or start
    end = start + SNIPPET_CHARS
    if end < len(text):
        end = text.rfind(" ", start, end) if text.rfind(" ", start, end) > start else end
    return ("… " if start else "") + text[start:end] + (" …" if end < len(text) else "")


@functools.lru_cache(maxsize=64)
def highlighting(words):
    """The pattern that finds the words (``words``, a tuple) that hold any of ``words``."""
    pattern = "|".join(re.escape(word) for word in sorted(words, key=len, reverse=True))
    return re.compile(rf"(\w*(?:{pattern})\w*)", flags=re.IGNORECASE)


def highlight(text, words, pattern=None):
    """``text`` with each word holding one of ``words`` between the highlight markers
    (``pattern``: ``highlighting(words)``, when the caller has it already)."""
    pattern = pattern or highlighting(tuple(words))
    return pattern.sub(f"{START}\\1{STOP}", text)


def marked(text):
    """Escape the snippet, then turn the highlight markers into <mark> elements."""
    safe = escape(text)
    return mark_safe(safe.replace(START, "<mark>").replace(STOP, "</mark>"))  # noqa: S308
