"""The published content as a Frictionless Data Package (v2): a CSV per table, each with
its Table Schema, and the whole as a zip.

Nothing here is a second export. A content type's table is its API resource: the rows
are the viewset's own public queryset (:meth:`ContentViewSet.visible_queryset` for the
public, whoever asks), the columns and their descriptions are the serializer's fields,
and the cells are written as the API's CSV writes them (:func:`csv_rows`,
:func:`csv_lines`). What a package needs beyond the API is dropped or added here:

- a related item is its slug (``country_slug``), a foreign key to its table, instead of
  an API link that depends on the API's address;
- a many-to-many link is a table of its own with a pair of slugs, so every link can
  be checked as a foreign key;
- the publication state and window are left out: every row is public.

Which tables make the package, and their names, are the site's to say (``trustsite/data.py``
assembles them from both apps); this module knows no content app.
"""

import io
import json
import zipfile

from django.db.models import Prefetch
from drf_spectacular.types import OpenApiTypes
from rest_framework import serializers

from .api.languages import DEFAULT
from .api.renderers import csv_rows
from .api.serializers import PUBLICATION_FIELDS, HindiTranslationField, SlugHyperlinkField
from .downloads import CSV_TYPE, csv_lines
from .models import visible_related

PROFILE = "https://datapackage.org/profiles/2.0/datapackage.json"
RESOURCE_PROFILE = "https://datapackage.org/profiles/2.0/dataresource.json"
SCHEMA_PROFILE = "https://datapackage.org/profiles/2.0/tableschema.json"
#: The file names inside the zip and beside /data/datapackage.json.
DESCRIPTOR = "datapackage.json"
#: The API's columns a package leaves out: its own links (the item's, and its citation's:
#: they name the API's address) and the workflow's state (every row is published).
API_ONLY = ("url", "cite", *PUBLICATION_FIELDS)


def column_type(serializer_field):
    """The Table Schema type (and format) of a serializer field's cells as the API's
    CSV writes them."""
    if isinstance(serializer_field, serializers.BooleanField):
        return {"type": "boolean", "trueValues": ["true"], "falseValues": ["false"]}
    if isinstance(serializer_field, serializers.IntegerField):
        return {"type": "integer"}
    if isinstance(serializer_field, serializers.DecimalField | serializers.FloatField):
        return {"type": "number"}
    if isinstance(serializer_field, serializers.DateTimeField):
        return {"type": "datetime"}
    if isinstance(serializer_field, serializers.DateField):
        return {"type": "date"}
    if isinstance(serializer_field, HindiTranslationField | serializers.JSONField):
        return {"type": "object"}
    if isinstance(serializer_field, serializers.URLField):
        return {"type": "string", "format": "uri"}
    if isinstance(serializer_field, serializers.SerializerMethodField):
        method = getattr(serializer_field.parent, serializer_field.method_name, None)
        if getattr(method, "_spectacular_annotation", None) == OpenApiTypes.URI:
            return {"type": "string", "format": "uri"}
    if isinstance(serializer_field, serializers.ChoiceField):
        return {"type": "string", "constraints": {"enum": list(serializer_field.choices)}}
    return {"type": "string"}


def describe(name, serializer_field, columns):
    """A column's description: the serializer's own, except for a Hindi twin, whose help
    text speaks to editors."""
    english = name.removesuffix("_hi")
    if name != english and english in columns:
        return (
            f"`{english}` in Hindi; empty where it is not translated. "
            "`hindi_translation` says whether it is current."
        )
    return str(serializer_field.help_text or name.replace("_", " ").capitalize())


class Table:
    """One CSV of the package: a resource with its Table Schema.

    ``references`` maps a column (or a tuple of columns) to the model whose table it
    refers to, by its primary key; the package names the table.
    """

    def __init__(self, name, title, description, primary_key, references=None):
        self.name = name
        self.title = title
        self.description = description
        self.primary_key = list(primary_key)
        self.references = references or {}
        self.package = None

    @property
    def path(self):
        return f"{self.name}.csv"

    def columns(self):
        """The Table Schema's fields, in the CSV's order."""
        raise NotImplementedError

    def rows(self, request):
        """The cells of every row, as text."""
        raise NotImplementedError

    def csv(self, request):
        header = [column["name"] for column in self.columns()]
        return "".join(csv_lines(header, self.rows(request))).encode()

    def foreign_keys(self):
        keys = []
        for columns, model in self.references.items():
            target = self.package.table_of(model)
            columns = [columns] if isinstance(columns, str) else list(columns)
            keys.append(
                {
                    "fields": columns,
                    "reference": {"resource": target.name, "fields": target.primary_key},
                }
            )
        return keys

    def resource(self):
        fields = [dict(column) for column in self.columns()]
        for column in fields:
            if column["name"] in self.primary_key:
                constraints = column.setdefault("constraints", {})
                constraints["required"] = True
                if len(self.primary_key) == 1:
                    constraints["unique"] = True
        schema = {
            "$schema": SCHEMA_PROFILE,
            "fields": fields,
            "missingValues": [""],
            "primaryKey": self.primary_key,
        }
        if self.references:
            schema["foreignKeys"] = self.foreign_keys()
        return {
            "$schema": RESOURCE_PROFILE,
            "name": self.name,
            "type": "table",
            "path": self.path,
            "format": "csv",
            "mediatype": CSV_TYPE,
            "encoding": "utf-8",
            "title": str(self.title),
            "description": str(self.description),
            "schema": schema,
        }


