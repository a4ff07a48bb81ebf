"""Staff sign-in: lockout after repeated failures, the record of attempts, and the account a session holds.

Rules (brute-force protection for staff accounts): 5 failures for one username within 15 minutes lock that
username for 15 minutes; 20 failures from one address within 15 minutes block that address for 15 minutes.
A successful sign-in resets the username's count. The lock is checked before the password is verified, so
a locked account answers the same whether the password is right or wrong, and locked attempts are not
recorded (they verify nothing).
"""

from __future__ import annotations

import math
from dataclasses import dataclass
from datetime import datetime, timedelta
from typing import Any

from sqlalchemy import delete, func, select
from sqlalchemy.orm import Session

from ..errors import EngineError, Unauthenticated
from ..models import LoginAttempt, Platform, Provider, Region, User
from ..roles import ROLES
from . import users

WINDOW = timedelta(minutes=15)
LOCK = timedelta(minutes=15)
USERNAME_FAILURES = 5
ADDRESS_FAILURES = 20
UNKNOWN_ADDRESS = "-"
RETENTION = timedelta(days=90)  # sign-in attempts kept for audit; older ones can lock nothing


class LoginLocked(EngineError):
    """Too many failed sign-ins for this username or from this address; try again later."""

    status = 429
    type = "/problems/login-locked"
    title = "Ingreso bloqueado temporalmente"

    def __init__(self, detail: str, retry_after: timedelta) -> None:
        super().__init__(detail)
        self.retry_after = retry_after


@dataclass(frozen=True)
class Account:
    """A signed-in staff member as the web layer shows and scopes them."""

    id: int
    username: str
    full_name: str
    role: str
    platform_code: str | None
    region_code: str | None
    platform_name: str | None
    region_name: str | None
    provider_rut: str | None = None  # role proveedor: the company the account answers for
    provider_name: str | None = None
    platform_kind: str | None = None  # regional_office, municipal, call_center, web
    must_change_password: bool = False  # signed in with a temporary password: choose one first

    @property
    def role_label(self) -> str:
        return ROLES.get(self.role, self.role)

    @property
    def channel(self) -> str:
        """The channel the account's actions go through: the call center's staff work by phone, the rest of
        the staff in person, a company through the web."""
        if self.role == "proveedor":
            return "web"
        return "phone" if self.platform_kind == "call_center" else "in_person"


def _minutes(delta: timedelta) -> str:
    count = max(1, math.ceil(delta.total_seconds() / 60))
    return f"{count} minuto" if count == 1 else f"{count} minutos"


def _lock_end(failures: list[datetime], limit: int) -> datetime | None:
    """End of the lock the newest ``limit`` failures (newest first) impose, if they fall within WINDOW."""
    if len(failures) < limit or failures[0] - failures[limit - 1] >= WINDOW:
        return None
    return failures[0] + LOCK


def _failures(s: Session, column: Any, value: str, since: datetime, limit: int) -> list[datetime]:
    """Times of the newest failures matching ``column == value`` after ``since``, newest first."""
    rows = s.execute(
        select(LoginAttempt.at)
        .where(column == value, LoginAttempt.succeeded.is_(False), LoginAttempt.at > since)
        .order_by(LoginAttempt.at.desc())
        .limit(limit)
    )
    return list(rows.scalars())


def _last_success(s: Session, username: str, since: datetime) -> datetime | None:
    return s.execute(
        select(func.max(LoginAttempt.at)).where(
            LoginAttempt.username == username, LoginAttempt.succeeded.is_(True), LoginAttempt.at > since
        )
    ).scalar_one_or_none()


def ensure_allowed(s: Session, username: str, remote_addr: str, now: datetime) -> None:
    """Raise LoginLocked when the username or the address is locked at ``now``."""
    horizon = now - WINDOW - LOCK  # older failures can no longer lock anything
    since = _last_success(s, username, horizon) or horizon
    end = _lock_end(
        _failures(s, LoginAttempt.username, username, since, USERNAME_FAILURES), USERNAME_FAILURES
    )
    if end is not None and now < end:
        raise LoginLocked(
            f"Cuenta bloqueada temporalmente por intentos fallidos; intente en {_minutes(end - now)}.",
            end - now,
        )
    failures = _failures(s, LoginAttempt.remote_addr, remote_addr, horizon, ADDRESS_FAILURES)
    end = _lock_end(failures, ADDRESS_FAILURES)
    if end is not None and now < end:
        raise LoginLocked(
            f"Demasiados intentos fallidos desde esta dirección; intente en {_minutes(end - now)}.",
            end - now,
        )


def record_attempt(s: Session, username: str, remote_addr: str, now: datetime, succeeded: bool) -> None:
    """Store one attempt (values cut to the column sizes: usernames typed at a login form are untrusted)."""
    s.add(
        LoginAttempt(
            username=username[:80],
            remote_addr=(remote_addr or UNKNOWN_ADDRESS)[:64],
            at=now,
            succeeded=succeeded,
        )
    )


def prune_attempts(s: Session, now: datetime) -> int:
    """Delete the sign-in attempts older than RETENTION; the number deleted."""
    done = s.execute(delete(LoginAttempt).where(LoginAttempt.at < now - RETENTION))
    return int(getattr(done, "rowcount", 0) or 0)


def sign_in(s: Session, username: str, password: str, remote_addr: str, now: datetime) -> Account | None:
    """Check the lockout, then the password, and record the attempt. None when the credentials are wrong
    (the caller commits, so the failure counts); raises LoginLocked without looking at the password."""
    remote_addr = (remote_addr or UNKNOWN_ADDRESS)[:64]
    ensure_allowed(s, username[:80], remote_addr, now)
    try:
        user = users.check_password(s, username, password)
    except Unauthenticated:
        record_attempt(s, username, remote_addr, now, succeeded=False)
        return None
    record_attempt(s, username, remote_addr, now, succeeded=True)
    return _account(s, user)


def _account(s: Session, user: User) -> Account:
    platform = s.get(Platform, user.platform_code) if user.platform_code else None
    region = s.get(Region, user.region_code) if user.region_code else None
    provider = s.get(Provider, user.provider_rut) if user.provider_rut else None
    return Account(
        id=user.id,
        username=user.username,
        full_name=user.full_name or user.username,
        role=user.role,
        platform_code=user.platform_code,
        region_code=user.region_code,
        platform_name=platform.name if platform else None,
        region_name=region.name if region else None,
        provider_rut=user.provider_rut,
        provider_name=(provider.trade_name or provider.legal_name) if provider else None,
        platform_kind=platform.kind if platform else None,
        must_change_password=user.must_change_password,
    )


def account_by_id(s: Session, user_id: int) -> Account | None:
    """The active account with this id (a deactivated user's session stops working at once)."""
    user = s.get(User, user_id)
    if user is None or not user.active:
        return None
    return _account(s, user)
