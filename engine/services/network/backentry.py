"""Back-entry of a manual platform's paper cases (SPEC §3): a regional office uploads the template; each row
is checked (nothing is created until the file is clean, or the user accepts creating only the valid rows);
then the cases are opened through the step path with their original filing time (deadlines count from it),
a batch per call, so the page shows progress. A row's key (platform + clave) makes a re-upload create nothing
twice."""

from __future__ import annotations

from collections import Counter
from dataclasses import dataclass, replace
from datetime import datetime
from typing import Any

from sqlalchemy import select
from sqlalchemy.orm import Session

from ... import caselog
from ...access import SYSTEM, Actor
from ...errors import Conflict, FieldError, Forbidden, FormInvalid, NotFound
from ...models import Case, ImportedRow, ImportJob, Platform
from ...roles import CASE_STAFF
from ...store import CatalogStore
from .. import cases
from . import audit, paper_rows, sheets

UPLOADERS = frozenset({"admin_plataformas", "supervisor"})
SOURCE = "backentry"
BATCH = 25


@dataclass(frozen=True)
class RowReport:
    line: int  # the row's line in the file (the header is line 1)
    key: str
    status: str  # valid, invalid, repeated (same key twice in the file), already (imported before), created
    messages: list[str]
    folio: str | None


@dataclass(frozen=True)
class JobView:
    id: int
    platform_code: str
    filename: str
    status: str  # checked, running, done
    accept_partial: bool
    total: int
    done: int
    counts: dict[str, int]
    rows: list[RowReport]

    @property
    def percent(self) -> int:
        return 100 if self.total == 0 else round(100 * self.done / self.total)


def _view(job: ImportJob) -> JobView:
    rows = [RowReport(r["line"], r["key"], r["status"], r["messages"], r.get("folio")) for r in job.report]
    counts = dict(Counter(r.status for r in rows))
    return JobView(
        job.id,
        job.platform_code,
        job.filename,
        job.status,
        job.accept_partial,
        len(rows),
        job.done,
        counts,
        rows,
    )


def _platform(s: Session, code: str, actor: Actor) -> Platform:
    if actor.role not in UPLOADERS or not actor.region_code:
        raise Forbidden("la carga de casos en papel es de la Dirección Regional")
    platform = s.get(Platform, code)
    if platform is None:
        raise FormInvalid([FieldError("platform", "Elija la plataforma que registró los casos.")])
    if platform.region_code != actor.region_code:
        raise Forbidden("solo puede cargar casos de las plataformas de su región")
    return platform


def _imported(s: Session, keys: list[str]) -> dict[str, str]:
    rows = s.execute(
        select(ImportedRow.key, Case.folio)
        .join(Case, Case.id == ImportedRow.case_id)
        .where(ImportedRow.source == SOURCE, ImportedRow.key.in_(keys))
    )
    return {key: folio or "" for key, folio in rows.tuples()}


def _report(
    s: Session, store: CatalogStore, platform: str, rows: list[dict[str, str]], now: datetime
) -> list[dict[str, Any]]:
    cat = store.latest(s)
    form_id = cat.process(cases.DEFAULT_PROCESS).start_form or ""
    keys = [f"{platform}:{r.get('clave', '')}" for r in rows]
    before, seen = _imported(s, keys), Counter(keys)
    out = []
    for line, (row, key) in enumerate(zip(rows, keys, strict=True), start=2):
        problems = paper_rows.check_row(cat, form_id, row, platform, now)
        status = "invalid" if problems else "valid"
        if key in before:
            status, problems = "already", [f"ya cargada antes: folio {before[key]}"]
        elif seen[key] > 1 and row.get("clave"):
            status, problems = "invalid", [*problems, "clave: repetida en el archivo"]
        out.append(
            {"line": line, "key": key, "status": status, "messages": problems, "folio": before.get(key)}
        )
    return out


