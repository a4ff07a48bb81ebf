"""SQLAlchemy 2.0 models: content versions, cases, engine state, projections, log, users."""

from __future__ import annotations

from datetime import UTC, date, datetime
from typing import Any, ClassVar

from sqlalchemy import (
    JSON,
    BigInteger,
    Boolean,
    Date,
    DateTime,
    ForeignKey,
    Index,
    Integer,
    LargeBinary,
    MetaData,
    String,
    Text,
    TypeDecorator,
    UniqueConstraint,
    text,
)
from sqlalchemy.engine import Dialect
from sqlalchemy.orm import DeclarativeBase, Mapped, mapped_column

NAMING = {
    "ix": "ix_%(column_0_label)s",
    "uq": "uq_%(table_name)s_%(column_0_name)s",
    "ck": "ck_%(table_name)s_%(constraint_name)s",
    "fk": "fk_%(table_name)s_%(column_0_name)s_%(referred_table_name)s",
    "pk": "pk_%(table_name)s",
}


class UTCDateTime(TypeDecorator[datetime]):
    """Stores tz-aware instants as UTC; SQLite has no time zones, so we normalise on the way in and out."""

    impl = DateTime(timezone=True)
    cache_ok = True

    def process_bind_param(self, value: datetime | None, dialect: Dialect) -> datetime | None:
        if value is None:
            return None
        if value.tzinfo is None:
            raise ValueError("naive datetime refused: pass a tz-aware instant")
        value = value.astimezone(UTC)
        return value.replace(tzinfo=None) if dialect.name == "sqlite" else value

    def process_result_value(self, value: datetime | None, dialect: Dialect) -> datetime | None:
        if value is None:
            return None
        return value.replace(tzinfo=UTC) if value.tzinfo is None else value.astimezone(UTC)


class Base(DeclarativeBase):
    metadata = MetaData(naming_convention=NAMING)
    type_annotation_map: ClassVar[dict[Any, Any]] = {
        datetime: UTCDateTime,
        dict[str, Any]: JSON,
        list[Any]: JSON,
    }


class ContentVersion(Base):
    """One immutable, content-hashed published set of processes, forms and letter templates."""

    __tablename__ = "content_versions"
    __table_args__ = {"sqlite_autoincrement": True}
    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    content_hash: Mapped[str] = mapped_column(String(64), unique=True)
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


class Region(Base):
    __tablename__ = "regions"
    code: Mapped[str] = mapped_column(String(2), primary_key=True)
    name: Mapped[str] = mapped_column(String(80))
    population: Mapped[int] = mapped_column(Integer)


class Comuna(Base):
    __tablename__ = "comunas"
    code: Mapped[str] = mapped_column(String(5), primary_key=True)
    name: Mapped[str] = mapped_column(String(80))
    region_code: Mapped[str] = mapped_column(ForeignKey("regions.code"), index=True)
    province_code: Mapped[str] = mapped_column(String(3))
    population: Mapped[int] = mapped_column(Integer)


class Platform(Base):
    """A place where staff attend the public: regional office, municipal platform, call center, web."""

    __tablename__ = "platforms"
    code: Mapped[str] = mapped_column(String(20), primary_key=True)
    name: Mapped[str] = mapped_column(String(120))
    kind: Mapped[str] = mapped_column(String(20))  # regional_office, municipal, call_center, web
    region_code: Mapped[str] = mapped_column(ForeignKey("regions.code"), index=True)
    comuna_code: Mapped[str | None] = mapped_column(ForeignKey("comunas.code"))
    online: Mapped[bool] = mapped_column(Boolean, default=True)
    agreement_on: Mapped[date | None] = mapped_column(Date)


class Provider(Base):
    """A company consumers complain about (SPEC §3): digital ones answer through the portal/API."""

    __tablename__ = "providers"
    rut: Mapped[str] = mapped_column(String(12), primary_key=True)  # canonical 76086428-5
    legal_name: Mapped[str] = mapped_column(String(160))
    trade_name: Mapped[str] = mapped_column(String(160), default="")
    market: Mapped[str] = mapped_column(String(60), default="")
    email: Mapped[str | None] = mapped_column(String(160))
    digital: Mapped[bool] = mapped_column(Boolean, default=False)  # answers through the portal/API
    created_at: Mapped[datetime]


