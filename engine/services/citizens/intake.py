"""A citizen files a consulta or reclamo (portal, library kiosk or the public API): the published intake form
minus what the server sets (channel web, the platform serving the consumer's comuna), consent to the
processing of personal data (Ley 19.628), the receipt, and the confirmation e-mail."""

from __future__ import annotations

from collections.abc import Callable, Mapping
from dataclasses import dataclass
from datetime import date, datetime
from typing import Any

from sqlalchemy import select
from sqlalchemy.orm import Session

from ... import forms
from ...access import Actor
from ...classification import Classification
from ...errors import FieldError, FormInvalid
from ...forms import Form
from ...labels import KINDS
from ...models import Case, CitizenIntake, Comuna, Platform, Provider
from ...store import CatalogStore
from .. import attachments, cases
from . import mailer

CITIZEN = Actor("ciudadano", "sistema", channel="web")
PUBLIC_KINDS = ("inquiry", "complaint")
SERVER_FIELDS = ("kind", "channel", "platform")  # set by the server, never asked on the public pages
CONSENT_VERSION = "ley19628-v1"
COMPANY_HINTS = 2000
CONSENT_FIELD = "consent"
CONSENT_MISSING = "Para registrar su caso debe aceptar el tratamiento de sus datos personales."
PLAZO_TEXT = {"inquiry": "5 días hábiles", "complaint": "25 días hábiles"}
NEXT_STEPS = {
    "inquiry": "Un/a ejecutivo/a revisará su consulta y le responderá por correo o teléfono.",
    "complaint": (
        "Enviaremos su reclamo a la empresa, que tiene 10 días hábiles para responder. "
        "Le informaremos su respuesta y el resultado de la mediación."
    ),
}
_derived: dict[int, tuple[Form, Form]] = {}


@dataclass(frozen=True)
class PublicForm:
    """The intake form as a citizen fills it: the published one without the fields the server sets."""

    kind: str
    kind_label: str
    form: Form
    companies: tuple[str, ...]  # names in the provider registry, for the company field's suggestions
    classification: Classification  # the version's mercados, motivos and categorías (the form's options)


@dataclass(frozen=True)
class Receipt:
    """What the citizen takes away: folio, plazo, due date, where it is handled, what happens next."""

    folio: str
    kind: str
    kind_label: str
    opened_at: datetime
    due_on: date | None
    plazo: str
    platform_name: str
    next_steps: str
    email: str | None
    library_name: str | None


def _without_server_fields(form: Form) -> Form:
    schema = dict(form.schema)
    schema["properties"] = {k: v for k, v in form.schema["properties"].items() if k not in SERVER_FIELDS}
    schema["required"] = [k for k in form.schema.get("required", ()) if k not in SERVER_FIELDS]
    schema["x-order"] = [k for k in form.schema.get("x-order", ()) if k not in SERVER_FIELDS]
    for rule in schema.pop("allOf", None) or ():  # they name the hidden fields; the full form applies them
        kinds = rule.get("if", {}).get("properties", {})
        if set(kinds) == {"kind"} and set(PUBLIC_KINDS) <= set(kinds["kind"].get("enum", ())):
            schema["required"] += [
                k for k in rule.get("then", {}).get("required", ()) if k not in schema["required"]
            ]
    return Form(form.id, schema, form.title)


def public_form(s: Session, store: CatalogStore, kind: str) -> PublicForm:
    """The latest published intake form of ``caso`` as the citizen sees it for this kind."""
    published = store.latest(s).form(_intake_form_id(store, s))
    cached = _derived.get(id(published))
    if cached is None or cached[0] is not published:
        cached = (published, _without_server_fields(published))
        _derived[id(published)] = cached
    names = s.execute(
        select(Provider.trade_name, Provider.legal_name).order_by(Provider.legal_name).limit(COMPANY_HINTS)
    ).all()
    companies = tuple(sorted({trade or legal for trade, legal in names}))
    return PublicForm(kind, KINDS.get(kind, kind), cached[1], companies, store.latest(s).classification)


def _intake_form_id(store: CatalogStore, s: Session) -> str:
    start = store.latest(s).process(cases.DEFAULT_PROCESS).start_form
    if not start:
        raise FormInvalid([FieldError("kind", "No hay un formulario de ingreso publicado.")])
    return start


