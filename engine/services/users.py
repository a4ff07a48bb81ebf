"""Staff accounts and API tokens (argon2 password hashes; only a token's SHA-256 is stored; tokens expire,
can be revoked, and record when they were last used)."""

from __future__ import annotations

import hashlib
import secrets
from dataclasses import dataclass
from datetime import datetime, timedelta

from argon2 import PasswordHasher
from argon2.exceptions import InvalidHashError, VerificationError
from sqlalchemy import select
from sqlalchemy.orm import Session

from ..access import Actor
from ..db import Database
from ..errors import EngineError, NotFound, Unauthenticated
from ..models import ApiToken, Platform, Region, User
from ..roles import ROLES
from . import providers

HASHER = PasswordHasher()
MIN_PASSWORD = 8
TOKEN_DAYS = 90  # default life of an API token
MAX_TOKEN_DAYS = 730
USE_RESOLUTION = timedelta(minutes=5)  # last use is written at most this often (a write per call would queue)


class UserInvalid(EngineError):
    status = 422
    type = "/problems/user-invalid"
    title = "Datos de usuario inválidos"


def actor_of(user: User, channel: str | None = None) -> Actor:
    """The Actor services see for a stored user."""
    return Actor(user.username, user.role, user.platform_code, user.region_code, channel, user.provider_rut)


def add_user(
    s: Session,
    username: str,
    password: str,
    role: str,
    now: datetime,
    platform: str | None = None,
    region: str | None = None,
    full_name: str = "",
    provider: str | None = None,
) -> User:
    """Create an account; an ejecutivo needs a platform, regional roles a region (taken from it), a
    proveedor the RUT of a registered company that answers digitally (and nothing else)."""
    if role not in ROLES:
        raise UserInvalid(f"rol desconocido '{role}'; use uno de: {', '.join(ROLES)}")
    if len(password) < MIN_PASSWORD:
        raise UserInvalid(f"la contraseña debe tener al menos {MIN_PASSWORD} caracteres")
    if s.execute(select(User).where(User.username == username)).scalar_one_or_none() is not None:
        raise UserInvalid(f"el usuario '{username}' ya existe")
    if platform is not None:
        plat = s.get(Platform, platform)
        if plat is None:
            raise UserInvalid(f"plataforma desconocida '{platform}'")
        region = region or plat.region_code
    if region is not None and s.get(Region, region) is None:
        raise UserInvalid(f"región desconocida '{region}'")
    if role == "ejecutivo" and platform is None:
        raise UserInvalid("un/a ejecutivo/a necesita --platform")
    if role in ("supervisor", "abogado", "director_regional", "admin_plataformas") and region is None:
        raise UserInvalid(f"el rol {role} necesita --region")
    provider_rut = _provider_of(s, role, provider, platform, region)
    user = User(
        username=username,
        full_name=full_name or username,
        password_hash=HASHER.hash(password),
        role=role,
        platform_code=platform,
        region_code=region,
        provider_rut=provider_rut,
        active=True,
        created_at=now,
    )
    s.add(user)
    s.flush()
    return user


def _provider_of(
    s: Session, role: str, provider: str | None, platform: str | None, region: str | None
) -> str | None:
    """The canonical RUT a proveedor account answers for; only that role has one, and no staff scope."""
    if role != "proveedor":
        if provider is not None:
            raise UserInvalid("solo una cuenta con rol proveedor se asocia a una empresa (--provider)")
        return None
    if provider is None:
        raise UserInvalid("una cuenta proveedor necesita --provider con el RUT de la empresa")
    if platform is not None or region is not None:
        raise UserInvalid("una cuenta proveedor no tiene plataforma ni región")
    try:
        company = providers.get_provider(s, provider)
    except NotFound:
        raise UserInvalid(f"no hay un proveedor registrado con RUT {provider}") from None
    if not company.digital:
        raise UserInvalid(
            f"{company.name} responde por carta: márquela como digital antes de crear su cuenta"
        )
    return company.rut


_dummy_hashes: dict[int, str] = {}


def _dummy_hash() -> str:
    """A hash of a random password made with the current hasher: an unknown username is checked against it,
    so it costs the same work as a known one and timing does not tell which usernames exist (OWASP ASVS
    2.2.1)."""
    key = id(HASHER)
    if key not in _dummy_hashes:
        _dummy_hashes[key] = HASHER.hash(secrets.token_urlsafe(24))
    return _dummy_hashes[key]


