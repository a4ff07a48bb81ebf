"""Engine benchmark: a full `caso` through the platform's services against bare SpiffWorkflow, and the
per-step cost of a long case against fresh ones (SQLite, then PostgreSQL). See bench/README.md.

Run: ``.venv/bin/python bench/engine.py [--cases N] [--skip-postgres] [--postgres-url URL]``
"""

from __future__ import annotations

import argparse
import secrets
import statistics
import sys
import tempfile
import time
from collections.abc import Callable, Iterator, Mapping, Sequence
from contextlib import contextmanager
from dataclasses import dataclass, field
from datetime import UTC, datetime, timedelta
from functools import partial
from pathlib import Path
from typing import Any, Protocol
from uuid import UUID

# Run as `python bench/engine.py`, this file's folder comes first on sys.path and this very file would
# shadow the `engine` package: the repository root goes in front of it.
sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

import psycopg
from psycopg import sql
from SpiffWorkflow.bpmn.script_engine import PythonScriptEngine
from SpiffWorkflow.bpmn.script_engine.python_environment import (
    TaskDataEnvironment,
)
from SpiffWorkflow.bpmn.serializer.workflow import BpmnWorkflowSerializer
from SpiffWorkflow.bpmn.util import BpmnEvent
from SpiffWorkflow.bpmn.workflow import BpmnWorkflow
from SpiffWorkflow.spiff.parser.process import SpiffBpmnParser
from SpiffWorkflow.spiff.serializer.config import SPIFF_CONFIG
from SpiffWorkflow.util.task import TaskState
from sqlalchemy import event, select

from engine import catalog, sandbox, schema, store, system
from engine.access import Actor
from engine.models import Case, HumanTask, Instance
from engine.services import cases, messages, reference, tasks, users
from engine.spiff_adapter import messages_of

ROOT = Path(__file__).resolve().parent.parent
PROCESS = "caso_simple"
PG_URL = "postgresql://postgres@127.0.0.1:5432/test"
WARMUP = 3
HISTORY = 200  # completed "Gestionar caso" tasks before the long case is measured
SAMPLES = 50  # measured registrar_gestion steps, long case and fresh cases alike

# A date 30 days ahead, for both runs: bare SpiffWorkflow compares timers with the wall clock, so a past
# case date would fire the case's deadline timer at once and send the bare run down another path.
CASE_DAY = datetime.now(UTC).date() + timedelta(days=30)
NOW = datetime(CASE_DAY.year, CASE_DAY.month, CASE_DAY.day, 15, 0, tzinfo=UTC)

INTAKE: Mapping[str, Any] = {
    "kind": "complaint",
    "channel": "in_person",
    "platform": "DR13",
    "consumer": {"rut": "12.345.678-5", "name": "Ana Prueba", "comuna": "13101"},
    "provider": {"name": "Tienda Demo"},
    "subject": "Cobro indebido",
    "description": "Me cobraron dos veces el mismo producto.",
}
REGISTRAR: Mapping[str, Any] = {"accion": "registrar_gestion", "nota": "Se llamó al proveedor."}
SOLICITAR: Mapping[str, Any] = {"accion": "solicitar_respuesta", "nota": "Se pide respuesta."}
CERRAR: Mapping[str, Any] = {"accion": "cerrar", "nota": "Proveedor acoge.", "outcome": "PROVEEDOR ACOGE"}
MESSAGE, PAYLOAD = "respuesta_proveedor", {"texto": "Acogemos el reclamo y reembolsamos el cobro."}
PROVIDER = Actor("proveedor_demo", "proveedor")

# The full case: (step label, form data; None = the provider's message). Opening the case comes first.
SCRIPT: Sequence[tuple[str, Mapping[str, Any] | None]] = (
    ("registrar", REGISTRAR),
    ("solicitar", SOLICITAR),
    ("mensaje", None),
    ("cerrar", CERRAR),
)
STEPS = ("abrir", *(label for label, _ in SCRIPT))
GESTIONAR = "Gestionar caso"
EXPECTED_OPEN = ((GESTIONAR,), (GESTIONAR,), (), (GESTIONAR,), ())  # open user tasks after each step


