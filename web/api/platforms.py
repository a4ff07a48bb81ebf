"""API v1 platforms: the registry of the places that attend the public (platform administrators manage their
region's; nivel central reads all), their convenio document and their deactivation."""

from __future__ import annotations

from typing import Annotated

from flask import Response, request, url_for
from pydantic import Field
from typing_extensions import TypedDict

from engine.access import Actor
from engine.services.network import platform_closure, platforms
from engine.services.network.platform_fields import KINDS

from .. import context, uploads
from .common import NOT_FOUND, STAFF, bp, json_response
from .contract import INVALID, BadRequest, Content, Input, Labels, Query, Reply, operation
from .documents import FileField
from .idempotency import KeyHeader, idempotent

FORBIDDEN = "Fuera de su región o perfil sin permiso"
DATE = r"^\d{4}-\d{2}-\d{2}$"
EmptyDate = Annotated[str, Field(pattern=rf"{DATE}|^$", description="AAAA-MM-DD, o vacío para borrarla")]


class PlatformList(TypedDict):
    platforms: list[platforms.PlatformView]


class RegionQuery(Query):
    region: Annotated[
        str | None, Field(pattern=r"^\d{2}$", description="código de región (nivel central)")
    ] = None


@bp.get("/v1/platforms")
@operation("Plataformas a su alcance", {200: PlatformList, 403: FORBIDDEN}, auth=STAFF, query=RegionQuery)
def list_platforms(actor: Actor, query: RegionQuery) -> Response:
    with context.system().db.reading() as s:
        found = platforms.registry(s, actor, context.now(), query.region)
    return json_response(PlatformList(platforms=found.platforms))


class PlatformFields(Input):
    refusal = "revise los campos de la plataforma (textos, online booleano, fechas AAAA-MM-DD)"
    name: Annotated[str, Field(max_length=120)] | None = None
    kind: Annotated[str, Labels("PlatformKind", KINDS)] | None = None
    comuna_code: Annotated[str, Field(pattern=r"^\d{5}$", description="código CUT de la comuna")] | None = (
        None
    )
    address: Annotated[str, Field(max_length=200)] | None = None
    manager_name: Annotated[str, Field(max_length=120)] | None = None
    email: Annotated[str, Field(max_length=160)] | None = None
    phone: Annotated[str, Field(max_length=30)] | None = None
    online: Annotated[bool, Field(description="true: registra en línea; false: en papel")] | None = None
    agreement_on: EmptyDate | None = None
    active_from: EmptyDate | None = None
    active_to: EmptyDate | None = None


class PlatformCreate(PlatformFields):
    region: Annotated[str, Field(pattern=r"^\d{2}$", description="debe ser la suya (403 si no)")] | None = (
        None
    )
    name: Annotated[str, Field(max_length=120)]
    kind: Annotated[str, Labels("PlatformKind", KINDS)]
    comuna_code: Annotated[str, Field(pattern=r"^\d{5}$", description="código CUT de la comuna")]


@bp.post("/v1/platforms")
@operation(
    "Crear una plataforma en su región",
    {201: platforms.PlatformView, 403: FORBIDDEN, 422: INVALID},
    auth=STAFF,
    body=PlatformCreate,
    headers=KeyHeader,
)
@idempotent
def create_platform(actor: Actor, body: PlatformCreate) -> Response:
    with context.system().db.writing() as s:
        view = platforms.create_platform(s, body.model_dump(exclude_none=True), actor, context.now())
    resp = json_response(view, 201)
    resp.headers["Location"] = url_for("api.get_platform", code=view.code)
    return resp


@bp.get("/v1/platforms/<code>")
@operation("Una plataforma", {200: platforms.PlatformView, 403: FORBIDDEN, 404: NOT_FOUND}, auth=STAFF)
def get_platform(code: str, actor: Actor) -> Response:
    with context.system().db.reading() as s:
        return json_response(platforms.get_platform(s, code, actor, context.now()))


@bp.patch("/v1/platforms/<code>")
@operation(
    "Modificar una plataforma (solo los campos enviados)",
    {200: platforms.PlatformView, 403: FORBIDDEN, 404: NOT_FOUND, 422: INVALID},
    auth=STAFF,
    body=PlatformFields,
)
def update_platform(code: str, actor: Actor, body: PlatformFields) -> Response:
    with context.system().db.writing() as s:
        view = platforms.update_platform(s, code, body.model_dump(exclude_none=True), actor, context.now())
    return json_response(view)


class Deactivation(Input):
    refusal = 'indique {"to_platform": "...", "reason": "..."}'
    to_platform: Annotated[str, Field(max_length=20)] | None = None
    reason: Annotated[str, Field(max_length=200)] = ""


class DeactivatedView(TypedDict):
    platform: platforms.PlatformView
    moved: list[str]


@bp.post("/v1/platforms/<code>/deactivate")
@operation(
    "Desactivar una plataforma; sus casos abiertos pasan a to_platform",
    {
        200: DeactivatedView,
        403: FORBIDDEN,
        404: NOT_FOUND,
        409: "Tiene casos abiertos y no indicó to_platform: nada cambió",
        422: INVALID,
    },
    auth=STAFF,
    body=Deactivation,
)
def deactivate_platform(code: str, actor: Actor, body: Deactivation) -> Response:
    system = context.system()
    with system.db.writing() as s:
        done = platform_closure.deactivate_platform(
            s, system.store, code, actor, context.now(), body.to_platform, body.reason
        )
    return json_response(DeactivatedView(platform=done.platform, moved=done.moved))


@bp.put("/v1/platforms/<code>/agreement")
@operation(
    "Adjuntar el convenio firmado (PDF, multipart, campo 'file')",
    {200: platforms.PlatformView, 403: FORBIDDEN, 404: NOT_FOUND, 422: "No es un PDF"},
    auth=STAFF,
    body=Content(("multipart/form-data",), FileField),
)
def put_agreement(code: str, actor: Actor) -> Response:
    storage = request.files.get("file")
    if storage is None or not storage.filename:
        raise BadRequest('envíe el PDF en el campo "file" (multipart/form-data)')
    upload = uploads.read_upload(storage)
    with context.system().db.writing() as s:
        view = platforms.attach_agreement(s, code, upload.filename, upload.body, actor, context.now())
    return json_response(view)


@bp.get("/v1/platforms/<code>/agreement")
@operation(
    "Descargar el convenio",
    {200: Reply("El PDF del convenio", media="application/pdf"), 403: FORBIDDEN, 404: NOT_FOUND},
    auth=STAFF,
)
def get_agreement(code: str, actor: Actor) -> Response:
    with context.system().db.reading() as s:
        name, body = platforms.agreement_file(s, code, actor)
    return uploads.file_response(name, "application/pdf", body)
