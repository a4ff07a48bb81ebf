"""The OpenAPI 3.1 document of API v1, generated from the app's routes and the contracts their views declare
(web/api/contract.py): the same pydantic models that validate the requests, and the engine's dataclasses the
views return. Served at /api/openapi.json; built once per app."""

from __future__ import annotations

import re
from collections.abc import Callable, Iterator, Mapping
from typing import Any, NotRequired

from flask import Flask
from pydantic import BaseModel, TypeAdapter
from pydantic.json_schema import GenerateJsonSchema, JsonSchemaMode, JsonSchemaValue
from pydantic_core import core_schema
from typing_extensions import TypedDict
from werkzeug.routing import Rule
from werkzeug.routing.converters import NumberConverter

from engine.services.workbench import drafts

from .contract import Content, Input, Operation, Reply, operation_of

REF = "#/components/schemas/{model}"
IGNORED_METHODS = frozenset({"HEAD", "OPTIONS"})
MALFORMED = "Solicitud mal formada (el detalle dice qué corregir)"
INFO = {
    "title": "Ventanilla API",
    "version": "1.0.0",
    "description": "API de la ventanilla única de atención de consumidores.",
}
SECURITY_SCHEMES = {
    "bearer": {"type": "http", "scheme": "bearer"},
    "session": {"type": "apiKey", "in": "cookie", "name": "session"},
}


class FieldProblem(TypedDict):
    field: str
    message: str


class ProblemDetails(TypedDict):
    """RFC 9457 problem details (web/errors.py): errors per field on 422, content problems on the
    workbench's."""

    type: str
    title: str
    status: int
    detail: str
    instance: str
    errors: NotRequired[list[FieldProblem]]
    problems: NotRequired[list[drafts.Problem]]


class _Untitled(GenerateJsonSchema):
    """pydantic's JSON Schema without a title per field (the property's name says it)."""

    def field_title_should_be_set(self, schema: Any) -> bool:
        return False

    def tuple_schema(self, schema: core_schema.TupleSchema) -> JsonSchemaValue:
        """A fixed-length tuple as an array whose items are each one of its types: schemathesis 4.32.5
        rewrites 2020-12's prefixItems into a form its own validator then rejects."""
        found = super().tuple_schema(schema)
        if "prefixItems" in found and "items" not in found:
            items = found.pop("prefixItems")
            found["items"] = {"anyOf": items} if len(items) > 1 else items[0]
        return found


Lookup = Callable[[Any, JsonSchemaMode], dict[str, Any]]
Found = tuple[str, str, Rule, Operation]


def document(app: Flask) -> dict[str, Any]:
    """The whole OpenAPI 3.1 document of ``app``'s API (built on first use)."""
    if "openapi" not in app.extensions:
        app.extensions["openapi"] = build(app)
    return app.extensions["openapi"]  # type: ignore[no-any-return]


def build(app: Flask) -> dict[str, Any]:
    found = sorted(_operations(app), key=lambda f: f[:2])
    lookup, schemas = _definitions(found)
    paths: dict[str, dict[str, Any]] = {}
    for path, method, rule, op in found:
        paths.setdefault(path, {})[method.lower()] = _operation(rule, op, lookup)
    return {
        "openapi": "3.1.0",
        "info": INFO,
        "servers": [{"url": "/"}],
        "security": [{"bearer": []}],
        "components": {"securitySchemes": SECURITY_SCHEMES, "schemas": schemas},
        "paths": paths,
    }


def openapi_path(rule: str) -> str:
    """werkzeug's ``/a/<id:x>.<y>`` as OpenAPI's ``/a/{x}.{y}``."""
    return re.sub(r"<(?:[^:<>]+:)?([^<>]+)>", r"{\1}", rule)


def _operations(app: Flask) -> Iterator[Found]:
    for rule in app.url_map.iter_rules():
        op = operation_of(app.view_functions[rule.endpoint])
        if op is not None:
            for method in sorted((rule.methods or set()) - IGNORED_METHODS):
                yield openapi_path(rule.rule), method, rule, op


def _replies(op: Operation) -> dict[int, Reply]:
    """Every response of the operation: its caller's errors, 400, then its own."""
    errors: dict[int, Any] = {400: MALFORMED, **(op.auth.errors if op.auth else {}), **op.responses}
    return {status: _reply(value) for status, value in sorted(errors.items())}