def assign_platform(s: Session, comuna: Any) -> str:
    """The platform that serves the comuna (a municipal one, online first); its region's DR when none."""
    code = str(comuna or "")
    found = s.execute(
        select(Platform.code)
        .where(Platform.comuna_code == code, Platform.kind == "municipal")
        .order_by(Platform.online.desc(), Platform.code)
        .limit(1)
    ).scalar_one_or_none()
    if found:
        return found
    region = s.execute(select(Comuna.region_code).where(Comuna.code == code)).scalar_one_or_none()
    return f"DR{region}" if region else "WEB"  # an unknown comuna is refused by the form's validation


def _refuse_if_invalid(s: Session, store: CatalogStore, data: Mapping[str, Any], consent: bool) -> None:
    """Every problem at once: the kind, the consent and the published form's own checks."""
    problems = []
    if data.get("kind") not in PUBLIC_KINDS:
        problems.append(FieldError("kind", "Elija consulta o reclamo."))
    if not consent:
        problems.append(FieldError(CONSENT_FIELD, CONSENT_MISSING))
    try:
        forms.validate(store.latest(s).form(_intake_form_id(store, s)), data)
    except FormInvalid as err:
        problems.extend(err.errors)
    if problems:
        raise FormInvalid(problems)


def file_case(
    s: Session,
    store: CatalogStore,
    data: Mapping[str, Any],
    files: attachments.FilesByField,
    now: datetime,
    consent: bool,
    receipt_link: Callable[[str], str],
    library: str | None = None,
) -> Receipt:
    """Open a citizen's case on channel web at the platform serving the comuna; record the consent and the
    library (kiosk), and queue the confirmation e-mail when an address was given. FormInvalid otherwise."""
    clean = dict(data)
    consumer = clean.get("consumer")
    comuna = consumer.get("comuna") if isinstance(consumer, Mapping) else None
    clean.update(channel="web", platform=assign_platform(s, comuna))
    _refuse_if_invalid(s, store, clean, consent)
    summary = attachments.open_case_with_files(s, store, clean, files, CITIZEN, now)
    case = s.execute(select(Case).where(Case.folio == summary.folio)).scalar_one()
    s.add(CitizenIntake(case_id=case.id, library_code=library, consent_version=CONSENT_VERSION, filed_at=now))
    found = receipt_of(s, case)
    if case.consumer_email:
        mailer.queue(
            s,
            "confirmation",
            case.consumer_email,
            *confirmation(found, receipt_link(found.folio)),
            now,
            case.id,
        )
    return found


def confirmation(found: Receipt, link: str) -> tuple[str, str]:
    """Subject and text of the confirmation e-mail."""
    due = f"Plazo de respuesta: {found.plazo}, hasta el {found.due_on:%d-%m-%Y}.\n" if found.due_on else ""
    body = (
        f"Hemos recibido su {found.kind_label} con el folio {found.folio}.\n\n{due}{found.next_steps}\n\n"
        f"Su comprobante: {link}\n(el enlace es personal y vence en 30 días; no lo comparta).\n\n"
        "Puede revisar el estado de su caso con su folio y su RUT en el portal,\n"
        "sección «Estado de mi caso».\n\n"
        "Ventanilla única de atención al consumidor"
    )
    return f"Recibimos su {found.kind_label} — folio {found.folio}", body


def receipt_of(s: Session, case: Case) -> Receipt:
    """The receipt of a case filed by a citizen."""
    platform = s.get(Platform, case.platform_code)
    intake = s.get(CitizenIntake, case.id)
    library = s.get(Platform, intake.library_code) if intake and intake.library_code else None
    return Receipt(
        folio=case.folio or "",
        kind=case.kind,
        kind_label=KINDS.get(case.kind, case.kind),
        opened_at=case.opened_at,
        due_on=case.due_on,
        plazo=PLAZO_TEXT.get(case.kind, ""),
        platform_name=platform.name if platform else case.platform_code,
        next_steps=NEXT_STEPS.get(case.kind, ""),
        email=case.consumer_email,
        library_name=library.name if library else None,
    )


def receipt(s: Session, folio: str) -> Receipt | None:
    """The receipt of a folio filed by a citizen (the caller checked the signed link); None otherwise."""
    case = s.execute(select(Case).where(Case.folio == folio)).scalar_one_or_none()
    if case is None or s.get(CitizenIntake, case.id) is None:
        return None
    return receipt_of(s, case)