def check_password(s: Session, username: str, password: str) -> User:
    """The active user with this password; Unauthenticated otherwise (same message and work either way)."""
    user = s.execute(
        select(User).where(User.username == username, User.active.is_(True))
    ).scalar_one_or_none()
    try:
        if not HASHER.verify(user.password_hash if user else _dummy_hash(), password) or user is None:
            raise Unauthenticated("usuario o contraseña incorrectos")
    except (VerificationError, InvalidHashError):
        raise Unauthenticated("usuario o contraseña incorrectos") from None
    return user


def _digest(token: str) -> str:
    return hashlib.sha256(token.encode()).hexdigest()


@dataclass(frozen=True)
class TokenView:
    """One API token as its owner's administrators see it (never the token itself)."""

    id: int
    username: str
    created_at: datetime
    expires_at: datetime
    revoked_at: datetime | None
    last_used_at: datetime | None

    def state(self, now: datetime) -> str:
        """vigente, revocado or vencido."""
        if self.revoked_at is not None:
            return "revocado"
        return "vencido" if self.expires_at <= now else "vigente"


def _user_named(s: Session, username: str) -> User:
    user = s.execute(select(User).where(User.username == username)).scalar_one_or_none()
    if user is None:
        raise NotFound(f"el usuario '{username}' no existe")
    return user


def create_token(s: Session, username: str, now: datetime, days: int = TOKEN_DAYS) -> str:
    """A new bearer token for the user valid ``days`` days, shown once."""
    if not 1 <= days <= MAX_TOKEN_DAYS:
        raise UserInvalid(f"la vigencia de un token va de 1 a {MAX_TOKEN_DAYS} días")
    user = _user_named(s, username)
    token = "vt_" + secrets.token_urlsafe(32)
    s.add(
        ApiToken(
            user_id=user.id,
            token_hash=_digest(token),
            created_at=now,
            expires_at=now + timedelta(days=days),
            revoked=False,
        )
    )
    return token


def _view(token: ApiToken, username: str) -> TokenView:
    return TokenView(
        token.id, username, token.created_at, token.expires_at, token.revoked_at, token.last_used_at
    )


def list_tokens(s: Session, username: str) -> list[TokenView]:
    """The user's tokens, newest first."""
    user = _user_named(s, username)
    rows = s.execute(select(ApiToken).where(ApiToken.user_id == user.id).order_by(ApiToken.id.desc()))
    return [_view(t, user.username) for t in rows.scalars()]


def revoke_token(s: Session, token_id: int, now: datetime) -> TokenView:
    """Revoke one token by its id (at once, in every process); revoking it again changes nothing."""
    row = s.get(ApiToken, token_id)
    if row is None:
        raise NotFound(f"no existe el token {token_id}")
    if not row.revoked:
        row.revoked, row.revoked_at = True, now
    owner = s.get(User, row.user_id)
    return _view(row, owner.username if owner else "")


def revoke_user_tokens(s: Session, username: str, now: datetime) -> int:
    """Revoke every live token of the user; how many were revoked."""
    user = _user_named(s, username)
    rows = s.execute(select(ApiToken).where(ApiToken.user_id == user.id, ApiToken.revoked.is_(False)))
    count = 0
    for row in rows.scalars():
        row.revoked, row.revoked_at, count = True, now, count + 1
    return count


def _token_row(s: Session, token: str, now: datetime) -> tuple[User, ApiToken]:
    found = s.execute(
        select(User, ApiToken)
        .join(ApiToken, ApiToken.user_id == User.id)
        .where(ApiToken.token_hash == _digest(token), User.active.is_(True))
    ).one_or_none()
    if found is None or found[1].revoked:
        raise Unauthenticated("token inválido o revocado")
    if found[1].expires_at <= now:
        raise Unauthenticated("el token venció: pida uno nuevo a un administrador")
    return found[0], found[1]


def user_for_token(s: Session, token: str, now: datetime) -> User:
    """The active user owning a live token (not revoked, not expired); Unauthenticated otherwise."""
    return _token_row(s, token, now)[0]


def authenticate_token(db: Database, token: str, now: datetime) -> User:
    """``user_for_token`` in a read transaction, then the token's last use recorded when it is older than
    USE_RESOLUTION (a short write of its own, so API reads do not queue behind each other)."""
    with db.reading() as s:
        user, row = _token_row(s, token, now)
        token_id, last = row.id, row.last_used_at
    if last is None or now - last >= USE_RESOLUTION:
        with db.writing() as s:
            used = s.get(ApiToken, token_id)
            if used is not None:
                used.last_used_at = now
    return user
