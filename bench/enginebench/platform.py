"""The platform mode: one public service call per step in its own `db.writing()` transaction, as the API
does it, on a migrated database with the shipped content published and two staff users."""

from __future__ import annotations

import secrets
import time
from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from sqlalchemy import event, select
from sqlalchemy.orm import Session

from engine import catalog, schema, store, system
from engine.models import Case, Document, HumanTask, Instance, Platform
from engine.services import cases, messages, reference, tasks, users

from .path import NOW, PROCESS, STAFF, Step

ROOT = Path(__file__).resolve().parents[2]


class CommitClock:
    """Wall time inside write transactions' COMMIT, seen through SQLAlchemy events (engine unchanged)."""

    def __init__(self, db: Any) -> None:
        self.spent, self._started = 0.0, 0.0
        event.listen(db.engine, "commit", self._start)
        event.listen(db.write, "after_commit", self._stop)

    def _start(self, _conn: Any) -> None:
        self._started = time.perf_counter()

    def _stop(self, _session: Any) -> None:
        self.spent += time.perf_counter() - self._started


class AfterCommitClock:
    """Wall time in the database's after-commit hook: the effects a step's process carries out right after
    its commit (rendering the step's letters and keeping them), outside the step's transaction. Still inside
    the timed `with db.writing()` block: a request waits for it."""

    def __init__(self, db: Any) -> None:
        self.spent = 0.0
        hook = db.on_commit

        def timed(items: list[object]) -> None:
            t0 = time.perf_counter()
            try:
                hook(items)
            finally:
                self.spent += time.perf_counter() - t0

        if hook is not None:
            db.on_commit = timed


@dataclass(frozen=True)
class PlatformDb:
    """A prepared database: schema, reference data, the content of this checkout published, the staff."""

    label: str
    system: system.System
    commits: CommitClock
    after: AfterCommitClock

    @classmethod
    def setup(cls, label: str, url: str) -> PlatformDb:
        wired = system.build(url)
        try:
            schema.upgrade(wired.db)
            with wired.db.writing() as s:
                reference.load_reference(s)
                store.publish(s, content_files(), "bench", "engine benchmark", NOW)
                for actor, platform, region in STAFF:
                    password = secrets.token_urlsafe(12)
                    users.add_user(s, actor.username, password, actor.role, NOW, platform, region)
        except BaseException:
            wired.db.engine.dispose()
            raise
        return cls(label, wired, CommitClock(wired.db), AfterCommitClock(wired.db))

    def platform_name(self, code: str) -> str:
        """A platform's name as reference data has it (the bare modes' start data needs it)."""
        with self.system.db.reading() as s:
            return str(s.execute(select(Platform.name).where(Platform.code == code)).scalar_one())

    def factory(self) -> Callable[[], PlatformCase]:
        return lambda: PlatformCase(self)

    def close(self) -> None:
        self.system.db.engine.dispose()


def content_files() -> dict[str, bytes]:
    """The processes, forms and letters of this checkout, as `ventanilla publish` reads them."""
    return catalog.read_dir(ROOT)


class PlatformCase:
    """One case through the services. Timed: the service call, its COMMIT and whatever `db.writing()`
    does on exit; finding the open task's id in the `human_tasks` projection is not timed."""

    def __init__(self, pdb: PlatformDb) -> None:
        self.db, self.store, self.clock, self.after = pdb.system.db, pdb.system.store, pdb.commits, pdb.after
        self.folio = ""

    def run(self, step: Step) -> float:
        task_id = self._task_id(step.element) if step.kind == "task" else ""
        t0 = time.perf_counter()
        with self.db.writing() as s:
            self._call(s, step, task_id)
        return time.perf_counter() - t0

    def _call(self, s: Session, step: Step, task_id: str) -> None:
        if step.kind == "open":
            self.folio = cases.open_case(s, self.store, step.data, step.by, NOW, process_id=PROCESS).folio
        elif step.kind == "task":
            tasks.complete_task(s, self.store, task_id, step.data, step.by, NOW)
        else:
            messages.deliver_message(s, self.store, self.folio, step.message, step.data, step.by, NOW)

    def _open_tasks(self) -> list[tuple[str, str]]:
        with self.db.reading() as s:
            rows = s.execute(
                select(HumanTask.id, HumanTask.element_id)
                .join(Case, Case.id == HumanTask.case_id)
                .where(Case.folio == self.folio, HumanTask.status == "open")
            ).all()
        return [(task_id, element) for task_id, element in rows]

    def _task_id(self, element: str) -> str:
        found = [task_id for task_id, e in self._open_tasks() if e == element]
        if len(found) != 1:
            raise AssertionError(f"{self.folio}: expected one open {element}, got {self.open_elements()}")
        return found[0]

    def open_elements(self) -> tuple[str, ...]:
        return tuple(sorted(e for _, e in self._open_tasks()))

    def _case_value(self, column: Any) -> Any:
        with self.db.reading() as s:
            return s.execute(select(column).where(Case.folio == self.folio)).scalar_one()

    def finished(self) -> bool:
        return bool(self._case_value(Case.status) == "closed")

    def state_bytes(self) -> int:
        case_id = self._case_value(Case.id)
        with self.db.reading() as s:
            state = s.execute(select(Instance.state).where(Instance.case_id == case_id)).scalar_one()
        return len(state.encode())

    def letters(self) -> tuple[str, ...]:
        case_id = self._case_value(Case.id)
        with self.db.reading() as s:
            q = select(Document.letter_id).where(Document.case_id == case_id).order_by(Document.id)
            return tuple(s.execute(q).scalars())

    def commit_seconds(self) -> float:
        return self.clock.spent

    def after_commit_seconds(self) -> float:
        return self.after.spent
