"""The one filter of cases that the search, the indicators and the exports share (so a figure's drill-down
lists exactly the cases it counts), its SQL conditions, and the subject a case is grouped under."""

from __future__ import annotations

from dataclasses import asdict, dataclass, fields, replace
from datetime import date, datetime, time, timedelta
from typing import Any

from sqlalchemy import ColumnElement, and_, exists, func, or_, select, true
from sqlalchemy.orm import Session

from ... import rut
from ...access import Actor, case_scope
from ...clock import CHILE
from ...errors import InputRefused
from ...labels import CHANNELS, KINDS, STAGES, STATUSES
from ...models import Case, Derivation
from . import fulltext

DUE_STATES = ("en_plazo", "por_vencer", "fuera_de_plazo")
STATES = ("abiertos", "cerrados")  # open (any status but closed) or closed
TEXT_FIELDS = ("folio", "rut", "name", "company", "text")
CODE_FIELDS = {"kind": KINDS, "stage": STAGES, "status": STATUSES, "channel": CHANNELS}


class FilterInvalid(InputRefused):
    """A filter value no case can have (the message says which field, in Spanish): 400, nothing read."""

    status = 422  # well formed, but no case can have it (a wrong check digit, dates the wrong way round)
    type = "/problems/filter-invalid"
    title = "Filtro inválido"

    def __init__(self, field: str, message: str) -> None:
        super().__init__(f"{field}: {message}")
        self.field, self.message = field, message


def subject_of() -> Any:
    """The column cases are grouped under as "materia": the motivo legal of the classification (issue 11;
    labels from lists/clasificacion.json). The one place to change the grouping."""
    return Case.motive


@dataclass(frozen=True)
class CaseFilter:
    """What to count or list; None means any. Dates are local (Chile) days, both ends included."""

    folio: str | None = None
    rut: str | None = None  # the consumer's (canonical)
    name: str | None = None  # words of the consumer's name
    company: str | None = None  # a provider RUT, or words of its name
    text: str | None = None  # words of the subject and description (Spanish full text)
    kind: str | None = None
    stage: str | None = None
    status: str | None = None
    state: str | None = None  # abiertos / cerrados
    due: str | None = None  # en_plazo / por_vencer / fuera_de_plazo (open cases, today)
    outcome: str | None = None
    channel: str | None = None
    platform: str | None = None
    region: str | None = None
    comuna: str | None = None
    subject: str | None = None
    provider: str | None = None  # exact provider RUT (the company indicators' drill-down)
    agency: str | None = None  # derived to this agency
    opened_from: date | None = None
    opened_to: date | None = None
    closed_from: date | None = None
    closed_to: date | None = None

    def as_params(self) -> dict[str, str]:
        """The filter as query-string parameters (what /casos and the API read back)."""
        out = {}
        for key, value in asdict(self).items():
            if value is not None and value != "":
                out[key] = value.isoformat() if isinstance(value, date) else str(value)
        return out

    def with_(self, **changes: Any) -> CaseFilter:
        """This filter with some fields changed (a drill-down adds the figure's own dimension)."""
        return replace(self, **changes)


FILTER_FIELDS = tuple(f.name for f in fields(CaseFilter))
DATE_FIELDS = ("opened_from", "opened_to", "closed_from", "closed_to")


def parse_filter(raw: dict[str, str]) -> CaseFilter:
    """A filter from query parameters (unknown keys ignored, blanks are 'any'); FilterInvalid otherwise."""
    values: dict[str, Any] = {}
    for key in FILTER_FIELDS:
        value = (raw.get(key) or "").strip()
        if value:
            values[key] = _parsed(key, value)
    found = CaseFilter(**values)
    for lo, hi in (("opened_from", "opened_to"), ("closed_from", "closed_to")):
        start, end = values.get(lo), values.get(hi)
        if start and end and start > end:
            raise FilterInvalid(lo, "la fecha inicial no puede ser posterior a la final")
    return found