class CaseDriver(Protocol):
    """One case driven step by step; only start/complete/deliver are timed."""

    def start(self) -> None: ...
    def pending(self) -> list[tuple[str, str]]: ...
    def complete(self, task_id: str, data: Mapping[str, Any]) -> None: ...
    def deliver(self, message: str, payload: Mapping[str, Any]) -> None: ...
    def finished(self) -> bool: ...
    def committed(self) -> float: ...


@dataclass
class CaseRun:
    """Seconds per timed step and the open user-task names seen after each step."""

    seconds: list[float] = field(default_factory=list)
    completed: list[str] = field(default_factory=list)
    seen: list[tuple[str, ...]] = field(default_factory=list)
    commit: float = 0.0  # seconds spent inside COMMIT during the timed steps (platform only)

    def clock(self, step: Callable[[], object]) -> None:
        t0 = time.perf_counter()
        step()
        self.seconds.append(time.perf_counter() - t0)

    @property
    def total(self) -> float:
        return sum(self.seconds)


# --- bare SpiffWorkflow -------------------------------------------------------------------------------


@dataclass(frozen=True)
class Bare:
    """The parsed spec (parsed once), a plain-eval script engine and the stock full serializer."""

    spec: Any
    subprocess_specs: Mapping[str, Any]
    script_engine: Any
    serializer: Any

    @classmethod
    def load(cls) -> Bare:
        parser = SpiffBpmnParser()
        parser.add_bpmn_file(str(ROOT / "processes" / f"{PROCESS}.bpmn"))
        day = CASE_DAY.isoformat()
        functions = {**sandbox.DEFAULT_FUNCTIONS, "today": lambda: day}
        script_engine = PythonScriptEngine(environment=TaskDataEnvironment(functions))
        serializer = BpmnWorkflowSerializer(BpmnWorkflowSerializer.configure(SPIFF_CONFIG))
        return cls(parser.get_spec(PROCESS), parser.get_subprocess_specs(PROCESS), script_engine, serializer)

    def round_trip(self, wf: Any) -> Any:
        """Serialize and deserialize, as a platform must between two requests."""
        restored = self.serializer.deserialize_json(self.serializer.serialize_json(wf))
        restored.script_engine = self.script_engine
        return restored


class BareCase:
    """The same case on bare SpiffWorkflow in memory, with a serialize/deserialize after each step."""

    def __init__(self, bare: Bare) -> None:
        self.bare = bare
        self.wf: Any = None  # the current BpmnWorkflow, replaced by each round trip

    def start(self) -> None:
        wf = BpmnWorkflow(
            self.bare.spec, dict(self.bare.subprocess_specs), script_engine=self.bare.script_engine
        )
        wf.get_next_task(state=TaskState.READY).data.update(
            {
                **INTAKE,
                "folio": "BENCH",
                "opened_on": CASE_DAY.isoformat(),
                "region": "13",
                "platform_name": "Dirección Regional Metropolitana",
            }
        )
        wf.do_engine_steps()
        self.wf = self.bare.round_trip(wf)

    def pending(self) -> list[tuple[str, str]]:
        ready = self.wf.get_tasks(state=TaskState.READY, manual=True)
        return [(str(t.id), t.task_spec.bpmn_name or t.task_spec.bpmn_id) for t in ready]

    def complete(self, task_id: str, data: Mapping[str, Any]) -> None:
        task = self.wf.get_task_from_id(UUID(task_id))
        task.data.update(data)
        task.run()
        self.wf.do_engine_steps()
        self.wf = self.bare.round_trip(self.wf)

    def deliver(self, message: str, payload: Mapping[str, Any]) -> None:
        waiting = [t for t in self.wf.event_manager.tasks.values() if t.state == TaskState.WAITING]
        ed = next(e for t in waiting for e in messages_of(t.task_spec.event_definition) if e.name == message)
        self.wf.catch(BpmnEvent(ed, dict(payload)))
        self.wf.do_engine_steps()
        self.wf = self.bare.round_trip(self.wf)

    def finished(self) -> bool:
        return bool(self.wf.is_completed())

    def committed(self) -> float:
        return 0.0


