"""API tokens as administrators see them: listed with their account and state, revoked one by one. (Expiry
and last use belong to the token hardening work: shown here once the model carries them.)"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime

from sqlalchemy import Select, select
from sqlalchemy.orm import Session

from ...access import Actor
from ...errors import Forbidden, NotFound
from ...models import ApiToken, User
from . import audit
from .platforms import MANAGER, READERS


@dataclass(frozen=True)
class TokenView:
    id: int
    username: str
    role: str
    created_at: datetime
    revoked: bool


def _scoped(actor: Actor) -> Select[tuple[ApiToken, User]]:
    if actor.role not in READERS:
        raise Forbidden("su perfil no administra tokens")
    query = select(ApiToken, User).join(User, User.id == ApiToken.user_id)
    return query.where(User.region_code == actor.region_code) if actor.role == MANAGER else query


def list_tokens(s: Session, actor: Actor) -> list[TokenView]:
    """The tokens of the administrator's region's accounts (nivel central: every token), newest first."""
    rows = s.execute(_scoped(actor).order_by(ApiToken.id.desc()).limit(500)).tuples()
    return [TokenView(t.id, u.username, u.role, t.created_at, t.revoked) for t, u in rows]


def revoke_token(s: Session, token_id: int, actor: Actor, now: datetime) -> TokenView:
    """Revoke a token of the administrator's region at once (its next request is a 401)."""
    if actor.role != MANAGER:
        raise Forbidden("solo un/a administrador/a de plataformas revoca tokens")
    found = s.execute(_scoped(actor).where(ApiToken.id == token_id)).tuples().one_or_none()
    if found is None:
        raise NotFound("no existe ese token en su región")
    token, user = found
    if not token.revoked:
        token.revoked = True
        audit.record(
            s,
            actor,
            "token_revoked",
            user.username,
            f"Token n.° {token.id} de {user.username}",
            now,
            actor.region_code,
        )
    return TokenView(token.id, user.username, user.role, token.created_at, token.revoked)
