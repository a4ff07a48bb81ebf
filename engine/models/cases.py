"""Cases and what hangs on them: engine state, the bandeja's task projection, timers, message waits,
the log, documents, notifications and attachments."""

from __future__ import annotations

from datetime import date, datetime
from typing import Any

from sqlalchemy import (
    JSON,
    BigInteger,
    Boolean,
    Date,
    ForeignKey,
    Index,
    Integer,
    LargeBinary,
    String,
    Text,
    UniqueConstraint,
    text,
)
from sqlalchemy.orm import Mapped, mapped_column

from .base import Base

FULLTEXT_PREFIXES = ("cases_fts", "ix_cases_fts_")


def managed_by_migration(name: str | None) -> bool:
    """Whether a table or index is one of the case search's full-text objects, which only the migration
    0013 describes (an SQLite FTS5 table and its triggers; PostgreSQL expression GIN indexes)."""
    return bool(name) and str(name).startswith(FULLTEXT_PREFIXES)


# What the Cuadro de Monitoreo's aggregates read of a case (an index-only scan on PostgreSQL: ADR 0016).
MONITOR_COVER = [
    *("region_code", "comuna_code", "platform_code", "channel", "kind", "stage", "status"),
    *(
        "due_on",
        "warn_on",
        "closed_at",
        "closed_business_days",
        "outcome",
        "provider_rut",
        "market",
        "motive",
    ),
]


class Case(Base):
    """The case row: what queries, inboxes and reports read. Engine state lives in Instance."""

    __tablename__ = "cases"
    __table_args__ = (
        Index("ix_cases_region_status_due", "region_code", "status", "due_on"),
        Index("ix_cases_platform_status_due", "platform_code", "status", "due_on"),
        # The bandeja's filters (migration 0006; its provider-prefix index moved to human_tasks in 0007).
        Index("ix_cases_stage", "stage"),
        Index("ix_cases_kind", "kind"),
        # The case search's keyset order, per scope (migration 0013): newest first, then by id.
        Index("ix_cases_opened", "opened_at", "id"),
        Index("ix_cases_region_opened", "region_code", "opened_at", "id"),
        Index("ix_cases_platform_opened", "platform_code", "opened_at", "id"),
        # The monitoring's cohort (cases opened in a period), covering what its aggregates read.
        Index("ix_cases_opened_on", "opened_on", postgresql_include=MONITOR_COVER),
        Index("uq_cases_legacy_ref", "legacy_ref", unique=True),  # an imported case's old number, once
        # Companies typed at intake that the registry does not have yet (migration 0013): the providers page
        # lists them for the registry.
        Index(
            "ix_cases_unregistered_provider",
            "provider_name",
            postgresql_where=text("provider_unregistered"),
            sqlite_where=text("provider_unregistered"),
        ),
        {"sqlite_autoincrement": True},
    )
    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    folio: Mapped[str | None] = mapped_column(String(20), unique=True)
    kind: Mapped[str] = mapped_column(String(30))
    stage: Mapped[str] = mapped_column(String(30))
    status: Mapped[str] = mapped_column(String(30), default="open")
    channel: Mapped[str] = mapped_column(String(20))
    platform_code: Mapped[str] = mapped_column(ForeignKey("platforms.code"))
    region_code: Mapped[str] = mapped_column(ForeignKey("regions.code"))
    comuna_code: Mapped[str | None] = mapped_column(ForeignKey("comunas.code"))
    consumer_rut: Mapped[str | None] = mapped_column(String(12), index=True)
    consumer_name: Mapped[str] = mapped_column(String(160), default="")
    consumer_email: Mapped[str | None] = mapped_column(String(160))
    consumer_phone: Mapped[str | None] = mapped_column(String(30))
    provider_rut: Mapped[str | None] = mapped_column(String(12), index=True)
    provider_name: Mapped[str | None] = mapped_column(String(160))
    provider_unregistered: Mapped[bool] = mapped_column(Boolean, default=False, server_default=text("false"))
    subject: Mapped[str] = mapped_column(String(200), default="")
    # The classification's codes (lists/clasificacion.json, migration 0013), projected from the process data
    # at each step: reports group by them; the labels come from the published list.
    market: Mapped[str | None] = mapped_column(String(40), index=True)
    motive: Mapped[str | None] = mapped_column(String(40), index=True)
    category: Mapped[str | None] = mapped_column(String(40))
    description: Mapped[str] = mapped_column(Text, default="")
    opened_at: Mapped[datetime]
    opened_on: Mapped[date] = mapped_column(Date)
    due_on: Mapped[date | None] = mapped_column(Date)
    warn_on: Mapped[date | None] = mapped_column(Date)  # from here on the case is "por vencer"
    closed_at: Mapped[datetime | None]
    outcome: Mapped[str | None] = mapped_column(String(40))
    # Días hábiles from opening to closing (its region's holidays), set when it closes (migration 0013).
    closed_business_days: Mapped[int | None] = mapped_column(Integer)
    opened_by: Mapped[str] = mapped_column(String(80))
    # The case's number in the old system, for a legacy import (migration 0013): kept as a reference.
    legacy_ref: Mapped[str | None] = mapped_column(String(40))


