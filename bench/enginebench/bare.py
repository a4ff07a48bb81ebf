"""The two baselines: SpiffWorkflow driven through the platform's own runtime (spec-less state round trip
per step), in memory (`bare-lean`) or with the state in one row per case (`bare-db`, the fair baseline)."""

from __future__ import annotations

import itertools
import time
from collections.abc import Callable, Mapping
from dataclasses import dataclass
from typing import Any

from sqlalchemy import Column, Engine, Integer, MetaData, Table, Text, insert, select, update

from engine import catalog, forms, runtime
from engine.errors import Conflict

from .path import NOW, PROCESS, RECLAMO, RETURN_LOOP, Step

METADATA = MetaData()
# The bench's own one-table schema: the state document and its revision, nothing else.
STATES = Table(
    "bench_engine_state",
    METADATA,
    Column("case_id", Integer, primary_key=True, autoincrement=False),
    Column("state", Text, nullable=False),
    Column("revision", Integer, nullable=False),
)


@dataclass(frozen=True)
class BareContent:
    """The process definition (parsed once) and each step's data as the platform hands it to the runtime."""

    definition: runtime.Definition
    start_data: Mapping[str, Any]
    data: Mapping[str, Mapping[str, Any]]  # step label → cleaned form data (message: the payload)

    @classmethod
    def load(cls, files: Mapping[str, bytes], platform_name: str) -> BareContent:
        """Build the catalog from the content files; validate each step's data once (untimed)."""
        cat = catalog.build(files)
        clean = {s.label: _clean(cat, s) for s in (*RECLAMO, *RETURN_LOOP)}
        start = {**clean["abrir"], "opened_on": NOW.date().isoformat(), "platform_name": platform_name}
        start["region"] = "13"
        return cls(cat.process(PROCESS).definition, start, clean)


def _clean(cat: catalog.Catalog, step: Step) -> dict[str, Any]:
    """The data the platform's service passes to the runtime: validated form data (the company's message
    goes in as delivered); the visación also gets who proposed the closure (the four-eyes check adds it)."""
    if step.kind == "message":
        return dict(step.data)
    clean = forms.validate(cat.form(step.form), step.data)
    if step.element == "visar_cierre":
        clean["cierre_propuesto_por"] = "bench_eje"
    return clean


class BareLeanCase:
    """One case in memory: each step restores the workflow from the previous step's state text, runs the
    step and dumps the (pruned, spec-less) state again, exactly as the platform's runtime does."""

    def __init__(self, content: BareContent, folio: str) -> None:
        self.content, self.folio = content, folio
        self.state, self.wf = "", None

    def run(self, step: Step) -> float:
        task_id = self._task_id(step)  # untimed, like finding the task in the platform's projection
        t0 = time.perf_counter()
        self.state = self.advance(self.state, step, task_id)
        return time.perf_counter() - t0

    def advance(self, state: str, step: Step, task_id: str) -> str:
        """restore → open / complete / catch → dump; returns the new state text."""
        trail, defn, data = runtime.Trail(), self.content.definition, self.content.data[step.label]
        if step.kind == "open":
            wf = runtime.start(defn, {**self.content.start_data, "folio": self.folio}, NOW, trail)
        else:
            wf = runtime.restore(defn, state, NOW)
            if step.kind == "task":
                runtime.complete(wf, runtime.ready_human_task(wf, task_id), data, trail)
            elif runtime.catch_message(wf, step.message, data, trail) != 1:
                raise AssertionError(f"{self.folio}: nobody caught '{step.message}'")
        self.wf = wf
        return runtime.dump(wf)

    def _task_id(self, step: Step) -> str:
        if step.kind != "task":
            return ""
        found = [t.id for t in runtime.human_tasks(self.wf) if t.element_id == step.element]
        if len(found) != 1:
            raise AssertionError(
                f"{self.folio}: expected one open {step.element}, got {self.open_elements()}"
            )
        return found[0]

    def open_elements(self) -> tuple[str, ...]:
        return tuple(sorted(t.element_id for t in runtime.human_tasks(self.wf)))

    def finished(self) -> bool:
        return runtime.is_completed(self.wf)

    def state_bytes(self) -> int:
        return len(self.state.encode())

    def letters(self) -> tuple[str, ...] | None:
        return None  # no letters: the engine alone does not render documents

    def commit_seconds(self) -> float:
        return 0.0

    def after_commit_seconds(self) -> float:
        return 0.0


class BareDbCase(BareLeanCase):
    """The same engine steps with the state in one row: SELECT → restore, run, dump → UPDATE … WHERE
    revision = :r → COMMIT, per step, on the platform's database and engine (same settings)."""

    def __init__(self, content: BareContent, engine: Engine, case_id: int) -> None:
        super().__init__(content, f"BARE-{case_id}")
        self.engine, self.case_id, self.committed = engine, case_id, 0.0

    def run(self, step: Step) -> float:
        task_id = self._task_id(step)
        t0 = time.perf_counter()
        with self.engine.connect() as conn, conn.begin() as tx:
            if step.kind == "open":
                self.state = self.advance("", step, task_id)
                conn.execute(insert(STATES).values(case_id=self.case_id, state=self.state, revision=1))
            else:
                q = select(STATES.c.state, STATES.c.revision).where(STATES.c.case_id == self.case_id)
                state, revision = conn.execute(q).one()
                self.state = self.advance(state, step, task_id)
                saved = conn.execute(
                    update(STATES)
                    .where(STATES.c.case_id == self.case_id, STATES.c.revision == revision)
                    .values(state=self.state, revision=revision + 1)
                )
                if saved.rowcount != 1:
                    raise Conflict("bench: the state row changed under us")
            c0 = time.perf_counter()
            tx.commit()
            self.committed += time.perf_counter() - c0
        return time.perf_counter() - t0

    def commit_seconds(self) -> float:
        return self.committed


def lean_factory(content: BareContent) -> Callable[[], BareLeanCase]:
    """New in-memory cases, each with its own folio."""
    numbers = itertools.count(1)
    return lambda: BareLeanCase(content, f"LEAN-{next(numbers)}")


def db_factory(content: BareContent, engine: Engine) -> Callable[[], BareDbCase]:
    """New one-row cases in the bench's table (created here on ``engine``'s database)."""
    METADATA.create_all(engine)
    writer = engine.execution_options(sqlite_immediate=True)  # BEGIN IMMEDIATE on SQLite, as db.writing()
    numbers = itertools.count(1)
    return lambda: BareDbCase(content, writer, next(numbers))
