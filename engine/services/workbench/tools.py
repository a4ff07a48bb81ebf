"""The form and letter editors' helpers: try sample data against a form, list a template's placeholders
(flagging those no case data can fill) and fill a template with a real case's data."""

from __future__ import annotations

import io
import json
from collections.abc import Mapping
from dataclasses import dataclass
from datetime import datetime
from typing import Any

from docx import Document as WordDocument
from docx.oxml import parse_xml
from docxtpl import DocxTemplate
from jinja2 import Environment, meta, nodes
from jinja2.exceptions import TemplateSyntaxError
from sqlalchemy import select
from sqlalchemy.orm import Session

from ... import caselog, forms, letters, persistence, runtime
from ...access import Actor, sees_case
from ...errors import CaseNotFound, ContentProblem, FieldError, FormInvalid, InvalidContent
from ...forms import Form
from ...models import Case
from ...store import CatalogStore
from ..documents import letter_context
from . import files as content_files

PREVIEWERS = frozenset({"analista", "integrador"})

FREE_FORM = "datos"  # the process variables: any key may exist


@dataclass(frozen=True)
class TryResult:
    valid: bool
    errors: list[FieldError]


@dataclass(frozen=True)
class Placeholders:
    placeholders: list[str]
    unknown: list[str]


def form_from(form_id: str, schema: Mapping[str, Any] | None, draft: Mapping[str, bytes]) -> Form:
    """The form to try: the schema given (checked like at publish), else the draft's form file."""
    path = f"forms/{form_id}.json"
    content_files.parse_path(path)
    if schema is not None:
        text = json.dumps(schema, ensure_ascii=False)
    elif path in draft:
        text = draft[path].decode("utf-8", errors="replace")
    else:
        raise InvalidContent([ContentProblem(path, "", "el borrador no tiene este formulario")])
    return forms.load_form(form_id, text, path)


def try_form(form: Form, data: Mapping[str, Any]) -> TryResult:
    """Whether sample input passes the form, with every field error (as a submission would get)."""
    try:
        forms.validate(form, data)
    except FormInvalid as err:
        return TryResult(False, err.errors)
    return TryResult(True, [])


def _source(body: bytes) -> str:
    """The Jinja source of a .docx template: body, headers and footers, as docxtpl renders them."""
    tpl = DocxTemplate(io.BytesIO(body))
    doc = WordDocument(io.BytesIO(body))
    xml = str(tpl.patch_xml(tpl.xml_to_string(doc._element.body)))
    for part in doc.part.rels.values():
        if part.reltype in (tpl.HEADER_URI, tpl.FOOTER_URI) and part.target_part.blob:
            xml += tpl.patch_xml(tpl.xml_to_string(parse_xml(part.target_part.blob)))
    return xml


def _path(node: nodes.Node) -> list[str] | None:
    """['consumidor', 'rut'] for consumidor.rut / consumidor['rut']; datos.get('x') gives ['datos', 'x']."""
    if isinstance(node, nodes.Name):
        return [node.name]
    if isinstance(node, nodes.Getattr):
        inner = _path(node.node)
        return [*inner, node.attr] if inner else None
    if isinstance(node, nodes.Getitem) and isinstance(node.arg, nodes.Const):
        inner = _path(node.node)
        return [*inner, str(node.arg.value)] if inner else None
    return None


def _uses(tree: nodes.Template, names: set[str]) -> set[str]:
    """Dotted paths (two levels at most) of the context names the template reads."""
    found: set[str] = set()
    for call in tree.find_all(nodes.Call):
        path = _path(call.node)
        if path == [FREE_FORM, "get"] and call.args and isinstance(call.args[0], nodes.Const):
            found.add(f"{FREE_FORM}.{call.args[0].value}")
    for node in tree.find_all((nodes.Getattr, nodes.Getitem, nodes.Name)):
        path = _path(node)
        if path and path[0] in names and path[-1] != "get":
            found.add(".".join(path[:2]))
    return {p for p in found if not any(o.startswith(p + ".") for o in found)}


def _unknown(path: str) -> bool:
    head, _, key = path.partition(".")
    if head not in letters.CONTEXT_KEYS:
        return True
    if head == FREE_FORM or not key:
        return False
    sample = letters.SAMPLE_CONTEXT[head]
    return not isinstance(sample, Mapping) or key not in sample


def inspect_template(path: str, body: bytes) -> Placeholders:
    """The placeholders a .docx template uses and those that no case data can fill."""
    problem = letters.package_problem(path, body)
    if problem is not None:
        raise InvalidContent([problem])
    try:
        tree = Environment(autoescape=True).parse(_source(body))
    except TemplateSyntaxError as err:
        message = f"error en un marcador de la plantilla: {err.message}"
        raise InvalidContent([ContentProblem(path, f"línea {err.lineno}", message)]) from err
    except Exception as err:  # python-docx and lxml raise many types; the analyst needs a message, not a 500
        raise InvalidContent([ContentProblem(path, "", f"no se pudo leer la plantilla: {err}")]) from err
    used = sorted(_uses(tree, set(meta.find_undeclared_variables(tree))))
    return Placeholders(used, [p for p in used if _unknown(p)])


def may_preview(actor: Actor, case: Case) -> bool:
    """Whether the actor may fill a letter with this case's personal data: a case in their scope, or, for an
    analyst or integrator given a region, a case of that region (without one they preview nobody's data)."""
    if sees_case(actor, case):
        return True
    return (
        actor.role in PREVIEWERS and actor.region_code is not None and case.region_code == actor.region_code
    )


def preview_letter(
    s: Session,
    store: CatalogStore,
    template: bytes,
    folio: str,
    actor: Actor,
    now: datetime,
    letter: str = "",
) -> bytes:
    """The template filled with one case's current data — only a case the actor may see (CaseNotFound
    otherwise, as for any case out of scope); the preview is logged on the case."""
    case = s.execute(select(Case).where(Case.folio == folio)).scalar_one_or_none()
    if case is None or not may_preview(actor, case):
        raise CaseNotFound(f"no existe un caso con folio {folio} a su alcance")
    loaded = persistence.load(s, store, case.id, now)
    context = letter_context(s, case, runtime.variables(loaded.wf), actor, now)
    context.setdefault("numero", "s/n (vista previa)")  # a preview takes no ORD. number from the series
    body = letters.render(template, context)
    entry = caselog.by(
        actor, "letter_preview", f"Vista previa de la plantilla «{letter}» con los datos del caso"
    )
    caselog.append_log(s, case.id, [entry], now)
    return body
