"""'Estado de su caso' for the citizen (folio + RUT): the public view, the letters addressed to them, and
their download. A wrong pair and an unknown folio give the same CaseNotFound."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date, datetime

from sqlalchemy import select
from sqlalchemy.orm import Session

from ... import deadlines, pdf
from ...errors import NotFound
from ...labels import KINDS, STAGES, STATUSES
from ...models import Case, Document
from .. import cases, documents
from . import verdicts

# The letters written to the consumer (the others go to companies or agencies): the citizen may download them.
CITIZEN_LETTERS = frozenset(
    {
        "comprobante_ingreso",
        "respuesta_consulta",
        "respuesta_consumidor",
        "orientacion_no_consumo",
        "cierre_no_respuesta",
        "cambio_etapa",
        "respuesta_derivacion",
    }
)
RECEIPT_LETTER = "comprobante_ingreso"
PDF, DOCX = "application/pdf", "application/vnd.openxmlformats-officedocument.wordprocessingml.document"


@dataclass(frozen=True)
class CitizenLetter:
    id: int
    title: str
    generated_at: datetime


@dataclass(frozen=True)
class CitizenStatus:
    """What the citizen sees: no staff names, no internal notes."""

    folio: str
    kind_label: str
    stage_label: str
    status_label: str
    opened_on: date
    due_on: date | None
    due_status: str | None
    business_days_elapsed: int
    calendar_days_elapsed: int
    closed: bool
    outcome: str | None
    events: list[tuple[datetime, str]]
    letters: list[CitizenLetter]
    verdict_id: int | None  # the question "¿se resolvió su problema?" still open to an answer


def case_status(s: Session, folio: str, rut_text: str, now: datetime, channel: str = "web") -> CitizenStatus:
    """The case with this folio and consumer RUT as its citizen sees it (logged); CaseNotFound otherwise."""
    public = cases.public_status(s, folio, rut_text, now, channel=channel)
    case = s.execute(select(Case).where(Case.folio == public.folio)).scalar_one()
    spent = cases.summarize(case, now)
    return CitizenStatus(
        folio=public.folio,
        kind_label=KINDS.get(case.kind, case.kind),
        stage_label=STAGES.get(case.stage, case.stage),
        status_label=STATUSES.get(case.status, case.status),
        opened_on=case.opened_on,
        due_on=case.due_on,
        due_status=public.due_status,
        business_days_elapsed=spent.business_days_elapsed,
        calendar_days_elapsed=spent.calendar_days_elapsed,
        closed=case.status == "closed",
        outcome=case.outcome if case.status == "closed" else None,
        events=public.events,
        letters=letters_of(s, case.id),
        verdict_id=verdicts.pending_for(s, case.id, deadlines.local_date(now)),
    )


def letters_of(s: Session, case_id: int) -> list[CitizenLetter]:
    """The letters of the case addressed to the consumer, oldest first."""
    rows = s.execute(
        select(Document.id, Document.title, Document.generated_at)
        .where(Document.case_id == case_id, Document.letter_id.in_(CITIZEN_LETTERS))
        .order_by(Document.id)
    ).all()
    return [CitizenLetter(i, title, at) for i, title, at in rows]


def letter_file(s: Session, folio: str, doc_id: int | None = None) -> tuple[str, str, bytes]:
    """(name, MIME type, bytes) of a letter to the citizen of this folio — the comprobante when ``doc_id`` is
    None — as PDF, or .docx where LibreOffice is not installed. The caller checked the signed link."""
    query = select(Document, Case).join(Case, Case.id == Document.case_id).where(Case.folio == folio)
    if doc_id is None:
        query = query.where(Document.letter_id == RECEIPT_LETTER)
    else:
        query = query.where(Document.id == doc_id, Document.letter_id.in_(CITIZEN_LETTERS))
    row = s.execute(query.order_by(Document.id).limit(1)).first()
    if row is None:
        raise NotFound("no encontramos ese documento")
    doc, case = row
    try:
        name, body = documents.file_of(s, doc, case, "pdf")
        return name, PDF, body
    except pdf.PdfUnavailable:
        name, body = documents.file_of(s, doc, case, "docx")
        return name, DOCX, body
