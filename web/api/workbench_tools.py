"""Workbench API tools: migrating open cases between versions, trying and previewing forms, inspecting and
previewing letter templates (same callers as web/api/workbench.py)."""

from __future__ import annotations

from typing import Annotated, Any

from flask import Response, request
from pydantic import Field

from engine.access import Actor
from engine.forms import Form
from engine.services.workbench import drafts, migration, tools

from .. import context, formrender
from .common import RowId, Text, json_response
from .contract import BadRequest, Content, Input, Query, Refusal, Reply, operation
from .workbench import ANALYST, UNKNOWN_VERSION, bp

MIME_DOCX = "application/vnd.openxmlformats-officedocument.wordprocessingml.document"
MAX_TEMPLATE_BYTES = 5 * 1024 * 1024
BAD_SCHEMA = "El JSON Schema no es válido"


class Migration(Input):
    source: Annotated[RowId, Refusal('indique "from": el número de versión')] = Field(alias="from")
    target: Annotated[RowId, Refusal('indique "to": el número de versión')] = Field(alias="to")
    dry_run: Annotated[bool, Refusal('"dry_run" debe ser true o false')] = Field(
        True, description="true: solo simular (por defecto)"
    )
    folios: Annotated[list[str] | None, Refusal('"folios" debe ser una lista de folios')] = Field(
        None, description="solo estos casos (por defecto, todos los abiertos de la versión de origen)"
    )


@bp.post("/migrations")
@operation(
    "Migrar casos abiertos entre versiones (simulación por defecto)",
    {200: migration.MigrationResult, 404: UNKNOWN_VERSION, 422: "Versiones iguales"},
    auth=ANALYST,
    body=Migration,
    body_required=False,
)
def migrate(actor: Actor, body: Migration) -> Response:
    """Dry run (default) or perform the migration of open cases from one version to another."""
    system = context.system()
    result = migration.run_migration(
        system.db,
        system.store,
        body.source,
        body.target,
        actor,
        context.now(),
        dry_run=body.dry_run,
        folios=body.folios,
    )
    return json_response(result)


SchemaField = Annotated[
    dict[str, Any] | None,
    Refusal('"schema" debe ser un objeto JSON (el JSON Schema del formulario)'),
    Field(description="JSON Schema (por defecto, el del borrador)"),
]


class FormTrial(Input):
    data: Annotated[dict[str, Any], Refusal('indique {"data": {...}} con los datos de prueba')] = Field(
        default_factory=dict
    )
    schema_: SchemaField = Field(None, alias="schema")


class FormPreview(Input):
    schema_: SchemaField = Field(None, alias="schema")


def _form(actor: Actor, form_id: str, schema: dict[str, Any] | None) -> Form:
    with context.system().db.writing() as s:
        draft = drafts.draft_files(s, actor.username, context.now())
    return tools.form_from(form_id, schema, draft)


@bp.post("/forms/<form_id>/try")
@operation(
    "Probar datos de ejemplo contra un formulario",
    {200: tools.TryResult, 422: BAD_SCHEMA},
    auth=ANALYST,
    body=FormTrial,
    body_required=False,
)
def try_form(form_id: str, actor: Actor, body: FormTrial) -> Response:
    """Validate sample data against a form (the schema sent, else the draft's) as a submission would be."""
    return json_response(tools.try_form(_form(actor, form_id, body.schema_), body.data))


@bp.post("/forms/<form_id>/preview")
@operation(
    "Vista previa HTML del formulario",
    {200: Reply("Fragmento HTML", media="text/html"), 422: BAD_SCHEMA},
    auth=ANALYST,
    body=FormPreview,
    body_required=False,
)
def preview_form(form_id: str, actor: Actor, body: FormPreview) -> Response:
    """The form rendered as the staff pages render it (an HTML fragment)."""
    form = _form(actor, form_id, body.schema_)
    html = formrender.render_form(form, options=formrender.reference_options())
    return Response(str(html), mimetype="text/html")


class TemplateFile(Input):
    """multipart/form-data with the .docx in the field "file"."""

    file: bytes


class DraftLetter(Query):
    id: str | None = Field(None, description="una carta del borrador, si no se envía el archivo")


@bp.post("/templates/inspect")
@operation(
    "Marcadores de una plantilla .docx (campo 'file', o ?id=<carta del borrador>)",
    {200: tools.Placeholders, 422: "No es una plantilla .docx válida"},
    auth=ANALYST,
    query=DraftLetter,
    body=Content(("multipart/form-data",), TemplateFile, required=False),
)
def inspect_template(actor: Actor, query: DraftLetter) -> Response:
    """Placeholders of an uploaded .docx (field "file"), or of the draft's letter ?id=<letter id>."""
    storage = request.files.get("file")
    if storage is not None:
        path, body = "letter_templates/subida.docx", storage.stream.read(MAX_TEMPLATE_BYTES + 1)
    elif query.id:
        path = f"letter_templates/{query.id}.docx"
        with context.system().db.writing() as s:
            body = drafts.read_file(s, actor.username, path, context.now())[1]
    else:
        raise BadRequest('envíe la plantilla en el campo "file" o indique ?id=<carta del borrador>')
    if len(body) > MAX_TEMPLATE_BYTES:
        raise BadRequest("la plantilla supera el tamaño máximo de 5 MB")
    return json_response(tools.inspect_template(path, body))


class CaseChoice(Query):
    refusal = "indique ?folio=<folio de un caso>"
    folio: Text


@bp.get("/templates/<letter_id>/preview")
@operation(
    "La plantilla del borrador con los datos de un caso a su alcance (.docx; queda en la bitácora)",
    {
        200: Reply("La carta de prueba (.docx)", media=MIME_DOCX),
        404: "No existe la plantilla o el caso",
        422: "La plantilla no se pudo completar con los datos del caso",
    },
    auth=ANALYST,
    query=CaseChoice,
)
def preview_template(letter_id: str, actor: Actor, query: CaseChoice) -> Response:
    """The draft's template filled with case ?folio=F's current data (.docx)."""
    folio, path = query.folio.strip(), f"letter_templates/{letter_id}.docx"
    with context.system().db.writing() as s:
        template = drafts.read_file(s, actor.username, path, context.now())[1]
        body = tools.preview_letter(
            s, context.system().store, template, folio, actor, context.now(), letter_id
        )
    resp = Response(body, mimetype=MIME_DOCX)
    resp.headers["Content-Disposition"] = f'attachment; filename="{folio}-{letter_id}-prueba.docx"'
    return resp
