"""The daily clock: people act on their open tasks through the services while simulated days go by."""

from __future__ import annotations

import heapq
import random
from collections.abc import Mapping
from datetime import UTC, datetime, time, timedelta
from typing import TYPE_CHECKING

from sqlalchemy import func, select

from ... import deadlines
from ...clock import CHILE
from ...models import Case, HumanTask, Timer
from .. import cases, tasks
from ..timers import fire_due_timers
from .companies import ensure_agencies, ensure_companies
from .network import ensure_network
from .population import DAYS, Plan, Sim, later, plan_population
from .staff import actors, ensure_users
from .steps import STEPS, OpenTask, company_answers, transfer

if TYPE_CHECKING:  # the composition root (it wires these services); typing only
    from ...system import System

# Business days from a task's creation until its person completes it (uniform between the two).
DELAYS: Mapping[str, tuple[float, float]] = {
    "trasladar": (0.05, 1.5),
    "enviar_recordatorio": (0.1, 2.0),
    "proponer_cierre:consulta": (0.1, 3.5),
    "proponer_cierre:callcenter": (0.005, 0.03),
    "proponer_cierre:reclamo": (0.3, 3.0),
    "proponer_cierre:no_consumo": (0.1, 2.5),
    "proponer_cierre:judicial": (5.0, 15.0),
    "proponer_cierre_nr": (0.3, 3.0),
    "corregir": (0.1, 1.5),
    "visar_cierre": (0.1, 2.5),
    "preparar_denuncia": (1.0, 5.0),
    "registrar_audiencia": (10.0, 20.0),
    "revisar_atraso": (0.2, 3.0),
    "traspaso": (0.3, 2.0),
    "toma": (0.02, 0.4),
}
CLAIMED = frozenset({"trasladar", "proponer_cierre"})  # a web case's first task, which its ejecutivo takes
SLOWED = frozenset(
    {"trasladar", "proponer_cierre:consulta", "proponer_cierre:reclamo", "proponer_cierre:no_consumo"}
)


def _open_tasks(system: System, folio: str) -> tuple[str, list[OpenTask]]:
    """The case's stage and its open tasks, oldest first."""
    with system.db.reading() as s:
        case_id, stage = s.execute(select(Case.id, Case.stage).where(Case.folio == folio)).one()
        rows = s.execute(
            select(HumanTask)
            .where(HumanTask.case_id == case_id, HumanTask.status == "open")
            .order_by(HumanTask.created_at, HumanTask.element_id)
        ).scalars()
        return stage, [OpenTask(t.id, t.element_id, t.created_at, dict(t.context or {})) for t in rows]


def _delay_key(plan: Plan, task: OpenTask, stage: str) -> str:
    element = task.element_id
    if element.startswith("revisar_atraso"):
        return "revisar_atraso"
    if element.startswith("proponer_cierre") and task.context.get("observaciones_visacion"):
        return "corregir"
    if element == "proponer_cierre":
        return "proponer_cierre:" + ("callcenter" if plan.handler.platform_code == "CC" else stage)
    return element


def _answer_time(sim: Sim, plan: Plan, task: OpenTask) -> datetime | None:
    """When the company's answer arrives (by letter: when staff register it); some wait for the reminder."""
    if plan.arc == "reclamo_sin_respuesta" or (plan.arc == "reclamo_recordatorio" and not plan.reminded):
        return None
    low, high = (1.0, 6.0) if plan.reminded else (0.5, 8.0) if plan.provider.digital else (2.0, 10.5)
    return later(task.created_at, sim.rng.uniform(low, high), plan.region)


def _act_time(sim: Sim, plan: Plan, task: OpenTask, stage: str) -> datetime | None:
    """When someone completes this task; None when nobody will (a stalled case, a silent company)."""
    if task.element_id == "registrar_respuesta":
        return _answer_time(sim, plan, task)
    key = _delay_key(plan, task, stage)
    if (key == "revisar_atraso" and not plan.reviews) or task.element_id == plan.stall:
        return None
    low, high = DELAYS[key]
    days = sim.rng.uniform(low, high) + (sim.rng.uniform(4.0, 8.0) if plan.slow and key in SLOWED else 0.0)
    return later(task.created_at, days, plan.region)


Due = tuple[datetime, str, OpenTask]  # when, what ("traspaso", "toma" or the task's id), on which task


def _memo(sim: Sim, plan: Plan, key: str, task: OpenTask) -> datetime:
    """The time of a side action (transfer, claim), drawn once."""
    if key not in plan.act_at:
        plan.act_at[key] = later(task.created_at, sim.rng.uniform(*DELAYS[key]), plan.region)
    return plan.act_at[key] or task.created_at


def _side_actions(sim: Sim, plan: Plan, task: OpenTask) -> list[Due]:
    """What people do around a task without completing it: a transfer, a web case taken into a bandeja."""
    out = []
    if task.element_id == "registrar_respuesta" and plan.transfer_to:
        out.append((_memo(sim, plan, "traspaso", task), "traspaso", task))
    if plan.intake["channel"] == "web" and not plan.claimed and task.element_id in CLAIMED:
        out.append((_memo(sim, plan, "toma", task), "toma", task))
    return out


