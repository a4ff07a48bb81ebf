"""Letters: the context contract, template checks at publish time, rendering to .docx and its text.

Every letter template is rendered from one context, built by the letters service. Templates may use only
these names (a name or key that the case lacks stops the letter with LetterFailed, it is never left blank):

    folio                 str   "2026-000123"
    numero                str   the letter's own ORD. number, "45/2026": per regional office and year
    fecha                 str   today in words, month in lowercase: "23 de noviembre de 2026"
    fecha_ingreso         str   "dd-mm-aaaa"
    fecha_vencimiento     str   "dd-mm-aaaa", or "" when the stage has no plazo
    plazo_dias            int   plazo of the current stage, in días hábiles
    plazo_proveedor_dias  int   plazo the company has to answer (10 by default)
    tipo                  str   "consulta" | "reclamo" | "no consumo"
    etapa                 str   "consulta" | "reclamo" | "judicial" | "no_consumo" | "cerrado"
    canal                 str   "presencial" | "internet" | "telefónico" | "escrito" | "buzón"
    resultado             str   outcome ("PROVEEDOR ACOGE", "ACOGE PARCIALMENTE", "PROVEEDOR NO ACOGE",
                                "PROVEEDOR NO RESPONDE", "CONSUMIDOR DESISTE", ...) or ""
    consumidor            {nombre, rut ("12.345.678-5"), email, telefono, comuna, region}; missing ones ""
    proveedor             {nombre, rut}
    materia               str
    descripcion           str
    plataforma            {nombre, comuna, region}
    firmante              {nombre, cargo}
    datos                 the case's process variables (free-form): respuesta, respuesta_proveedor_texto,
                          vencimiento_proveedor, observaciones, juzgado, hechos_denuncia, orientacion,
                          institucion_sugerida; derivation: institucion, motivo_derivacion,
                          respuesta_institucion_texto, motivo_devolucion, plazo_acuse_dias,
                          plazo_respuesta_dias ...

Process variables exist only from the task that sets them on, so templates read optional ones as
``{{ datos.get('x', '') }}`` and test them with ``{% if datos.get('x') %}``; ``{{ datos.x }}`` is for a
letter that is meaningless without ``x``. Templates run in Jinja's immutable sandbox with autoescape: the
text a citizen typed (``<``, ``&``) is printed literally and cannot alter the document.
"""

from __future__ import annotations

import io
import re
import zipfile
from collections.abc import Mapping
from types import MappingProxyType
from typing import Any

from docxtpl import DocxTemplate
from jinja2 import StrictUndefined, TemplateError, TemplateSyntaxError, UndefinedError
from jinja2.exceptions import SecurityError, TemplateRuntimeError
from jinja2.sandbox import ImmutableSandboxedEnvironment
from jinja2.utils import missing
from lxml import etree

from . import letter_cache
from .errors import ContentProblem, EngineError
from .xmlsafe import DECLARATION as _DECLARATION

_MAX_UNZIPPED = 50 * 1024 * 1024
# Characters XML 1.0 forbids, and the ones docxtpl turns into paragraph/page breaks (\a, \f).
_CONTROL = re.compile("[\x00-\x08\x0b-\x1f\ufffe\uffff]")
_UNSAFE = re.compile(r"attribute '([^']+)'")
_W = "{http://schemas.openxmlformats.org/wordprocessingml/2006/main}"
_MC_FALLBACK = "{http://schemas.openxmlformats.org/markup-compatibility/2006}Fallback"
_TEXT_PARTS = re.compile(r"word/(header\d*|document|footnotes|endnotes|footer\d*)\.xml")


class LetterFailed(EngineError):
    """A letter could not be produced from its template and the case's data."""

    status = 422
    type = "/problems/letter-failed"
    title = "No se pudo generar la carta"


