"""The citizen side: how a public intake came in (consent, library kiosk), citizen e-mails waiting to be
sent, SONI feedback and the consumer's verdict on a closed reclamo."""

from __future__ import annotations

from datetime import date, datetime

from sqlalchemy import Boolean, Date, ForeignKey, Index, Integer, String, Text
from sqlalchemy.orm import Mapped, mapped_column

from .base import Base


class CitizenIntake(Base):
    """A case a citizen filed (portal, kiosk or the public API): the consent given and the library, if any."""

    __tablename__ = "citizen_intakes"
    __table_args__ = (Index("ix_citizen_intakes_library_at", "library_code", "filed_at"),)
    case_id: Mapped[int] = mapped_column(ForeignKey("cases.id"), primary_key=True)
    library_code: Mapped[str | None] = mapped_column(ForeignKey("platforms.code"))
    consent_version: Mapped[str] = mapped_column(String(40))
    filed_at: Mapped[datetime]


class MailOutbox(Base):
    """An e-mail to a citizen or a company, recorded in the transaction that caused it and sent afterwards
    by the scheduler (claimed like the other outboxes: lease, backoff, ``failed`` after the last attempt)."""

    __tablename__ = "mail_outbox"
    __table_args__ = (
        Index("ix_mail_outbox_due", "status", "next_attempt_at"),
        {"sqlite_autoincrement": True},
    )
    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    case_id: Mapped[int | None] = mapped_column(ForeignKey("cases.id"), index=True)
    purpose: Mapped[str] = mapped_column(String(40))  # confirmation, verdict, company_notice ...
    recipient: Mapped[str] = mapped_column(String(254))
    subject: Mapped[str] = mapped_column(String(300))
    body: Mapped[str] = mapped_column(Text)
    status: Mapped[str] = mapped_column(String(20), default="pending")
    attempts: Mapped[int] = mapped_column(Integer, default=0)
    next_attempt_at: Mapped[datetime]
    last_error: Mapped[str | None] = mapped_column(Text)
    created_at: Mapped[datetime]
    done_at: Mapped[datetime | None]


class Feedback(Base):
    """A SONI case (Su Opinión Nos Interesa): its type, the case and platform it is about, its channel."""

    __tablename__ = "feedback"
    case_id: Mapped[int] = mapped_column(ForeignKey("cases.id"), primary_key=True)
    type: Mapped[str] = mapped_column(String(20), index=True)  # complaint, suggestion, praise
    about_case_id: Mapped[int | None] = mapped_column(ForeignKey("cases.id"))
    about_platform: Mapped[str | None] = mapped_column(ForeignKey("platforms.code"))


class Verdict(Base):
    """The consumer's verdict on a closed reclamo: asked by e-mail with a link valid 20 días hábiles."""

    __tablename__ = "verdicts"
    __table_args__ = {"sqlite_autoincrement": True}
    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    case_id: Mapped[int] = mapped_column(ForeignKey("cases.id"), index=True)
    token_hash: Mapped[str] = mapped_column(String(64), unique=True)  # SHA-256 of the e-mailed link's token
    asked_at: Mapped[datetime]
    valid_until: Mapped[date] = mapped_column(Date)
    promised_on: Mapped[date | None] = mapped_column(Date)  # the company's committed fulfilment date
    answered_at: Mapped[datetime | None]
    resolved: Mapped[str | None] = mapped_column(String(10))  # si, en_parte, no
    rating: Mapped[int | None] = mapped_column(Integer)
    comment: Mapped[str | None] = mapped_column(Text)
    reopened: Mapped[bool] = mapped_column(Boolean, default=False)
