"""Effects leave the write transaction: a step records its letters as rows; they are rendered right after the
commit by the process that committed, or — after a crash — by any process's poll, exactly once."""

from __future__ import annotations

import os
import signal
import subprocess
import sys
import textwrap
import threading
from datetime import timedelta
from pathlib import Path

import pytest
from sqlalchemy import func, select, update

from engine import letters, system
from engine.models import Case, Document, LogEntry, OutboxEntry
from engine.services import documents, effects
from tests.conftest import ACTORS, ROOT, Clock, complaint, prepare
from tests.integration.helpers import open_case

EJE = ACTORS["eje13"]


def _documents(sys_: system.System, folio: str) -> list[Document]:
    with sys_.db.reading() as s:
        return list(
            s.execute(
                select(Document).join(Case, Case.id == Document.case_id).where(Case.folio == folio)
            ).scalars()
        )


def _entries(sys_: system.System) -> list[OutboxEntry]:
    with sys_.db.reading() as s:
        return list(s.execute(select(OutboxEntry).order_by(OutboxEntry.id)).scalars())


def test_a_steps_letter_is_rendered_right_after_its_commit(sys_: system.System, clock: Clock) -> None:
    summary = open_case(sys_, complaint(), EJE, clock.now, process="caso")
    [doc] = _documents(sys_, summary.folio)
    assert doc.letter_id == "comprobante_ingreso"
    assert doc.docx is not None and summary.folio in letters.docx_text(doc.docx)
    assert doc.context is not None and doc.context["folio"] == summary.folio
    [entry] = _entries(sys_)
    assert (entry.status, entry.attempts, entry.document_id) == ("done", 1, doc.id)


def test_a_crash_after_the_commit_loses_no_letter_and_the_poll_renders_it_once(
    database_url: str, clock: Clock
) -> None:
    crashed = prepare(database_url)
    crashed.db.on_commit = None  # the process dies right after committing: its kick never runs
    summary = open_case(crashed, complaint(), EJE, clock.now, process="caso")
    crashed.db.engine.dispose()
    [doc] = _documents(crashed, summary.folio)
    assert doc.docx is None

    restarted = system.build(database_url)
    try:
        report = effects.run_due(restarted.db, clock.advance(minutes=5))
        assert (report.done, report.failed) == (1, 0)
        assert effects.run_due(restarted.db, clock.advance(minutes=5)) == effects.EffectsReport(0, 0)
        [doc] = _documents(restarted, summary.folio)
        assert doc.docx is not None and summary.folio in letters.docx_text(doc.docx)
        [entry] = _entries(restarted)
        assert (entry.status, entry.attempts) == ("done", 1)
    finally:
        restarted.db.engine.dispose()


def test_two_processes_polling_at_once_render_each_letter_once(
    database_url: str, clock: Clock, monkeypatch: pytest.MonkeyPatch
) -> None:
    quiet = prepare(database_url)
    quiet.db.on_commit = None
    folios = [open_case(quiet, complaint(), EJE, clock.now, process="caso").folio for _ in range(6)]
    rendered: list[int] = []
    real = documents.rendered_letter

    def counting(db: object, doc_id: int) -> bytes | None:
        rendered.append(doc_id)
        return real(db, doc_id)  # type: ignore[arg-type]

    monkeypatch.setattr(documents, "rendered_letter", counting)
    workers = [system.build(database_url) for _ in range(2)]
    later = clock.advance(minutes=5)
    threads = [threading.Thread(target=effects.run_due, args=(w.db, later)) for w in workers]
    for t in threads:
        t.start()
    for t in threads:
        t.join(timeout=120)
    try:
        assert sorted(rendered) == sorted(set(rendered)) and len(rendered) == len(folios)
        assert all(e.status == "done" and e.attempts == 1 for e in _entries(quiet))
        assert all(d.docx is not None for f in folios for d in _documents(quiet, f))
    finally:
        for w in (quiet, *workers):
            w.db.engine.dispose()


