"""The derivation outbox: sends queued derivations (signed JSON POST or oficio e-mail) outside any case
transaction, from the scheduler; failures back off exponentially and after N attempts open an incident."""

from __future__ import annotations

import hashlib
import hmac
import logging
import os
import urllib.error
import urllib.request
from collections.abc import Mapping
from dataclasses import dataclass, field
from datetime import datetime, timedelta

from sqlalchemy import func, or_, select
from sqlalchemy.orm import Session

from .. import caselog, mail
from ..access import Actor
from ..caselog import LogEvent
from ..db import Database
from ..errors import Conflict, Forbidden, NotFound
from ..models import Agency, Case, Derivation, DerivationDelivery, Document, Notification, User
from . import outbox

log = logging.getLogger(__name__)
SIGNATURE_HEADER = "X-Ventanilla-Signature"
IDEMPOTENCY_HEADER = "Idempotency-Key"
LETTER_WAIT = timedelta(seconds=30)  # an oficio not rendered yet: look again soon, without counting a try
INCIDENT_VIEWERS = frozenset({"supervisor", "abogado", "integrador", "admin_plataformas", "nivel_central"})
RETRIERS = frozenset({"supervisor", "abogado", "integrador", "admin_plataformas", "sistema"})
DOCX = "application/vnd.openxmlformats-officedocument.wordprocessingml.document"
# An incident stays open from the last automatic attempt until a delivery succeeds (or the derivation is
# cancelled or redirected): "Reintentar ahora" queues it again without closing it.
OPEN_INCIDENT = DerivationDelivery.failed_at.is_not(None) & DerivationDelivery.status.in_(
    ("failed", "pending")
)


def sign(secret: str, body: bytes) -> str:
    """The signature header value: ``sha256=`` + hex HMAC-SHA256 of the raw body with the shared secret."""
    return "sha256=" + hmac.new(secret.encode(), body, hashlib.sha256).hexdigest()


def verify(secret: str, body: bytes, header: str | None) -> bool:
    """Whether a signature header matches the body (constant-time comparison)."""
    return bool(header) and hmac.compare_digest(sign(secret, body), str(header).strip())


@dataclass(frozen=True)
class OutboxSettings:
    """How the outbox sends: attempts before an incident, HTTP timeout, the claim lease, the mail server."""

    max_attempts: int = 5
    timeout: float = 10.0
    lease: timedelta = timedelta(minutes=5)
    mail: mail.MailSettings = field(default_factory=mail.MailSettings)

    @classmethod
    def from_env(cls, env: Mapping[str, str] | None = None) -> OutboxSettings:
        """DERIVATION_MAX_ATTEMPTS, DERIVATION_TIMEOUT_SECONDS and the SMTP_* variables."""
        env = os.environ if env is None else env
        return cls(
            max_attempts=int(_positive(env, "DERIVATION_MAX_ATTEMPTS", 5)),
            timeout=_positive(env, "DERIVATION_TIMEOUT_SECONDS", 10),
            mail=mail.MailSettings.from_env(env),
        )


def _positive(env: Mapping[str, str], name: str, default: float) -> float:
    """A positive number from the environment; a bad value is logged and the default used (the outbox keeps
    sending rather than failing every poll over a typo)."""
    raw = (env.get(name) or "").strip()
    if not raw:
        return default
    try:
        value = float(raw)
    except ValueError:
        value = 0
    if 0 < value < 1e6:  # also refuses nan and inf
        return value
    log.error("%s=%r no es un número positivo: se usa %s", name, raw, default)
    return default


@dataclass(frozen=True)
class Claimed:
    """What one send needs, copied out of the claiming transaction."""

    id: int
    derivation_id: str
    kind: str
    body: str
    endpoint: str | None
    secret: str
    email: str | None
    folio: str
    document: tuple[str, bytes] | None


@dataclass(frozen=True)
class OutboxReport:
    sent: int
    failed: int
    incidents: int


def due_ids(db: Database, now: datetime, limit: int = 50) -> list[int]:
    """Deliveries waiting to be (re)sent whose time has come."""
    return outbox.due_ids(db, DerivationDelivery, now, limit)


