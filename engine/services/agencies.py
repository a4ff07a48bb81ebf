"""The partner-agency registry (SPEC §6): seeded from refdata, edited by integrators and admins."""

from __future__ import annotations

import re
import secrets
import unicodedata
from collections.abc import Iterable, Mapping
from dataclasses import dataclass
from datetime import datetime
from typing import Any

from sqlalchemy import select
from sqlalchemy.orm import Session

from .. import refdata
from ..access import Actor
from ..errors import FieldError, Forbidden, FormInvalid, NotFound
from ..models import Agency

EDITORS = frozenset({"integrador", "admin_plataformas", "sistema"})
CHANNELS = {"webservice": "Servicio web", "oficio": "Oficio (correo electrónico)"}
DEFAULT_PROCESS = "derivacion"
_CODE = re.compile(r"[A-Z][A-Z0-9_]{1,19}")
_EMAIL = re.compile(r"[^@\s<>,;]+@[^@\s<>,;]+\.[A-Za-z]{2,}")
_URL = re.compile(r"https?://[^\s]+")
# Words in a case's subject or description that point to a market (used only to suggest an agency).
MARKET_WORDS: Mapping[str, tuple[str, ...]] = {
    "financiero": ("banco", "tarjeta", "credito", "cuenta corriente", "prestamo"),
    "seguros": ("seguro", "poliza", "aseguradora"),
    "salud": ("isapre", "fonasa", "clinica", "salud"),
    "electricidad": ("luz", "electricidad", "electrico", "medidor"),
    "gas": ("gas", "cilindro"),
    "combustibles": ("bencina", "combustible", "parafina"),
    "agua": ("agua", "alcantarillado", "sanitaria"),
    "pensiones": ("afp", "pension", "cesantia"),
    "telecomunicaciones": ("telefono", "internet", "celular", "television", "cable", "fibra"),
    "transporte": ("bus", "micro", "taxi", "transporte", "revision tecnica"),
    "competencia": ("colusion", "monopolio"),
    "seguridad_social": ("licencia medica", "caja de compensacion", "accidente laboral"),
    "aereo": ("vuelo", "aerolinea", "equipaje", "aeropuerto", "pasaje aereo"),
}


@dataclass(frozen=True)
class AgencyView:
    """A registry entry as people see it: the secret only as a hint (its last four characters)."""

    code: str
    name: str
    markets: list[str]
    keywords: list[str]
    channel: str
    endpoint_url: str | None
    secret_hint: str
    contact_email: str | None
    ack_days: int
    answer_days: int
    process: str
    account: str | None
    active: bool  # offered and sent to: marked active AND with a way to receive (can_receive)
    updated_at: datetime
    updated_by: str
    receives: bool = True  # has the endpoint (web service) or the address (oficio) its channel needs


@dataclass(frozen=True)
class SavedAgency:
    """The entry after a change, and the secret in full only when it was just generated (shown once)."""

    agency: AgencyView
    new_secret: str | None = None


def view(a: Agency) -> AgencyView:
    """The entry without its secret."""
    return AgencyView(
        code=a.code,
        name=a.name,
        markets=list(a.markets or []),
        keywords=list(a.keywords or []),
        channel=a.channel,
        endpoint_url=a.endpoint_url,
        secret_hint="••••" + a.secret[-4:] if a.secret else "",
        contact_email=a.contact_email,
        ack_days=a.ack_days,
        answer_days=a.answer_days,
        process=a.process,
        account=a.account,
        active=a.active and can_receive(a),
        updated_at=a.updated_at,
        updated_by=a.updated_by,
        receives=can_receive(a),
    )


def can_receive(a: Agency) -> bool:
    """Whether the agency has the way its channel needs: a web-service URL, or the oficio's e-mail address.
    An agency without it is never offered nor sent to, whatever its ``active`` mark (SPEC §6)."""
    return bool(a.endpoint_url) if a.channel == "webservice" else bool(a.contact_email)


