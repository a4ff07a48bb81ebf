"""Monitoring and reports: every export made (who, what, when) and the self-service export jobs."""

from __future__ import annotations

from datetime import datetime
from typing import Any

from sqlalchemy import JSON, Index, Integer, LargeBinary, String, Text
from sqlalchemy.orm import Mapped, mapped_column

from .base import Base


class ExportRecord(Base):
    """One download of a table, report or self-service export: the export log (SPEC §8, issue 14)."""

    __tablename__ = "export_log"
    __table_args__ = (Index("ix_export_log_at", "at"), {"sqlite_autoincrement": True})
    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    at: Mapped[datetime]
    username: Mapped[str] = mapped_column(String(80))
    role: Mapped[str] = mapped_column(String(30))
    what: Mapped[str] = mapped_column(String(80))  # e.g. indicators.xlsx, casos.csv, informe_semestral.docx
    filters: Mapped[dict[str, Any]] = mapped_column(JSON, default=dict)
    rows: Mapped[int | None] = mapped_column(Integer)


class ExportJob(Base):
    """A self-service export run in the background: columns, filters, progress and the file (7 days)."""

    __tablename__ = "export_jobs"
    __table_args__ = (
        Index("ix_export_jobs_status", "status", "requested_at"),
        {"sqlite_autoincrement": True},
    )
    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    requested_by: Mapped[str] = mapped_column(String(80))
    role: Mapped[str] = mapped_column(String(30))
    region_code: Mapped[str | None] = mapped_column(String(2))
    requested_at: Mapped[datetime]
    fmt: Mapped[str] = mapped_column(String(10))  # xlsx, csv
    columns: Mapped[list[Any]] = mapped_column(JSON, default=list)
    filters: Mapped[dict[str, Any]] = mapped_column(JSON, default=dict)
    status: Mapped[str] = mapped_column(String(20), default="pending")  # pending, running, done, failed
    total: Mapped[int] = mapped_column(Integer, default=0)
    written: Mapped[int] = mapped_column(Integer, default=0)
    body: Mapped[bytes | None] = mapped_column(LargeBinary, deferred=True)
    error: Mapped[str | None] = mapped_column(Text)
    finished_at: Mapped[datetime | None]
    expires_at: Mapped[datetime | None]