def _parsed(key: str, value: str) -> Any:
    if len(value) > 200:
        raise FilterInvalid(key, "el texto no puede tener más de 200 caracteres")
    if key in DATE_FIELDS:
        try:
            return date.fromisoformat(value)
        except ValueError:
            raise FilterInvalid(key, "fecha inválida: use el formato AAAA-MM-DD") from None
    if key in CODE_FIELDS and value not in CODE_FIELDS[key]:
        raise FilterInvalid(key, f"valor desconocido: elija uno de {', '.join(CODE_FIELDS[key])}")
    if key == "due" and value not in DUE_STATES:
        raise FilterInvalid(key, "elija en_plazo, por_vencer o fuera_de_plazo")
    if key == "state" and value not in STATES:
        raise FilterInvalid(key, "elija abiertos o cerrados")
    if key in ("rut", "provider"):
        try:
            return rut.normalize(value)
        except ValueError as err:
            raise FilterInvalid(key, str(err)) from None
    return value


def due_condition(due: str, today: date) -> ColumnElement[bool]:
    """Open cases by due status today, exactly as the bandeja buckets its tasks."""
    still_open = Case.status != "closed"
    if due == "fuera_de_plazo":
        return and_(still_open, Case.due_on < today)
    if due == "por_vencer":
        return and_(still_open, Case.due_on >= today, Case.warn_on <= today)
    return and_(still_open, or_(Case.due_on.is_(None), and_(Case.due_on >= today, _not_warned(today))))


def _not_warned(today: date) -> ColumnElement[bool]:
    return or_(Case.warn_on.is_(None), Case.warn_on > today)


def conditions(f: CaseFilter, dialect: str, today: date) -> list[ColumnElement[bool]]:
    """The SQL conditions of a filter (no scope: callers add the actor's)."""
    out: list[ColumnElement[bool]] = []
    equal = {
        "folio": Case.folio,
        "rut": Case.consumer_rut,
        "kind": Case.kind,
        "stage": Case.stage,
        "status": Case.status,
        "outcome": Case.outcome,
        "channel": Case.channel,
        "platform": Case.platform_code,
        "region": Case.region_code,
        "comuna": Case.comuna_code,
        "provider": Case.provider_rut,
    }
    for key, column in equal.items():
        value = getattr(f, key)
        if value is not None:
            out.append(column == value)
    if f.subject is not None:
        out.append(subject_of() == f.subject)
    out += _text_conditions(f, dialect)
    out += _date_conditions(f)
    if f.state is not None:
        out.append(Case.status == "closed" if f.state == "cerrados" else Case.status != "closed")
    if f.due is not None:
        out.append(due_condition(f.due, today))
    if f.agency is not None:
        out.append(exists().where(Derivation.case_id == Case.id, Derivation.agency_code == f.agency))
    return out


def _text_conditions(f: CaseFilter, dialect: str) -> list[ColumnElement[bool]]:
    out = []
    if f.name:
        out.append(fulltext.matches(dialect, "name", f.name))
    if f.text:
        out.append(fulltext.matches(dialect, "body", f.text))
    if f.company:
        try:
            out.append(Case.provider_rut == rut.normalize(f.company))
        except ValueError:
            out.append(fulltext.matches(dialect, "company", f.company))
    return out


def _date_conditions(f: CaseFilter) -> list[ColumnElement[bool]]:
    out = []
    if f.opened_from is not None:
        out.append(Case.opened_on >= f.opened_from)
    if f.opened_to is not None:
        out.append(Case.opened_on <= f.opened_to)
    if f.closed_from is not None:
        out.append(Case.closed_at >= midnight(f.closed_from))
    if f.closed_to is not None and f.closed_to < date.max:
        out.append(Case.closed_at < midnight(f.closed_to + timedelta(days=1)))
    return out


def midnight(day: date) -> datetime:
    """The first instant of a day in Chile (closing dates are local days)."""
    return datetime.combine(day, time(0), tzinfo=CHILE)


def scoped(s: Session, actor: Actor, f: CaseFilter, today: date) -> list[ColumnElement[bool]]:
    """The filter's conditions plus the actor's scope (SPEC §1): what any listing or count must use."""
    dialect = s.get_bind().dialect.name
    return [case_scope(actor), *conditions(f, dialect, today)] or [true()]


def count(s: Session, actor: Actor, f: CaseFilter, today: date) -> int:
    """How many cases within the actor's scope match the filter."""
    query = select(func.count()).select_from(Case).where(*scoped(s, actor, f, today))
    return int(s.execute(query).scalar_one())