def seed_agencies(s: Session, now: datetime) -> int:
    """Insert the agencies of engine/refdata/agencies.csv that are missing (idempotent); new secrets."""
    have = set(s.execute(select(Agency.code)).scalars())
    added = [
        Agency(
            code=a.code,
            name=a.name,
            markets=list(a.markets),
            keywords=sorted({w for m in a.markets for w in MARKET_WORDS.get(m, ())}),
            channel=a.default_channel if a.default_channel in CHANNELS else "oficio",
            endpoint_url=None,
            secret=secrets.token_urlsafe(32),
            contact_email=None,
            ack_days=2,
            answer_days=15,
            process=DEFAULT_PROCESS,
            account=None,
            active=True,
            updated_at=now,
            updated_by="sistema",
        )
        for a in refdata.agencies().values()
        if a.code not in have
    ]
    s.add_all(added)
    s.flush()
    return len(added)


def list_agencies(s: Session, active_only: bool = False) -> list[AgencyView]:
    """Every registry entry by name."""
    query = select(Agency).order_by(Agency.name)
    if active_only:
        query = query.where(Agency.active.is_(True))
    return [view(a) for a in s.execute(query).scalars() if not active_only or can_receive(a)]


def agency_row(s: Session, code: str) -> Agency:
    """The entry with this code, or NotFound."""
    found = s.get(Agency, code)
    if found is None:
        raise NotFound(f"no existe la institución '{code}' en el registro")
    return found


def _editor(actor: Actor) -> None:
    if actor.role not in EDITORS:
        raise Forbidden("solo integradores/as y administradores/as editan el registro de instituciones")


def _words(value: Any) -> list[str]:
    items = value.split(",") if isinstance(value, str) else list(value or [])
    return [str(x).strip().lower() for x in items if str(x).strip()]


def _int(field: str, value: Any, errors: list[FieldError]) -> int:
    try:
        number = int(value)
    except (TypeError, ValueError):
        number = 0
    if not 1 <= number <= 90:
        errors.append(FieldError(field, "Indique un número de días hábiles entre 1 y 90."))
    return number


def _name(text: Any) -> str | None:
    return (
        None if isinstance(text, str) and 3 <= len(text) <= 160 else "Indique el nombre (3 a 160 caracteres)."
    )


def _channel(text: Any) -> str | None:
    return None if text in CHANNELS else "Use 'webservice' u 'oficio'."


def _url(text: Any) -> str | None:
    ok = not text or (isinstance(text, str) and _URL.fullmatch(text) and len(text) <= 500)
    return None if ok else "Indique una URL http:// o https:// válida."


def _email(text: Any) -> str | None:
    ok = not text or (isinstance(text, str) and _EMAIL.fullmatch(text))
    return None if ok else "Correo electrónico inválido."


def _secret(text: Any) -> str | None:
    ok = isinstance(text, str) and len(text) >= 16
    return None if ok else "El secreto debe tener al menos 16 caracteres."


_TEXT_CHECKS = {
    "name": _name,
    "channel": _channel,
    "endpoint_url": _url,
    "contact_email": _email,
    "secret": _secret,
}
_OPTIONAL = frozenset({"endpoint_url", "contact_email", "account"})


def _clean(data: Mapping[str, Any], processes: Iterable[str], errors: list[FieldError]) -> dict[str, Any]:
    """Checked values for the fields present in ``data`` (unknown fields are refused)."""
    out: dict[str, Any] = {}
    known = set(processes)
    for field, value in data.items():
        text = value.strip() if isinstance(value, str) else value
        message = None
        if field in _TEXT_CHECKS:
            message = _TEXT_CHECKS[field](text)
            out[field] = (text or None) if field in _OPTIONAL else text
        elif field in ("markets", "keywords"):
            out[field] = _words(value)
        elif field in ("ack_days", "answer_days"):
            out[field] = _int(field, value, errors)
        elif field == "process":
            message = None if text in known else f"El proceso '{text}' no existe en la versión publicada."
            out[field] = text
        elif field == "account":
            out[field] = text or None
        elif field == "active":
            out[field] = value in (True, "1", "true", "on", "sí", "si")
        else:
            message = "Campo no permitido."
        if message:
            errors.append(FieldError(field, message))
    return out


