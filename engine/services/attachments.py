"""Attachments: files on a case. Which files are accepted (extension and content must agree), storing them
with a form's submission in the same transaction, listing and downloading them within the actor's scope."""

from __future__ import annotations

import hashlib
import io
import re
import unicodedata
import zipfile
from collections.abc import Callable, Mapping, Sequence
from dataclasses import dataclass
from datetime import datetime
from typing import Any, NamedTuple, NoReturn

from sqlalchemy import select
from sqlalchemy.orm import Session

from .. import caselog, forms, inputs
from ..access import Actor, find_case
from ..caselog import LogEvent
from ..classification import Classification
from ..errors import CaseNotFound, FieldError, Forbidden, FormInvalid, NotFound
from ..forms import Form
from ..models import Attachment, Case
from ..store import CatalogStore
from . import cases

MAX_BYTES = 10 * 1024 * 1024
MAX_FILES = 5  # per form field
MAX_NAME = 200
# The element attachments of the intake form carry: the intake has no task of its own.
INTAKE_ELEMENT = "ingreso"
ACCEPT = ".pdf,.jpg,.jpeg,.png,.docx,.xlsx,.txt"  # the file picker's hint; the server decides
NOT_ALLOWED_TYPE = "Tipo de archivo no permitido: solo PDF, imágenes JPG/PNG, Word, Excel o texto."
TOO_MANY = f"Puede adjuntar hasta {MAX_FILES} archivos en este campo."
UNKNOWN = forms.UNKNOWN_ATTACHMENT

_DOCX = "application/vnd.openxmlformats-officedocument.wordprocessingml.document"
_XLSX = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"
_CONTROL = re.compile(r"[\x00-\x08\x0b\x0e-\x1f\x7f]")
_RESERVED = frozenset('"\\/<>:|?*;')


class Upload(NamedTuple):
    """One posted file: the name the client gave, the type it claimed (not trusted), the bytes."""

    filename: str
    mime: str
    body: bytes


Files = Sequence[tuple[str, str, bytes]]
FilesByField = Mapping[str, Files]


@dataclass(frozen=True)
class AttachmentView:
    id: int
    folio: str
    filename: str
    mime: str
    size: int
    size_label: str
    sha256: str
    element_id: str | None
    uploaded_by: str
    uploaded_at: datetime


# --- which files are accepted (pure) ---


def _zip_holds(body: bytes, member: str) -> bool:
    """Whether the bytes are a ZIP archive (Office Open XML) holding ``member``; never extracts."""
    if not body.startswith(b"PK\x03\x04"):
        return False
    try:
        with zipfile.ZipFile(io.BytesIO(body)) as archive:
            return member in archive.namelist()
    except (zipfile.BadZipFile, OSError, ValueError, EOFError):
        return False


def _text_type(body: bytes) -> str | None:
    """Plain text in UTF-8 or Windows-1252 (what Chilean offices still produce), without binary bytes."""
    if b"\x00" in body:
        return None
    for codec, charset in (("utf-8-sig", "utf-8"), ("cp1252", "windows-1252")):
        try:
            text = body.decode(codec)
        except UnicodeDecodeError:
            continue
        return None if _CONTROL.search(text) else f"text/plain; charset={charset}"
    return None


def _jpeg(body: bytes) -> str | None:
    return "image/jpeg" if body.startswith(b"\xff\xd8\xff") else None


_SNIFFERS: Mapping[str, Callable[[bytes], str | None]] = {
    "pdf": lambda body: "application/pdf" if body[:1024].lstrip().startswith(b"%PDF-") else None,
    "jpg": _jpeg,
    "jpeg": _jpeg,
    "png": lambda body: "image/png" if body.startswith(b"\x89PNG\r\n\x1a\n") else None,
    "docx": lambda body: _DOCX if _zip_holds(body, "word/document.xml") else None,
    "xlsx": lambda body: _XLSX if _zip_holds(body, "xl/workbook.xml") else None,
    "txt": _text_type,
}


def content_type(filename: str, body: bytes) -> str | None:
    """The MIME type of an accepted file (its extension and its first bytes agree), else None."""
    extension = filename.rpartition(".")[2].lower() if "." in filename else ""
    sniff = _SNIFFERS.get(extension)
    return sniff(body) if sniff else None


def safe_filename(raw: str) -> str:
    """The name to store and offer on download: no folders, control or format characters, quotes or
    reserved characters; at most 200 characters, the extension kept."""
    name = unicodedata.normalize("NFC", raw).replace("\\", "/").rpartition("/")[2]
    name = "".join(ch for ch in name if unicodedata.category(ch)[0] != "C" and ch not in _RESERVED)
    name = " ".join(name.split()).strip(". ") or "archivo"
    if len(name) > MAX_NAME:
        stem, dot, extension = name.rpartition(".")
        keep = f".{extension}" if dot and len(extension) <= 10 else ""
        name = (stem if keep else name)[: MAX_NAME - len(keep)].rstrip(". ") + keep
    return name


