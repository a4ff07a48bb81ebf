"""Letters on a case: build the letter context, generate .docx, produce the PDF, send by e-mail."""

from __future__ import annotations

import json
import re
from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from datetime import datetime
from typing import Any

from sqlalchemy import Select, bindparam, insert, select, update
from sqlalchemy.orm import Session, aliased

from .. import caselog, deadlines, letters, mail, pdf, persistence, runtime, rut
from ..access import Actor, find_case
from ..caselog import LogEvent
from ..catalog import Catalog
from ..db import Database, after_commit
from ..errors import EngineError, Forbidden, NotFound
from ..labels import CHANNELS, KINDS, label
from ..models import Case, Comuna, ContentFile, Document, Platform, Region, User
from ..roles import ROLES
from ..store import CatalogStore
from . import letter_numbers, letter_recipients, outbox

LETTER = "letter"  # the outbox entry that renders a recorded letter
CONSUMER = "consumidor"  # the audience of a letter whose content declares none

MONTHS = (
    "enero",
    "febrero",
    "marzo",
    "abril",
    "mayo",
    "junio",
    "julio",
    "agosto",
    "septiembre",
    "octubre",
    "noviembre",
    "diciembre",
)


class MailInvalid(EngineError):
    status = 422
    type = "/problems/mail-invalid"
    title = "Destinatarios inválidos"


@dataclass(frozen=True)
class DocumentView:
    id: int
    letter_id: str
    title: str
    element_id: str | None
    generated_at: datetime
    generated_by: str
    has_pdf: bool
    rendered: bool  # False while the outbox has not rendered it yet (a download renders it at once)
    number: str | None = None  # "45/2026": ORD. N°, per regional office and year
    audience: str = CONSUMER  # who the letter is for (content: letter_audience)
    recipient: str = ""  # the e-mail address proposed for it, after its audience
    superseded: bool = False  # a newer letter of the same kind replaced it ("reemplazada")


_ISO_DATE = re.compile(r"^\d{4}-\d{2}-\d{2}$")


def _for_letter(value: Any) -> Any:
    """Process values as a citizen reads them: ISO dates become dd-mm-aaaa (Chilean format)."""
    if isinstance(value, str) and _ISO_DATE.match(value):
        year, month, day = value.split("-")
        return f"{day}-{month}-{year}"
    return value


def spanish_date(instant: datetime) -> str:
    """'22 de noviembre de 2026' for the letter's date line."""
    day = deadlines.local_date(instant)
    return f"{day.day} de {MONTHS[day.month - 1]} de {day.year}"


def _places_query() -> Select[tuple[str, str, str, str, str, str, str, str]]:
    """Where a case is attended, where its consumer lives, and who signs, by name: one query, built once
    (its aliases cost more than the query itself)."""
    pcomuna, ccomuna, cregion = aliased(Comuna), aliased(Comuna), aliased(Region)
    return (
        select(
            Platform.name,
            pcomuna.name,
            Region.name,
            ccomuna.name,
            cregion.name,
            User.username,
            User.full_name,
            User.role,
        )
        .select_from(Case)
        .outerjoin(Platform, Platform.code == Case.platform_code)
        .outerjoin(pcomuna, pcomuna.code == Platform.comuna_code)
        .outerjoin(Region, Region.code == Case.region_code)
        .outerjoin(ccomuna, ccomuna.code == Case.comuna_code)
        .outerjoin(cregion, cregion.code == ccomuna.region_code)
        .outerjoin(User, User.username == bindparam("signer"))
        .where(Case.id == bindparam("case_id"))
    )


_PLACES = _places_query()
SYSTEM_SIGNER = {"nombre": "Ventanilla única", "cargo": "Sistema de atención de consumidores"}


def _places(s: Session, case: Case, actor: Actor) -> tuple[dict[str, str], dict[str, str], dict[str, str]]:
    """The platform, the consumer's place and the signer of a letter, in words."""
    row = s.execute(_PLACES, {"case_id": case.id, "signer": actor.username}).one()
    platform, platform_comuna, region, comuna, consumer_region = (name or "" for name in row[:5])
    username, full_name, role = row[5:]
    place = {"nombre": platform, "comuna": platform_comuna, "region": region}
    signer = SYSTEM_SIGNER
    if username is not None:
        signer = {"nombre": full_name or username, "cargo": ROLES.get(role, role)}
    return place, {"comuna": comuna, "region": consumer_region}, signer