class SerializerTable(Table):
    """A table whose rows are items and whose columns are a serializer's fields."""

    def __init__(
        self,
        name,
        serializer_class,
        items,
        *,
        title,
        description,
        primary_key=("slug",),
        references=None,
    ):
        """``items()`` gives the rows' items. Each ``…_slug`` column of a relation refers
        to its model's table, unless ``references`` says otherwise."""
        self.serializer_class = serializer_class
        self.items = items
        super().__init__(name, title, description, primary_key, references)
        named = {
            column for key in self.references for column in ([key] if isinstance(key, str) else key)
        }
        for column, serializer_field in self.serializer(None).child.fields.items():
            source = serializer_field.source or ""
            if column.endswith("_slug") and column not in named and "." not in source:
                relation = self.model._meta.get_field(source)
                if relation.is_relation:
                    self.references[column] = relation.related_model

    @classmethod
    def of(cls, viewset, name, *, title):
        """The table of an API resource: its public items, its serializer's columns, and
        its docstring as the description."""
        return cls(
            name,
            viewset.serializer_class,
            public_items(viewset),
            title=title,
            description=" ".join((viewset.__doc__ or "").split()),
        )

    @property
    def model(self):
        return self.serializer_class.Meta.model

    def serializer(self, request):
        serializer = self.serializer_class(
            many=True, context={"request": request, "language": DEFAULT}
        )
        fields = serializer.child.fields
        for name in [name for name in fields if not self.keeps(fields[name], name)]:
            fields.pop(name)
        return serializer

    @staticmethod
    def keeps(serializer_field, name):
        if name in API_ONLY:
            return False
        if isinstance(serializer_field, SlugHyperlinkField):
            return False  # its slug is kept beside it (``…_slug``)
        # Lists of links and nested lists: link tables and tables of their own hold them.
        return not isinstance(
            serializer_field, serializers.ManyRelatedField | serializers.ListSerializer
        )

    def columns(self):
        fields = self.serializer(None).child.fields
        return [
            {
                "name": name,
                **column_type(serializer_field),
                "description": describe(name, serializer_field, fields),
            }
            for name, serializer_field in fields.items()
        ]

    def rows(self, request):
        return csv_rows(self.serializer(request), self.items())


class LinkTable(Table):
    """A many-to-many relation of a table's items, as pairs of slugs (``initiative,sector``)."""

    def __init__(self, table, relation, column):
        """``relation`` is a many-to-many field of ``table``'s model; ``column`` names the
        linked item's slug."""
        self.table = table
        self.relation = relation
        self.column = column
        model = table.model
        self.left = str(model._meta.model_name)
        relation_field = model._meta.get_field(relation)
        if relation_field.related_model is model:
            raise ValueError(f"{relation} links {model.__name__} to itself")
        super().__init__(
            f"{table.name}-{relation.replace('_', '-')}",
            title=f"{model._meta.verbose_name_plural.capitalize()}: {relation_field.verbose_name}",
            description=str(relation_field.help_text),
            primary_key=[self.left, column],
            references={self.left: model, column: relation_field.related_model},
        )

    def columns(self):
        related = self.table.model._meta.get_field(self.relation).related_model
        return [
            {
                "name": self.left,
                "type": "string",
                "description": f"The {self.table.model._meta.verbose_name}'s slug.",
            },
            {
                "name": self.column,
                "type": "string",
                "description": f"The {related._meta.verbose_name}'s slug.",
            },
        ]

    def rows(self, request):
        model = self.table.model
        linked = visible_related(model, self.relation).order_by("slug")
        items = model.objects.published().order_by("slug")
        for item in items.prefetch_related(Prefetch(self.relation, queryset=linked)):
            for other in getattr(item, self.relation).all():
                yield [item.slug, other.slug]


def public_items(viewset):
    """A function giving the viewset's public items (whoever asks), in its list's order."""

    def items():
        queryset = viewset.visible_queryset(None)
        return queryset.order_by(*viewset.ordering) if viewset.ordering else queryset

    return items


class DataPackage:
    """The descriptor and each table's CSV, from the same tables."""

    def __init__(self, tables, **properties):
        self.tables = list(tables)
        self.properties = properties
        for table in self.tables:
            table.package = self

    def table(self, name):
        return next((table for table in self.tables if table.name == name), None)

    def table_of(self, model):
        """The table of ``model``'s items (not a link table)."""
        return next(
            table
            for table in self.tables
            if isinstance(table, SerializerTable) and table.model is model
        )

    def descriptor(self, **properties):
        """``datapackage.json``'s content: paths relative to it, so the same file serves
        beside the CSVs online and inside the zip."""
        return {
            "$schema": PROFILE,
            **self.properties,
            **properties,
            "resources": [table.resource() for table in self.tables],
        }

    def descriptor_bytes(self, **properties):
        text = json.dumps(self.descriptor(**properties), ensure_ascii=False, indent=2)
        return text.encode() + b"\n"

    def zip_bytes(self, request, **properties):
        buffer = io.BytesIO()
        with zipfile.ZipFile(buffer, "w", zipfile.ZIP_DEFLATED) as archive:
            archive.writestr(DESCRIPTOR, self.descriptor_bytes(**properties))
            for table in self.tables:
                archive.writestr(table.path, table.csv(request))
        return buffer.getvalue()