class User(Base):
    __tablename__ = "users"
    __table_args__ = {"sqlite_autoincrement": True}
    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    username: Mapped[str] = mapped_column(String(80), unique=True)
    full_name: Mapped[str] = mapped_column(String(120), default="")
    password_hash: Mapped[str] = mapped_column(String(255))
    role: Mapped[str] = mapped_column(String(30))
    platform_code: Mapped[str | None] = mapped_column(ForeignKey("platforms.code"))
    region_code: Mapped[str | None] = mapped_column(ForeignKey("regions.code"))
    provider_rut: Mapped[str | None] = mapped_column(ForeignKey("providers.rut"))  # role proveedor only
    active: Mapped[bool] = mapped_column(Boolean, default=True)
    created_at: Mapped[datetime]


class ApiToken(Base):
    """A bearer token; only its SHA-256 is stored."""

    __tablename__ = "api_tokens"
    __table_args__ = {"sqlite_autoincrement": True}
    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    user_id: Mapped[int] = mapped_column(ForeignKey("users.id"), index=True)
    token_hash: Mapped[str] = mapped_column(String(64), unique=True)
    created_at: Mapped[datetime]
    revoked: Mapped[bool] = mapped_column(Boolean, default=False)


class Case(Base):
    """The case row: what queries, inboxes and reports read. Engine state lives in Instance."""

    __tablename__ = "cases"
    __table_args__ = (
        Index("ix_cases_region_status_due", "region_code", "status", "due_on"),
        Index("ix_cases_platform_status_due", "platform_code", "status", "due_on"),
        # The bandeja's filters (migration 0006; its provider-prefix index moved to human_tasks in 0007).
        Index("ix_cases_stage", "stage"),
        Index("ix_cases_kind", "kind"),
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
    subject: Mapped[str] = mapped_column(String(200), default="")
    description: Mapped[str] = mapped_column(Text, default="")
    opened_at: Mapped[datetime]
    opened_on: Mapped[date] = mapped_column(Date)
    due_on: Mapped[date | None] = mapped_column(Date)
    warn_on: Mapped[date | None] = mapped_column(Date)  # from here on the case is "por vencer"
    closed_at: Mapped[datetime | None]
    outcome: Mapped[str | None] = mapped_column(String(40))
    opened_by: Mapped[str] = mapped_column(String(80))


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


def _inbox_indexes() -> list[Index]:
    return [
        _open_task_index(f"ix_human_tasks_inbox_{scope}{suffix}", f"{scope}_code", *keys)
        for scope in ("region", "platform")
        for suffix, keys in INBOX_KEYS.items()
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
    """A letter generated for a case (.docx always; PDF produced on first request and kept)."""

    __tablename__ = "documents"
    __table_args__ = {"sqlite_autoincrement": True}
    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    case_id: Mapped[int] = mapped_column(ForeignKey("cases.id"), index=True)
    letter_id: Mapped[str] = mapped_column(String(120))
    title: Mapped[str] = mapped_column(String(200))
    element_id: Mapped[str | None] = mapped_column(String(120))
    version_id: Mapped[int] = mapped_column(ForeignKey("content_versions.id"))
    docx: Mapped[bytes] = mapped_column(LargeBinary)
    pdf: Mapped[bytes | None] = mapped_column(LargeBinary)
    generated_at: Mapped[datetime]
    generated_by: Mapped[str] = mapped_column(String(80))


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


class LoginAttempt(Base):
    """One staff sign-in attempt (success or failure): the record the lockout rules count."""

    __tablename__ = "login_attempts"
    __table_args__ = (
        Index("ix_login_attempts_username_at", "username", "at"),
        Index("ix_login_attempts_remote_addr_at", "remote_addr", "at"),
        {"sqlite_autoincrement": True},
    )
    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    username: Mapped[str] = mapped_column(String(80))
    remote_addr: Mapped[str] = mapped_column(String(64))
    at: Mapped[datetime]
    succeeded: Mapped[bool] = mapped_column(Boolean)


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


class Agency(Base):
    """A partner agency of the derivation registry (SPEC §6): channel, endpoint, secret, plazos, process."""

    __tablename__ = "agencies"
    code: Mapped[str] = mapped_column(String(20), primary_key=True)
    name: Mapped[str] = mapped_column(String(160))
    markets: Mapped[list[Any]] = mapped_column(JSON, default=list)
    keywords: Mapped[list[Any]] = mapped_column(JSON, default=list)  # words in a case that suggest it
    channel: Mapped[str] = mapped_column(String(20))  # webservice, oficio
    endpoint_url: Mapped[str | None] = mapped_column(String(500))
    secret: Mapped[str] = mapped_column(String(200))  # HMAC-SHA256 key shared with the agency
    contact_email: Mapped[str | None] = mapped_column(String(160))
    ack_days: Mapped[int] = mapped_column(Integer, default=2)  # días hábiles to acknowledge
    answer_days: Mapped[int] = mapped_column(Integer, default=15)  # días hábiles to answer
    process: Mapped[str] = mapped_column(String(120), default="derivacion")  # the BPMN process it runs
    account: Mapped[str | None] = mapped_column(String(80))  # integrador user whose token may call back
    active: Mapped[bool] = mapped_column(Boolean, default=True)
    updated_at: Mapped[datetime]
    updated_by: Mapped[str] = mapped_column(String(80), default="sistema")


class Derivation(Base):
    """One derivation of a case to an agency; its id is what the agency calls back with."""

    __tablename__ = "derivations"
    id: Mapped[str] = mapped_column(String(36), primary_key=True)
    case_id: Mapped[int] = mapped_column(ForeignKey("cases.id"), index=True)
    agency_code: Mapped[str] = mapped_column(ForeignKey("agencies.code"), index=True)
    channel: Mapped[str] = mapped_column(String(20))
    # open: sent (or queued), acknowledged; closed: answered, returned, cancelled
    status: Mapped[str] = mapped_column(String(20), default="sent")
    created_at: Mapped[datetime]
    acknowledged_at: Mapped[datetime | None]
    closed_at: Mapped[datetime | None]
    answer: Mapped[str | None] = mapped_column(Text)


class DerivationDelivery(Base):
    """Outbox: one message to an agency (web service POST or oficio e-mail), sent outside case transactions
    by the scheduler, retried with backoff; ``failed`` is an open incident until someone retries it."""

    __tablename__ = "derivation_deliveries"
    __table_args__ = (
        Index("ix_derivation_deliveries_due", "status", "next_attempt_at"),
        {"sqlite_autoincrement": True},
    )
    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    derivation_id: Mapped[str] = mapped_column(ForeignKey("derivations.id"), index=True)
    kind: Mapped[str] = mapped_column(String(20))  # webservice, email
    status: Mapped[str] = mapped_column(String(20), default="pending")  # pending, sent, failed
    body: Mapped[str] = mapped_column(Text)  # the exact bytes signed and sent (JSON), or the e-mail text
    document_id: Mapped[int | None] = mapped_column(ForeignKey("documents.id"))
    attempts: Mapped[int] = mapped_column(Integer, default=0)
    next_attempt_at: Mapped[datetime]
    last_error: Mapped[str | None] = mapped_column(Text)
    created_at: Mapped[datetime]
    sent_at: Mapped[datetime | None]
    failed_at: Mapped[datetime | None]


class DerivationEvent(Base):
    """A callback (or a staff registration) received for a derivation; the event id makes replays harmless."""

    __tablename__ = "derivation_events"
    __table_args__ = (UniqueConstraint("derivation_id", "event_id"), {"sqlite_autoincrement": True})
    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    derivation_id: Mapped[str] = mapped_column(ForeignKey("derivations.id"), index=True)
    event_id: Mapped[str] = mapped_column(String(120))
    type: Mapped[str] = mapped_column(String(20))  # acknowledged, answered, returned
    received_at: Mapped[datetime]
    via: Mapped[str] = mapped_column(String(20))  # signature, token
    payload: Mapped[dict[str, Any]] = mapped_column(JSON, default=dict)


class Draft(Base):
    """An analyst's working copy of the whole content set (the workbench), seeded from a version."""

    __tablename__ = "drafts"
    __table_args__ = {"sqlite_autoincrement": True}
    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    owner: Mapped[str] = mapped_column(String(80), unique=True)
    base_version_id: Mapped[int] = mapped_column(ForeignKey("content_versions.id"))
    updated_at: Mapped[datetime]


class DraftFile(Base):
    """One file of a draft (processes/x.bpmn, forms/x.json, letter_templates/x.docx)."""

    __tablename__ = "draft_files"
    draft_id: Mapped[int] = mapped_column(ForeignKey("drafts.id"), primary_key=True)
    path: Mapped[str] = mapped_column(String(255), primary_key=True)
    body: Mapped[bytes] = mapped_column(LargeBinary)
