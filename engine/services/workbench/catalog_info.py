"""What the workbench's editors offer in their selects and help: the draft's forms, letters, processes,
the roles, the sandbox's functions and the option sources of form fields."""

from __future__ import annotations

import json
from collections.abc import Mapping
from dataclasses import dataclass
from pathlib import PurePosixPath

from ... import xmlsafe
from ...bpmn_checks import BPMN
from ...errors import InvalidContent
from ...form_checks import DATABASE_SOURCES
from ...form_validator import OPTION_SOURCES
from ...roles import ROLES
from ...sandbox import DEFAULT_FUNCTIONS, FUNCTION_HELP

CLOCK_HELP = {
    "today": "today(): la fecha de hoy en Chile como texto 'AAAA-MM-DD'.",
    "now": "now(): la fecha y hora actual como texto ISO con su zona horaria.",
}


@dataclass(frozen=True)
class FormRef:
    id: str
    title: str


@dataclass(frozen=True)
class LetterRef:
    id: str


@dataclass(frozen=True)
class ProcessRef:
    id: str
    name: str
    file: str


@dataclass(frozen=True)
class RoleRef:
    code: str
    label: str


@dataclass(frozen=True)
class FunctionRef:
    name: str
    signature: str
    help: str


@dataclass(frozen=True)
class CatalogInfo:
    forms: list[FormRef]
    letters: list[LetterRef]
    processes: list[ProcessRef]
    roles: list[RoleRef]
    functions: list[FunctionRef]
    options_sources: list[str]


def _form_title(stem: str, body: bytes) -> str:
    try:
        doc = json.loads(body)
    except ValueError:
        return stem
    title = doc.get("title") if isinstance(doc, dict) else None
    return title if isinstance(title, str) and title else stem


def _processes(path: str, body: bytes) -> list[ProcessRef]:
    try:
        root = xmlsafe.parse(body, path).getroot()
    except InvalidContent:
        return []
    return [
        ProcessRef(str(p.get("id", "")), str(p.get("name") or p.get("id", "")), path)
        for p in root.iterfind(f"{{{BPMN}}}process")
    ]


def functions() -> list[FunctionRef]:
    """The sandbox's allow-list with a signature and Spanish help for each function."""
    texts = {**FUNCTION_HELP, **CLOCK_HELP}
    out = []
    for name in sorted({*DEFAULT_FUNCTIONS, *CLOCK_HELP}):
        text = texts.get(name, f"{name}(...)")
        signature, _, help_text = text.partition(": ")
        out.append(FunctionRef(name, signature.strip(), help_text.strip() or text))
    return out


def catalog_info(files: Mapping[str, bytes]) -> CatalogInfo:
    """The references a draft offers (read leniently: a broken file simply offers nothing)."""
    forms, letters, processes = [], [], []
    for path, body in sorted(files.items()):
        stem = PurePosixPath(path).stem
        if path.startswith("forms/"):
            forms.append(FormRef(stem, _form_title(stem, body)))
        elif path.startswith("letter_templates/"):
            letters.append(LetterRef(stem))
        elif path.startswith("processes/"):
            processes.extend(_processes(path, body))
    return CatalogInfo(
        forms=forms,
        letters=letters,
        processes=processes,
        roles=[RoleRef(code, label) for code, label in ROLES.items()],
        functions=functions(),
        options_sources=sorted({*OPTION_SOURCES, *DATABASE_SOURCES}),
    )
