"""Content file names and the checks that refuse a hostile or unreadable file before it is stored."""

from __future__ import annotations

import re
from dataclasses import dataclass
from pathlib import PurePosixPath

from ... import forms, letters, xmlsafe
from ...bpmn_checks import BPMN
from ...catalog import KINDS
from ...errors import ContentProblem, InvalidContent

MAX_FILE_BYTES = 5 * 1024 * 1024
KIND_OF_FOLDER = {"processes": "process", "forms": "form", "letter_templates": "letter", "lists": "list"}
_NAME = re.compile(r"[A-Za-z0-9_][A-Za-z0-9_.\-]{0,119}")
MIME = {
    "process": "application/xml",
    "form": "application/json",
    "letter": "application/vnd.openxmlformats-officedocument.wordprocessingml.document",
    "list": "application/json",
}


@dataclass(frozen=True)
class ContentPath:
    """A valid content file path: folder, stem (the form/letter id) and kind."""

    path: str
    folder: str
    stem: str
    kind: str


def parse_path(path: str) -> ContentPath:
    """``processes/x.bpmn``, ``forms/x.json``, ``letter_templates/x.docx`` or ``lists/x.json``; anything else
    is refused."""
    parts = path.split("/")
    suffix = KINDS.get(parts[0], "") if parts else ""
    name = parts[1] if len(parts) == 2 else ""
    stem = name[: -len(suffix)] if suffix and name.endswith(suffix) else ""
    if not suffix or not stem or not _NAME.fullmatch(stem) or stem.endswith("."):
        raise InvalidContent(
            [
                ContentProblem(
                    path[:200],
                    "",
                    "ruta no permitida: use processes/<nombre>.bpmn, forms/<nombre>.json, "
                    "letter_templates/<nombre>.docx o lists/<nombre>.json (letras, números, _ - .)",
                )
            ]
        )
    return ContentPath(path, parts[0], PurePosixPath(name).stem, KIND_OF_FOLDER[parts[0]])


def _bpmn_problem(path: str, body: bytes) -> ContentProblem | None:
    tree = xmlsafe.parse(body, path)  # raises InvalidContent: DOCTYPE, entities, malformed XML
    root = tree.getroot()
    if root.tag != f"{{{BPMN}}}definitions":
        return ContentProblem(path, "", "no es un archivo BPMN 2.0 (falta bpmn:definitions)")
    return None


def _json_problem(path: str, body: bytes, what: str) -> ContentProblem | None:
    try:
        text = body.decode("utf-8")
    except UnicodeDecodeError:
        return ContentProblem(path, "", "el archivo no está en UTF-8")
    forms.parse_document(text, path, what)  # raises InvalidContent: broken JSON, not an object, repeated keys
    return None


def check_file(path: str, body: bytes) -> ContentPath:
    """Refuse (InvalidContent) a file that is hostile or cannot be read at all; content problems that the
    analyst fixes later (unknown form, bad expression ...) are left to the whole-draft validation."""
    where = parse_path(path)
    if len(body) > MAX_FILE_BYTES:
        raise InvalidContent([ContentProblem(path, "", "el archivo supera el tamaño máximo de 5 MB")])
    if not body:
        raise InvalidContent([ContentProblem(path, "", "el archivo está vacío")])
    if where.kind == "process":
        problem = _bpmn_problem(path, body)
    elif where.kind in ("form", "list"):
        problem = _json_problem(path, body, "el formulario" if where.kind == "form" else "la lista")
    else:
        problem = letters.package_problem(path, body)
    if problem is not None:
        raise InvalidContent([problem])
    return where
