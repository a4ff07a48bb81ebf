"""Staff accounts managed by platform administrators (SPEC §1): create accounts for their region's platforms
with a role they may grant, deactivate them (their open tasks go back to the platform's queue, logged on each
case), reset a password to a temporary one shown once. Nivel central reads every account."""

from __future__ import annotations

import re
import secrets
from collections.abc import Mapping
from dataclasses import dataclass
from datetime import datetime
from typing import Any

from sqlalchemy import select, update
from sqlalchemy.orm import Session

from ... import caselog
from ...access import Actor
from ...errors import FieldError, Forbidden, FormInvalid, NotFound, Unauthenticated
from ...models import ApiToken, HumanTask, Platform, User
from ...roles import ROLES
from .. import users
from . import audit
from .platforms import MANAGER, READERS

# What a platform administrator may grant: never nivel central, analyst, integrator (nor company accounts).
GRANTABLE = ("ejecutivo", "supervisor", "abogado", "director_regional", "admin_plataformas")
_USERNAME = re.compile(r"^[a-z0-9][a-z0-9._-]{2,79}$")
_EMAIL = re.compile(r"^[^@\s]+@[^@\s]+\.[^@\s]+$")


@dataclass(frozen=True)
class AccountView:
    id: int
    username: str
    full_name: str
    email: str | None
    role: str
    role_label: str
    platform_code: str | None
    region_code: str | None
    active: bool
    must_change_password: bool
    created_at: datetime


@dataclass(frozen=True)
class Created:
    """A new account, or a reset one, and its temporary password: shown once, never stored in clear."""

    account: AccountView
    temporary_password: str


def _view(u: User) -> AccountView:
    return AccountView(
        u.id,
        u.username,
        u.full_name,
        u.email,
        u.role,
        ROLES.get(u.role, u.role),
        u.platform_code,
        u.region_code,
        u.active,
        u.must_change_password,
        u.created_at,
    )


def _reader(actor: Actor) -> None:
    if actor.role not in READERS:
        raise Forbidden("su perfil no administra cuentas")


def _manager(actor: Actor) -> None:
    if actor.role != MANAGER or not actor.region_code:
        raise Forbidden("solo un/a administrador/a de plataformas gestiona las cuentas de su región")


def list_accounts(s: Session, actor: Actor) -> list[AccountView]:
    """The staff accounts of the administrator's region (nivel central: every staff account)."""
    _reader(actor)
    query = select(User).where(User.role != "proveedor").order_by(User.active.desc(), User.username)
    if actor.role == MANAGER:
        query = query.where(User.region_code == actor.region_code)
    return [_view(u) for u in s.execute(query).scalars()]


def _account_row(s: Session, username: str, actor: Actor, manage: bool) -> User:
    (_manager if manage else _reader)(actor)
    row = s.execute(select(User).where(User.username == username)).scalar_one_or_none()
    if row is None or row.role == "proveedor":
        raise NotFound(f"no existe la cuenta {username}")
    if actor.role == MANAGER and row.region_code != actor.region_code:
        raise Forbidden("solo puede administrar las cuentas de su región")
    return row


def get_account(s: Session, username: str, actor: Actor) -> AccountView:
    """One account the actor reads."""
    return _view(_account_row(s, username, actor, manage=False))


def _temporary() -> str:
    return secrets.token_urlsafe(9)  # 12 characters, 72 bits: used once, then changed