def letter_context(
    s: Session, case: Case, data: Mapping[str, Any], actor: Actor, now: datetime
) -> dict[str, Any]:
    """The documented letter context (engine/letters.py) for one case at one moment."""
    place, consumer_place, signer = _places(s, case, actor)
    consumer_rut = rut.format_rut(case.consumer_rut) if case.consumer_rut else ""
    return {
        "folio": case.folio or "",
        "fecha": spanish_date(now),
        "fecha_ingreso": case.opened_on.strftime("%d-%m-%Y"),
        "fecha_vencimiento": case.due_on.strftime("%d-%m-%Y") if case.due_on else "",
        "plazo_dias": int(data.get("plazo_dias", 0) or 0),
        "plazo_proveedor_dias": int(data.get("plazo_proveedor_dias", 10) or 10),
        "tipo": label(KINDS, case.kind),
        "etapa": case.stage,
        "canal": label(CHANNELS, case.channel),
        "resultado": data.get("outcome") or case.outcome or "",
        "consumidor": {
            "nombre": case.consumer_name,
            "rut": consumer_rut,
            "email": case.consumer_email or "",
            "telefono": case.consumer_phone or "",
            **consumer_place,
        },
        "proveedor": {
            "nombre": case.provider_name or "",
            "rut": rut.format_rut(case.provider_rut) if case.provider_rut else "",
        },
        "materia": case.subject,
        "descripcion": case.description,
        "plataforma": place,
        "firmante": signer,
        "datos": {key: _for_letter(value) for key, value in data.items()},
    }


def record_letter(
    s: Session,
    cat: Catalog,
    case: Case,
    letter_id: str,
    data: Mapping[str, Any],
    actor: Actor,
    now: datetime,
    element_id: str | None = None,
    declared: LetterDeclaration | None = None,
) -> DocumentView:
    """Record one letter of the case's content version with its own ORD. number: its context is fixed now
    (the case as it is in this step), the .docx is rendered after the commit (the outbox)."""
    template = cat.files.get(f"letter_templates/{letter_id}.docx")
    if template is None:
        raise NotFound(f"la carta '{letter_id}' no existe en la versión del caso")
    declared = declared or LetterDeclaration()
    number = letter_numbers.next_number(s, case.region_code, deadlines.local_date(now).year)
    context = _storable({**letter_context(s, case, data, actor, now), "numero": number})
    title = letter_id.replace("_", " ").capitalize()
    row = {
        "case_id": case.id,
        "letter_id": letter_id,
        "title": title,
        "element_id": element_id,
        "version_id": cat.version_id,
        "context": context,
        "generated_at": now,
        "generated_by": actor.username,
        "number": number,
        "audience": declared.audience,
        "closing": declared.closing,
    }
    doc_id = s.execute(insert(Document).values(**row).returning(Document.id)).scalar_one()
    entry_id = outbox.enqueue(s, LETTER, now, case_id=case.id, document_id=doc_id)
    after_commit(s, LetterJob(entry_id, doc_id, template, context, now))
    return DocumentView(
        doc_id, letter_id, title, element_id, now, actor.username, False, False, number, declared.audience
    )


@dataclass(frozen=True)
class LetterDeclaration:
    """What content declares beside a letter (``letter_audience``, ``letter_closing``: docs/content.md)."""

    audience: str = CONSUMER
    closing: bool = False


@dataclass(frozen=True)
class LetterJob:
    """What the committing process needs to render a letter it just recorded, without reading it back."""

    entry_id: int
    document_id: int
    template: bytes
    context: Mapping[str, Any]
    now: datetime


def _storable(context: Mapping[str, Any]) -> dict[str, Any]:
    """The context as JSON keeps it (a value JSON cannot hold is printed as the template would print it)."""
    return json.loads(json.dumps(context, default=str))  # type: ignore[no-any-return]


def rendered_letter(db: Database, doc_id: int) -> bytes | None:
    """Render a recorded letter's .docx from its stored context, outside any write transaction; None when it
    is rendered already (the caller keeps the bytes with ``keep_rendered``)."""
    with db.reading() as s:
        doc = s.get(Document, doc_id)
        if doc is None or doc.docx is not None:
            return None
        template, context = template_of(s, doc), doc.context
    return letters.render(template, context or {})


def keep_rendered(s: Session, doc_id: int, body: bytes) -> None:
    """Store a rendered .docx; idempotent (of two renders of one letter only the first is kept)."""
    s.execute(
        update(Document)
        .where(Document.id == doc_id, Document.docx.is_(None))
        .values(docx=body)
        .execution_options(synchronize_session=False)
    )


def render_job(db: Database, job: LetterJob) -> None:
    """The post-commit kick for one letter: render from what the step had in hand, then one short
    transaction keeps the .docx and closes its outbox entry (unless another process closed it meanwhile)."""
    body = letters.render(job.template, job.context)
    with db.writing() as s:
        keep_rendered(s, job.document_id, body)
        outbox.close(s, job.entry_id, job.now)


def template_of(s: Session, doc: Document) -> bytes:
    """The letter's template in the content version it was recorded with (versions are immutable)."""
    template = s.execute(
        select(ContentFile.body).where(
            ContentFile.version_id == doc.version_id,
            ContentFile.path == f"letter_templates/{doc.letter_id}.docx",
        )
    ).scalar_one_or_none()
    if template is None or doc.context is None:
        raise NotFound(f"la carta '{doc.letter_id}' no se puede generar: falta su plantilla o sus datos")
    return template


