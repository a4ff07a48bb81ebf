"""Deactivating a platform: from the day after its last day it attends no one, and its open cases go, each
through the step path and logged on the case, to the platform the administrator names."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime, timedelta

from sqlalchemy import select
from sqlalchemy.orm import Session

from ... import deadlines
from ...access import Actor
from ...errors import Conflict, EngineError, FieldError, FormInvalid
from ...models import Case
from ...store import CatalogStore
from .. import transfers
from . import audit
from .platform_fields import is_active
from .platforms import PlatformView, get_platform, managed_row

NATIONAL = frozenset({"regional_office", "call_center", "web"})


class PlatformHasOpenCases(Conflict):
    """Deactivating needs a destination for the platform's open cases; nothing changed."""

    type = "/problems/platform-has-open-cases"
    title = "La plataforma tiene casos abiertos"

    def __init__(self, count: int) -> None:
        super().__init__(f"la plataforma tiene {count} caso(s) abierto(s): indique a qué plataforma pasan")
        self.count = count


class PlatformNotClosable(EngineError):
    status = 422
    type = "/problems/platform-not-closable"
    title = "Esta plataforma no se puede desactivar"


@dataclass(frozen=True)
class Deactivated:
    platform: PlatformView
    moved: list[str]  # the folios transferred


def deactivate_platform(
    s: Session,
    store: CatalogStore,
    code: str,
    actor: Actor,
    now: datetime,
    to_platform: str | None = None,
    reason: str = "",
) -> Deactivated:
    """Close the platform from today on (its last day was yesterday) and move its open cases to
    ``to_platform``; PlatformHasOpenCases (409) if it has some and no destination was named."""
    row = managed_row(s, code, actor)
    today = deadlines.local_date(now)
    if row.kind in NATIONAL:
        raise PlatformNotClosable("la Dirección Regional, el centro de llamados y la web no se desactivan")
    if not is_active(row.active_from, row.active_to, today):
        raise PlatformNotClosable("la plataforma ya está inactiva")
    open_cases = list(
        s.execute(
            select(Case).where(Case.platform_code == code, Case.status != "closed").order_by(Case.id)
        ).scalars()
    )
    if open_cases and not to_platform:
        raise PlatformHasOpenCases(len(open_cases))
    if open_cases:
        _check_destination(s, code, to_platform or "", actor, now)
    why = reason.strip() or f"Cierre de la plataforma {row.name}"
    for case in open_cases:
        transfers.relocate_case(s, store, case, to_platform or "", why, actor, now)
    row.active_to = today - timedelta(days=1)
    moved = [c.folio or "" for c in open_cases]
    audit.record(
        s,
        actor,
        "platform_deactivated",
        code,
        f"{row.name}: {len(moved)} caso(s) a {to_platform or '—'}",
        now,
        row.region_code,
        {"to_platform": to_platform, "moved": moved, "reason": why},
    )
    return Deactivated(get_platform(s, code, actor, now), moved)


def _check_destination(s: Session, code: str, to_platform: str, actor: Actor, now: datetime) -> None:
    """The destination is another platform of the region that attends today."""
    problem = None
    try:
        dest = get_platform(s, to_platform, actor, now)
    except EngineError:
        problem = "Elija una plataforma de su región."
    else:
        if dest.code == code:
            problem = "Elija otra plataforma: los casos no pueden quedarse en la que se desactiva."
        elif not dest.active:
            problem = "La plataforma de destino no está activa."
    if problem:
        raise FormInvalid([FieldError("to_platform", problem)])
