"""The territorial network's records: platforms' agreement documents, the administrators' audit log and the
keys of imported rows (back-entry of manual platforms, legacy cases)."""

from __future__ import annotations

from datetime import datetime
from typing import Any

from sqlalchemy import Boolean, ForeignKey, Index, Integer, LargeBinary, String, UniqueConstraint
from sqlalchemy.orm import Mapped, mapped_column

from .base import Base


class PlatformAgreement(Base):
    """The signed convenio of a platform (a PDF), kept whole with its SHA-256; the newest one counts."""

    __tablename__ = "platform_agreements"
    __table_args__ = {"sqlite_autoincrement": True}
    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    platform_code: Mapped[str] = mapped_column(ForeignKey("platforms.code"), index=True)
    filename: Mapped[str] = mapped_column(String(200))
    size: Mapped[int] = mapped_column(Integer)
    sha256: Mapped[str] = mapped_column(String(64))
    body: Mapped[bytes] = mapped_column(LargeBinary, deferred=True)
    uploaded_by: Mapped[str] = mapped_column(String(80))
    uploaded_at: Mapped[datetime]


class AuditEntry(Base):
    """One administrative action (platforms, accounts, tokens, imports): who, when, what, on what."""

    __tablename__ = "audit_entries"
    __table_args__ = (
        Index("ix_audit_entries_region_at", "region_code", "at"),
        {"sqlite_autoincrement": True},
    )
    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    at: Mapped[datetime]
    actor: Mapped[str] = mapped_column(String(80))
    role: Mapped[str] = mapped_column(String(30))
    action: Mapped[str] = mapped_column(String(40))
    target: Mapped[str] = mapped_column(String(120))
    region_code: Mapped[str | None] = mapped_column(String(2))
    summary: Mapped[str] = mapped_column(String(300))
    data: Mapped[dict[str, Any]] = mapped_column(default=dict)


class ImportedRow(Base):
    """A row of an imported file that became a case: its key makes a re-upload create nothing twice."""

    __tablename__ = "imported_rows"
    __table_args__ = (UniqueConstraint("source", "key"), {"sqlite_autoincrement": True})
    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    source: Mapped[str] = mapped_column(String(20))  # backentry, legacy
    key: Mapped[str] = mapped_column(String(160))
    case_id: Mapped[int] = mapped_column(ForeignKey("cases.id"), index=True)
    imported_at: Mapped[datetime]
    imported_by: Mapped[str] = mapped_column(String(80))


class ImportJob(Base):
    """An uploaded file of paper cases: its rows, the validation report per row, and how far creating the
    cases has gone (each batch is its own transaction; the page polls the next one: the progress bar)."""

    __tablename__ = "import_jobs"
    __table_args__ = {"sqlite_autoincrement": True}
    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    platform_code: Mapped[str] = mapped_column(ForeignKey("platforms.code"))
    region_code: Mapped[str] = mapped_column(String(2), index=True)
    filename: Mapped[str] = mapped_column(String(200))
    rows: Mapped[list[Any]] = mapped_column(default=list)  # the file's rows as text, in order
    report: Mapped[list[Any]] = mapped_column(default=list)  # per row: status, messages, key, folio
    status: Mapped[str] = mapped_column(String(20))  # checked, running, done
    accept_partial: Mapped[bool] = mapped_column(Boolean, default=False)
    done: Mapped[int] = mapped_column(Integer, default=0)  # rows processed so far
    created_by: Mapped[str] = mapped_column(String(80))
    created_at: Mapped[datetime]
