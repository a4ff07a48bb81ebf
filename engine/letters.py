"""Letter templates (.docx rendered with docxtpl): checking now; rendering comes with the lifecycle issue."""

from __future__ import annotations

import io
import zipfile

from docxtpl import DocxTemplate
from jinja2 import TemplateSyntaxError

from .errors import ContentProblem
from .xmlsafe import DECLARATION as _DECLARATION

_MAX_UNZIPPED = 50 * 1024 * 1024


def _zip_problem(path: str, body: bytes) -> ContentProblem | None:
    try:
        with zipfile.ZipFile(io.BytesIO(body)) as zf:
            if "word/document.xml" not in zf.namelist():
                return ContentProblem(path, "", "no es un documento Word (.docx): falta word/document.xml")
            if sum(i.file_size for i in zf.infolist()) > _MAX_UNZIPPED:
                return ContentProblem(path, "", "el documento descomprimido supera 50 MB")
            for name in zf.namelist():
                if name.endswith((".xml", ".rels")) and _DECLARATION.search(zf.read(name)):
                    return ContentProblem(path, name, "XML rechazado: no se permiten DOCTYPE ni entidades")
    except zipfile.BadZipFile:
        return ContentProblem(path, "", "no es un archivo .docx válido")
    return None


def placeholders(body: bytes) -> set[str]:
    """The variables a template uses (Jinja syntax errors propagate)."""
    tpl = DocxTemplate(io.BytesIO(body))
    return set(tpl.get_undeclared_template_variables())


def check_template(path: str, body: bytes) -> list[ContentProblem]:
    """Problems with a .docx template: not a docx, zip bomb, hostile XML, or a broken Jinja placeholder."""
    problem = _zip_problem(path, body)
    if problem:
        return [problem]
    try:
        placeholders(body)
    except TemplateSyntaxError as err:
        return [
            ContentProblem(
                path, f"línea {err.lineno}", f"error en un marcador de la plantilla: {err.message}"
            )
        ]
    except Exception as err:  # docx internals raise many types; the user needs the file named, not a 500
        return [ContentProblem(path, "", f"no se pudo leer la plantilla: {err}")]
    return []
