"""Organisation and people: regions, comunas, platforms, providers, staff accounts, tokens, sign-ins."""

from __future__ import annotations

from datetime import date, datetime

from sqlalchemy import (
    Boolean,
    Date,
    ForeignKey,
    Index,
    Integer,
    String,
    false,
)
from sqlalchemy.orm import Mapped, mapped_column

from .base import Base


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
    # regional_office, municipal, governorate, library, call_center, web, other (services/platforms.KINDS)
    kind: Mapped[str] = mapped_column(String(20))
    region_code: Mapped[str] = mapped_column(ForeignKey("regions.code"), index=True)
    comuna_code: Mapped[str | None] = mapped_column(ForeignKey("comunas.code"))
    online: Mapped[bool] = mapped_column(Boolean, default=True)  # False: keeps manual (paper) records
    agreement_on: Mapped[date | None] = mapped_column(Date)  # the convenio's signing date
    # The registry's details (migration 0013): address, person in charge and contact, when it attends.
    address: Mapped[str] = mapped_column(String(200), server_default="")
    manager_name: Mapped[str] = mapped_column(String(120), server_default="")
    email: Mapped[str | None] = mapped_column(String(160))
    phone: Mapped[str | None] = mapped_column(String(30))
    active_from: Mapped[date | None] = mapped_column(Date)  # first day it attends (None: always has)
    active_to: Mapped[date | None] = mapped_column(Date)  # last day it attended (None: still attends)


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
    updated_at: Mapped[datetime | None]  # the last change, and who made it (None: never changed)
    updated_by: Mapped[str | None] = mapped_column(String(80))


class Consumer(Base):
    """One person per RUT (SPEC §4): the latest contact data any of their cases gave (updated at each intake,
    in the step's transaction). Their history is the cases with this consumer_rut."""

    __tablename__ = "consumers"
    rut: Mapped[str] = mapped_column(String(12), primary_key=True)  # canonical 12345678-5
    name: Mapped[str] = mapped_column(String(160), default="")
    email: Mapped[str | None] = mapped_column(String(160))
    phone: Mapped[str | None] = mapped_column(String(30))
    comuna_code: Mapped[str | None] = mapped_column(ForeignKey("comunas.code"))
    created_at: Mapped[datetime]
    updated_at: Mapped[datetime]


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
    email: Mapped[str | None] = mapped_column(String(160))  # where urgent notices and the digest go
    daily_digest: Mapped[bool] = mapped_column(Boolean, default=False)  # one e-mail a day with the unread
    digest_sent_on: Mapped[date | None] = mapped_column(Date)
    # A temporary password an administrator set: the next sign-in must choose a new one (migration 0013).
    must_change_password: Mapped[bool] = mapped_column(Boolean, server_default=false(), default=False)


class ApiToken(Base):
    """A bearer token; only its SHA-256 is stored."""

    __tablename__ = "api_tokens"
    __table_args__ = {"sqlite_autoincrement": True}
    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    user_id: Mapped[int] = mapped_column(ForeignKey("users.id"), index=True)
    token_hash: Mapped[str] = mapped_column(String(64), unique=True)
    created_at: Mapped[datetime]
    revoked: Mapped[bool] = mapped_column(Boolean, default=False)


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