def _checked(s: Session, data: Mapping[str, Any], actor: Actor) -> dict[str, Any]:
    """The new account's fields, or FormInvalid; a role it may not grant or another region: Forbidden."""
    role = str(data.get("role") or "")
    if role in ROLES and role not in GRANTABLE:
        raise Forbidden(f"no puede otorgar el rol {ROLES[role]}")
    out = {k: str(data.get(k) or "").strip() for k in ("username", "full_name", "email", "platform")}
    problems = []
    if not _USERNAME.match(out["username"]):
        problems.append(
            FieldError("username", "Use de 3 a 80 letras minúsculas, dígitos, punto, guion o guion bajo.")
        )
    if not 3 <= len(out["full_name"]) <= 120:
        problems.append(FieldError("full_name", "Ingrese el nombre completo (3 a 120 caracteres)."))
    if out["email"] and (len(out["email"]) > 160 or not _EMAIL.match(out["email"])):
        problems.append(FieldError("email", "Correo electrónico inválido."))
    if role not in GRANTABLE:
        problems.append(FieldError("role", "Elija un rol."))
    platform = s.get(Platform, out["platform"]) if out["platform"] else None
    if platform is not None and platform.region_code != actor.region_code:
        raise Forbidden("solo puede crear cuentas para las plataformas de su región")
    if role == "ejecutivo" and platform is None:
        problems.append(FieldError("platform", "Un/a ejecutivo/a atiende en una plataforma: elíjala."))
    if s.execute(select(User.id).where(User.username == out["username"])).first():
        problems.append(FieldError("username", "Ese nombre de usuario ya existe."))
    if problems:
        raise FormInvalid(problems)
    return {**out, "role": role, "platform": platform.code if platform and role == "ejecutivo" else None}


def create_account(s: Session, data: Mapping[str, Any], actor: Actor, now: datetime) -> Created:
    """A staff account of the administrator's region, with a temporary password changed at first sign-in."""
    _manager(actor)
    fields = _checked(s, data, actor)
    password = _temporary()
    region = None if fields["platform"] else actor.region_code
    row = users.add_user(
        s, fields["username"], password, fields["role"], now, fields["platform"], region, fields["full_name"]
    )
    row.email, row.must_change_password = fields["email"] or None, True
    summary = f"{row.username} ({ROLES[row.role]}{', ' + row.platform_code if row.platform_code else ''})"
    audit.record(s, actor, "user_created", row.username, summary, now, actor.region_code, {"role": row.role})
    return Created(_view(row), password)


def reset_password(s: Session, username: str, actor: Actor, now: datetime) -> Created:
    """A new temporary password (shown once); the account must choose its own at the next sign-in."""
    row = _account_row(s, username, actor, manage=True)
    password = _temporary()
    row.password_hash, row.must_change_password = users.HASHER.hash(password), True
    audit.record(
        s, actor, "user_password_reset", username, f"{username}: contraseña temporal", now, actor.region_code
    )
    return Created(_view(row), password)


def deactivate_account(s: Session, username: str, actor: Actor, now: datetime) -> AccountView:
    """The account can no longer sign in or use its tokens; its open tasks return to their platform's queue
    (unassigned), each logged on its case."""
    row = _account_row(s, username, actor, manage=True)
    if row.username == actor.username:
        raise FormInvalid([FieldError("username", "No puede desactivar su propia cuenta.")])
    row.active = False
    held = list(
        s.execute(
            select(HumanTask).where(HumanTask.assignee == username, HumanTask.status == "open")
        ).scalars()
    )
    for task in held:
        task.assignee = None
        caselog.append_log(
            s,
            task.case_id,
            [
                caselog.by(
                    actor,
                    "task_released",
                    f"Tarea devuelta a la bandeja de la plataforma: {task.name} "
                    f"(cuenta {username} desactivada)",
                    element_id=task.element_id,
                )
            ],
            now,
        )
    s.execute(update(ApiToken).where(ApiToken.user_id == row.id).values(revoked=True))
    summary = f"{username}: {len(held)} tarea(s) devuelta(s) a la bandeja"
    audit.record(
        s, actor, "user_deactivated", username, summary, now, actor.region_code, {"tasks": len(held)}
    )
    return _view(row)


def change_own_password(s: Session, username: str, current: str, new: str, repeated: str) -> None:
    """The signed-in person replaces their password (a temporary one before anything else)."""
    problems = []
    if len(new) < users.MIN_PASSWORD or len(new) > 1024:
        problems.append(
            FieldError("new", f"La nueva contraseña debe tener entre {users.MIN_PASSWORD} y 1024 caracteres.")
        )
    elif new != repeated:
        problems.append(FieldError("repeated", "Las contraseñas no coinciden."))
    elif new == current:
        problems.append(FieldError("new", "Elija una contraseña distinta de la temporal."))
    try:
        row = users.check_password(s, username, current)
    except Unauthenticated:
        problems.insert(0, FieldError("current", "La contraseña actual no es correcta."))
    if problems:
        raise FormInvalid(problems)
    row.password_hash, row.must_change_password = users.HASHER.hash(new), False