SAMPLE_CONTEXT: Mapping[str, Any] = MappingProxyType(
    {
        "folio": "2026-000123",
        "numero": "45/2026",
        "fecha": "23 de noviembre de 2026",
        "fecha_ingreso": "20-11-2026",
        "fecha_vencimiento": "29-12-2026",
        "plazo_dias": 25,
        "plazo_proveedor_dias": 10,
        "tipo": "reclamo",
        "etapa": "reclamo",
        "canal": "presencial",
        "resultado": "PROVEEDOR ACOGE",
        "consumidor": {
            "nombre": "Ana María Ejemplo Prueba",
            "rut": "12.345.678-5",
            "email": "ana.ejemplo@correo.invalid",
            "telefono": "+56 9 1234 5678",
            "comuna": "Santiago",
            "region": "Metropolitana de Santiago",
        },
        "proveedor": {"nombre": "Comercial Ficticia SpA", "rut": "76.086.428-5"},
        "materia": "Cobro duplicado de una compra",
        "descripcion": "El 15-11-2026 compré un hervidor en la tienda y me cobraron dos veces en la tarjeta.",
        "plataforma": {
            "nombre": "Dirección Regional Metropolitana",
            "comuna": "Santiago",
            "region": "Metropolitana de Santiago",
        },
        "firmante": {"nombre": "Juana Pérez Ejemplo", "cargo": "Encargada de Atención de Público"},
        "datos": {
            "respuesta": "Usted tiene derecho a que se le restituya el cobro duplicado sin costo alguno.",
            "respuesta_proveedor_texto": "Revisamos el caso y reversaremos el segundo cobro en 5 días.",
            "vencimiento_proveedor": "04-12-2026",
            "observaciones": "",
            "juzgado": "Primer Juzgado de Policía Local de Santiago",
            "hechos_denuncia": "El proveedor cobró dos veces la misma compra y no restituyó el monto.",
            "orientacion": "Su consulta se refiere a una deuda previsional, que no es materia de consumo.",
            "institucion_sugerida": "Superintendencia de Pensiones",
            "institucion": "Superintendencia de Electricidad y Combustibles",
            "motivo_derivacion": "Corte de suministro eléctrico reiterado: materia de la SEC.",
            "respuesta_institucion_texto": "La SEC instruyó a la distribuidora reponer el suministro.",
            "plazo_acuse_dias": 2,
            "plazo_respuesta_dias": 15,
        },
    }
)
CONTEXT_KEYS: frozenset[str] = frozenset(SAMPLE_CONTEXT)


class _Node(dict[str, Any]):
    """A context mapping that knows its dotted path, so a missing key is named in full."""

    __slots__ = ("_ventanilla_path",)

    def __init__(self, items: Mapping[str, Any], path: str) -> None:
        super().__init__(items)
        self._ventanilla_path = path


class _SampleData(_Node):
    """``datos`` for the publish-time trial render: any process variable exists (analysts add new ones)."""

    __slots__ = ()

    def __missing__(self, key: str) -> str:
        return "texto de ejemplo"


class _MissingValue(UndefinedError):
    """A template used a name the context lacks; the message is its dotted path."""


class _Strict(StrictUndefined):
    """StrictUndefined whose error is _MissingValue naming the path ('consumidor.telefono')."""

    __slots__ = ()

    def __init__(
        self,
        hint: str | None = None,
        obj: Any = missing,
        name: str | None = None,
        exc: type[TemplateRuntimeError] = UndefinedError,
    ) -> None:
        super().__init__(hint, obj, name, _MissingValue if exc is UndefinedError else exc)

    @property
    def _undefined_message(self) -> str:
        if self._undefined_hint:
            return self._undefined_hint
        owner = self._undefined_obj
        prefix = owner._ventanilla_path if isinstance(owner, _Node) else ""
        return f"{prefix}.{self._undefined_name}" if prefix else str(self._undefined_name)


_ENV = ImmutableSandboxedEnvironment(undefined=_Strict, autoescape=True)
# Templates prepared once per content (their bytes never change within a version); versions are few.
_PREPARED = letter_cache.TemplateCache(_ENV, capacity=64)


def _clean(value: Any, path: str = "") -> Any:
    """The context as plain data: mappings that know their path, text without XML-forbidden characters."""
    if isinstance(value, Mapping):
        return _Node({str(k): _clean(v, f"{path}.{k}" if path else str(k)) for k, v in value.items()}, path)
    if isinstance(value, list | tuple):
        return [_clean(v, path) for v in value]
    if isinstance(value, str):
        return _CONTROL.sub("", value.replace("\r\n", "\n"))
    return value


def _fill(template: bytes, context: Mapping[str, Any]) -> DocxTemplate:
    """The template rendered with ``context`` (Jinja and docx errors propagate)."""
    doc = DocxTemplate(io.BytesIO(template))
    doc.render(context, jinja_env=_ENV)
    return doc


def _explain(err: Exception) -> str:
    """Spanish words for a rendering error, for the person generating the letter."""
    if isinstance(err, _MissingValue):
        return f"la plantilla usa '{err.message}' y el caso no tiene ese dato"
    if isinstance(err, SecurityError):
        found = _UNSAFE.search(err.message or "")
        what = f" (usa '{found.group(1)}')" if found else ""
        return f"la plantilla intenta una operación no permitida{what}"
    if isinstance(err, OverflowError):
        return "la plantilla intenta generar demasiados elementos"
    if isinstance(err, TemplateSyntaxError):
        return f"la plantilla tiene un marcador mal escrito (línea {err.lineno}): {err.message}"
    if isinstance(err, TemplateError):
        return f"error en un marcador de la plantilla: {err.message}"
    if isinstance(err, zipfile.BadZipFile | KeyError):
        return "la plantilla no es un documento Word (.docx) válido"
    return f"error al completar la plantilla: {err}"


