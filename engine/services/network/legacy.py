"""Import of the old system's cases (``ventanilla import-legacy``): closed ones become read-only history rows
in bulk (ids reserved at once, one executemany for the cases and one for their bitácora: no step per row);
open ones start their process through the step path at their original filing time, so the due date counts
from it. Idempotent: a case number already imported is reported and skipped."""

from __future__ import annotations

import json
from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from datetime import datetime
from typing import Any

from sqlalchemy import JSON, Table, insert, select, text
from sqlalchemy.orm import Session

from ...access import SYSTEM, Actor
from ...caselog import LogEvent
from ...labels import KINDS
from ...models import Case, LogEntry, Platform, table
from ...store import CatalogStore
from .. import cases, steps
from . import legacy_rows
from .legacy_rows import LegacyCase
from .subjects import Subjects

IMPORTER = Actor("importacion", SYSTEM.role)


@dataclass(frozen=True)
class RowResult:
    line: int
    number: str
    status: str  # history (closed, imported), started (open, its process started), already, invalid
    folio: str | None
    messages: list[str]


def _existing(s: Session, numbers: list[str]) -> dict[str, str]:
    found = s.execute(select(Case.legacy_ref, Case.folio).where(Case.legacy_ref.in_(numbers)))
    return {number or "": folio or "" for number, folio in found.tuples()}


def _reserve_ids(s: Session, count: int) -> list[int]:
    """``count`` new case ids at once (PostgreSQL: from the sequence; SQLite: past the highest ever used,
    under the write lock the transaction holds)."""
    if s.get_bind().dialect.name == "postgresql":
        query = text("SELECT nextval(pg_get_serial_sequence('cases', 'id')) FROM generate_series(1, :n)")
        return [int(i) for i in s.execute(query, {"n": count}).scalars()]
    top = s.execute(
        text(
            "SELECT max(coalesce((SELECT seq FROM sqlite_sequence WHERE name = 'cases'), 0),"
            " coalesce((SELECT max(id) FROM cases), 0))"
        )
    ).scalar_one()
    return list(range(int(top) + 1, int(top) + 1 + count))


def bulk_insert(s: Session, into: Table, rows: list[dict[str, Any]]) -> None:
    """Rows into a table in the session's transaction: PostgreSQL's COPY, else one executemany."""
    if s.get_bind().dialect.name != "postgresql":
        s.execute(insert(into), rows)
        return
    columns = list(rows[0])
    json_columns = {c.name for c in into.columns if isinstance(c.type, JSON)}
    statement = f"COPY {into.name} ({', '.join(columns)}) FROM STDIN"
    raw = s.connection().connection.driver_connection
    with raw.cursor().copy(statement) as copy:  # type: ignore[union-attr]
        for row in rows:
            copy.write_row([json.dumps(row[c]) if c in json_columns else row[c] for c in columns])


def _history_log(case: LegacyCase, case_id: int, now: datetime) -> dict[str, Any]:
    return {
        "case_id": case_id,
        "at": now,
        "actor": IMPORTER.username,
        "role": IMPORTER.role,
        "channel": None,
        "event": "legacy_import",
        "element_id": None,
        "summary": f"Caso histórico del sistema anterior (n.° {case.number}): {case.state}"[:300],
        "data": {"legacy_number": case.number, "state": case.state, **case.classification},
        "public": False,
    }


def _store_history(
    s: Session, closed: list[tuple[int, LegacyCase]], subjects: Subjects, now: datetime
) -> dict[str, str]:
    """Insert the closed cases and their bitácora entries in two bulk writes; folio by case number."""
    if not closed:
        return {}
    ids = _reserve_ids(s, len(closed))
    rows = [
        legacy_rows.history_row(case, case_id, subjects.codes(case.market, case.motive, case.category))
        for case_id, (_, case) in zip(ids, closed, strict=True)
    ]
    bulk_insert(s, table(Case), rows)
    logs = [_history_log(case, case_id, now) for case_id, (_, case) in zip(ids, closed, strict=True)]
    bulk_insert(s, table(LogEntry), logs)
    return {str(r["legacy_ref"]): str(r["folio"]) for r in rows}


def _start_open(s: Session, store: CatalogStore, case: LegacyCase, subjects: Subjects) -> str:
    """An open legacy case starts the case process at its original filing time (the step path)."""
    cat = store.latest(s)
    market, motive, category = subjects.codes(case.market, case.motive, case.category)
    proc = cat.process(cases.DEFAULT_PROCESS)
    platform = s.get(Platform, f"DR{case.region_code}")
    row = Case(**{k: v for k, v in legacy_rows.history_row(case, 0).items() if k not in ("id", "folio")})
    row.stage, row.status, row.closed_at, row.outcome = "ingreso", "open", None, None
    s.add(row)
    s.flush()
    row.folio = f"{row.opened_on.year}-{row.id:06d}"
    data = {
        "kind": case.kind,
        "channel": "in_person",
        "platform": row.platform_code,
        "subject": case.motive,
        "description": case.description,
        "consumer": {"comuna": case.comuna_code},
        "provider": {"rut": case.provider_rut, "name": case.provider_name},
        "classification": case.classification,
        "legacy_number": case.number,
        **{k: v for k, v in (("market", market), ("motive", motive), ("category", category)) if v},
        "folio": row.folio,
        "opened_on": row.opened_on.isoformat(),
        "region": row.region_code,
        "platform_name": platform.name if platform else row.platform_code,
    }
    event = LogEvent(
        "legacy_import",
        f"{KINDS[case.kind].capitalize()} en trámite importado del sistema anterior "
        f"(n.° {case.number}): {case.state}",
        actor=IMPORTER.username,
        role=IMPORTER.role,
        data={"legacy_number": case.number, "state": case.state, **case.classification},
    )
    steps.start(s, cat, proc, row, data, [event], IMPORTER, case.opened_at)
    return row.folio


def import_rows(
    s: Session, store: CatalogStore, rows: Sequence[tuple[int, Mapping[str, str]]], now: datetime
) -> list[RowResult]:
    """Import one batch of (line, row); the caller commits (one transaction per batch)."""
    parsed = [(line, legacy_rows.parse(row, now)) for line, row in rows]
    numbers = [p.number for _, p in parsed if isinstance(p, LegacyCase)]
    before, seen = _existing(s, numbers), set()
    subjects = Subjects.of(store.latest(s).classification)
    results: list[RowResult] = []
    closed: list[tuple[int, LegacyCase]] = []
    for line, case in parsed:
        if not isinstance(case, LegacyCase):
            results.append(RowResult(line, "", "invalid", None, case))
        elif case.number in before or case.number in seen:
            results.append(RowResult(line, case.number, "already", before.get(case.number), ["ya importado"]))
        elif case.closed:
            closed.append((line, case))
        else:
            results.append(RowResult(line, case.number, "started", _start_open(s, store, case, subjects), []))
        if isinstance(case, LegacyCase):
            seen.add(case.number)
    folios = _store_history(s, closed, subjects, now)
    results += [RowResult(line, c.number, "history", folios[c.number], []) for line, c in closed]
    return sorted(results, key=lambda r: r.line)