def generate_for_case(
    s: Session, store: CatalogStore, folio: str, letter_id: str, actor: Actor, now: datetime
) -> DocumentView:
    """Generate (or regenerate) a letter on demand from the case's current process data; it is rendered
    right after this transaction commits."""
    case = find_case(s, folio, actor)
    if actor.read_only:
        raise Forbidden("su perfil es de solo lectura")
    loaded = persistence.load(s, store, case.id, now)
    declared = LetterDeclaration(_audience_before(s, case.id, letter_id))
    doc = record_letter(
        s, loaded.catalog, case, letter_id, runtime.variables(loaded.wf), actor, now, declared=declared
    )
    generated = caselog.by(
        actor, "letter_generated", f"Carta generada: {doc.title}", data={"letter": letter_id}
    )
    caselog.append_log(s, case.id, [generated], now)
    return doc


def _audience_before(s: Session, case_id: int, letter_id: str) -> str:
    """A letter generated again on demand keeps the audience its step declared the first time."""
    found = s.execute(
        select(Document.audience)
        .where(Document.case_id == case_id, Document.letter_id == letter_id)
        .order_by(Document.id.desc())
        .limit(1)
    ).scalar_one_or_none()
    return found or CONSUMER


def _view(doc: Document, recipient: str = "", superseded: bool = False) -> DocumentView:
    return DocumentView(
        doc.id,
        doc.letter_id,
        doc.title,
        doc.element_id,
        doc.generated_at,
        doc.generated_by,
        doc.pdf is not None,
        doc.docx is not None,
        doc.number,
        doc.audience or CONSUMER,
        recipient,
        superseded,
    )


def list_documents(s: Session, folio: str, actor: Actor) -> list[DocumentView]:
    """The letters of a case the actor may see, newest last."""
    return documents_of(s, find_case(s, folio, actor))


def documents_of(s: Session, case: Case) -> list[DocumentView]:
    """The letters of a case already found in the actor's scope, newest last, each with the address its
    audience proposes and whether a newer one of its kind replaced it."""
    docs = list(
        s.execute(select(Document).where(Document.case_id == case.id).order_by(Document.id)).scalars()
    )
    to, replaced = letter_recipients.proposed(s, case, docs), letter_recipients.superseded(docs)
    return [_view(d, to[d.id], d.id in replaced) for d in docs]


def _document(s: Session, doc_id: int, actor: Actor) -> tuple[Document, Case]:
    row = s.execute(
        select(Document, Case).join(Case, Case.id == Document.case_id).where(Document.id == doc_id)
    ).first()
    if row is None:
        raise NotFound(f"el documento {doc_id} no existe")
    doc, case = row
    find_case(s, case.folio or "", actor)  # raises CaseNotFound outside the actor's scope
    return doc, case


def document_file(s: Session, doc_id: int, kind: str, actor: Actor) -> tuple[str, bytes]:
    """(file name, bytes) of a document as .docx or PDF; the PDF is produced once and kept. A letter the
    outbox has not rendered yet is rendered here, for whoever asks first."""
    doc, case = _document(s, doc_id, actor)
    name = f"{case.folio}-{doc.letter_id}"
    if doc.docx is None:
        doc.docx = letters.render(template_of(s, doc), doc.context or {})
    if kind == "docx":
        return f"{name}.docx", doc.docx
    if doc.pdf is None:
        doc.pdf = pdf.to_pdf(doc.docx)
    return f"{name}.pdf", doc.pdf


def send_document(
    s: Session, doc_id: int, to: Sequence[str], actor: Actor, settings: mail.MailSettings, now: datetime
) -> None:
    """E-mail a document (PDF when LibreOffice is available, else .docx) and log it on the case."""
    if not to or any("@" not in addr for addr in to):
        raise MailInvalid("indique al menos un correo electrónico válido")
    doc, case = _document(s, doc_id, actor)
    try:
        name, body = document_file(s, doc_id, "pdf", actor)
        mime = "application/pdf"
    except pdf.PdfUnavailable:
        name, body = document_file(s, doc_id, "docx", actor)
        mime = "application/vnd.openxmlformats-officedocument.wordprocessingml.document"
    subject = f"{doc.title} — caso {case.folio}"
    text = f"Adjuntamos {doc.title.lower()} correspondiente al caso {case.folio}.\n\nVentanilla única"
    mail.send_mail(settings, list(to), subject, text, [(name, body, mime)])
    caselog.append_log(
        s,
        case.id,
        [
            LogEvent(
                "letter_sent",
                f"Carta enviada por correo: {doc.title}",
                actor=actor.username,
                role=actor.role,
                channel=actor.channel,
                data={"document_id": doc.id, "to": list(to)},
            )
        ],
        now,
    )
