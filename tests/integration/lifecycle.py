"""A small driver for the case lifecycle scenarios: find the open task by element, complete it as someone."""

from __future__ import annotations

from typing import Any

from sqlalchemy import select

from engine.access import Actor
from engine.models import Case, Document, LogEntry, Notification
from engine.system import System
from tests.conftest import ACTORS, Clock
from tests.integration.helpers import complete, detail, only_task, open_case


class Scenario:
    """One case driven through the services, each step in its own transaction (state reloaded each time)."""

    def __init__(self, sys_: System, clock: Clock, data: dict[str, Any], by: str = "eje13") -> None:
        self.sys, self.clock = sys_, clock
        self.folio = open_case(sys_, data, ACTORS[by], clock.now, process="caso").folio

    def do(self, element_id: str, data: dict[str, Any], by: str = "eje13", **advance: float) -> None:
        if advance:
            self.clock.advance(**advance)
        task = only_task(self.sys, self.folio, element_id)
        complete(self.sys, task.id, data, ACTORS[by], self.clock.now)

    def open_elements(self) -> list[str]:
        return sorted(
            t.element_id for t in detail(self.sys, self.folio, ACTORS["central"], self.clock.now).open_tasks
        )

    def file(self, by: str = "central") -> Any:
        return detail(self.sys, self.folio, ACTORS[by], self.clock.now)

    def events(self) -> list[str]:
        return [e.event for e in self.file().log]

    def case(self) -> Case:
        with self.sys.db.reading() as s:
            return s.execute(select(Case).where(Case.folio == self.folio)).scalar_one()

    def letters(self) -> list[str]:
        with self.sys.db.reading() as s:
            case_id = s.execute(select(Case.id).where(Case.folio == self.folio)).scalar_one()
            return list(
                s.execute(
                    select(Document.letter_id).where(Document.case_id == case_id).order_by(Document.id)
                ).scalars()
            )

    def letter_texts(self) -> dict[str, str]:
        """The text of every letter on the case, checked for leftover placeholders."""
        from engine.letters import docx_text

        with self.sys.db.reading() as s:
            case_id = s.execute(select(Case.id).where(Case.folio == self.folio)).scalar_one()
            docs = s.execute(select(Document).where(Document.case_id == case_id)).scalars().all()
            texts = {d.letter_id: docx_text(d.docx) for d in docs}
        for letter_id, text in texts.items():
            assert self.folio in text, letter_id
            assert "{{" not in text and "{%" not in text and "}}" not in text, letter_id
        return texts

    def notifications(self) -> list[tuple[str, str]]:
        with self.sys.db.reading() as s:
            rows = s.execute(
                select(Notification.username, Notification.message).order_by(Notification.id)
            ).all()
            return [(u, m) for u, m in rows]

    def log_entries(self, event: str) -> list[LogEntry]:
        with self.sys.db.reading() as s:
            return list(
                s.execute(
                    select(LogEntry)
                    .join(Case, Case.id == LogEntry.case_id)
                    .where(Case.folio == self.folio, LogEntry.event == event)
                ).scalars()
            )


def actor(name: str) -> Actor:
    return ACTORS[name]
