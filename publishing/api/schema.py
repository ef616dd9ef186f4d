"""OpenAPI: a contract that a client generated from it (openapi-python-client, say) can use
as it is. Every answer a request may get is declared with its body, public reads declare
no security requirement, bodies are JSON, and each list's CSV is an operation of its
own (``/api/v1/<resource>.csv``), whose answer is text: a generated client parses each
answer by its declared type, so JSON and CSV cannot share one operation."""

import copy

from drf_spectacular.openapi import AutoSchema
from drf_spectacular.plumbing import ResolvedComponent
from drf_spectacular.settings import spectacular_settings
from rest_framework import permissions

from .languages import CONTENT_LANGUAGE_HEADER, LANGUAGE_PARAMETERS
from .renderers import CSLJSONRenderer, CSVRenderer

ERROR_SCHEMA = {
    "type": "object",
    "description": (
        "Why the request was refused. `detail` explains a refusal of the whole request; "
        "otherwise each key names the field or query parameter at fault and lists what "
        "is wrong with it."
    ),
    "properties": {"detail": {"type": "string", "description": "The reason, in words."}},
    "additionalProperties": {"type": "array", "items": {"type": "string"}},
}

ERRORS = {
    "400": "Invalid input: a query parameter or a field of the body. The body names it.",
    "400-write": (
        "Invalid input: each key names a field of the body (or a query parameter) and lists "
        "what is wrong with it, every field at once, and nothing is written. Besides the "
        "model's own rules, a field the write cannot set is refused: a read-only field "
        "(`Read-only: …`, saying where its value comes from, such as `last_checked` or "
        "`updated`) sent with a value other than the one the item has (sent unchanged, as in "
        "a body read from the API and written back, it is accepted), a field the resource "
        "does not carry (`Not in the API: …`) and a name it does not know (`Unknown field.`)."
    ),
    "401": (
        "Writing needs a token (`Authorization: Token <key>`) or a session; a token that "
        "has expired or was revoked is refused, even for a read."
    ),
    "403": "The user lacks the model permission for this change.",
    "404": "No visible item with this slug, or no such page of results.",
    "406": "The `Accept` header or `format` asks for a format the API does not give.",
    "409": "The item is still used by other items and cannot be deleted.",
    "412": (
        "The item changed since the version `If-Match` names (someone else changed a field "
        "this write changes too): read it again and write on top of that."
    ),
    "415": "The body is not JSON: send it with `Content-Type: application/json`.",
    "429": "Too many requests: wait the number of seconds the `Retry-After` header gives.",
}

NOT_MODIFIED = {
    "description": (
        "Not modified: the `ETag` sent in `If-None-Match` (or the time in "
        "`If-Modified-Since`) still holds. No body: use the copy you have."
    )
}

ETAG_HEADER = {
    "ETag": {
        "schema": {"type": "string"},
        "description": (
            "This answer's version: send it in `If-None-Match` to read again cheaply, or in "
            "`If-Match` to write only over this version."
        ),
    }
}

CONDITION_HEADERS = {
    "GET": {
        "name": "If-None-Match",
        "in": "header",
        "required": False,
        "schema": {"type": "string"},
        "description": "The `ETag` of a copy you have: answered 304 with no body if it is current.",
    },
    "WRITE": {
        "name": "If-Match",
        "in": "header",
        "required": False,
        "schema": {"type": "string"},
        "description": (
            "The `ETag` of the version you read: the write is refused (412) if the item has "
            "changed since in a way that conflicts with it."
        ),
    },
}

CSL_DATE_SCHEMA = {
    "type": "object",
    "properties": {
        "date-parts": {
            "type": "array",
            "items": {"type": "array", "items": {"type": "integer"}},
            "description": "[[year, month, day]]",
        }
    },
    "required": ["date-parts"],
}