class Instance(Base):
    """One SpiffWorkflow state document per case (no spec inside), with an optimistic revision."""

    __tablename__ = "instances"
    case_id: Mapped[int] = mapped_column(ForeignKey("cases.id"), primary_key=True)
    version_id: Mapped[int] = mapped_column(ForeignKey("content_versions.id"), index=True)
    process_id: Mapped[str] = mapped_column(String(120))
    state: Mapped[str] = mapped_column(Text)
    revision: Mapped[int] = mapped_column(Integer)
    completed: Mapped[bool] = mapped_column(Boolean, default=False)
    visited: Mapped[dict[str, Any] | None] = mapped_column(JSON)  # process id → element ids, for the diagram
    updated_at: Mapped[datetime]


# The bandeja's partial indexes on open tasks (migrations 0006, 0007), each once per scope (a supervisor's
# region, an ejecutivo's platform): in due order, and by kind, stage, channel, holder, provider name prefix
# and provider RUT then due order, so any filter or count reads a range holding its own matches (and stops at
# the count cap); each covers every column the bandeja filters on, so no read touches the table.
INBOX_KEYS = {
    "": ("due_on", "created_at", "id"),
    "_kind": ("kind", "due_on", "created_at", "id"),
    "_stage": ("stage", "due_on", "created_at", "id"),
    "_channel": ("channel", "due_on", "created_at", "id"),
    "_assignee": ("assignee", "due_on", "created_at", "id"),
    "_provider": ("provider_key", "due_on", "created_at", "id"),
    "_provider_rut": ("provider_rut", "due_on", "created_at", "id"),
}
INBOX_COVER = (
    *("role", "assignee", "case_id", "kind", "stage", "channel", "due_on", "warn_on", "created_at", "id"),
    *("region_code", "platform_code"),
)
OPEN_TASK = text("status = 'open'")


def _open_task_index(name: str, *keys: str) -> Index:
    return Index(
        name,
        *keys,
        postgresql_include=[c for c in INBOX_COVER if c not in keys],
        postgresql_ops={"provider_key": "text_pattern_ops"},
        postgresql_where=OPEN_TASK,
        sqlite_where=OPEN_TASK,
    )


# The mercado and motivo filters (migration 0013): one range each per scope, covering the other one too.
CLASSIFIED_KEYS = {"_market": "market", "_motive": "motive"}


def _classified_index(name: str, scope: str, key: str) -> Index:
    return Index(
        name,
        f"{scope}_code",
        key,
        "due_on",
        "created_at",
        "id",
        postgresql_include=[
            c
            for c in (*INBOX_COVER, "market", "motive")
            if c not in (key, "due_on", "created_at", "id", f"{scope}_code")
        ],
        postgresql_where=OPEN_TASK,
        sqlite_where=OPEN_TASK,
    )


def _inbox_indexes() -> list[Index]:
    return [
        _open_task_index(f"ix_human_tasks_inbox_{scope}{suffix}", f"{scope}_code", *keys)
        for scope in ("region", "platform")
        for suffix, keys in INBOX_KEYS.items()
    ] + [
        _classified_index(f"ix_human_tasks_inbox_{scope}{suffix}", scope, key)
        for scope in ("region", "platform")
        for suffix, key in CLASSIFIED_KEYS.items()
    ]


