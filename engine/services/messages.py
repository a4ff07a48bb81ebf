"""Message use cases: deliver a message (e.g. a company's answer) to the case waiting for it."""

from __future__ import annotations

from collections.abc import Mapping
from datetime import datetime
from typing import Any

from sqlalchemy import select
from sqlalchemy.orm import Session

from .. import caselog, runtime
from ..access import Actor
from ..caselog import LogEvent
from ..errors import CaseNotFound, Conflict
from ..models import Case, Instance, Subscription
from ..persistence import Loaded
from ..store import CatalogStore
from . import steps


def deliver_message(
    s: Session,
    store: CatalogStore,
    folio: str,
    message: str,
    payload: Mapping[str, Any],
    actor: Actor,
    now: datetime,
) -> None:
    """Correlate a message to a case by folio; Conflict if the case is not waiting for it."""
    row = s.execute(  # the state too: the step that follows then loads nothing again
        select(Case, Instance).join(Instance, Instance.case_id == Case.id).where(Case.folio == folio)
    ).first()
    case = row[0] if row else None
    if case is None:
        raise CaseNotFound(f"no existe un caso con folio {folio}")
    waiting = (
        s.execute(
            select(Subscription).where(
                Subscription.case_id == case.id,
                Subscription.message == message,
                Subscription.status == "waiting",
            )
        )
        .scalars()
        .all()
    )
    if not waiting:
        raise Conflict(f"el caso {folio} no está esperando el mensaje '{message}'")

    def act(loaded: Loaded, trail: runtime.Trail) -> list[LogEvent]:
        if runtime.catch_message(loaded.wf, message, payload, trail) == 0:
            raise Conflict(f"el caso {folio} no está esperando el mensaje '{message}'")
        for sub in waiting:
            sub.status = "received"
        received = f"Mensaje recibido: {message}"
        element = waiting[0].element_id
        return [caselog.by(actor, "message_received", received, element_id=element, data=dict(payload))]

    steps.advance(s, store, case.id, act, actor, now)
