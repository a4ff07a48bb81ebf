"""Small operational reports read from the bitácora (the Cuadro de Monitoreo builds on these)."""

from __future__ import annotations

from sqlalchemy import select
from sqlalchemy.orm import Session

from ..access import Actor, case_scope
from ..models import Case, LogEntry


def approval_returns(s: Session, actor: Actor) -> list[tuple[str, int]]:
    """Closures returned from visación per ejecutivo who proposed them (SPEC §4), most returns first."""
    rows = s.execute(
        select(LogEntry.data)
        .join(Case, Case.id == LogEntry.case_id)
        .where(LogEntry.event == "approval_returned", case_scope(actor))
    ).scalars()
    counts: dict[str, int] = {}
    for data in rows:  # JSON cannot be grouped portably; returns are few per region
        who = (data or {}).get("cierre_propuesto_por") or "desconocido"
        counts[who] = counts.get(who, 0) + 1
    return sorted(counts.items(), key=lambda item: (-item[1], item[0]))
