"""Published content versions and the analysts' drafts (the workbench)."""

from __future__ import annotations

from datetime import datetime
from typing import Any

from sqlalchemy import (
    ForeignKey,
    Integer,
    LargeBinary,
    String,
    Text,
)
from sqlalchemy.orm import Mapped, mapped_column

from .base import Base


class ContentVersion(Base):
    """One immutable, content-hashed published set of processes, forms and letter templates."""

    __tablename__ = "content_versions"
    __table_args__ = {"sqlite_autoincrement": True}
    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    content_hash: Mapped[str] = mapped_column(String(64), index=True)  # a rollback repeats an old hash
    # The version that was the latest when this one was published (0 for the first). Unique: two
    # publishes from the same latest cannot both land, so no change is ever dropped silently.
    parent_id: Mapped[int] = mapped_column(Integer, unique=True)
    published_at: Mapped[datetime]
    published_by: Mapped[str] = mapped_column(String(80))
    note: Mapped[str] = mapped_column(Text, default="")
    manifest: Mapped[dict[str, Any]]


class ContentFile(Base):
    """A file of a content version (stored once per version; specs are rebuilt from these)."""

    __tablename__ = "content_files"
    version_id: Mapped[int] = mapped_column(ForeignKey("content_versions.id"), primary_key=True)
    path: Mapped[str] = mapped_column(String(255), primary_key=True)
    body: Mapped[bytes] = mapped_column(LargeBinary)


class Draft(Base):
    """An analyst's working copy of the whole content set (the workbench), seeded from a version."""

    __tablename__ = "drafts"
    __table_args__ = {"sqlite_autoincrement": True}
    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    owner: Mapped[str] = mapped_column(String(80), unique=True)
    base_version_id: Mapped[int] = mapped_column(ForeignKey("content_versions.id"))
    updated_at: Mapped[datetime]
    # Files both the draft and a newer version changed, left for the analyst to decide after a merge.
    conflicts: Mapped[list[Any] | None]


class DraftFile(Base):
    """One file of a draft (processes/x.bpmn, forms/x.json, letter_templates/x.docx)."""

    __tablename__ = "draft_files"
    draft_id: Mapped[int] = mapped_column(ForeignKey("drafts.id"), primary_key=True)
    path: Mapped[str] = mapped_column(String(255), primary_key=True)
    body: Mapped[bytes] = mapped_column(LargeBinary)
