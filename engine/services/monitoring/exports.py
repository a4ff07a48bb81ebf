"""Downloads of the dashboard's and the search's tables (XLSX or CSV), each one logged: who, what, when."""

from __future__ import annotations

import tempfile
from datetime import date, datetime
from typing import IO

from sqlalchemy.orm import Session

from ...access import Actor
from ...models import ExportRecord
from ...store import CatalogStore
from . import indicators, tables, writers
from .filters import CaseFilter
from .periods import Period

SPOOL_BYTES = 8 * 1024 * 1024  # a file in memory up to this size, on disk beyond it
PERSONAL_ROLES = frozenset({"ejecutivo", "supervisor", "abogado"})  # who may see a consumer's data


def log_export(
    s: Session, actor: Actor, what: str, filters: dict[str, str], rows: int | None, now: datetime
) -> None:
    """Record a download in the export log."""
    s.add(
        ExportRecord(at=now, username=actor.username, role=actor.role, what=what, filters=filters, rows=rows)
    )


def _file(fmt: str, found: list[tables.Table]) -> tuple[IO[bytes], int]:
    out: IO[bytes] = tempfile.SpooledTemporaryFile(max_size=SPOOL_BYTES)
    if fmt == "xlsx":
        rows = writers.write_xlsx(found, out)
    else:
        rows = 0
        for line in writers.csv_lines(found):
            out.write(line.encode("utf-8"))
            rows += line.count("\n")
    out.seek(0)
    return out, rows


def dashboard_file(
    s: Session,
    actor: Actor,
    f: CaseFilter,
    period: Period,
    today: date,
    now: datetime,
    fmt: str,
    table: str | None = None,
    store: CatalogStore | None = None,
) -> IO[bytes]:
    """The dashboard's tables (or one of them) as an XLSX or CSV file, logged."""
    board = indicators.dashboard(s, actor, f, period, today, store)
    found = [t for t in tables.dashboard_tables(board) if table in (None, t.name)]
    out, rows = _file(fmt, found)
    log_export(s, actor, f"indicadores.{fmt}", indicators.cohort_filter(f, period).as_params(), rows, now)
    return out


def cases_file(s: Session, actor: Actor, f: CaseFilter, today: date, now: datetime, fmt: str) -> IO[bytes]:
    """The search's results (every match, not just a page) as an XLSX or CSV file, logged."""
    masked = actor.role not in PERSONAL_ROLES
    out, rows = _file(fmt, [tables.case_table(s, actor, f, today, masked=masked)])
    log_export(s, actor, f"casos.{fmt}", f.as_params(), rows, now)
    return out