# --- the platform ---------------------------------------------------------------------------------------


class CommitClock:
    """Wall time spent inside write transactions' COMMIT (the database making a step durable), observed
    through SQLAlchemy events: the engine is not changed. Read sessions' commits are not counted."""

    def __init__(self, db: Any) -> None:
        self.spent, self._started = 0.0, 0.0
        event.listen(db.engine, "commit", self._start)
        event.listen(db.write, "after_commit", self._stop)

    def _start(self, _conn: Any) -> None:
        self._started = time.perf_counter()

    def _stop(self, _session: Any) -> None:
        self.spent += time.perf_counter() - self._started


@dataclass(frozen=True)
class Platform:
    """A migrated database with reference data, the published content and one ejecutivo."""

    label: str
    system: system.System
    actor: Actor
    commits: CommitClock

    @classmethod
    def setup(cls, label: str, url: str) -> Platform:
        wired = system.build(url)
        try:
            schema.upgrade(wired.db)
            with wired.db.writing() as s:
                reference.load_reference(s)
                store.publish(s, catalog.read_dir(ROOT), "bench", "benchmark", NOW)
                users.add_user(s, "bench_eje", secrets.token_urlsafe(12), "ejecutivo", NOW, platform="DR13")
        except BaseException:
            wired.db.engine.dispose()
            raise
        return cls(label, wired, Actor("bench_eje", "ejecutivo", "DR13", "13"), CommitClock(wired.db))

    def close(self) -> None:
        self.system.db.engine.dispose()


class PlatformCase:
    """The case through the services, one `db.writing()` transaction per step, as the API does it."""

    def __init__(self, platform: Platform) -> None:
        self.db, self.store, self.actor = platform.system.db, platform.system.store, platform.actor
        self.commits = platform.commits
        self.folio = ""

    def start(self) -> None:
        with self.db.writing() as s:
            self.folio = cases.open_case(s, self.store, INTAKE, self.actor, NOW, process_id=PROCESS).folio

    def pending(self) -> list[tuple[str, str]]:
        with self.db.reading() as s:
            rows = s.execute(
                select(HumanTask.id, HumanTask.name)
                .join(Case, Case.id == HumanTask.case_id)
                .where(Case.folio == self.folio, HumanTask.status == "open")
            ).all()
        return [(task_id, name) for task_id, name in rows]

    def complete(self, task_id: str, data: Mapping[str, Any]) -> None:
        with self.db.writing() as s:
            tasks.complete_task(s, self.store, task_id, data, self.actor, NOW)

    def deliver(self, message: str, payload: Mapping[str, Any]) -> None:
        with self.db.writing() as s:
            messages.deliver_message(s, self.store, self.folio, message, payload, PROVIDER, NOW)

    def finished(self) -> bool:
        with self.db.reading() as s:
            return s.execute(select(Case.status).where(Case.folio == self.folio)).scalar_one() == "closed"

    def committed(self) -> float:
        return self.commits.spent

    def state_bytes(self) -> int:
        with self.db.reading() as s:
            state = s.execute(
                select(Instance.state).join(Case, Case.id == Instance.case_id).where(Case.folio == self.folio)
            ).scalar_one()
        return len(state.encode())


# --- measuring ------------------------------------------------------------------------------------------


def only_task(case: CaseDriver) -> tuple[str, str]:
    """The single open user task (untimed look-up)."""
    open_tasks = case.pending()
    if len(open_tasks) != 1:
        raise AssertionError(f"expected one open user task, found {open_tasks}")
    return open_tasks[0]


