"""Case use cases: open a case from any channel, read its file, answer a citizen's status lookup."""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass
from datetime import date, datetime
from typing import Any

from sqlalchemy import select
from sqlalchemy.orm import Session

from .. import caselog, deadlines, forms, rut
from ..access import SYSTEM, Actor, find_case
from ..caselog import LogEvent
from ..catalog import Catalog, ProcessInfo
from ..errors import CaseNotFound, FieldError, Forbidden, FormInvalid
from ..labels import CHANNELS, KINDS, label
from ..models import Case, HumanTask, LogEntry, Platform, Timer
from ..roles import CASE_STAFF
from ..store import CatalogStore
from . import consumers, providers, steps

DEFAULT_PROCESS = "caso"


@dataclass(frozen=True)
class CaseSummary:
    folio: str
    kind: str
    stage: str
    status: str
    channel: str
    platform_code: str
    region_code: str
    opened_at: datetime
    due_on: date | None
    due_status: str | None
    business_days_elapsed: int
    calendar_days_elapsed: int
    outcome: str | None


@dataclass(frozen=True)
class LogView:
    at: datetime
    actor: str
    event: str
    summary: str
    channel: str | None
    data: Mapping[str, Any]


@dataclass(frozen=True)
class TaskBrief:
    id: str
    name: str
    element_id: str
    role: str
    assignee: str | None
    form_id: str | None
    due_on: date | None


@dataclass(frozen=True)
class TimerView:
    element_id: str
    name: str
    due_at: datetime
    attempts: int
    last_error: str | None


@dataclass(frozen=True)
class CaseDetail:
    summary: CaseSummary
    consumer: Mapping[str, Any]
    provider: Mapping[str, Any]
    subject: str
    description: str
    open_tasks: list[TaskBrief]
    timers: list[TimerView]
    log: list[LogView]
    classification: Mapping[str, str | None]  # codes of mercado, motivo and categoría (lists/clasificacion)


def summarize(case: Case, now: datetime) -> CaseSummary:
    """The case's headline figures, with días hábiles y corridos and the en plazo / por vencer status."""
    today = deadlines.local_date(now)
    end = deadlines.local_date(case.closed_at) if case.closed_at else today
    spent = deadlines.elapsed(case.opened_on, end, case.region_code)
    status = None
    if case.due_on is not None and case.status != "closed":
        status = deadlines.due_status(case.opened_on, case.due_on, today, case.region_code).value
    return CaseSummary(
        folio=case.folio or "",
        kind=case.kind,
        stage=case.stage,
        status=case.status,
        channel=case.channel,
        platform_code=case.platform_code,
        region_code=case.region_code,
        opened_at=case.opened_at,
        due_on=case.due_on,
        due_status=status,
        business_days_elapsed=spent.business,
        calendar_days_elapsed=spent.calendar,
        outcome=case.outcome,
    )


def _own_platform(actor: Actor) -> str:
    """Where a case filed without a platform field belongs: the actor's platform, or for regional staff
    their region's Dirección Regional (an intake form for internal requests need not ask for it)."""
    if actor.platform_code:
        return actor.platform_code
    return f"DR{actor.region_code}" if actor.region_code else ""


def _attends(platform: Platform, day: date) -> bool:
    """Whether the platform attends on ``day`` (its registry's active from/to, both inclusive)."""
    return (platform.active_from is None or platform.active_from <= day) and (
        platform.active_to is None or day <= platform.active_to
    )


def _platform_for(s: Session, code: str, actor: Actor, now: datetime) -> Platform:
    platform = s.get(Platform, code or _own_platform(actor))
    if platform is None:
        raise FormInvalid([FieldError("platform", "Plataforma desconocida.")])
    if not _attends(platform, deadlines.local_date(now)):
        raise FormInvalid([FieldError("platform", "La plataforma no está activa en esta fecha.")])
    if actor.role == "ejecutivo" and platform.code != actor.platform_code:
        raise Forbidden("solo puede registrar casos de su propia plataforma")
    if actor.role in ("supervisor", "abogado") and platform.region_code != actor.region_code:
        raise Forbidden("solo puede registrar casos de plataformas de su región")
    return platform


def open_case(
    s: Session,
    store: CatalogStore,
    data: Mapping[str, Any],
    actor: Actor,
    now: datetime,
    process_id: str = DEFAULT_PROCESS,
) -> CaseSummary:
    """Register a case from any channel: validate the intake form, give it a folio, start its process."""
    if actor.role not in CASE_STAFF and actor.role != SYSTEM.role:
        raise Forbidden(f"su perfil ({actor.role}) no registra casos")
    cat = store.latest(s)
    proc = cat.process(process_id)
    form = cat.form(proc.start_form) if proc.start_form else None
    clean = forms.validate(form, data, cat.classification) if form else dict(data)
    if form and (named := forms.file_ids(form, clean)):  # a new case has no files yet to name
        raise FormInvalid([FieldError(path, forms.UNKNOWN_ATTACHMENT) for path in named])
    platform = _platform_for(s, str(clean.get("platform", "")), actor, now)
    case = _case_row(clean, platform, actor, now, process_id)
    case.provider_unregistered = not consumers.is_registered(s, case.provider_rut, case.provider_name)
    s.add(case)
    s.flush()
    case.folio = f"{case.opened_on.year}-{case.id:06d}"
    start_data = {
        **clean,
        "folio": case.folio,
        "opened_on": case.opened_on.isoformat(),
        "region": case.region_code,
        "platform_name": platform.name,
    }
    intake = LogEvent(
        "intake",
        f"Ingreso de {kind_label(case.kind, proc)} por canal {label(CHANNELS, case.channel)}",
        actor=actor.username,
        role=actor.role,
        channel=case.channel,
        data=clean,
        public=True,
    )
    steps.start(s, cat, proc, case, start_data, [intake], actor, now)
    consumers.record_consumer(s, case, now)
    return summarize(case, now)


