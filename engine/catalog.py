"""Load and validate a content set (processes/, forms/, letter_templates/, lists/) into a Catalog."""

from __future__ import annotations

import hashlib
from collections.abc import Iterable, Mapping
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from . import bpmn_checks, classification, content_lists, forms, letters
from .classification import Classification
from .errors import ContentProblem, InvalidContent, NotFound
from .forms import Form
from .runtime import Definition

KINDS = {
    "processes": ".bpmn",
    "forms": ".json",
    "letter_templates": ".docx",
    content_lists.FOLDER: content_lists.SUFFIX,
}


@dataclass(frozen=True)
class ProcessInfo:
    """One executable process of the set: its definition for the runtime and its intake form."""

    id: str
    name: str
    file: str
    definition: Definition
    start_form: str | None


@dataclass(frozen=True)
class Catalog:
    """An immutable, content-hashed set of processes, forms, letter templates and lists."""

    content_hash: str
    files: Mapping[str, bytes]
    processes: Mapping[str, ProcessInfo]
    forms: Mapping[str, Form]
    letters: frozenset[str]
    version_id: int | None = None
    lists: Mapping[str, Any] = field(default_factory=dict)  # list id → its parsed form (content_lists)
    problems: tuple[ContentProblem, ...] = field(default=())

    def process(self, process_id: str) -> ProcessInfo:
        """The process with this id, or NotFound naming it."""
        try:
            return self.processes[process_id]
        except KeyError:
            raise NotFound(f"el proceso '{process_id}' no existe en la versión publicada") from None

    @property
    def classification(self) -> Classification:
        """The published mercado → motivo → categoría classification (empty when the set has none)."""
        found = self.lists.get(classification.LIST_ID)
        return found if isinstance(found, Classification) else classification.EMPTY

    def form(self, form_id: str) -> Form:
        """The form with this id, or NotFound naming it."""
        try:
            return self.forms[form_id]
        except KeyError:
            raise NotFound(f"el formulario '{form_id}' no existe en la versión publicada") from None


def content_hash(files: Mapping[str, bytes]) -> str:
    """SHA-256 over the sorted (path, SHA-256 of body) pairs: equal sets give equal hashes."""
    h = hashlib.sha256()
    for path in sorted(files):
        h.update(path.encode() + b"\0" + hashlib.sha256(files[path]).hexdigest().encode() + b"\n")
    return h.hexdigest()


def read_dir(root: Path) -> dict[str, bytes]:
    """The content files under ``root`` keyed by relative path (``processes/caso.bpmn`` ...)."""
    files: dict[str, bytes] = {}
    for kind, suffix in KINDS.items():
        folder = root / kind
        if folder.is_dir():
            for path in sorted(folder.iterdir()):
                if path.is_file() and path.suffix == suffix:
                    files[f"{kind}/{path.name}"] = path.read_bytes()
    return files


def read_paths(paths: Iterable[Path]) -> tuple[dict[str, bytes], set[str]]:
    """Files named on a command line (folders or files), plus their content roots' other folders for
    reference checks. Returns (all files, the subset the user asked about)."""
    wanted: set[str] = set()
    files: dict[str, bytes] = {}
    for path in paths:
        if path.is_dir() and path.name in KINDS:
            root, selected = path.parent, {k for k in read_dir(path.parent) if k.startswith(path.name + "/")}
        elif path.is_dir():
            root, selected = path, set(read_dir(path))
        elif path.is_file() and path.parent.name in KINDS:
            root, selected = path.parent.parent, {f"{path.parent.name}/{path.name}"}
        else:
            raise InvalidContent(
                [ContentProblem(str(path), "", "no es una carpeta ni un archivo de contenido")]
            )
        for rel, body in read_dir(root).items():
            files.setdefault(rel, body)
        for rel in selected:
            files[rel] = (root / rel).read_bytes()
        wanted |= selected
    return files, wanted


MAX_KIND = 30  # cases.kind


def _kind_problems(
    parsed: Iterable[bpmn_checks.ParsedProcess], form_map: Mapping[str, Form]
) -> list[ContentProblem]:
    """A process whose intake form asks no ``kind`` gives its id to its cases as their kind: it must fit."""
    problems = []
    for p in parsed:
        form = form_map.get(p.start_form or "")
        if form is not None and "kind" not in form.schema.get("properties", {}) and len(p.id) > MAX_KIND:
            message = f"el id del proceso es el tipo de sus casos: use a lo más {MAX_KIND} caracteres"
            problems.append(ContentProblem(p.file, p.id, message))
    return problems


def _source_problems(
    form_map: Mapping[str, Form], lists: Mapping[str, Any], files: Mapping[str, bytes]
) -> list[ContentProblem]:
    """A form fed from the classification needs lists/clasificacion.json in the set (and valid)."""
    wanted = f"{content_lists.FOLDER}/{classification.LIST_ID}{content_lists.SUFFIX}"
    if classification.LIST_ID in lists or wanted in files:
        return []
    return [
        ContentProblem(f"forms/{form.id}.json", field.path, f"sus opciones vienen de {wanted}, que no existe")
        for form in form_map.values()
        for field in form.classified_fields()
    ]


def build(files: Mapping[str, bytes], version_id: int | None = None) -> Catalog:
    """Validate a whole content set and build its Catalog; InvalidContent lists every problem."""
    problems: list[ContentProblem] = []
    form_map: dict[str, Form] = {}
    for path, body in files.items():
        if path.startswith("forms/"):
            try:
                form_map[Path(path).stem] = forms.load_form(Path(path).stem, body.decode("utf-8"), path)
            except InvalidContent as err:
                problems.extend(err.problems)
            except UnicodeDecodeError:
                problems.append(ContentProblem(path, "", "el archivo no está en UTF-8"))
    letter_ids = set()
    for path, body in files.items():
        if path.startswith("letter_templates/"):
            found = letters.check_template(path, body)
            problems.extend(found)
            letter_ids.add(Path(path).stem)
    lists, list_problems = content_lists.load_lists(files)
    problems.extend(list_problems)
    problems.extend(_source_problems(form_map, lists, files))
    bpmn_files = {p: b for p, b in files.items() if p.startswith("processes/")}
    known = bpmn_checks.References(forms=frozenset(form_map), letters=frozenset(letter_ids))
    parsed, bpmn_problems = bpmn_checks.check_and_parse(bpmn_files, known)
    problems.extend(bpmn_problems)
    problems.extend(_kind_problems(parsed, form_map))
    if problems:
        raise InvalidContent(problems)
    processes = {
        p.id: ProcessInfo(p.id, p.name, p.file, Definition(p.id, p.spec, p.subprocess_specs), p.start_form)
        for p in parsed
    }
    return Catalog(
        content_hash=content_hash(files),
        files=dict(files),
        processes=processes,
        forms=form_map,
        letters=frozenset(letter_ids),
        version_id=version_id,
        lists=lists,
    )


def validate(files: Mapping[str, bytes], only: set[str] | None = None) -> list[ContentProblem]:
    """Every problem in the set (restricted to the files in ``only`` when given)."""
    try:
        build(files)
    except InvalidContent as err:
        return [p for p in err.problems if only is None or p.file in only or not p.file]
    return []