def _claim(db: Database, delivery_id: int, now: datetime, lease: timedelta) -> Claimed | None:
    """Take one due delivery for this process (row lock, SKIP LOCKED), pushing its next try past the lease
    so no other worker sends it meanwhile; None when someone else has it or it is no longer due."""
    with db.writing() as s:
        row = outbox.lock_due(s, DerivationDelivery, delivery_id, now)
        if row is None:
            return None
        outbox.lease(row, now, lease)
        d = s.get(Derivation, row.derivation_id)
        agency = s.get(Agency, d.agency_code) if d else None
        case = s.get(Case, d.case_id) if d else None
        if d is None or agency is None or case is None:
            return None
        doc = s.get(Document, row.document_id) if row.document_id else None
        if doc is not None and doc.docx is None:  # its oficio is still being rendered (effects outbox)
            outbox.lease(row, now, LETTER_WAIT)
            return None
        attached = (f"{case.folio}-{doc.letter_id}.docx", doc.docx) if doc and doc.docx else None
        return Claimed(
            row.id,
            d.id,
            row.kind,
            row.body,
            agency.endpoint_url,
            agency.secret,
            agency.contact_email,
            case.folio or "",
            attached,
        )


def _post(c: Claimed, timeout: float) -> str | None:
    """POST the signed JSON; None on a 2xx answer, else why it failed."""
    if not c.endpoint:
        return "la institución no tiene URL de servicio web en el registro"
    body = c.body.encode("utf-8")
    request = urllib.request.Request(  # noqa: S310 (the URL is the registry's http(s) endpoint)
        c.endpoint,
        data=body,
        method="POST",
        headers={
            "Content-Type": "application/json; charset=utf-8",
            SIGNATURE_HEADER: sign(c.secret, body),
            IDEMPOTENCY_HEADER: c.derivation_id,
        },
    )
    try:
        with urllib.request.urlopen(request, timeout=timeout) as resp:  # noqa: S310
            return None if 200 <= resp.status < 300 else f"HTTP {resp.status}"
    except urllib.error.HTTPError as err:
        return f"HTTP {err.code} {err.reason}"
    except TimeoutError:
        return f"sin respuesta en {timeout:g} s"
    except (urllib.error.URLError, OSError) as err:
        reason = getattr(err, "reason", err)
        return f"sin conexión: {reason}"


def _email(c: Claimed, settings: mail.MailSettings) -> str | None:
    """E-mail the oficio to the agency's contact; None when the server accepted it."""
    if not c.email:
        return "la institución no tiene correo de contacto en el registro"
    files = [(c.document[0], c.document[1], DOCX)] if c.document else []
    try:
        mail.send_mail(settings, [c.email], f"Oficio de derivación — caso {c.folio}", c.body, files)
    except mail.MailFailed as err:
        return err.detail
    return None


def send_one(db: Database, delivery_id: int, now: datetime, settings: OutboxSettings) -> bool | None:
    """Claim, send and record one delivery. True sent, False failed (retried later), None not ours."""
    claimed = _claim(db, delivery_id, now, settings.lease)
    if claimed is None:
        return None
    try:
        error = (
            _post(claimed, settings.timeout)
            if claimed.kind == "webservice"
            else _email(claimed, settings.mail)
        )
    except Exception as err:  # a send must never be lost: record the failure, retry with backoff
        log.exception("envío de derivación %s", delivery_id)
        error = f"{type(err).__name__}: {err}"
    _record(db, delivery_id, error, now, settings)
    return error is None


def _record(
    db: Database, delivery_id: int, error: str | None, now: datetime, settings: OutboxSettings
) -> None:
    with db.writing() as s:
        row = s.get(DerivationDelivery, delivery_id)
        d = s.get(Derivation, row.derivation_id) if row else None
        if row is None or d is None or row.status != "pending":
            return
        row.attempts += 1
        how = "servicio web" if row.kind == "webservice" else "correo electrónico"
        if error is None:
            resolved = " (incidente resuelto)" if row.failed_at else ""
            row.status, row.sent_at, row.last_error = "sent", now, None
            event = LogEvent(
                "derivation_delivered",
                f"Derivación entregada a {d.agency_code} por {how} (intento {row.attempts}){resolved}",
                data={"derivation_id": d.id, "attempts": row.attempts},
                public=True,
            )
        elif row.failed_at is not None:  # a manual retry of an incident failed: the incident stays open
            row.status, row.last_error = "failed", error[:2000]
            event = LogEvent(
                "incident_retry_failed",
                f"El reintento del envío a {d.agency_code} falló: {error}; el incidente sigue abierto",
                data={"derivation_id": d.id, "attempts": row.attempts, "error": error[:500]},
            )
        elif row.attempts >= settings.max_attempts:
            row.status, row.failed_at, row.last_error = "failed", now, error[:2000]
            event = _open_incident(s, d, row, error, now)
        else:
            row.last_error, row.next_attempt_at = error[:2000], now + outbox.backoff(row.attempts)
            event = LogEvent(
                "derivation_retry",
                f"Falló el envío a {d.agency_code} (intento {row.attempts}): {error}; "
                f"nuevo intento el {row.next_attempt_at.isoformat(timespec='minutes')}",
                data={"derivation_id": d.id, "attempts": row.attempts, "error": error[:500]},
            )
        caselog.append_log(s, d.case_id, [event], now)


