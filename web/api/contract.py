"""Each API view states its contract once, with ``@operation``: the decorator validates the request with it
(path, caller, query, body, in that order) and web/api/openapi.py documents it. A refused request is a 400
problem whose Spanish message comes from the field that failed (``Refusal``), else from its model."""

from __future__ import annotations

import functools
from collections.abc import Callable, Iterable, Mapping
from dataclasses import dataclass, field
from typing import Any, ClassVar, TypeVar

from flask import Response, request
from pydantic import (
    BaseModel,
    ConfigDict,
    GetCoreSchemaHandler,
    GetJsonSchemaHandler,
    TypeAdapter,
    ValidationError,
)
from pydantic.json_schema import JsonSchemaValue
from pydantic_core import CoreSchema, core_schema

from engine.access import Actor
from engine.errors import EngineError

NOT_AN_OBJECT = "el cuerpo debe ser un objeto JSON (Content-Type: application/json)"
INVALID = "Datos inválidos, con errores por campo"


class BadRequest(EngineError):
    status = 400
    type = "/problems/bad-request"
    title = "Solicitud mal formada"


@dataclass(frozen=True)
class Refusal:
    """``Annotated[..., Refusal("...")]``: what a 400 says when this field is wrong."""

    message: str


class Input(BaseModel):
    """A query, path or body model. Strict: no quiet conversions (JSON's 3.0 is an integer where a type says
    so); Python's regular expressions, as JSON Schema tools use them."""

    model_config = ConfigDict(strict=True, regex_engine="python-re", populate_by_name=True)
    refusal: ClassVar[str] = NOT_AN_OBJECT  # for a field without its own Refusal


class Query(Input):
    """Query parameters arrive as text: a query model is not strict (its types convert them)."""

    model_config = ConfigDict(strict=False, regex_engine="python-re", populate_by_name=True)


@dataclass(frozen=True)
class Auth:
    """Who may call: ``resolve`` returns the caller or raises 401/403; the rest is for the document."""

    resolve: Callable[[], Actor]
    errors: Mapping[int, str]
    headers: type[BaseModel] | None = None  # documented header parameters (resolve checks them)
    security: tuple[Mapping[str, list[str]], ...] = ({"bearer": []},)


@dataclass(frozen=True)
class Content:
    """A request body the view reads itself (files, raw bytes, a form published as content)."""

    media: tuple[str, ...]
    schema: Any = None  # the type its JSON (or its form fields) has
    required: bool = True


@dataclass(frozen=True)
class Reply:
    """A response: its description, and the type (TypedDict, dataclass, list …) its JSON has."""

    description: str
    schema: Any = None
    media: str = "application/json"


class Labels:
    """``Annotated[str, Labels("Kind", KINDS)]``: one of the engine's labels, a named schema (an enum)."""

    def __init__(self, name: str, labels: Iterable[str]) -> None:
        self.name, self.labels = name, list(labels)

    def __get_pydantic_core_schema__(self, source: Any, handler: GetCoreSchemaHandler) -> CoreSchema:
        return core_schema.literal_schema(self.labels, ref=self.name)


class Plus:
    """``Annotated[Base, Plus(Extra)]``: Base's JSON with the properties of the TypedDict Extra, which the
    view adds (documented as allOf)."""

    def __init__(self, extra: type) -> None:
        self.extra = extra

    def __get_pydantic_json_schema__(
        self, schema: CoreSchema, handler: GetJsonSchemaHandler
    ) -> JsonSchemaValue:
        return {"allOf": [handler(schema), handler(TypeAdapter(self.extra).core_schema)]}


@dataclass(frozen=True)
class Operation:
    summary: str
    responses: Mapping[int, Reply | str | Any]
    auth: Auth | None = None
    path: type[Input] | None = None
    query: type[Query] | None = None
    body: type[Input] | Content | None = None
    body_required: bool = True
    headers: type[BaseModel] | None = None
    description: str | None = None
    security: tuple[Mapping[str, list[str]], ...] | None = field(default=None)


View = Callable[..., Response]
M = TypeVar("M", bound=Input)


def operation(
    summary: str, responses: Mapping[int, Reply | str | Any], **details: Any
) -> Callable[[View], View]:
    """Declare a view's contract; the view receives ``actor``, ``query`` and ``body`` (when declared)."""
    op = Operation(summary, responses, **details)

    def wrap(view: View) -> View:
        @functools.wraps(view)
        def run(**path: Any) -> Response:
            if op.path is not None:
                validated(op.path, path)
            kwargs = dict(path)
            if op.auth is not None:
                kwargs["actor"] = op.auth.resolve()
            if op.query is not None:
                kwargs["query"] = validated(op.query, request.args.to_dict())
            if isinstance(op.body, type):
                kwargs["body"] = validated(op.body, json_object(op.body_required))
            return view(**kwargs)

        setattr(run, "__operation__", op)  # noqa: B010 (read back by the OpenAPI generator)
        return run

    return wrap


def operation_of(view: Callable[..., Any]) -> Operation | None:
    """The contract a view was declared with, if any."""
    found = getattr(view, "__operation__", None)
    return found if isinstance(found, Operation) else None


def json_object(required: bool = True) -> dict[str, Any]:
    """The JSON object in the body (an empty body is ``{}`` when not ``required``); BadRequest otherwise."""
    data = request.get_json(silent=True)
    if data is None and not required and not request.get_data():
        return {}
    if not isinstance(data, dict):
        raise BadRequest(NOT_AN_OBJECT)
    return data


def validated(model: type[M], raw: Mapping[str, Any]) -> M:
    """``raw`` as ``model``; BadRequest with the failing field's message otherwise."""
    try:
        return model.model_validate(raw)
    except ValidationError as err:
        first = err.errors()[0]["loc"]
        raise BadRequest(refusal(model, str(first[0]) if first else "")) from None


def refusal(model: type[Input], name: str) -> str:
    """The message of field ``name`` (its name or alias), else the model's."""
    for key, info in model.model_fields.items():
        if name in (key, info.alias):
            for meta in info.metadata:
                if isinstance(meta, Refusal):
                    return meta.message
    return model.refusal