def _check_complete(values: Mapping[str, Any], errors: list[FieldError]) -> None:
    """An active agency needs the way its channel receives (an inactive one may wait for it)."""
    if not values.get("active", True):
        return
    if values.get("channel") == "webservice" and not values.get("endpoint_url"):
        errors.append(
            FieldError(
                "endpoint_url",
                "Para dejarla activa, indique la URL del servicio web que recibe las derivaciones.",
            )
        )
    if values.get("channel") == "oficio" and not values.get("contact_email"):
        errors.append(
            FieldError(
                "contact_email", "Para dejarla activa, indique el correo al que se envían los oficios."
            )
        )


def add_agency(
    s: Session, data: Mapping[str, Any], processes: Iterable[str], actor: Actor, now: datetime
) -> SavedAgency:
    """Register a new agency; the secret is generated unless given, and returned in full this once."""
    _editor(actor)
    errors: list[FieldError] = []
    code = str(data.get("code", "")).strip().upper()
    if not _CODE.fullmatch(code):
        errors.append(FieldError("code", "Código de 2 a 20 letras mayúsculas, dígitos o _."))
    elif s.get(Agency, code) is not None:
        errors.append(FieldError("code", f"Ya existe la institución '{code}'."))
    fields = {k: v for k, v in data.items() if k != "code"}
    fields.setdefault("process", DEFAULT_PROCESS)
    values = _clean(fields, processes, errors)
    for required in ("name", "channel"):
        if required not in values:
            errors.append(FieldError(required, "Este campo es obligatorio."))
    _check_complete(values, errors)
    if errors:
        raise FormInvalid(errors)
    generated = None if values.get("secret") else secrets.token_urlsafe(32)
    defaults = {"markets": [], "keywords": [], "ack_days": 2, "answer_days": 15, "active": True}
    row = Agency(
        code=code,
        **{**defaults, **values, "secret": values.get("secret") or generated},
        updated_at=now,
        updated_by=actor.username,
    )
    s.add(row)
    s.flush()
    return SavedAgency(view(row), generated)


def update_agency(
    s: Session,
    code: str,
    data: Mapping[str, Any],
    processes: Iterable[str],
    actor: Actor,
    now: datetime,
    rotate_secret: bool = False,
) -> SavedAgency:
    """Change some fields of an entry; ``rotate_secret`` generates a new secret, returned this once."""
    _editor(actor)
    row = agency_row(s, code)
    errors: list[FieldError] = []
    values = _clean({k: v for k, v in data.items() if not (k == "secret" and not v)}, processes, errors)
    current = {
        "channel": row.channel,
        "endpoint_url": row.endpoint_url,
        "contact_email": row.contact_email,
        "active": row.active,
    }
    _check_complete({**current, **values}, errors)
    if errors:
        raise FormInvalid(errors)
    for field, value in values.items():
        setattr(row, field, value)
    generated = secrets.token_urlsafe(32) if rotate_secret else None
    if generated:
        row.secret = generated
    row.updated_at, row.updated_by = now, actor.username
    return SavedAgency(view(row), generated)


def _fold(text: str) -> str:
    plain = unicodedata.normalize("NFKD", text.casefold()).encode("ascii", "ignore").decode()
    return f" {re.sub(r'[^a-z0-9]+', ' ', plain)} "


def suggest(s: Session, text: str) -> list[str]:
    """Active agencies whose markets or keywords appear in the text, best match first (a suggestion only)."""
    folded = _fold(text)
    scored = []
    for a in s.execute(select(Agency).where(Agency.active.is_(True))).scalars():
        if not can_receive(a):
            continue
        words = {*(a.keywords or []), *(m.replace("_", " ") for m in a.markets or [])}
        hits = sum(1 for w in words if _fold(w) in folded)
        if hits:
            scored.append((-hits, a.name, a.code))
    return [code for _, _, code in sorted(scored)]


def published_processes(s: Session, store: Any) -> set[str]:
    """The process ids of the latest published version (a registry entry may name only these)."""
    from ..errors import NoPublishedVersion

    try:
        return set(store.latest(s).processes)
    except NoPublishedVersion:
        return set()