def run_case(case: CaseDriver) -> CaseRun:
    """Drive one full case, timing each step, and check it took the expected path to the end."""
    run, committed = CaseRun(), case.committed()
    run.clock(case.start)
    run.seen.append(tuple(name for _, name in case.pending()))
    for _, data in SCRIPT:
        if data is None:
            run.clock(partial(case.deliver, MESSAGE, PAYLOAD))
        else:
            task_id, name = only_task(case)
            run.completed.append(name)
            run.clock(partial(case.complete, task_id, data))
        run.seen.append(tuple(name for _, name in case.pending()))
    if tuple(run.seen) != EXPECTED_OPEN or run.completed != [GESTIONAR] * 3 or not case.finished():
        raise AssertionError(f"unexpected path: open after each step {run.seen}, completed {run.completed}")
    run.commit = case.committed() - committed
    return run


def measure_cases(modes: Mapping[str, Callable[[], CaseDriver]], n: int) -> dict[str, list[CaseRun]]:
    """Full cases in every mode, interleaved so machine drift hits all modes alike; warm-up excluded."""
    runs: dict[str, list[CaseRun]] = {label: [] for label in modes}
    for i in range(WARMUP + n):
        for label, make in modes.items():
            run = run_case(make())
            if i >= WARMUP:
                runs[label].append(run)
    return runs


def registrar_seconds(case: CaseDriver) -> float:
    """Time one registrar_gestion step on a case waiting in "Gestionar caso"."""
    task_id, _ = only_task(case)
    run = CaseRun()
    run.clock(partial(case.complete, task_id, REGISTRAR))
    return run.total


@dataclass(frozen=True)
class LongFresh:
    label: str
    long_ms: float
    fresh_ms: float
    long_state: int
    fresh_state: int

    @property
    def ratio(self) -> float:
        return self.long_ms / self.fresh_ms


def long_vs_fresh(platform: Platform) -> LongFresh:
    """Median registrar_gestion step: a case with HISTORY completed tasks vs fresh cases (interleaved)."""
    long_case = PlatformCase(platform)
    long_case.start()
    for _ in range(HISTORY):
        registrar_seconds(long_case)
    long_s, fresh_s = [], []
    for _ in range(SAMPLES):
        long_s.append(registrar_seconds(long_case))
        fresh = PlatformCase(platform)
        fresh.start()
        fresh_s.append(registrar_seconds(fresh))
    return LongFresh(
        platform.label,
        statistics.median(long_s) * 1e3,
        statistics.median(fresh_s) * 1e3,
        long_case.state_bytes(),
        fresh.state_bytes(),
    )


# --- PostgreSQL schema, reporting, main -----------------------------------------------------------------


def first_line(err: BaseException) -> str:
    """The first line of an error's message (psycopg's are multi-line)."""
    text = str(err).strip()
    return text.splitlines()[0] if text else type(err).__name__


@contextmanager
def postgres_schema(base_url: str) -> Iterator[str | None]:
    """A fresh `bench_<hex>` schema for the run, always dropped; None (with a note) if unreachable."""
    try:
        conn = psycopg.connect(base_url, autocommit=True, connect_timeout=5)
    except psycopg.Error as err:
        print(f"PostgreSQL unreachable at {base_url} ({first_line(err)}): its figures are skipped.")
        yield None
        return
    name = f"bench_{secrets.token_hex(6)}"
    try:
        conn.execute(sql.SQL("CREATE SCHEMA {}").format(sql.Identifier(name)))
        yield f"{base_url}?options=-csearch_path%3D{name}"
    finally:
        conn.execute(sql.SQL("DROP SCHEMA IF EXISTS {} CASCADE").format(sql.Identifier(name)))
        conn.close()


def p95(values: Sequence[float]) -> float:
    """The 95th percentile (inclusive method: stays within the sample for small N)."""
    return statistics.quantiles(values, n=20, method="inclusive")[18]


def print_cases(runs: Mapping[str, list[CaseRun]]) -> None:
    """One row per mode: per-case median and p95, ms per step (and of it in COMMIT), each step's median."""
    head = f"{'mode':<22}{'cases':>6}{'median':>9}{'p95':>9}{'ms/step':>9}{'commit':>8}"
    print(head + "".join(f"{s:>11}" for s in STEPS))
    for label, mode_runs in runs.items():
        totals = [r.total * 1e3 for r in mode_runs]
        per_step = [statistics.median(r.seconds[i] * 1e3 for r in mode_runs) for i in range(len(STEPS))]
        commit = statistics.median(r.commit * 1e3 for r in mode_runs) / len(STEPS)
        med = statistics.median(totals)
        row = f"{label:<22}{len(totals):>6}{med:>9.2f}{p95(totals):>9.2f}{med / len(STEPS):>9.2f}"
        row += f"{commit:>8.2f}" if commit else f"{'-':>8}"
        print(row + "".join(f"{ms:>11.2f}" for ms in per_step))