#: One record of a CSL-JSON document, as :func:`publishing.citations.csl_item` makes it
#: (a subset of the CSL data schema, csl-data.json).
CSL_ITEM_SCHEMA = {
    "type": "object",
    "description": "A CSL-JSON record citing the item's current public version.",
    "properties": {
        "id": {"type": "string", "description": "The citation key, the same in every format."},
        "type": {"type": "string", "description": "Always `webpage`: a page of the site."},
        "title": {"type": "string", "description": "The title, in the language asked for."},
        "author": {
            "type": "array",
            "items": {
                "type": "object",
                "properties": {"literal": {"type": "string"}},
                "required": ["literal"],
            },
            "description": "The site, as a corporate author.",
        },
        "container-title": {"type": "string", "description": "The site."},
        "publisher": {"type": "string", "description": "The site."},
        "URL": {
            "type": "string",
            "format": "uri",
            "description": "The current version's permanent address (the item's page when "
            "no public change is recorded).",
        },
        "issued": {**CSL_DATE_SCHEMA, "description": "The current version's date."},
        "accessed": {**CSL_DATE_SCHEMA, "description": "The day it was read (today, UTC)."},
        "language": {"type": "string", "description": "`en` or `hi`: the language asked for."},
        "version": {
            "type": "string",
            "description": "The version's name, such as 2026-11-26T02:03Z.",
        },
    },
    "required": [
        "id",
        "type",
        "title",
        "author",
        "container-title",
        "publisher",
        "URL",
        "issued",
        "accessed",
        "language",
    ],
}

FORMAT_PARAMETER = {
    "name": "format",
    "in": "query",
    "required": False,
    "schema": {"type": "string", "enum": ["json", "csl-json"]},
    "description": (
        "`csl-json` answers the item's citation as CSL-JSON "
        "(`application/vnd.citationstyles.csl+json`, as its `cite` link gives it): the same "
        "document as its page's `cite.json`, in the language asked for."
    ),
}

#: The key under which a list operation carries its CSV twin to :func:`contract_hook`.
CSV_TWIN = "x-trustsite-csv"


def error_component(registry):
    component = ResolvedComponent(
        name="Error", type=ResolvedComponent.SCHEMA, object="Error", schema=ERROR_SCHEMA
    )
    registry.register_on_missing(component)
    return component


