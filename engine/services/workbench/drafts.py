"""Each analyst's draft: a working copy of the whole content set, validated as a whole, published as a
new version with a note. The draft is seeded from the latest version the first time it is opened."""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass
from datetime import datetime

from sqlalchemy import delete, func, select
from sqlalchemy.orm import Session

from ... import catalog
from ...errors import ContentProblem, NoPublishedVersion, NotFound
from ...models import ContentVersion, Draft, DraftFile
from . import files as content_files
from .versions import version_files


@dataclass(frozen=True)
class Problem:
    """One validation problem: file, element id (or None) and a Spanish message."""

    file: str
    element: str | None
    message: str


@dataclass(frozen=True)
class Validation:
    ok: bool
    problems: list[Problem]


@dataclass(frozen=True)
class DraftFileInfo:
    path: str
    kind: str
    changed: bool


@dataclass(frozen=True)
class DraftView:
    owner: str
    base_version: int
    latest_version: int
    files: list[DraftFileInfo]
    removed: list[str]
    conflicts: list[str]  # files a merge left for the analyst: keep the draft's copy or take the published


def problems_of(found: list[ContentProblem]) -> list[Problem]:
    """The engine's content problems as the workbench shows them (no element → None)."""
    return [Problem(p.file, p.element or None, p.message) for p in found]


def latest_id(s: Session) -> int:
    """The newest published version's id; NoPublishedVersion before the first publish."""
    latest = s.execute(select(func.max(ContentVersion.id))).scalar_one_or_none()
    if latest is None:
        raise NoPublishedVersion("no hay procesos publicados: ejecute 'ventanilla publish'")
    return int(latest)


def fill(s: Session, draft: Draft, files: Mapping[str, bytes]) -> None:
    """Replace every file of the draft."""
    s.execute(delete(DraftFile).where(DraftFile.draft_id == draft.id))
    s.add_all(DraftFile(draft_id=draft.id, path=p, body=b) for p, b in sorted(files.items()))


def open_draft(s: Session, owner: str, now: datetime) -> Draft:
    """The analyst's draft, created from the latest published version the first time."""
    draft = s.execute(select(Draft).where(Draft.owner == owner)).scalar_one_or_none()
    if draft is not None:
        return draft
    latest = latest_id(s)
    draft = Draft(owner=owner, base_version_id=latest, updated_at=now)
    s.add(draft)
    s.flush()
    fill(s, draft, version_files(s, latest))
    return draft


def draft_files(s: Session, owner: str, now: datetime) -> dict[str, bytes]:
    """Every file of the analyst's draft by path."""
    draft = open_draft(s, owner, now)
    rows = s.execute(select(DraftFile.path, DraftFile.body).where(DraftFile.draft_id == draft.id)).all()
    return {path: body for path, body in rows}


def draft_view(s: Session, owner: str, now: datetime) -> DraftView:
    """The draft's files, which differ from its base version, and which were deleted."""
    draft = open_draft(s, owner, now)
    base = s.get(ContentVersion, draft.base_version_id)
    manifest = dict(base.manifest) if base else {}
    current = draft_files(s, owner, now)
    infos = [
        DraftFileInfo(
            path,
            content_files.KIND_OF_FOLDER[path.split("/")[0]],
            manifest.get(path) != catalog.content_hash({path: body}),
        )
        for path, body in sorted(current.items())
    ]
    removed = sorted(set(manifest) - set(current))
    return DraftView(owner, draft.base_version_id, latest_id(s), infos, removed, list(draft.conflicts or []))


def read_file(s: Session, owner: str, path: str, now: datetime) -> tuple[str, bytes]:
    """(MIME type, bytes) of one draft file; NotFound when the draft has no such file."""
    where = content_files.parse_path(path)
    body = draft_files(s, owner, now).get(where.path)
    if body is None:
        raise NotFound(f"el borrador no tiene el archivo {path}")
    return content_files.MIME[where.kind], body


def validate_draft(s: Session, owner: str, now: datetime) -> Validation:
    """Validate the whole draft with the publish-time validator (the same as ``ventanilla validate``)."""
    found = problems_of(catalog.validate(draft_files(s, owner, now)))
    return Validation(not found, found)


def put_file(s: Session, owner: str, path: str, body: bytes, now: datetime) -> Validation:
    """Store one file in the draft (hostile or unreadable files are refused and nothing is stored), then
    validate the whole draft."""
    where = content_files.check_file(path, body)
    draft = open_draft(s, owner, now)
    row = s.get(DraftFile, (draft.id, where.path))
    if row is None:
        s.add(DraftFile(draft_id=draft.id, path=where.path, body=body))
    else:
        row.body = body
    draft.updated_at = now
    s.flush()
    return validate_draft(s, owner, now)


def delete_file(s: Session, owner: str, path: str, now: datetime) -> Validation:
    """Remove one file from the draft, then validate the whole draft (references to it now fail)."""
    where = content_files.parse_path(path)
    draft = open_draft(s, owner, now)
    row = s.get(DraftFile, (draft.id, where.path))
    if row is None:
        raise NotFound(f"el borrador no tiene el archivo {path}")
    s.delete(row)
    draft.updated_at = now
    s.flush()
    return validate_draft(s, owner, now)


def reset_draft(s: Session, owner: str, version_id: int | None, now: datetime) -> DraftView:
    """Throw the draft's changes away: it becomes a copy of that version (default: the latest)."""
    draft = open_draft(s, owner, now)
    target = version_id if version_id is not None else latest_id(s)
    fill(s, draft, version_files(s, target))
    draft.base_version_id, draft.updated_at, draft.conflicts = target, now, None
    s.flush()
    return draft_view(s, owner, now)


def replace_files(s: Session, owner: str, files: Mapping[str, bytes], now: datetime) -> Validation:
    """Replace the draft's whole content (an imported zip, each file already checked)."""
    for path, body in files.items():
        content_files.check_file(path, body)
    draft = open_draft(s, owner, now)
    fill(s, draft, files)
    draft.updated_at = now
    s.flush()
    return validate_draft(s, owner, now)