class HumanTask(Base):
    """Projection of a user/manual task: open ones feed inboxes; closed ones answer 409s."""

    __tablename__ = "human_tasks"
    __table_args__ = (
        Index("ix_human_tasks_assignee", "assignee", "status"),
        *_inbox_indexes(),
        Index(
            "ix_human_tasks_open_warn_days", "warn_days", postgresql_where=OPEN_TASK, sqlite_where=OPEN_TASK
        ),
    )
    id: Mapped[str] = mapped_column(String(36), primary_key=True)
    case_id: Mapped[int] = mapped_column(ForeignKey("cases.id"), index=True)
    element_id: Mapped[str] = mapped_column(String(120))
    name: Mapped[str] = mapped_column(String(200))
    process_id: Mapped[str] = mapped_column(String(120))
    lane: Mapped[str | None] = mapped_column(String(80))
    role: Mapped[str] = mapped_column(String(30))
    form_id: Mapped[str | None] = mapped_column(String(120))
    letters: Mapped[list[Any]] = mapped_column(JSON, default=list)
    context: Mapped[dict[str, Any] | None] = mapped_column(JSON)  # process variables shown with the task
    status: Mapped[str] = mapped_column(String(20), default="open")  # open, completed, cancelled
    assignee: Mapped[str | None] = mapped_column(String(80))
    platform_code: Mapped[str] = mapped_column(String(20))
    region_code: Mapped[str] = mapped_column(String(2))
    due_on: Mapped[date | None] = mapped_column(Date)
    # Copies of the case's fields the bandeja filters and counts on (migration 0007), kept in step with
    # the case row by persistence: the bandeja never joins `cases` to filter, sort or count.
    kind: Mapped[str] = mapped_column(String(30), server_default="")
    stage: Mapped[str] = mapped_column(String(30), server_default="")
    channel: Mapped[str] = mapped_column(String(20), server_default="")
    warn_on: Mapped[date | None] = mapped_column(Date)
    warn_days: Mapped[int | None] = mapped_column(Integer)  # due_on - warn_on: bounds the "por vencer" range
    provider_rut: Mapped[str | None] = mapped_column(String(12))
    provider_key: Mapped[str | None] = mapped_column(String(160))  # provider_name.lower(): prefix search
    market: Mapped[str | None] = mapped_column(String(40))  # the case's mercado and motivo (migration 0013)
    motive: Mapped[str | None] = mapped_column(String(40))
    created_at: Mapped[datetime]
    closed_at: Mapped[datetime | None]
    closed_by: Mapped[str | None] = mapped_column(String(80))


class Timer(Base):
    """Projection of a waiting timer event; the scheduler fires it from here exactly once."""

    __tablename__ = "timers"
    __table_args__ = (
        UniqueConstraint("case_id", "task_id"),
        Index("ix_timers_due", "status", "next_attempt_at"),
        {"sqlite_autoincrement": True},
    )
    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    case_id: Mapped[int] = mapped_column(ForeignKey("cases.id"), index=True)
    task_id: Mapped[str] = mapped_column(String(36))
    element_id: Mapped[str] = mapped_column(String(120))
    name: Mapped[str] = mapped_column(String(200), default="")
    due_at: Mapped[datetime]
    next_attempt_at: Mapped[datetime]
    status: Mapped[str] = mapped_column(String(20), default="pending")  # pending, fired, cancelled, failed
    attempts: Mapped[int] = mapped_column(Integer, default=0)
    last_error: Mapped[str | None] = mapped_column(Text)
    fired_at: Mapped[datetime | None]


class Subscription(Base):
    """Projection of a waiting message event, correlated by case."""

    __tablename__ = "subscriptions"
    __table_args__ = (UniqueConstraint("case_id", "task_id"), {"sqlite_autoincrement": True})
    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    case_id: Mapped[int] = mapped_column(ForeignKey("cases.id"), index=True)
    task_id: Mapped[str] = mapped_column(String(36))
    element_id: Mapped[str] = mapped_column(String(120))
    message: Mapped[str] = mapped_column(String(120), index=True)
    status: Mapped[str] = mapped_column(String(20), default="waiting")  # waiting, received, cancelled
    # The message event's own form (its payload's schema) and the deadline of a timer racing it (migr. 0009).
    form_id: Mapped[str | None] = mapped_column(String(120))
    due_at: Mapped[datetime | None]


