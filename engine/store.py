"""Published content versions: publishing, and an in-process cache of parsed catalogs by version."""

from __future__ import annotations

import threading
from collections.abc import Mapping
from dataclasses import dataclass
from datetime import datetime

from sqlalchemy import func, select
from sqlalchemy.exc import IntegrityError
from sqlalchemy.orm import Session

from . import catalog
from .catalog import Catalog
from .errors import NoPublishedVersion, NotFound, PublishRace
from .models import ContentFile, ContentVersion


@dataclass(frozen=True)
class VersionInfo:
    id: int
    content_hash: str
    published_at: datetime
    published_by: str
    note: str
    created: bool  # False when the same content was already published


class CatalogStore:
    """Parsed catalogs by version id. Versions are immutable, so a cached catalog never goes stale."""

    def __init__(self) -> None:
        self._by_version: dict[int, Catalog] = {}
        self._lock = threading.Lock()

    def get(self, s: Session, version_id: int) -> Catalog:
        """The catalog of a published version (parsed once per process)."""
        cached = self._by_version.get(version_id)
        if cached is not None:
            return cached
        rows = s.execute(select(ContentFile).where(ContentFile.version_id == version_id)).scalars().all()
        if not rows:
            raise NotFound(f"la versión {version_id} no existe")
        built = catalog.build({r.path: r.body for r in rows}, version_id=version_id)
        with self._lock:
            return self._by_version.setdefault(version_id, built)

    def latest(self, s: Session) -> Catalog:
        """The newest published version: what new cases start on."""
        latest_id = s.execute(select(func.max(ContentVersion.id))).scalar_one_or_none()
        if latest_id is None:
            raise NoPublishedVersion("no hay procesos publicados: ejecute 'ventanilla publish'")
        return self.get(s, latest_id)


def publish(
    s: Session, files: Mapping[str, bytes], by: str, note: str, now: datetime, *, parent: int | None = None
) -> VersionInfo:
    """Validate and store a content set as the new latest immutable version, following ``parent`` (default:
    the latest now); the same content as the latest → that version (created False). PublishRace when
    another version already follows that parent (published meanwhile)."""
    built = catalog.build(files)
    latest = s.execute(select(ContentVersion).order_by(ContentVersion.id.desc()).limit(1)).scalar()
    if latest is not None and latest.content_hash == built.content_hash:
        return _info(latest, created=False)
    if parent is None:
        parent = latest.id if latest is not None else 0
    manifest = {path: catalog.content_hash({path: body}) for path, body in files.items()}
    version = ContentVersion(
        content_hash=built.content_hash,
        parent_id=parent,
        published_at=now,
        published_by=by,
        note=note,
        manifest=manifest,
    )
    s.add(version)
    try:
        s.flush()
    except IntegrityError as err:  # parent_id is unique: someone else published on this latest first
        raise PublishRace(
            "otra persona publicó una versión en este mismo momento: nada se publicó. Incorpore la "
            "versión nueva a su borrador y vuelva a publicar"
        ) from err
    s.add_all(ContentFile(version_id=version.id, path=p, body=b) for p, b in sorted(files.items()))
    return _info(version, created=True)


def _info(v: ContentVersion, created: bool) -> VersionInfo:
    return VersionInfo(v.id, v.content_hash, v.published_at, v.published_by, v.note, created)