def human_size(size: int) -> str:
    """A size as people read it, with a decimal comma: 820 bytes, 34 KB, 1,2 MB."""
    if size < 1024:
        return f"{size} bytes"
    if size < 1024 * 1024:
        return f"{round(size / 1024)} KB"
    return f"{size / 1024 / 1024:.1f} MB".replace(".", ",")


def _file_problem(upload: tuple[str, str, bytes]) -> str | None:
    name, body = safe_filename(upload[0]), upload[2]
    if not body:
        return f"El archivo «{name}» está vacío."
    if len(body) > MAX_BYTES:
        return f"El archivo «{name}» supera el máximo de 10 MB."
    if content_type(name, body) is None:
        return f"{NOT_ALLOWED_TYPE} Revise «{name}»."
    return None


def file_problems(path: str, files: Files, kept: int = 0) -> list[FieldError]:
    """The first problem with the files posted in one field (how many, size, type), as its field error."""
    if len(files) + kept > MAX_FILES:
        return [FieldError(path, TOO_MANY)]
    problem = next((found for upload in files if (found := _file_problem(upload))), None)
    return [FieldError(path, problem)] if problem else []


def upload_problems(
    form: Form | None, files_by_field: FilesByField, data: Mapping[str, Any]
) -> list[FieldError]:
    """Every problem with the files posted for a form: a field that takes no files, too many, too big,
    a type not accepted. ``data`` holds the ids already attached, which count towards the limit."""
    paths = {item.path for item in form.file_fields()} if form else set()
    kept = forms.file_ids(form, data) if form else {}
    problems: list[FieldError] = []
    for path, files in files_by_field.items():
        if path not in paths:
            problems.append(FieldError(path, forms.UNEXPECTED))
        else:
            problems += file_problems(path, files, len(kept.get(path, ())))
    return problems


def _refuse(
    form: Form | None,
    data: Mapping[str, Any],
    problems: list[FieldError],
    classified: Classification | None = None,
) -> NoReturn:
    """FormInvalid with the file problems and, for every other field, the form's own messages."""
    others: list[FieldError] = []
    try:
        if form is not None:
            forms.validate(form, data, classified)
    except FormInvalid as exc:
        refused = {problem.field for problem in problems}
        others = [error for error in exc.errors if error.field not in refused]
    raise FormInvalid([*problems, *others])


# --- storing ---


def _row(
    case_id: int, upload: tuple[str, str, bytes], actor: Actor, now: datetime, element: str | None
) -> Attachment:
    name, body = safe_filename(upload[0]), upload[2]
    return Attachment(
        case_id=case_id,
        filename=name,
        mime=content_type(name, body) or "application/octet-stream",
        size=len(body),
        sha256=hashlib.sha256(body).hexdigest(),
        body=body,
        element_id=element,
        uploaded_by=actor.username,
        uploaded_at=now,
    )


def _logged(row: Attachment, actor: Actor, field: str) -> LogEvent:
    return LogEvent(
        "attachment_added",
        f"Adjunto agregado: {row.filename} ({human_size(row.size)})",
        actor=actor.username,
        role=actor.role,
        channel=actor.channel,
        element_id=row.element_id,
        data={
            "attachment_id": row.id,
            "filename": row.filename,
            "size": row.size,
            "sha256": row.sha256,
            "field": field,
        },
    )


def _store(
    s: Session, case_id: int, files: Files, actor: Actor, now: datetime, element_id: str | None, field: str
) -> list[Attachment]:
    if actor.read_only:
        raise Forbidden("su perfil es de solo lectura")
    problems = file_problems(field, files)
    if problems:
        raise FormInvalid(problems)
    rows = [_row(case_id, upload, actor, now, element_id) for upload in files]
    s.add_all(rows)
    s.flush()
    caselog.append_log(s, case_id, [_logged(row, actor, field) for row in rows], now)
    return rows


def store_files(
    s: Session,
    case_id: int,
    files: Files,
    actor: Actor,
    now: datetime,
    element_id: str | None,
    field: str = "file",
) -> list[int]:
    """Store files on a case in the caller's transaction, one bitácora entry each; their ids. Raises
    FormInvalid naming ``field`` when a file is refused (then none is stored), Forbidden for read-only."""
    return [row.id for row in _store(s, case_id, files, actor, now, element_id, field)]