def _case_row(
    clean: Mapping[str, Any], platform: Platform, actor: Actor, now: datetime, process_id: str
) -> Case:
    """The case row of a validated intake (no folio yet: it comes from the row's id)."""
    consumer, provider = clean.get("consumer", {}), clean.get("provider", {})
    return Case(
        kind=clean.get("kind", process_id),
        stage="ingreso",
        status="open",
        channel=clean.get("channel") or (actor.channel if actor.channel in CHANNELS else "web"),
        platform_code=platform.code,
        region_code=platform.region_code,
        comuna_code=consumer.get("comuna"),
        consumer_rut=consumer.get("rut"),
        consumer_name=consumer.get("name", ""),
        consumer_email=consumer.get("email"),
        consumer_phone=consumer.get("phone"),
        provider_rut=provider.get("rut"),
        provider_name=provider.get("name"),
        subject=clean.get("subject", ""),
        description=clean.get("description", ""),
        opened_at=now,
        opened_on=deadlines.local_date(now),
        opened_by=actor.username,
    )


def kind_label(kind: str, proc: ProcessInfo) -> str:
    """A consumer case's kind in words (consulta, reclamo ...); any other process goes by its name."""
    return label(KINDS, kind) if kind in KINDS else proc.name


def kind_labels(cat: Catalog) -> dict[str, str]:
    """Every kind a case of this version can have, in words: the consumer kinds, plus each process whose
    intake form asks no ``kind`` (its cases take the process id as kind, e.g. the staff help desk)."""
    labels = dict(KINDS)
    for proc in cat.processes.values():
        form = cat.forms.get(proc.start_form or "")
        if form is not None and "kind" not in form.schema.get("properties", {}):
            labels[proc.id] = proc.name
    return labels


def case_detail(s: Session, folio: str, actor: Actor, now: datetime) -> CaseDetail:
    """The case file: summary, parties, open tasks, pending timers and the full log."""
    return detail_of(s, find_case(s, folio, actor), now)


def detail_of(s: Session, case: Case, now: datetime) -> CaseDetail:
    """``case_detail`` of a case already found in the actor's scope."""
    tasks = s.execute(
        select(HumanTask)
        .where(HumanTask.case_id == case.id, HumanTask.status == "open")
        .order_by(HumanTask.created_at)
    ).scalars()
    timers = s.execute(
        select(Timer).where(Timer.case_id == case.id, Timer.status == "pending").order_by(Timer.due_at)
    ).scalars()
    log = s.execute(select(LogEntry).where(LogEntry.case_id == case.id).order_by(LogEntry.id)).scalars()
    return CaseDetail(
        summary=summarize(case, now),
        consumer={
            "rut": case.consumer_rut,
            "name": case.consumer_name,
            "email": case.consumer_email,
            "phone": case.consumer_phone,
            "comuna": case.comuna_code,
        },
        provider={
            "rut": case.provider_rut,
            "name": case.provider_name,
            "registry": providers.registry_summary(providers.find_provider(s, case.provider_rut)),
        },
        subject=case.subject,
        description=case.description,
        open_tasks=[
            TaskBrief(t.id, t.name, t.element_id, t.role, t.assignee, t.form_id, t.due_on) for t in tasks
        ],
        timers=[TimerView(t.element_id, t.name, t.due_at, t.attempts, t.last_error) for t in timers],
        log=[LogView(e.at, e.actor, e.event, e.summary, e.channel, e.data) for e in log],
        classification={"market": case.market, "motive": case.motive, "category": case.category},
    )


@dataclass(frozen=True)
class PublicStatus:
    folio: str
    kind: str
    stage: str
    status: str
    opened_on: date
    due_on: date | None
    due_status: str | None
    outcome: str | None
    events: list[tuple[datetime, str]]


def public_status(
    s: Session, folio: str, rut_text: str, now: datetime, channel: str = "web", by: Actor | None = None
) -> PublicStatus:
    """'Estado de su caso' for a citizen: folio + RUT; public events only, no staff names; the outcome only
    once the case is closed; logged as the citizen's own look-up, or as the staff member's (``by``) who
    looked it up for them at the counter or on the phone."""
    try:
        canonical = rut.normalize(rut_text)
    except ValueError:
        raise CaseNotFound("no encontramos un caso con ese folio y RUT") from None
    case = s.execute(select(Case).where(Case.folio == folio)).scalar_one_or_none()
    if case is None or case.consumer_rut != canonical:
        raise CaseNotFound("no encontramos un caso con ese folio y RUT")
    events = s.execute(
        select(LogEntry.at, LogEntry.summary)
        .where(LogEntry.case_id == case.id, LogEntry.public.is_(True))
        .order_by(LogEntry.id.desc())
        .limit(20)
    ).all()
    caselog.append_log(
        s,
        case.id,
        [
            LogEvent(
                "status_lookup",
                "Consulta de estado por el/la ciudadano/a",
                actor="ciudadano",
                channel=channel,
            )
            if by is None
            else caselog.by(
                by,
                "status_lookup_staff",
                f"Consulta de estado hecha por {by.username} para el/la ciudadano/a",
            )
        ],
        now,
    )
    view = summarize(case, now)
    return PublicStatus(
        folio=view.folio,
        kind=case.kind,
        stage=case.stage,
        status=case.status,
        opened_on=case.opened_on,
        due_on=case.due_on,
        due_status=view.due_status,
        outcome=case.outcome if case.status == "closed" else None,  # a proposal is not an outcome yet
        events=[(at, summary) for at, summary in reversed(events)],
    )