def test_a_letter_that_cannot_be_rendered_is_retried_then_shown_failed(
    sys_: system.System, clock: Clock
) -> None:
    sys_.db.on_commit = None
    summary = open_case(sys_, complaint(), EJE, clock.now, process="caso")
    with sys_.db.writing() as s:
        s.execute(update(Document).values(context=None))  # nothing left to render it from
    now = clock.now
    for attempt in range(1, effects.MAX_ATTEMPTS + 1):
        now = now + timedelta(hours=2)  # past any backoff
        assert effects.run_due(sys_.db, now).failed == 1, attempt
    [entry] = _entries(sys_)
    assert entry.status == "failed" and entry.attempts == effects.MAX_ATTEMPTS
    assert "no se puede generar" in (entry.last_error or "")
    with sys_.db.reading() as s:
        failed = s.execute(
            select(func.count(LogEntry.id)).where(LogEntry.event == "effect_failed")
        ).scalar_one()
    assert failed == 1
    assert effects.run_due(sys_.db, now + timedelta(days=1)) == effects.EffectsReport(0, 0)
    assert summary.folio


_KILLED_CHILD = """
import os, signal, sys
from datetime import datetime
from engine import system
from engine.services import cases, documents
from tests.conftest import ACTORS, complaint

def die(*args, **kwargs):
    os.kill(os.getpid(), signal.SIGKILL)  # the server dies after the commit, before rendering

documents.render_job = die
sys_ = system.build(sys.argv[1])
now = datetime.fromisoformat(sys.argv[2])
with sys_.db.writing() as s:
    summary = cases.open_case(s, sys_.store, complaint(), ACTORS["eje13"], now)
print("not killed", summary.folio)
"""


def test_a_server_killed_after_the_commit_renders_the_letter_once_after_restart(
    database_url: str, clock: Clock, tmp_path: Path
) -> None:
    prepared = prepare(database_url)
    prepared.db.engine.dispose()
    script = tmp_path / "child.py"
    script.write_text(textwrap.dedent(_KILLED_CHILD))
    env = {**os.environ, "PYTHONPATH": str(ROOT)}
    child = subprocess.run(
        [sys.executable, str(script), database_url, clock.now.isoformat()],
        cwd=ROOT,
        env=env,
        capture_output=True,
        text=True,
        timeout=120,
    )
    assert child.returncode == -signal.SIGKILL, child.stdout + child.stderr
    restarted = system.build(database_url)
    try:
        with restarted.db.reading() as s:
            [case] = s.execute(select(Case)).scalars().all()
        [doc] = _documents(restarted, case.folio or "")
        assert doc.docx is None  # committed, not rendered
        assert effects.run_due(restarted.db, clock.advance(minutes=5)).done == 1
        assert effects.run_due(restarted.db, clock.advance(minutes=5)).done == 0
        [doc] = _documents(restarted, case.folio or "")
        assert doc.docx is not None and (case.folio or "") in letters.docx_text(doc.docx)
    finally:
        restarted.db.engine.dispose()


def test_a_letter_not_rendered_yet_is_rendered_for_whoever_downloads_it(
    sys_: system.System, clock: Clock
) -> None:
    sys_.db.on_commit = None
    summary = open_case(sys_, complaint(), EJE, clock.now, process="caso")
    [doc] = _documents(sys_, summary.folio)
    with sys_.db.writing() as s:
        name, body = documents.document_file(s, doc.id, "docx", EJE)
    assert name.endswith(".docx") and summary.folio in letters.docx_text(body)
    assert effects.run_due(sys_.db, clock.advance(minutes=5)).done == 1  # the entry completes; kept as it is
    [again] = _documents(sys_, summary.folio)
    assert again.docx == body


def test_a_letter_failing_right_after_the_commit_leaves_the_step_done_and_the_letter_to_retry(
    sys_: system.System, clock: Clock, monkeypatch: pytest.MonkeyPatch
) -> None:
    def broken(template: bytes, context: object) -> bytes:
        raise letters.LetterFailed("la plantilla no se pudo leer")

    with monkeypatch.context() as patched:
        patched.setattr(letters, "render", broken)
        summary = open_case(sys_, complaint(), EJE, clock.now, process="caso")  # no error reaches the caller
    [doc] = _documents(sys_, summary.folio)
    assert doc.docx is None
    [entry] = _entries(sys_)
    assert (entry.status, entry.attempts) == ("pending", 1)
    assert "no se pudo leer" in (entry.last_error or "")
    assert effects.run_due(sys_.db, clock.advance(minutes=5)).done == 1  # the poll retries it, now working
    [doc] = _documents(sys_, summary.folio)
    assert doc.docx is not None and summary.folio in letters.docx_text(doc.docx)