def _due(sim: Sim, plan: Plan, stage: str, open_: list[OpenTask]) -> list[Due]:
    """Every pending action with its time, drawn once per task so that looking again changes nothing."""
    due: list[Due] = []
    for task in open_:
        if task.id not in plan.act_at:
            plan.act_at[task.id] = _act_time(sim, plan, task, stage)
        when = plan.act_at[task.id]
        if when is not None:
            due.append((when, task.id, task))
        due += _side_actions(sim, plan, task)
    return due


def _look(sim: Sim, plan: Plan, at: datetime) -> datetime | None:
    """Let the case's people do what is due by ``at``; returns when the case next needs someone."""
    if not plan.folio:
        with sim.system.db.writing() as s:
            plan.folio = cases.open_case(s, sim.system.store, plan.intake, plan.opener, at).folio
    for _ in range(8):
        stage, open_ = _open_tasks(sim.system, plan.folio)
        due = _due(sim, plan, stage, open_)
        if not due:
            return None
        when, key, task = min(due, key=lambda item: (item[0], item[1]))
        if when > at or at > sim.end:
            return max(when, at)
        _act(sim, plan, key, task, stage, at)
        at += timedelta(minutes=sim.rng.randint(3, 15))
    return at


def _act(sim: Sim, plan: Plan, key: str, task: OpenTask, stage: str, at: datetime) -> None:
    """One step through the services, in its own transaction."""
    if key == "traspaso":
        transfer(sim, plan, at)
    elif key == "toma":
        with sim.system.db.writing() as s:
            tasks.claim_task(s, task.id, plan.handler, at)
        plan.claimed = True
    elif task.element_id == "registrar_respuesta":
        company_answers(sim, plan, task, at)
    else:
        key = "revisar_atraso" if task.element_id.startswith("revisar_atraso") else task.element_id
        actor, data = STEPS[key](sim, plan, task, stage, at)
        with sim.system.db.writing() as s:
            tasks.complete_task(s, sim.system.store, task.id, data, actor, at)
        plan.reminded = plan.reminded or task.element_id == "enviar_recordatorio"
        plan.claimed = plan.claimed or actor == plan.handler


def _fire(sim: Sim, at: datetime) -> set[str]:
    """Fire every timer due at ``at``; returns the folios of the cases they moved."""
    report = fire_due_timers(sim.system.db, sim.system.store, at)
    while report.fired + report.failed + report.skipped >= 100:  # a full batch: there may be more
        report = fire_due_timers(sim.system.db, sim.system.store, at)
    with sim.system.db.reading() as s:
        moved = select(Case.folio).join(Timer, Timer.case_id == Case.id).where(Timer.fired_at >= at)
        return {folio for folio in s.execute(moved).scalars() if folio}


class Run:
    """The simulated clock: a queue of (when, plan) looks, and the timers fired at 08:30 every day."""

    def __init__(self, sim: Sim, plans: list[Plan]) -> None:
        self.sim, self.plans = sim, plans
        self.queue = [(p.opened_at, i) for i, p in enumerate(plans)]
        heapq.heapify(self.queue)
        self.by_folio: dict[str, int] = {}
        for plan in plans:
            plan.next_look = plan.opened_at

    def schedule(self, i: int, when: datetime | None) -> None:
        plan = self.plans[i]
        plan.next_look = when if when is not None and when <= self.sim.end else None
        if plan.next_look is not None:
            heapq.heappush(self.queue, (plan.next_look, i))

    def wake(self, at: datetime) -> None:
        """Fire the timers due at ``at`` and wake the cases they moved (a new task may need someone)."""
        soon = at + timedelta(minutes=1)
        for folio in _fire(self.sim, at):
            i = self.by_folio[folio]
            pending = self.plans[i].next_look
            if pending is None or soon < pending:
                self.schedule(i, soon)

    def run_until(self, until: datetime) -> None:
        """Let every case whose look falls before ``until`` act, in time order."""
        while self.queue and self.queue[0][0] < until:
            at, i = heapq.heappop(self.queue)
            plan = self.plans[i]
            if at != plan.next_look:
                continue  # superseded by an earlier wake-up
            when = _look(self.sim, plan, at)
            self.by_folio[plan.folio] = i
            self.schedule(i, when)

    def days(self) -> None:
        """Day by day from the first intake to ``end``: timers at 08:30, then the day's work."""
        day = deadlines.local_date(min(p.opened_at for p in self.plans))
        while (tick := datetime.combine(day, time(8, 30), tzinfo=CHILE).astimezone(UTC)) <= self.sim.end:
            self.run_until(tick)
            self.wake(tick)
            day += timedelta(days=1)
            self.run_until(min(datetime.combine(day, time(0), tzinfo=CHILE).astimezone(UTC), self.sim.end))
        self.run_until(self.sim.end)
        self.wake(self.sim.end)


def load_demo(system: System, now: datetime, count: int = 300, seed: int = 2026) -> int:
    """Create the demo accounts and, if there are no cases yet, ``count`` cases; returns how many."""
    end = now.astimezone(UTC)
    ensure_users(system, end - timedelta(days=DAYS + 30))
    ensure_companies(system, end - timedelta(days=DAYS + 30))
    ensure_agencies(system)
    ensure_network(system, end - timedelta(days=DAYS + 30))
    with system.db.reading() as s:
        if s.execute(select(func.count(Case.id))).scalar_one():
            return 0
    sim = Sim(system, random.Random(seed), end, actors())  # seeded on purpose: same seed, same demo
    plans = plan_population(sim, count)
    Run(sim, plans).days()
    return sum(1 for plan in plans if plan.folio)
