"""Publishing never drops a change: two analysts publishing at the same moment from the same version — one
lands, the other is refused and lands after merging, carrying both changes. The three-way merge by file.
SQLite and PostgreSQL."""

from __future__ import annotations

import threading
from datetime import datetime

from sqlalchemy import select

from engine.clock import utcnow
from engine.errors import EngineError
from engine.models import ContentFile, ContentVersion
from engine.services.workbench import drafts, publishing
from engine.system import System

CASO, VISACION = "processes/caso.bpmn", "forms/visacion.json"
# The check: 20 concurrent publishes on PostgreSQL; SQLite serializes writers, so fewer show it.
TRIALS = {"postgresql": 20, "sqlite": 5}


def edit(sys_: System, owner: str, path: str, old: bytes, new: bytes, now: datetime) -> None:
    with sys_.db.writing() as s:
        body = drafts.draft_files(s, owner, now)[path]
        assert old in body, path
        drafts.put_file(s, owner, path, body.replace(old, new, 1), now)


def publish(sys_: System, owner: str, now: datetime) -> int | str:
    """The new version, or the problem type of the refusal."""
    try:
        with sys_.db.writing() as s:
            return publishing.publish_draft(s, owner, f"cambio de {owner}", now).version
    except EngineError as err:
        return err.type


def latest_files(sys_: System) -> dict[str, bytes]:
    with sys_.db.reading() as s:
        latest = s.execute(select(ContentVersion.id).order_by(ContentVersion.id.desc()).limit(1)).scalar_one()
        rows = s.execute(select(ContentFile.path, ContentFile.body).where(ContentFile.version_id == latest))
        return {path: body for path, body in rows}


def race(sys_: System, now: datetime) -> dict[str, int | str]:
    """Both analysts press "Publicar" at the same moment."""
    start, results = threading.Barrier(2), {}

    def go(owner: str) -> None:
        start.wait()
        results[owner] = publish(sys_, owner, now)

    threads = [threading.Thread(target=go, args=(owner,)) for owner in ("ana", "beto")]
    for t in threads:
        t.start()
    for t in threads:
        t.join()
    return results


def test_two_publishes_at_once_never_lose_a_change(sys_: System) -> None:
    trials = TRIALS[sys_.db.dialect]
    now = utcnow()
    for trial in range(trials):
        edit(sys_, "ana", CASO, b"plazo_dias = ", f"# ana {trial}\nplazo_dias = ".encode(), now)
        edit(sys_, "beto", VISACION, b'"title": "', f'"title": "beto {trial} '.encode(), now)
        results = race(sys_, now)
        landed = [owner for owner, r in results.items() if isinstance(r, int)]
        assert len(landed) == 1, results  # exactly one lands; the other is told, never silently applied
        loser = "beto" if landed == ["ana"] else "ana"
        assert results[loser] in ("/problems/draft-stale", "/problems/publish-race"), results
        with sys_.db.writing() as s:
            assert publishing.merge_latest(s, loser, now).conflicts == []
        assert isinstance(publish(sys_, loser, now), int)
        files = latest_files(sys_)
        assert f"# ana {trial}\n".encode() in files[CASO] and f"beto {trial}".encode() in files[VISACION]
        with sys_.db.writing() as s:  # the winner's draft is now behind the loser's version: bring it up
            publishing.merge_latest(s, landed[0], now)
    with sys_.db.reading() as s:
        rows = s.execute(
            select(ContentVersion.id, ContentVersion.parent_id).order_by(ContentVersion.id)
        ).all()
    ids, parents = [r.id for r in rows], [r.parent_id for r in rows]
    assert len(ids) == 1 + 2 * trials
    assert parents == [0, *ids[:-1]]  # one straight line of versions, none published in parallel


def test_three_way_merge_by_file() -> None:
    base = {"a": b"1", "b": b"1", "c": b"1", "d": b"1"}
    mine = {"a": b"2", "b": b"1", "c": b"2", "e": b"new"}  # d deleted in the draft
    theirs = {"a": b"1", "b": b"3", "c": b"3", "d": b"1", "f": b"theirs"}
    merged = publishing.three_way(base, mine, theirs)
    assert merged.files == {"a": b"2", "b": b"3", "c": b"2", "e": b"new", "f": b"theirs"}
    assert merged.taken == ["b", "f"] and merged.kept == ["a", "d", "e"] and merged.conflicts == ["c"]
