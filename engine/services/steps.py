"""The one way a case advances: load at its revision → run the engine → save state and projections → record
what the step's completed elements ask for (effects, as rows for after the commit) → write the bitácora.
Everything happens in the caller's transaction; nothing slow (rendering, mail, agencies) runs inside it."""

from __future__ import annotations

from collections.abc import Callable, Sequence
from datetime import datetime
from typing import Any

from sqlalchemy.orm import Session

from .. import persistence, runtime
from ..access import Actor
from ..caselog import LogEvent, append_log
from ..catalog import Catalog, ProcessInfo
from ..models import Case
from ..persistence import Loaded
from ..store import CatalogStore
from . import effects, mailings

Act = Callable[[Loaded, runtime.Trail], Sequence[LogEvent]]
"""What a step does to a loaded case: move its workflow (recording completed elements in the trail) and
return the log entries that say so. Raising leaves nothing applied."""


def start(
    s: Session,
    cat: Catalog,
    proc: ProcessInfo,
    case: Case,
    data: dict[str, Any],
    events: Sequence[LogEvent],
    actor: Actor,
    now: datetime,
) -> Loaded:
    """Start a new case's process with its intake data and store its first state, projections and log."""
    trail = runtime.Trail()
    wf = runtime.start(proc.definition, data, now, trail)
    loaded = persistence.create(s, cat, proc, case, wf, trail, now)
    _record(s, loaded, trail, events, actor, now)
    return loaded


def advance(s: Session, store: CatalogStore, case_id: int, act: Act, actor: Actor, now: datetime) -> Loaded:
    """Run one step of a case. The state is written revision-checked: of two steps racing on one case, one
    wins and the other gets Conflict with nothing of it applied."""
    loaded = persistence.load(s, store, case_id, now)
    trail = runtime.Trail()
    events = act(loaded, trail)
    persistence.store_state(s, loaded, now, trail)
    _record(s, loaded, trail, events, actor, now)
    return loaded


def _record(
    s: Session, loaded: Loaded, trail: runtime.Trail, events: Sequence[LogEvent], actor: Actor, now: datetime
) -> None:
    """Projections, the effects the completed elements ask for, and the bitácora, in this order of entries:
    the step's own events, then what the process went through, its effects, and what changed on the case
    (written together at the end: one batch of rows)."""
    projected = persistence.project(s, loaded, trail, now)
    asked = effects.record(s, loaded.catalog, loaded.case, trail, runtime.variables(loaded.wf), actor, now)
    if any(e.event == persistence.CLOSED for e in projected.case):
        asked.append(mailings.closing_mail(s, loaded.case, now))
    append_log(s, loaded.case.id, [*events, *projected.trail, *asked, *projected.case], now)