def _reply(value: Any) -> Reply:
    if isinstance(value, Reply):
        return value
    if isinstance(value, str):
        return Reply(value, ProblemDetails, media="application/problem+json")
    if isinstance(value, tuple):
        return Reply(value[1], value[0])
    return Reply("OK", value)


def _definitions(found: list[Found]) -> tuple[Lookup, dict[str, Any]]:
    """Every body and response type as a component schema (pydantic names them)."""
    wanted: dict[tuple[int, str], tuple[Any, JsonSchemaMode]] = {}
    for _, _, _, op in found:
        body = op.body.schema if isinstance(op.body, Content) else op.body
        if body is not None:
            wanted[(id(body), "validation")] = (body, "validation")
        for reply in _replies(op).values():
            if reply.schema is not None:
                wanted[(id(reply.schema), "serialization")] = (reply.schema, "serialization")
    inputs = [(key, mode, TypeAdapter(t).core_schema) for key, (t, mode) in wanted.items()]
    mapping, definitions = _Untitled(ref_template=REF).generate_definitions(inputs)

    def lookup(t: Any, mode: JsonSchemaMode) -> dict[str, Any]:
        return dict(mapping[((id(t), mode), mode)])

    return lookup, dict(sorted(definitions.items()))


def _operation(rule: Rule, op: Operation, lookup: Lookup) -> dict[str, Any]:
    found: dict[str, Any] = {"operationId": rule.endpoint, "summary": op.summary}
    if op.description:
        found["description"] = op.description
    security = op.security if op.security is not None else (op.auth.security if op.auth else None)
    if security is not None:
        found["security"] = list(security)
    parameters = [*_path_parameters(rule, op.path), *_parameters("query", op.query)]
    parameters += [
        *_parameters("header", op.auth.headers if op.auth else None),
        *_parameters("header", op.headers),
    ]
    if parameters:
        found["parameters"] = parameters
    if op.body is not None:
        found["requestBody"] = _request_body(op.body, op.body_required, lookup)
    found["responses"] = {str(status): _response(reply, lookup) for status, reply in _replies(op).items()}
    return found


def _path_parameters(rule: Rule, model: type[Input] | None) -> list[dict[str, Any]]:
    declared = _properties(model)[0]
    converters: Mapping[str, Any] = rule._converters
    return [
        {
            "name": name,
            "in": "path",
            "required": True,
            "schema": {**_converted(conv), **declared.get(name, {})},
        }
        for name, conv in converters.items()
    ]


def _converted(converter: Any) -> dict[str, Any]:
    """What a path converter lets through (the ``id`` converter: a row's id)."""
    if isinstance(converter, NumberConverter):
        bounds = {"minimum": converter.min, "maximum": converter.max}
        if not converter.signed and converter.min is None:
            bounds["minimum"] = 0
        return {"type": "integer", **{k: v for k, v in bounds.items() if v is not None}}
    return {"type": "string"}


def _parameters(where: str, model: type[BaseModel] | None) -> list[dict[str, Any]]:
    properties, required = _properties(model)
    return [
        {"name": name, "in": where, "required": name in required, "schema": schema}
        for name, schema in properties.items()
    ]


def _properties(model: type[BaseModel] | None) -> tuple[dict[str, Any], set[str]]:
    if model is None:
        return {}, set()
    schema = model.model_json_schema(by_alias=True, schema_generator=_Untitled)
    return schema.get("properties", {}), set(schema.get("required", []))


def _request_body(body: type[Input] | Content, required: bool, lookup: Lookup) -> dict[str, Any]:
    """An optional body whose model has required fields is documented as required (the view reads a
    missing body as {} and says which field is missing)."""
    if isinstance(body, Content):
        described = {"schema": lookup(body.schema, "validation")} if body.schema is not None else {}
        return {"required": body.required, "content": {m: described for m in body.media}}
    return {
        "required": required or bool(body.model_json_schema().get("required")),
        "content": {"application/json": {"schema": lookup(body, "validation")}},
    }


def _response(reply: Reply, lookup: Lookup) -> dict[str, Any]:
    media = {"schema": lookup(reply.schema, "serialization")} if reply.schema is not None else {}
    return {"description": reply.description, "content": {reply.media: media}}
