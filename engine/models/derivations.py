"""Derivation to partner agencies: the registry, each derivation, its deliveries (outbox), callback events."""

from __future__ import annotations

from datetime import datetime
from typing import Any

from sqlalchemy import (
    JSON,
    Boolean,
    ForeignKey,
    Index,
    Integer,
    String,
    Text,
    UniqueConstraint,
)
from sqlalchemy.orm import Mapped, mapped_column

from .base import Base


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