def upload(
    s: Session,
    store: CatalogStore,
    platform_code: str,
    filename: str,
    body: bytes,
    actor: Actor,
    now: datetime,
) -> JobView:
    """Read and check the file; nothing is created yet. The report says what each row would become."""
    platform = _platform(s, platform_code, actor)
    rows = sheets.read_table(filename, body)
    job = ImportJob(
        platform_code=platform.code,
        region_code=platform.region_code,
        filename=filename[:200],
        rows=rows,
        report=_report(s, store, platform.code, rows, now),
        status="checked",
        accept_partial=False,
        done=0,
        created_by=actor.username,
        created_at=now,
    )
    s.add(job)
    s.flush()
    return _view(job)


def _job(s: Session, job_id: int, actor: Actor) -> ImportJob:
    job = s.get(ImportJob, job_id)
    if job is None or actor.role not in UPLOADERS or job.region_code != actor.region_code:
        raise NotFound("no existe esa carga en su región")
    return job


def get_job(s: Session, job_id: int, actor: Actor) -> JobView:
    """One upload of the actor's region, with its report and progress."""
    return _view(_job(s, job_id, actor))


def start(s: Session, job_id: int, accept_partial: bool, actor: Actor, now: datetime) -> JobView:
    """Confirm: refused while a row is wrong, unless the user accepts creating only the valid ones."""
    job = _job(s, job_id, actor)
    if job.status != "checked":
        return _view(job)
    wrong = sum(1 for r in job.report if r["status"] == "invalid")
    if wrong and not accept_partial:
        raise FormInvalid(
            [FieldError("file", f"{wrong} fila(s) con errores: corríjalas o acepte cargar solo las válidas.")]
        )
    job.status, job.accept_partial = "running", accept_partial
    valid = sum(1 for r in job.report if r["status"] == "valid")
    audit.record(
        s,
        actor,
        "backentry_imported",
        job.platform_code,
        f"{job.filename}: {valid} caso(s) a crear",
        now,
        job.region_code,
    )
    return _view(job)


def advance(s: Session, store: CatalogStore, job_id: int, actor: Actor, now: datetime) -> JobView:
    """Create the next batch of cases (each with its filing time); the caller commits; called until done."""
    job = _job(s, job_id, actor)
    if job.status != "running":
        return _view(job)
    opener = actor if actor.role in CASE_STAFF else replace(SYSTEM, username=actor.username)
    report = [dict(r) for r in job.report]
    end = min(job.done + BATCH, len(report))
    for entry, row in zip(report[job.done : end], job.rows[job.done : end], strict=True):
        if entry["status"] == "valid":
            entry["folio"], entry["status"] = (
                _create(s, store, job, row, entry["key"], opener, now),
                "created",
            )
    job.report, job.done = report, end
    if end == len(report):
        job.status = "done"
    return _view(job)


def _create(
    s: Session,
    store: CatalogStore,
    job: ImportJob,
    row: dict[str, str],
    key: str,
    actor: Actor,
    now: datetime,
) -> str:
    """One paper case opened at its original filing time, its key recorded, and who loaded it logged."""
    if s.execute(select(ImportedRow.id).where(ImportedRow.source == SOURCE, ImportedRow.key == key)).first():
        raise Conflict(f"la fila {key} ya se cargó en otra carga: vuelva a intentarlo")
    at = paper_rows.filed_at(row["fecha_ingreso"]) or now  # checked when uploaded: always a time
    summary = cases.open_case(
        s, store, paper_rows.intake_of(row, job.platform_code, store.latest(s)), actor, at
    )
    case_id = s.execute(select(Case.id).where(Case.folio == summary.folio)).scalar_one()
    s.add(ImportedRow(source=SOURCE, key=key, case_id=case_id, imported_at=now, imported_by=actor.username))
    note = (
        f"Ingresado desde el registro en papel de {job.platform_code} (clave {row['clave']}, {job.filename})"
    )
    caselog.append_log(s, case_id, [caselog.by(actor, "backentry", note, data={"key": key})], now)
    return summary.folio


def recent_jobs(s: Session, actor: Actor) -> list[JobView]:
    """The region's last uploads, newest first."""
    if actor.role not in UPLOADERS:
        raise Forbidden("la carga de casos en papel es de la Dirección Regional")
    rows = s.execute(
        select(ImportJob)
        .where(ImportJob.region_code == actor.region_code)
        .order_by(ImportJob.id.desc())
        .limit(20)
    ).scalars()
    return [_view(j) for j in rows]