def verdict(name: str, value: float, target: float | None) -> str:
    """`name: value  target ≤ t  OK|MISSED`, or an informative line when there is no target."""
    if target is None:
        return f"{name}: {value:.2f}  (no target: informative)"
    return f"{name}: {value:.2f}  target ≤ {target:g}  {'OK' if value <= target else 'MISSED'}"


def print_ratios(runs: Mapping[str, list[CaseRun]], long_fresh: Sequence[LongFresh]) -> None:
    """Platform/bare on median full-case times, and long/fresh with the stored state sizes."""
    bare = statistics.median(r.total for r in runs["bare SpiffWorkflow"])
    for label, target in (("SQLite", 3.0), ("PostgreSQL", None)):
        if f"platform {label}" in runs:
            platform = statistics.median(r.total for r in runs[f"platform {label}"])
            print(verdict(f"platform/bare ({label})", platform / bare, target))
    for lf in long_fresh:
        print(
            verdict(f"long/fresh ({lf.label})", lf.ratio, 1.5)
            + f"   [{lf.long_ms:.2f} vs {lf.fresh_ms:.2f} ms/step; stored state"
            f" {lf.long_state} B long vs {lf.fresh_state} B fresh]"
        )


def bench(n: int, platforms: Sequence[Platform]) -> None:
    """Measure every mode, then print the table and the target checks."""
    bare = Bare.load()
    modes: dict[str, Callable[[], CaseDriver]] = {"bare SpiffWorkflow": partial(BareCase, bare)}
    modes.update({f"platform {p.label}": partial(PlatformCase, p) for p in platforms})
    runs = measure_cases(modes, n)
    long_fresh = [long_vs_fresh(p) for p in platforms]
    print(f"\nfull case of '{PROCESS}' ({len(STEPS)} steps: {', '.join(STEPS)}), ms; case date {CASE_DAY}")
    print_cases(runs)
    print(f"\nlong case: {HISTORY} completed tasks, then {SAMPLES} steps;", end=" ")
    print(f"fresh: the 1st step of {SAMPLES} new cases")
    print_ratios(runs, long_fresh)


def main(argv: Sequence[str] | None = None) -> None:
    """Parse the CLI and run the benchmark on SQLite (temporary file) and PostgreSQL (throwaway schema)."""
    ap = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    ap.add_argument("--cases", type=int, default=30, help="measured full cases per mode (default 30)")
    ap.add_argument("--skip-postgres", action="store_true", help="SQLite and bare SpiffWorkflow only")
    ap.add_argument("--postgres-url", default=PG_URL, help=f"server to use (default {PG_URL})")
    args = ap.parse_args(argv)
    if args.cases < 2:
        ap.error("--cases must be at least 2")
    platforms: list[Platform] = []
    with tempfile.TemporaryDirectory(prefix="bench_") as tmp, postgres_schema_or_skip(args) as pg_url:
        try:
            platforms.append(Platform.setup("SQLite", f"sqlite:///{Path(tmp) / 'bench.db'}"))
            if pg_url is not None:
                platforms.append(Platform.setup("PostgreSQL", pg_url))
            bench(args.cases, platforms)
        finally:  # close pooled connections before the schema is dropped
            for p in platforms:
                p.close()


@contextmanager
def postgres_schema_or_skip(args: argparse.Namespace) -> Iterator[str | None]:
    """The PostgreSQL URL to use, or None when skipped by flag or unreachable."""
    if args.skip_postgres:
        print("PostgreSQL skipped (--skip-postgres).")
        yield None
        return
    with postgres_schema(args.postgres_url) as url:
        yield url


if __name__ == "__main__":
    main()
