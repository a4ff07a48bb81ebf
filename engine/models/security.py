"""Web security state shared by every process: sessions, rate-limit counters and idempotency keys."""

from __future__ import annotations

from datetime import datetime
from typing import Any

from sqlalchemy import ForeignKey, Index, Integer, String, Text
from sqlalchemy.orm import Mapped, mapped_column

from .base import Base


class WebSession(Base):
    """A signed-in (or anonymous) browser session kept on the server; the cookie holds only a random id,
    stored here as its SHA-256 (a copy of this table opens no session)."""

    __tablename__ = "web_sessions"
    __table_args__ = (Index("ix_web_sessions_idle_until", "idle_until"),)
    id: Mapped[str] = mapped_column(String(64), primary_key=True)
    user_id: Mapped[int | None] = mapped_column(ForeignKey("users.id", ondelete="CASCADE"), index=True)
    data: Mapped[dict[str, Any]]
    created_at: Mapped[datetime]
    last_seen_at: Mapped[datetime]
    idle_seconds: Mapped[int] = mapped_column(Integer)
    idle_until: Mapped[datetime]  # last_seen_at + idle_seconds: closed by inactivity after this
    expires_at: Mapped[datetime]  # absolute end, whatever the activity


class RateCounter(Base):
    """Hits of one key in one fixed window (rate limits and sign-in counters), upserted atomically."""

    __tablename__ = "rate_counters"
    key: Mapped[str] = mapped_column(String(200), primary_key=True)
    window_start: Mapped[datetime] = mapped_column(primary_key=True)
    hits: Mapped[int] = mapped_column(Integer)
    expires_at: Mapped[datetime] = mapped_column(index=True)


class IdempotencyKey(Base):
    """The response a creating API request gave, kept under the caller's ``Idempotency-Key``."""

    __tablename__ = "idempotency_keys"
    owner: Mapped[str] = mapped_column(String(80), primary_key=True)  # the token's account
    key: Mapped[str] = mapped_column(String(200), primary_key=True)
    fingerprint: Mapped[str] = mapped_column(String(64))  # SHA-256 of method, path and body
    status: Mapped[int] = mapped_column(Integer)
    body: Mapped[str] = mapped_column(Text)
    location: Mapped[str | None] = mapped_column(String(300))
    content_type: Mapped[str] = mapped_column(String(100))
    created_at: Mapped[datetime]
    expires_at: Mapped[datetime] = mapped_column(index=True)