class LogEntry(Base):
    """The bitácora: append-only, apart from engine state, so it survives process migrations."""

    __tablename__ = "log_entries"
    __table_args__ = (Index("ix_log_entries_case", "case_id", "id"), {"sqlite_autoincrement": True})
    id: Mapped[int] = mapped_column(BigInteger().with_variant(Integer, "sqlite"), primary_key=True)
    case_id: Mapped[int] = mapped_column(ForeignKey("cases.id"))
    at: Mapped[datetime]
    actor: Mapped[str] = mapped_column(String(80))
    role: Mapped[str | None] = mapped_column(String(30))
    channel: Mapped[str | None] = mapped_column(String(20))
    event: Mapped[str] = mapped_column(String(40))
    element_id: Mapped[str | None] = mapped_column(String(120))
    summary: Mapped[str] = mapped_column(String(300))
    data: Mapped[dict[str, Any]] = mapped_column(JSON, default=dict)
    public: Mapped[bool] = mapped_column(Boolean, default=False)


class Document(Base):
    """A letter of a case. The step that asks for it stores its context (the case's data at that moment);
    the .docx is rendered from it after the step commits (the outbox), the PDF on first request; both kept."""

    __tablename__ = "documents"
    __table_args__ = {"sqlite_autoincrement": True}
    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    case_id: Mapped[int] = mapped_column(ForeignKey("cases.id"), index=True)
    letter_id: Mapped[str] = mapped_column(String(120))
    title: Mapped[str] = mapped_column(String(200))
    element_id: Mapped[str | None] = mapped_column(String(120))
    version_id: Mapped[int] = mapped_column(ForeignKey("content_versions.id"))
    context: Mapped[dict[str, Any] | None] = mapped_column(JSON)  # what the template is rendered with
    docx: Mapped[bytes | None] = mapped_column(LargeBinary)  # None until the outbox has rendered it
    pdf: Mapped[bytes | None] = mapped_column(LargeBinary)
    generated_at: Mapped[datetime]
    generated_by: Mapped[str] = mapped_column(String(80))
    number: Mapped[str | None] = mapped_column(String(20))  # "ORD. N° 45/2026": per regional office and year
    audience: Mapped[str | None] = mapped_column(String(20))  # consumidor, proveedor, institucion (content)
    closing: Mapped[bool] = mapped_column(Boolean, default=False)  # e-mailed to the consumer at closure


class LetterCounter(Base):
    """The last ORD. number given per regional office and year: one row, updated in the step's transaction
    (its row lock makes two letters wait for each other; a rolled-back step gives its number back)."""

    __tablename__ = "letter_counters"
    region_code: Mapped[str] = mapped_column(String(2), primary_key=True)
    year: Mapped[int] = mapped_column(Integer, primary_key=True)
    last: Mapped[int] = mapped_column(Integer, default=0)


class Notification(Base):
    """A message for one staff member (deadline warnings, transfers ...), read in their inbox."""

    __tablename__ = "notifications"
    __table_args__ = (
        Index("ix_notifications_user_unread", "username", "read_at"),
        {"sqlite_autoincrement": True},
    )
    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    username: Mapped[str] = mapped_column(String(80))
    case_id: Mapped[int | None] = mapped_column(ForeignKey("cases.id"))
    message: Mapped[str] = mapped_column(String(300))
    created_at: Mapped[datetime]
    read_at: Mapped[datetime | None]
    urgent: Mapped[bool] = mapped_column(Boolean, default=False)  # e-mailed at once (content: notify_urgent)


class Attachment(Base):
    """A file attached to a case (a form's file field or the API), kept whole with its SHA-256."""

    __tablename__ = "attachments"
    __table_args__ = {"sqlite_autoincrement": True}
    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    case_id: Mapped[int] = mapped_column(ForeignKey("cases.id"), index=True)
    filename: Mapped[str] = mapped_column(String(200))
    mime: Mapped[str] = mapped_column(String(100))  # from the recognised content, never the client's claim
    size: Mapped[int] = mapped_column(Integer)
    sha256: Mapped[str] = mapped_column(String(64))
    body: Mapped[bytes] = mapped_column(LargeBinary, deferred=True)  # lists never load the bytes
    element_id: Mapped[str | None] = mapped_column(String(120))  # the task (or intake) it came with
    uploaded_by: Mapped[str] = mapped_column(String(80))
    uploaded_at: Mapped[datetime]
