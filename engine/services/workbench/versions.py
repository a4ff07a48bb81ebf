"""Published versions for the workbench: who/when/note, what changed since the previous one, open cases."""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass, field
from datetime import datetime
from typing import Any

from sqlalchemy import func, select
from sqlalchemy.orm import Session

from ...catalog import content_hash
from ...errors import NotFound
from ...models import ContentFile, ContentVersion, Instance
from . import elements
from .elements import ElementChanges


@dataclass(frozen=True)
class FileChanges:
    added: list[str] = field(default_factory=list)
    removed: list[str] = field(default_factory=list)
    changed: list[str] = field(default_factory=list)


@dataclass(frozen=True)
class Changes:
    """What a content set changes against another: files by hash, BPMN elements per process."""

    files: FileChanges
    elements: dict[str, ElementChanges]


@dataclass(frozen=True)
class VersionRow:
    id: int
    published_at: datetime
    published_by: str
    note: str
    open_cases: int
    changes: Changes


def file_changes(old: Mapping[str, Any], new: Mapping[str, Any]) -> FileChanges:
    """Files added, removed and changed between two manifests (path → hash)."""
    return FileChanges(
        added=sorted(new.keys() - old.keys()),
        removed=sorted(old.keys() - new.keys()),
        changed=sorted(p for p in old.keys() & new.keys() if old[p] != new[p]),
    )


def element_changes(old: Mapping[str, bytes], new: Mapping[str, bytes]) -> dict[str, ElementChanges]:
    """Per process id, the elements added, removed and changed (only processes with a difference)."""
    before, after = elements.processes(old), elements.processes(new)
    out = {}
    for pid in sorted(before.keys() | after.keys()):
        diff = elements.compare(before.get(pid, {}), after.get(pid, {}))
        if diff.added or diff.removed or diff.changed:
            out[pid] = diff
    return out


def changes_between(old: Mapping[str, bytes], new: Mapping[str, bytes]) -> Changes:
    """The change summary between two whole content sets."""
    old_manifest = {p: content_hash({p: b}) for p, b in old.items()}
    new_manifest = {p: content_hash({p: b}) for p, b in new.items()}
    files = file_changes(old_manifest, new_manifest)
    touched = {p for p in (*files.added, *files.removed, *files.changed) if p.startswith("processes/")}
    return Changes(files, element_changes(_only(old, touched), _only(new, touched)))


def _only(files: Mapping[str, bytes], paths: set[str]) -> dict[str, bytes]:
    return {p: b for p, b in files.items() if p in paths}


def _bodies(s: Session, version_id: int, paths: set[str]) -> dict[str, bytes]:
    if not paths:
        return {}
    rows = s.execute(
        select(ContentFile.path, ContentFile.body).where(
            ContentFile.version_id == version_id, ContentFile.path.in_(sorted(paths))
        )
    ).all()
    return {path: body for path, body in rows}


def _summary(s: Session, previous: ContentVersion | None, version: ContentVersion) -> Changes:
    old_manifest = dict(previous.manifest) if previous else {}
    files = file_changes(old_manifest, dict(version.manifest))
    touched = {p for p in (*files.added, *files.removed, *files.changed) if p.startswith("processes/")}
    old = _bodies(s, previous.id, touched) if previous else {}
    return Changes(files, element_changes(old, _bodies(s, version.id, touched)))


def open_cases_by_version(s: Session) -> dict[int, int]:
    """How many running (not completed) cases each version has."""
    rows = s.execute(
        select(Instance.version_id, func.count())
        .where(Instance.completed.is_(False))
        .group_by(Instance.version_id)
    ).all()
    return {int(v): int(n) for v, n in rows}


def list_versions(s: Session) -> list[VersionRow]:
    """Every published version, newest first, with its change summary and open case count."""
    versions = list(s.execute(select(ContentVersion).order_by(ContentVersion.id)).scalars())
    counts = open_cases_by_version(s)
    rows = []
    previous: ContentVersion | None = None
    for v in versions:
        changes = _summary(s, previous, v)
        rows.append(VersionRow(v.id, v.published_at, v.published_by, v.note, counts.get(v.id, 0), changes))
        previous = v
    return rows[::-1]


def version_files(s: Session, version_id: int) -> dict[str, bytes]:
    """The files of one published version; NotFound when it does not exist."""
    rows = s.execute(
        select(ContentFile.path, ContentFile.body).where(ContentFile.version_id == version_id)
    ).all()
    if not rows and s.get(ContentVersion, version_id) is None:
        raise NotFound(f"la versión {version_id} no existe")
    return {path: body for path, body in rows}