def _open_incident(s: Session, d: Derivation, row: DerivationDelivery, error: str, now: datetime) -> LogEvent:
    """After the last attempt: supervisors of the case's region and every integrator are notified."""
    case = s.get(Case, d.case_id)
    region = case.region_code if case else None
    users = s.execute(
        select(User.username).where(
            User.active.is_(True),
            or_(
                User.role == "integrador",
                (User.role.in_(("supervisor", "abogado"))) & (User.region_code == region),
            ),
        )
    ).scalars()
    folio = case.folio if case else ""
    message = f"Caso {folio}: la derivación a {d.agency_code} no se pudo enviar ({error[:120]})"
    s.add_all(
        Notification(username=u, case_id=d.case_id, message=message[:300], created_at=now) for u in users
    )
    return LogEvent(
        "incident_opened",
        f"Incidente: la derivación a {d.agency_code} falló {row.attempts} veces; último error: {error}",
        data={"derivation_id": d.id, "delivery_id": row.id, "error": error[:500]},
    )


def send_due(
    db: Database, now: datetime, settings: OutboxSettings | None = None, limit: int = 50
) -> OutboxReport:
    """Send every due delivery once; safe in several processes at once (claims with SKIP LOCKED)."""
    settings = settings or OutboxSettings.from_env()
    sent = failed = 0
    for delivery_id in due_ids(db, now, limit):
        result = send_one(db, delivery_id, now, settings)
        sent += result is True
        failed += result is False
    with db.reading() as s:
        incidents = s.execute(select(func.count(DerivationDelivery.id)).where(OPEN_INCIDENT)).scalar_one()
    return OutboxReport(sent, failed, incidents)


@dataclass(frozen=True)
class IncidentView:
    """A derivation that could not be sent: shown to supervisors and integrators with "reintentar ahora"."""

    delivery_id: int
    derivation_id: str
    folio: str
    agency_code: str
    kind: str
    attempts: int
    last_error: str | None
    failed_at: datetime | None


def _scoped(actor: Actor) -> object:
    if actor.role in ("supervisor", "abogado"):
        return Case.region_code == actor.region_code
    return Case.id.is_not(None)


def list_incidents(s: Session, actor: Actor) -> list[IncidentView]:
    """Open incidents the actor may see (supervisors: their region; integrators and admins: all)."""
    if actor.role not in INCIDENT_VIEWERS:
        raise Forbidden("su perfil no ve los incidentes de derivación")
    rows = s.execute(
        select(DerivationDelivery, Derivation, Case.folio)
        .join(Derivation, Derivation.id == DerivationDelivery.derivation_id)
        .join(Case, Case.id == Derivation.case_id)
        .where(OPEN_INCIDENT, _scoped(actor))  # type: ignore[arg-type]
        .order_by(DerivationDelivery.failed_at)
    ).all()
    return [
        IncidentView(r.id, d.id, folio or "", d.agency_code, r.kind, r.attempts, r.last_error, r.failed_at)
        for r, d, folio in rows
    ]


def retry_now(s: Session, delivery_id: int, actor: Actor, now: datetime) -> int:
    """Put a failed delivery back in the queue, due now, with a fresh count of attempts (logged)."""
    if actor.role not in RETRIERS:
        raise Forbidden("su perfil no puede reintentar envíos de derivación")
    row = s.get(DerivationDelivery, delivery_id)
    d = s.get(Derivation, row.derivation_id) if row else None
    case = s.get(Case, d.case_id) if d else None
    if row is None or d is None or case is None:
        raise NotFound(f"no existe el envío {delivery_id}")
    if actor.role in ("supervisor", "abogado") and case.region_code != actor.region_code:
        raise NotFound(f"no existe el envío {delivery_id}")
    if row.status != "failed":
        raise Conflict("el envío no está fallido: ya se envió o sigue en cola")
    row.status, row.next_attempt_at = "pending", now  # failed_at stays: the incident is open until it is sent
    entry = caselog.by(actor, "incident_retry", f"Reintento manual del envío a {d.agency_code}")
    caselog.append_log(s, case.id, [entry], now)
    return row.id