def render(template: bytes, context: Mapping[str, Any]) -> bytes:
    """Fill a .docx template with a case's context and return the .docx; LetterFailed says what failed.

    The template is opened and compiled once per content (engine/letter_cache.py); one that cannot be
    prepared is rendered by docxtpl, which then names its problem.
    """
    try:
        data = _clean(context)
        prepared = _PREPARED.get(template)
        return letter_cache.render(prepared, data) if prepared else _saved(_fill(template, data))
    except Exception as err:  # docxtpl, python-docx and Jinja raise many types; each becomes one message
        raise LetterFailed(_explain(err)) from err


def render_uncached(template: bytes, context: Mapping[str, Any]) -> bytes:
    """``render`` through docxtpl alone, as before the cache: the reference for tests and bench/letters.py."""
    try:
        return _saved(_fill(template, _clean(context)))
    except Exception as err:  # the same messages as render
        raise LetterFailed(_explain(err)) from err


def _saved(doc: DocxTemplate) -> bytes:
    out = io.BytesIO()
    doc.save(out)
    return out.getvalue()


def _paragraph_texts(root: etree._Element) -> list[str]:
    """Text of each paragraph of one WordprocessingML part, in document order."""
    for fallback in list(root.iter(_MC_FALLBACK)):  # the same content again, for old readers
        fallback.getparent().remove(fallback)
    lines: list[str] = []
    current: list[str] = []
    for event, el in etree.iterwalk(root, events=("start", "end")):
        if event == "end":
            if el.tag == f"{_W}p":
                lines.append("".join(current))
                current = []
        elif el.tag == f"{_W}t":
            current.append(el.text or "")
        elif el.tag == f"{_W}tab":
            current.append("\t")
        elif el.tag in (f"{_W}br", f"{_W}cr"):
            current.append("\n")
    return lines


def _part_order(name: str) -> int:
    """Headers first, then the body and notes, then footers: the order a reader meets them."""
    return 0 if "header" in name else 2 if "footer" in name else 1


def docx_text(data: bytes) -> str:
    """All the text of a .docx (headers, body with tables, notes, footers), one paragraph per line."""
    try:
        with zipfile.ZipFile(io.BytesIO(data)) as zf:
            names = sorted((n for n in zf.namelist() if _TEXT_PARTS.fullmatch(n)), key=_part_order)
            parts = [zf.read(n) for n in names]
    except zipfile.BadZipFile as err:
        raise LetterFailed("el archivo no es un documento Word (.docx) válido") from err
    lines: list[str] = []
    for body in parts:
        if _DECLARATION.search(body):
            raise LetterFailed("el documento contiene XML no permitido (DOCTYPE o entidades)")
        lines.extend(_paragraph_texts(etree.fromstring(body, parser=_parser())))
    return "\n".join(lines)


def _parser() -> etree.XMLParser:
    return etree.XMLParser(resolve_entities=False, no_network=True, load_dtd=False, huge_tree=False)


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


def package_problem(path: str, body: bytes) -> ContentProblem | None:
    """Why ``body`` cannot even be opened as a letter template (not a .docx, zip bomb, hostile XML)."""
    return _zip_problem(path, body)


def placeholders(body: bytes) -> set[str]:
    """The variables a template uses (Jinja syntax errors propagate)."""
    tpl = DocxTemplate(io.BytesIO(body))
    return set(tpl.get_undeclared_template_variables())


def _trial_problem(path: str, body: bytes) -> ContentProblem | None:
    """Render once with SAMPLE_CONTEXT (any ``datos`` key exists) so a wrong name fails now, not later."""
    context = _clean(SAMPLE_CONTEXT)
    context["datos"] = _SampleData(context["datos"], "datos")
    try:
        _fill(body, context)
    except _MissingValue as err:
        return ContentProblem(path, "", f"la plantilla usa '{err.message}', que no es un dato de las cartas")
    except Exception as err:  # any failure here would otherwise reach a citizen's letter
        return ContentProblem(path, "", _explain(err))
    return None


def check_template(path: str, body: bytes) -> list[ContentProblem]:
    """Problems with a .docx template: not a docx, zip bomb, hostile XML, a broken or unknown placeholder."""
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
    problem = _trial_problem(path, body)
    return [problem] if problem else []
