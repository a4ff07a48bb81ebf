"""API v1 letters (generate, download, send by mail) and attachments (upload, list, download)."""

from __future__ import annotations

from typing import Annotated, Literal

from flask import Response, request, url_for
from pydantic import Field
from typing_extensions import TypedDict

from engine.access import Actor
from engine.services import attachments, documents

from .. import context, uploads
from .common import NOT_FOUND, STAFF, bp, json_response
from .contract import BadRequest, Content, Input, Reply, operation
from .idempotency import KeyHeader, idempotent, remember

uploads.allow_uploads(bp, "api.upload_attachment")

Kind = Literal["docx", "pdf"]
_MIME: dict[Kind, str] = {
    "docx": "application/vnd.openxmlformats-officedocument.wordprocessingml.document",
    "pdf": "application/pdf",
}
_FILE = Reply("El archivo", media="application/octet-stream")


class DocumentList(TypedDict):
    documents: list[documents.DocumentView]


@bp.get("/v1/cases/<folio>/documents")
@operation("Cartas del caso", {200: DocumentList, 404: NOT_FOUND}, auth=STAFF)
def list_documents(folio: str, actor: Actor) -> Response:
    with context.system().db.reading() as s:
        return json_response(DocumentList(documents=documents.list_documents(s, folio, actor)))


class LetterChoice(Input):
    refusal = 'indique {"letter": "<id de la carta>"}'
    letter: Annotated[str, Field(min_length=1, description="id de la carta (letter_templates/<id>.docx)")]


@bp.post("/v1/cases/<folio>/documents")
@operation(
    "Generar (o regenerar) una carta",
    {201: (documents.DocumentView, "Carta generada"), 404: NOT_FOUND, 422: "La carta no se pudo generar"},
    auth=STAFF,
    body=LetterChoice,
    headers=KeyHeader,
)
@idempotent
def generate_document(folio: str, actor: Actor, body: LetterChoice) -> Response:
    """(Re)generate one of the case's letters now, from the case's current data."""
    with context.system().db.writing() as s:
        view = documents.generate_for_case(
            s, context.system().store, folio, body.letter, actor, context.now()
        )
        resp = json_response(view, 201)
        remember(s, resp)
    return resp


class DocumentFile(Input):
    refusal = "formato desconocido: use .docx o .pdf"
    doc_id: int
    kind: Kind


@bp.get("/v1/documents/<id:doc_id>.<kind>")
@operation("Descargar una carta (.docx o .pdf)", {200: _FILE, 404: NOT_FOUND}, auth=STAFF, path=DocumentFile)
def download_document(doc_id: int, kind: Kind, actor: Actor) -> Response:
    with context.system().db.writing() as s:  # the PDF is produced once and kept
        name, body = documents.document_file(s, doc_id, kind, actor)
    resp = Response(body, mimetype=_MIME[kind])
    resp.headers["Content-Disposition"] = f'attachment; filename="{name}"'
    return resp


class Recipients(Input):
    refusal = 'indique {"to": ["correo@ejemplo.cl"]}'
    to: list[str] | str = Field(description="una dirección de correo o una lista de ellas")


class SentTo(TypedDict):
    sent_to: list[str]


@bp.post("/v1/documents/<id:doc_id>/send")
@operation(
    "Enviar una carta por correo",
    {
        200: (SentTo, "Enviada"),
        404: NOT_FOUND,
        422: "Destinatarios inválidos, o rechazados por el servidor de correo",
        502: "El servidor de correo no está disponible o falló: no se envió",
    },
    auth=STAFF,
    body=Recipients,
)
def send_document(doc_id: int, actor: Actor, body: Recipients) -> Response:
    to = [body.to] if isinstance(body.to, str) else body.to
    with context.system().db.writing() as s:
        documents.send_document(s, doc_id, to, actor, context.mail_settings(), context.now())
    return json_response(SentTo(sent_to=to))


class AttachmentList(TypedDict):
    attachments: list[attachments.AttachmentView]


@bp.get("/v1/cases/<folio>/attachments")
@operation("Adjuntos del caso", {200: AttachmentList, 404: NOT_FOUND}, auth=STAFF)
def list_attachments(folio: str, actor: Actor) -> Response:
    with context.system().db.reading() as s:
        return json_response(AttachmentList(attachments=attachments.list_attachments(s, folio, actor)))


class FileField(Input):
    """multipart/form-data with the file in the field "file"."""

    file: bytes


@bp.post("/v1/cases/<folio>/attachments")
@operation(
    "Subir un adjunto (multipart, campo 'file')",
    {
        201: (attachments.AttachmentView, "Adjunto guardado; use su id en los datos de una tarea"),
        404: NOT_FOUND,
        422: "Archivo no permitido",
    },
    auth=STAFF,
    body=Content(("multipart/form-data",), FileField),
    headers=KeyHeader,
)
@idempotent
def upload_attachment(folio: str, actor: Actor) -> Response:
    """Attach one file (multipart/form-data, field "file"); its id then goes in a task form's file field."""
    storage = request.files.get("file")
    if storage is None or not storage.filename:
        raise BadRequest('envíe el archivo en el campo "file" (multipart/form-data)')
    with context.system().db.writing() as s:
        upload = uploads.read_upload(storage)
        view = attachments.add_to_case(s, folio, upload, actor, context.now())
        resp = json_response(view, 201)
        resp.headers["Location"] = url_for("api.download_attachment", attachment_id=view.id)
        remember(s, resp)
    return resp


@bp.get("/v1/attachments/<id:attachment_id>")
@operation("Descargar un adjunto", {200: _FILE, 404: NOT_FOUND}, auth=STAFF)
def download_attachment(attachment_id: int, actor: Actor) -> Response:
    with context.system().db.reading() as s:
        name, mime, body = attachments.attachment_file(s, attachment_id, actor)
    return uploads.file_response(name, mime, body)