class ContentAutoSchema(AutoSchema):
    def is_public_read(self):
        return self.method in permissions.SAFE_METHODS and any(
            isinstance(permission, permissions.DjangoModelPermissionsOrAnonReadOnly)
            for permission in self.view.get_permissions()
        )

    def map_renderers(self, attribute):
        """JSON only: the CSV of a list is declared as an operation of its own, and an
        item's CSL-JSON with its own schema (see :meth:`get_operation`)."""
        return [
            value
            for value in super().map_renderers(attribute)
            if value
            not in (
                CSVRenderer.format,
                CSVRenderer.media_type,
                CSLJSONRenderer.format,
                CSLJSONRenderer.media_type,
            )
        ]

    def cites(self):
        return getattr(self.view, "action", None) == "retrieve" and any(
            isinstance(renderer, CSLJSONRenderer) for renderer in self.view.get_renderers()
        )

    def _map_basic_serializer(self, serializer, direction):
        """In answers every field is always present (null when it has no value), so
        every field is required: clients then type it as what it is, not as maybe-unset.
        A body holds the writable fields and nothing else: a write that names any other
        field is refused (see ``ContentSerializer.refused_fields``; only a body written
        back as it was read may carry read-only fields, with the values the item has)."""
        schema = super()._map_basic_serializer(serializer, direction)
        if direction == "response" and schema.get("properties"):
            schema["required"] = list(schema["properties"])
        # Duck-typed: importing the serializers here would import the models while the
        # schema generator (a DRF setting) is being loaded.
        if direction == "request" and hasattr(serializer, "refused_fields"):
            schema["additionalProperties"] = False
        return schema

    def get_operation(self, path, path_regex, path_prefix, method, registry):
        operation = super().get_operation(path, path_regex, path_prefix, method, registry)
        if operation is None:
            return None
        method = method.upper()
        error = error_component(registry)
        # 401 also answers a read that sends a token that has expired or was revoked.
        codes = ["400", "401", "404", "406", "429"]
        if self.is_public_read():
            # Anyone may read: no security requirement at all, as the generator decides
            # from whether ``security`` is empty (openapi-python-client 0.29.1 would still
            # demand an AuthenticatedClient with ``{}`` among the schemes). A token sent
            # anyway still counts: editors read drafts with theirs.
            operation["security"] = []
        else:
            codes.append("403")
        if method in ("POST", "PUT", "PATCH"):
            codes.append("415")
        if method in ("PUT", "PATCH", "DELETE"):
            codes.append("412")
        if method == "DELETE":
            codes.append("409")
        parameters = operation.setdefault("parameters", [])
        for parameter in parameters:
            if parameter["in"] == "path" and parameter["name"] == "slug":
                parameter.setdefault("description", "The item's slug, as in its `url`.")
        responses = operation.setdefault("responses", {})
        if method == "GET":
            parameters.append(CONDITION_HEADERS["GET"])
            parameters.extend(copy.deepcopy(LANGUAGE_PARAMETERS))
            responses["200"].setdefault("headers", {}).update(ETAG_HEADER)
            responses["200"]["headers"].update(CONTENT_LANGUAGE_HEADER)
            responses["304"] = NOT_MODIFIED
        elif method in ("PUT", "PATCH", "DELETE"):
            parameters.append(CONDITION_HEADERS["WRITE"])
        if method in ("PUT", "PATCH"):
            responses["202"] = {
                **copy.deepcopy(responses["200"]),
                "description": (
                    "Kept as unpublished changes to a live item (an Editor's write, or "
                    "`status: review`) until a Publisher publishes them: the item as its "
                    "editors now see it."
                ),
            }
        for code in codes:
            writes = code == "400" and method in ("POST", "PUT", "PATCH")
            described = ERRORS["400-write" if writes else code]
            response = responses.setdefault(code, {"description": described})
            response.setdefault("content", {"application/json": {"schema": error.ref}})
        if method == "GET" and self.cites():
            parameters.append(FORMAT_PARAMETER)
            item = ResolvedComponent(
                name="CSLItem",
                type=ResolvedComponent.SCHEMA,
                object="CSLItem",
                schema=CSL_ITEM_SCHEMA,
            )
            registry.register_on_missing(item)
            responses["200"]["content"][CSLJSONRenderer.media_type] = {
                "schema": {"type": "array", "items": item.ref, "minItems": 1, "maxItems": 1}
            }
        if (
            method == "GET"
            and getattr(self.view, "action", None) == "list"
            and CSVRenderer in getattr(self.view, "renderer_classes", ())
        ):
            operation[CSV_TWIN] = True
        return operation


def csv_operation(operation):
    """The CSV twin of a list operation: the same filters, search and ordering, the whole
    list at once (no pages), as text."""
    twin = copy.deepcopy(operation)
    twin["operationId"] = f"{operation['operationId']}_csv"
    twin["summary"] = "The whole list as CSV"
    twin["description"] = (
        "Every matching item, one row each, with the JSON's fields as columns (a list of "
        "links is one cell, the links separated by spaces), in one file rather than in "
        "pages. The same as the list with `?format=csv` or `Accept: text/csv`."
    )
    twin["parameters"] = [
        parameter
        for parameter in operation.get("parameters", [])
        if parameter["name"] not in ("page", "page_size")
    ]
    twin["responses"] = {
        "200": {
            "description": "The CSV file, with its header row.",
            "headers": ETAG_HEADER,
            "content": {"text/csv": {"schema": {"type": "string"}}},
        },
        **{
            code: response
            for code, response in operation["responses"].items()
            if code in ("304", "400", "429")
        },
    }
    return twin


def contract_hook(result, generator, request, public):
    """Post-processing: the plain version (``1.0.0``, which packaging accepts; the API's
    version is in its URLs, /api/v1/) and each list's CSV operation beside it."""
    result["info"]["version"] = spectacular_settings.VERSION
    paths = {}
    for path, operations in result["paths"].items():
        paths[path] = operations
        twins = {
            method: csv_operation(operation)
            for method, operation in operations.items()
            if operation.pop(CSV_TWIN, False)
        }
        if twins:
            paths[path.rstrip("/") + ".csv"] = twins
    result["paths"] = paths
    return result
