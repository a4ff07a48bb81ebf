"""Publishing the analyst's draft without ever dropping someone else's change: publish, bring a newer
version into the draft (a three-way merge by file), decide the files both changed, and go back to an
earlier version by republishing it as the newest."""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass, field
from datetime import datetime
from typing import Any, Literal

from sqlalchemy.orm import Session

from ... import store
from ...errors import EngineError, NotFound
from . import drafts
from .versions import Changes, FileChanges, changes_between, file_changes, version_files


class DraftStale(EngineError):
    """A newer version was published after the draft was opened: publishing would silently undo it."""

    status = 409
    type = "/problems/draft-stale"
    title = "Hay una versión más nueva que su borrador"

    def __init__(self, detail: str, mine: FileChanges, theirs: FileChanges) -> None:
        super().__init__(detail)
        self.mine, self.theirs = mine, theirs

    def extensions(self) -> dict[str, Any]:
        """Both changes, so the analyst sees what each side did before merging or redoing."""
        return {"mine": _plain(self.mine), "theirs": _plain(self.theirs)}


class DraftConflicts(EngineError):
    """A merge left files both sides changed; the analyst decides each before publishing."""

    status = 409
    type = "/problems/draft-conflicts"
    title = "Hay archivos en conflicto en su borrador"

    def __init__(self, paths: list[str]) -> None:
        super().__init__(
            "decida qué copia conservar de cada archivo que usted y la versión nueva modificaron: "
            + ", ".join(paths)
        )
        self.paths = paths

    def extensions(self) -> dict[str, Any]:
        """The files still in conflict."""
        return {"conflicts": self.paths}


class NothingToPublish(EngineError):
    """The draft holds exactly the content of the latest version."""

    status = 409
    type = "/problems/nothing-to-publish"
    title = "No hay cambios que publicar"


@dataclass(frozen=True)
class Published:
    version: int
    changes: Changes


@dataclass(frozen=True)
class ThreeWay:
    """A file-by-file merge of the draft (mine) and a newer version (theirs) over their common base."""

    files: dict[str, bytes]
    taken: list[str] = field(default_factory=list)  # changed only in the newer version: taken from it
    kept: list[str] = field(default_factory=list)  # changed only in the draft: kept
    conflicts: list[str] = field(default_factory=list)  # changed by both: the draft's copy, to decide


@dataclass(frozen=True)
class Merged:
    base_version: int
    taken: list[str]
    kept: list[str]
    conflicts: list[str]


def three_way(base: Mapping[str, bytes], mine: Mapping[str, bytes], theirs: Mapping[str, bytes]) -> ThreeWay:
    """Merge by whole file (a deletion is a change): one side's change wins where the other kept the base."""
    merged = ThreeWay({})
    for path in sorted(set(base) | set(mine) | set(theirs)):
        b, m, t = base.get(path), mine.get(path), theirs.get(path)
        chosen = m
        if m != t and t != b:
            if m == b:
                chosen = t
                merged.taken.append(path)
            else:
                merged.conflicts.append(path)
        elif m != b:
            merged.kept.append(path)
        if chosen is not None:
            merged.files[path] = chosen
    return merged


def publish_draft(s: Session, owner: str, note: str, now: datetime) -> Published:
    """Publish the draft as the new latest version; DraftStale when a newer version appeared since the draft
    was based (merge it first), DraftConflicts while a merge is undecided, InvalidContent (nothing
    published) with every problem, NothingToPublish when it equals the latest."""
    draft = drafts.open_draft(s, owner, now)
    files = drafts.draft_files(s, owner, now)
    latest = drafts.latest_id(s)
    if draft.base_version_id != latest:
        base = version_files(s, draft.base_version_id)
        raise DraftStale(
            f"la versión {latest} se publicó después de que abrió su borrador (basado en la versión "
            f"{draft.base_version_id}): incorpore la versión {latest} a su borrador, o reinícielo desde ella",
            file_changes(base, files),
            file_changes(base, version_files(s, latest)),
        )
    if draft.conflicts:
        raise DraftConflicts(list(draft.conflicts))
    info = store.publish(s, files, by=owner, note=note.strip()[:2000], now=now, parent=latest)
    if not info.created:
        raise NothingToPublish(f"el borrador es idéntico a la versión {info.id}, la vigente")
    draft.base_version_id, draft.updated_at = info.id, now
    return Published(info.id, changes_between(version_files(s, latest), files))


def merge_latest(s: Session, owner: str, now: datetime) -> Merged:
    """Bring the latest version into the draft: what only it changed is taken, what only the draft changed
    is kept, files both changed stay the draft's and wait for the analyst's decision."""
    draft = drafts.open_draft(s, owner, now)
    latest = drafts.latest_id(s)
    if draft.base_version_id == latest:
        return Merged(latest, [], [], list(draft.conflicts or []))
    result = three_way(
        version_files(s, draft.base_version_id),
        drafts.draft_files(s, owner, now),
        version_files(s, latest),
    )
    drafts.fill(s, draft, result.files)
    pending = sorted(set(draft.conflicts or []) | set(result.conflicts))
    draft.base_version_id, draft.updated_at, draft.conflicts = latest, now, pending or None
    s.flush()
    return Merged(latest, result.taken, result.kept, pending)


def resolve_conflict(
    s: Session, owner: str, path: str, keep: Literal["mine", "theirs"], now: datetime
) -> drafts.DraftView:
    """Decide one file in conflict: keep the draft's copy, or take the one of the version it is based on."""
    draft = drafts.open_draft(s, owner, now)
    if path not in (draft.conflicts or []):
        raise NotFound(f"el archivo {path} no está en conflicto en su borrador")
    if keep == "theirs":
        theirs = version_files(s, draft.base_version_id).get(path)
        files = drafts.draft_files(s, owner, now)
        if theirs is None:
            files.pop(path, None)
        else:
            files[path] = theirs
        drafts.fill(s, draft, files)
    draft.conflicts = [p for p in (draft.conflicts or []) if p != path] or None
    draft.updated_at = now
    s.flush()
    return drafts.draft_view(s, owner, now)


def restore_version(s: Session, version_id: int, by: str, note: str, now: datetime) -> Published:
    """Republish an earlier version, unchanged, as the newest: new cases start on it again; running cases
    stay on theirs. NothingToPublish when it already is the latest content."""
    files = version_files(s, version_id)
    previous = drafts.latest_id(s)
    text = f"Vuelta a la versión {version_id}" + (f": {note.strip()[:1900]}" if note.strip() else "")
    info = store.publish(s, files, by=by, note=text, now=now, parent=previous)
    if not info.created:
        raise NothingToPublish(f"la versión vigente ya tiene el contenido de la versión {version_id}")
    return Published(info.id, changes_between(version_files(s, previous), files))


def _plain(changes: FileChanges) -> dict[str, list[str]]:
    return {"added": changes.added, "removed": changes.removed, "changed": changes.changed}
