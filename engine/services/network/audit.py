"""The audit log of administrative actions: written with the action (same transaction), read by region."""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass
from datetime import datetime
from typing import Any

from sqlalchemy import func, insert, select
from sqlalchemy.orm import Session

from ...access import Actor
from ...errors import Forbidden
from ...models import AuditEntry, table

PAGE = 50
READERS = frozenset({"admin_plataformas", "nivel_central"})
ACTIONS: Mapping[str, str] = {
    "platform_created": "Plataforma creada",
    "platform_updated": "Plataforma modificada",
    "platform_agreement": "Convenio adjuntado",
    "platform_deactivated": "Plataforma desactivada",
    "user_created": "Cuenta creada",
    "user_updated": "Cuenta modificada",
    "user_deactivated": "Cuenta desactivada",
    "user_password_reset": "Contraseña temporal generada",
    "token_revoked": "Token revocado",
    "backentry_imported": "Carga de casos en papel",
    "legacy_imported": "Importación del sistema anterior",
}


@dataclass(frozen=True)
class AuditView:
    id: int
    at: datetime
    actor: str
    role: str
    action: str
    action_label: str
    target: str
    region_code: str | None
    summary: str
    data: Mapping[str, Any]


@dataclass(frozen=True)
class AuditPage:
    entries: list[AuditView]
    total: int
    page: int
    pages: int


def record(
    s: Session,
    actor: Actor,
    action: str,
    target: str,
    summary: str,
    now: datetime,
    region: str | None = None,
    data: Mapping[str, Any] | None = None,
) -> None:
    """Append one entry (never updated or deleted) in the caller's transaction."""
    s.execute(
        insert(table(AuditEntry)),
        [
            {
                "at": now,
                "actor": actor.username,
                "role": actor.role,
                "action": action,
                "target": target[:120],
                "region_code": region,
                "summary": summary[:300],
                "data": dict(data or {}),
            }
        ],
    )


def list_entries(s: Session, actor: Actor, page: int = 1, action: str = "") -> AuditPage:
    """Newest first: a platform administrator's region, or everything for nivel central (read only)."""
    if actor.role not in READERS:
        raise Forbidden("su perfil no consulta la auditoría")
    where = []
    if actor.role == "admin_plataformas":
        where.append(AuditEntry.region_code == actor.region_code)
    if action in ACTIONS:
        where.append(AuditEntry.action == action)
    total = s.execute(select(func.count()).select_from(AuditEntry).where(*where)).scalar_one()
    pages = max(1, -(-total // PAGE))
    page = min(max(1, page), pages)
    rows = s.execute(
        select(AuditEntry).where(*where).order_by(AuditEntry.id.desc()).limit(PAGE).offset((page - 1) * PAGE)
    ).scalars()
    entries = [
        AuditView(
            e.id,
            e.at,
            e.actor,
            e.role,
            e.action,
            ACTIONS.get(e.action, e.action),
            e.target,
            e.region_code,
            e.summary,
            dict(e.data or {}),
        )
        for e in rows
    ]
    return AuditPage(entries, total, page, pages)