def store_posted(
    s: Session,
    case_id: int,
    form: Form | None,
    data: Mapping[str, Any],
    files_by_field: FilesByField,
    actor: Actor,
    now: datetime,
    element_id: str | None,
) -> dict[str, Any]:
    """Store the files posted with a form on its case; the data with their ids after those already named.
    Raises FormInvalid with every problem of the form when a file is refused (nothing stored)."""
    problems = upload_problems(form, files_by_field, data)
    if problems:
        _refuse(form, data, problems)
    kept = forms.file_ids(form, data) if form else {}
    result = dict(data)
    for path, files in files_by_field.items():
        ids = store_files(s, case_id, files, actor, now, element_id, field=path)
        result = forms.with_file_ids(result, path, [*kept.get(path, ()), *ids])
    return result


def check_references(s: Session, case_id: int, form: Form, data: Mapping[str, Any]) -> None:
    """Refuse attachment ids that are not files of this case: FormInvalid "Adjunto desconocido."."""
    named = forms.file_ids(form, data)
    if not named:
        return
    possible = {i for ids in named.values() for i in ids if inputs.is_id(i)}  # others name no row
    query = select(Attachment.id).where(Attachment.case_id == case_id, Attachment.id.in_(possible))
    known = set(s.execute(query).scalars()) if possible else set()
    problems = [FieldError(path, UNKNOWN) for path, ids in named.items() if not set(ids) <= known]
    if problems:
        raise FormInvalid(problems)


def open_case_with_files(
    s: Session,
    store: CatalogStore,
    data: Mapping[str, Any],
    files_by_field: FilesByField,
    actor: Actor,
    now: datetime,
    process_id: str = cases.DEFAULT_PROCESS,
) -> cases.CaseSummary:
    """Register a case with the files posted on its intake form: the files are checked first, then the case
    is opened and they are stored on it, all in the caller's transaction (a refusal stores nothing)."""
    posted = {path: files for path, files in files_by_field.items() if files}
    if posted:
        cat = store.latest(s)
        start_form = cat.process(process_id).start_form
        form = cat.form(start_form) if start_form else None
        problems = upload_problems(form, posted, data)
        if problems:
            _refuse(form, data, problems, cat.classification)
    summary = cases.open_case(s, store, data, actor, now, process_id=process_id)
    case_id = s.execute(select(Case.id).where(Case.folio == summary.folio)).scalar_one()
    for path, files in posted.items():
        store_files(s, case_id, files, actor, now, INTAKE_ELEMENT, field=path)
    return summary


# --- reading ---


def _view(row: Attachment, folio: str) -> AttachmentView:
    return AttachmentView(
        id=row.id,
        folio=folio,
        filename=row.filename,
        mime=row.mime,
        size=row.size,
        size_label=human_size(row.size),
        sha256=row.sha256,
        element_id=row.element_id,
        uploaded_by=row.uploaded_by,
        uploaded_at=row.uploaded_at,
    )


def add_to_case(
    s: Session, folio: str, upload: tuple[str, str, bytes], actor: Actor, now: datetime
) -> AttachmentView:
    """Attach one file to a case the actor may see (the API uploads first, then names the id in a form)."""
    case = find_case(s, folio, actor)
    [row] = _store(s, case.id, [upload], actor, now, None, "file")
    return _view(row, case.folio or folio)


def list_attachments(s: Session, folio: str, actor: Actor) -> list[AttachmentView]:
    """The files of a case the actor may see, oldest first (the bytes are not loaded)."""
    return attachments_of(s, find_case(s, folio, actor))


def attachments_of(s: Session, case: Case) -> list[AttachmentView]:
    """The files of a case already found in the actor's scope, oldest first (the bytes are not loaded)."""
    rows = s.execute(
        select(Attachment).where(Attachment.case_id == case.id).order_by(Attachment.id)
    ).scalars()
    return [_view(row, case.folio or "") for row in rows]


def attachment_file(s: Session, attachment_id: int, actor: Actor) -> tuple[str, str, bytes]:
    """(file name, MIME type, bytes) of one attachment; NotFound when it is not on a case the actor sees."""
    missing = NotFound(f"no existe el adjunto {attachment_id} a su alcance")
    row = s.execute(
        select(Attachment, Case.folio)
        .join(Case, Case.id == Attachment.case_id)
        .where(Attachment.id == attachment_id)
    ).first()
    if row is None:
        raise missing
    try:
        find_case(s, row[1] or "", actor)
    except CaseNotFound:
        raise missing from None  # same answer as a missing id: nothing about the case is revealed
    attachment: Attachment = row[0]
    return attachment.filename, attachment.mime, attachment.body
