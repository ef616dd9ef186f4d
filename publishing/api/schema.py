"""OpenAPI: document the error answers too, so clients (and schemathesis) know them."""

from drf_spectacular.openapi import AutoSchema
from drf_spectacular.plumbing import ResolvedComponent

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
    "401": "Writing needs a token (`Authorization: Token <key>`) or a session.",
    "403": "The user lacks the model permission for this change.",
    "404": "No visible item with this slug, or no such page of results.",
    "406": "The `Accept` header or `format` asks for a format the API does not give.",
    "409": "The item is still used by other items and cannot be deleted.",
    "429": "Too many requests: wait the number of seconds the `Retry-After` header gives.",
}


class ContentAutoSchema(AutoSchema):
    def get_operation(self, path, path_regex, path_prefix, method, registry):
        operation = super().get_operation(path, path_regex, path_prefix, method, registry)
        if operation is None:
            return None
        component = ResolvedComponent(
            name="Error", type=ResolvedComponent.SCHEMA, object="Error", schema=ERROR_SCHEMA
        )
        registry.register_on_missing(component)
        codes = ["400", "404", "406", "429"]
        if method.upper() not in ("GET", "HEAD", "OPTIONS"):
            codes += ["401", "403"]
        if method.upper() == "DELETE":
            codes.append("409")
        for parameter in operation.get("parameters", []):
            if parameter["in"] == "path" and parameter["name"] == "slug":
                parameter.setdefault("description", "The item's slug, as in its `url`.")
        responses = operation.setdefault("responses", {})
        for code in codes:
            responses.setdefault(
                code,
                {
                    "description": ERRORS[code],
                    "content": {"application/json": {"schema": component.ref}},
                },
            )
        return operation
