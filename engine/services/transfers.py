"""Transfer a case's open work to another ejecutivo, platform or region, with a reason, without re-entry."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime

from sqlalchemy import select, update
from sqlalchemy.orm import Session

from .. import runtime
from ..access import Actor, find_case
from ..caselog import LogEvent
from ..errors import EngineError, Forbidden
from ..models import Case, HumanTask, Notification, Platform, User
from ..persistence import Loaded
from ..roles import CASE_STAFF, may_work
from ..store import CatalogStore
from . import steps
from .cases import CaseSummary, summarize


class TransferInvalid(EngineError):
    status = 422
    type = "/problems/transfer-invalid"
    title = "Traspaso inválido"


@dataclass(frozen=True)
class Destination:
    platform: Platform
    user: User | None


def _destination(s: Session, to_platform: str | None, to_user: str | None) -> Destination:
    user = None
    if to_user:
        user = s.execute(
            select(User).where(User.username == to_user, User.active.is_(True))
        ).scalar_one_or_none()
        if user is None or user.role not in CASE_STAFF:
            raise TransferInvalid(f"'{to_user}' no es un/a funcionario/a activo/a que atienda casos")
    code = to_platform or (user.platform_code if user else None)
    if not code and user is not None:
        code = s.execute(
            select(Platform.code).where(
                Platform.region_code == user.region_code, Platform.kind == "regional_office"
            )
        ).scalar_one_or_none()
    platform = s.get(Platform, code) if code else None
    if platform is None:
        raise TransferInvalid("indique una plataforma de destino válida o un/a funcionario/a")
    if user is not None and user.role == "ejecutivo" and user.platform_code != platform.code:
        raise TransferInvalid(f"{user.username} no atiende en la plataforma {platform.code}")
    if user is not None and user.region_code and user.region_code != platform.region_code:
        raise TransferInvalid(f"{user.username} no pertenece a la región de la plataforma {platform.code}")
    return Destination(platform, user)


def transfer_case(
    s: Session,
    store: CatalogStore,
    folio: str,
    actor: Actor,
    reason: str,
    now: datetime,
    to_platform: str | None = None,
    to_user: str | None = None,
) -> CaseSummary:
    """Move the case and its open tasks; the process keeps running where it was, with its new region."""
    if actor.read_only or actor.role not in CASE_STAFF:
        raise Forbidden("su perfil no puede traspasar casos")
    if len(reason.strip()) < 5:
        raise TransferInvalid("indique el motivo del traspaso (al menos 5 caracteres)")
    case = find_case(s, folio, actor)
    _relocate(s, store, case, _destination(s, to_platform, to_user), reason, actor, now)
    return summarize(case, now)


def relocate_case(
    s: Session, store: CatalogStore, case: Case, to_platform: str, reason: str, actor: Actor, now: datetime
) -> None:
    """Move a case the caller has already authorised (e.g. a platform administrator closing its platform)
    to another platform, through the step path, logged on the case like any transfer."""
    _relocate(s, store, case, _destination(s, to_platform, None), reason, actor, now)


def _relocate(
    s: Session, store: CatalogStore, case: Case, dest: Destination, reason: str, actor: Actor, now: datetime
) -> None:
    before = {"platform": case.platform_code, "region": case.region_code}

    def act(loaded: Loaded, trail: runtime.Trail) -> list[LogEvent]:
        where = {"region": dest.platform.region_code, "platform": dest.platform.code}
        runtime.set_variables(loaded.wf, where)
        _move(s, case, dest, reason, now)
        return [_moved(case, dest, before, reason, actor)]

    steps.advance(s, store, case.id, act, actor, now)


def _move(s: Session, case: Case, dest: Destination, reason: str, now: datetime) -> None:
    """The case row and its open tasks go to the destination (a named person gets them and a notice)."""
    case.platform_code, case.region_code = dest.platform.code, dest.platform.region_code
    s.execute(
        update(HumanTask)
        .where(HumanTask.case_id == case.id, HumanTask.status == "open")
        .values(platform_code=dest.platform.code, region_code=dest.platform.region_code, assignee=None)
        .execution_options(synchronize_session=False)
    )
    if dest.user is not None:
        _assign(s, case.id, dest.user)
        s.add(
            Notification(
                username=dest.user.username,
                case_id=case.id,
                created_at=now,
                message=f"Se le traspasó el caso {case.folio}: {reason.strip()}"[:300],
            )
        )


def _moved(case: Case, dest: Destination, before: dict[str, str], reason: str, actor: Actor) -> LogEvent:
    return LogEvent(
        "transfer",
        f"Traspaso a {dest.platform.name}" + (f" ({dest.user.username})" if dest.user else ""),
        actor=actor.username,
        role=actor.role,
        channel=actor.channel,
        data={
            "from": before,
            "to": {
                "platform": dest.platform.code,
                "region": dest.platform.region_code,
                "user": dest.user.username if dest.user else None,
            },
            "reason": reason.strip(),
        },
    )


def _assign(s: Session, case_id: int, user: User) -> None:
    tasks = s.execute(
        select(HumanTask).where(HumanTask.case_id == case_id, HumanTask.status == "open")
    ).scalars()
    for task in tasks:
        if may_work(user.role, task.role):
            task.assignee = user.username
