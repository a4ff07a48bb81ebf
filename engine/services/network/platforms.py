"""The platform registry (SPEC §3): every place that attends the public, with its convenio, contact data,
online or manual records and the days it attends. A platform administrator manages their region's;
nivel central reads them all."""

from __future__ import annotations

import hashlib
from collections.abc import Mapping
from dataclasses import dataclass
from datetime import date, datetime
from typing import Any

from sqlalchemy import func, select
from sqlalchemy.orm import Session

from ... import deadlines
from ...access import Actor
from ...errors import FieldError, Forbidden, FormInvalid, NotFound
from ...models import Case, Comuna, Platform, PlatformAgreement, Region
from .. import attachments
from . import audit
from .platform_fields import CREATABLE, KINDS, PREFIX, cleaned, is_active

MANAGER = "admin_plataformas"
READERS = frozenset({MANAGER, "nivel_central"})
EDITABLE = (
    *("name", "kind", "comuna_code", "address", "manager_name", "email", "phone", "online"),
    *("agreement_on", "active_from", "active_to"),
)
NOT_PDF = "El convenio debe ser un archivo PDF de hasta 10 MB."


@dataclass(frozen=True)
class PlatformView:
    code: str
    name: str
    kind: str
    kind_label: str
    region_code: str
    region_name: str
    comuna_code: str | None
    comuna_name: str | None
    address: str
    manager_name: str
    email: str | None
    phone: str | None
    online: bool
    agreement_on: date | None
    agreement_file: str | None  # the newest convenio document's name, if one was uploaded
    active_from: date | None
    active_to: date | None
    active: bool
    open_cases: int


@dataclass(frozen=True)
class Registry:
    """What the registry page shows: the platforms in scope, and the choices its forms offer."""

    platforms: list[PlatformView]
    may_edit: bool
    region_code: str | None
    comunas: list[tuple[str, str]]  # the region's comunas (code, name), for the form
    regions: list[tuple[str, str]]


def _open_counts(s: Session, codes: list[str]) -> dict[str, int]:
    rows = s.execute(
        select(Case.platform_code, func.count())
        .where(Case.platform_code.in_(codes), Case.status != "closed")
        .group_by(Case.platform_code)
    )
    return {code: count for code, count in rows.tuples()}


def _agreements(s: Session, codes: list[str]) -> dict[str, str]:
    rows = s.execute(
        select(PlatformAgreement.platform_code, PlatformAgreement.filename)
        .where(PlatformAgreement.platform_code.in_(codes))
        .order_by(PlatformAgreement.id)
    )
    return {code: name for code, name in rows.tuples()}  # the newest wins


def _views(s: Session, rows: list[Platform], today: date) -> list[PlatformView]:
    codes = [p.code for p in rows]
    counts, files = _open_counts(s, codes), _agreements(s, codes)
    regions = dict(s.execute(select(Region.code, Region.name)).tuples().all())
    comunas = dict(s.execute(select(Comuna.code, Comuna.name)).tuples().all())
    return [
        PlatformView(
            p.code,
            p.name,
            p.kind,
            KINDS.get(p.kind, p.kind),
            p.region_code,
            regions.get(p.region_code, ""),
            p.comuna_code,
            comunas.get(p.comuna_code or ""),
            p.address,
            p.manager_name,
            p.email,
            p.phone,
            p.online,
            p.agreement_on,
            files.get(p.code),
            p.active_from,
            p.active_to,
            is_active(p.active_from, p.active_to, today),
            counts.get(p.code, 0),
        )
        for p in rows
    ]


def _reader_region(actor: Actor) -> str | None:
    """The one region the actor reads (None: every region); Forbidden for roles that read none."""
    if actor.role not in READERS:
        raise Forbidden("su perfil no administra plataformas")
    return actor.region_code if actor.role == MANAGER else None


def comunas_of(s: Session, region: str | None) -> list[tuple[str, str]]:
    """A region's comunas by name (code, name): what the platform form offers."""
    if region is None:
        return []
    rows = s.execute(
        select(Comuna.code, Comuna.name).where(Comuna.region_code == region).order_by(Comuna.name)
    )
    return list(rows.tuples())


def registry(s: Session, actor: Actor, now: datetime, region: str | None = None) -> Registry:
    """The platforms the actor reads (an administrator: their region; nivel central: all, or one region)."""
    own = _reader_region(actor)
    region = own if actor.role == MANAGER else region or None
    query = select(Platform)
    if region is not None:
        query = query.where(Platform.region_code == region)
    order = list(KINDS)  # the Dirección Regional first, then municipal platforms, gobernaciones ...
    rows = sorted(
        s.execute(query).scalars(),
        key=lambda p: (p.region_code, order.index(p.kind) if p.kind in order else len(order), p.name),
    )
    regions = list(s.execute(select(Region.code, Region.name).order_by(Region.code)).tuples())
    today = deadlines.local_date(now)
    return Registry(_views(s, rows, today), actor.role == MANAGER, region, comunas_of(s, own), regions)


def platform_row(s: Session, code: str, actor: Actor) -> Platform:
    """The platform ``code`` if the actor reads it: NotFound if unknown, Forbidden out of their region."""
    own = _reader_region(actor)
    row = s.get(Platform, code)
    if row is None:
        raise NotFound(f"no existe la plataforma {code}")
    if own is not None and row.region_code != own:
        raise Forbidden("solo puede administrar las plataformas de su región")
    return row


def get_platform(s: Session, code: str, actor: Actor, now: datetime) -> PlatformView:
    """One platform as the registry shows it."""
    return _views(s, [platform_row(s, code, actor)], deadlines.local_date(now))[0]


def managed_row(s: Session, code: str, actor: Actor) -> Platform:
    """The platform ``code`` if the actor may change it (their region's administrator)."""
    if actor.role != MANAGER:
        raise Forbidden("solo un/a administrador/a de plataformas de la región puede modificarla")
    return platform_row(s, code, actor)


def _placed(s: Session, values: dict[str, Any], actor: Actor, problems: list[FieldError]) -> None:
    """The comuna exists and lies in the administrator's region (another region's: Forbidden)."""
    comuna = s.get(Comuna, values["comuna_code"]) if values["comuna_code"] else None
    if comuna is None:
        problems.append(FieldError("comuna_code", "Elija la comuna de la plataforma."))
    elif comuna.region_code != actor.region_code:
        raise Forbidden("solo puede administrar plataformas de su región")


def _new_code(s: Session, kind: str, comuna: str) -> str:
    base = f"{PREFIX[kind]}{comuna}"
    taken = set(s.execute(select(Platform.code).where(Platform.code.like(f"{base}%"))).scalars())
    return next(c for c in (base, *(f"{base}-{n}" for n in range(2, 1000))) if c not in taken)


def create_platform(s: Session, data: Mapping[str, Any], actor: Actor, now: datetime) -> PlatformView:
    """Register a platform of the administrator's region; its code comes from its kind and comuna."""
    if actor.role != MANAGER or not actor.region_code:
        raise Forbidden("solo un/a administrador/a de plataformas crea plataformas en su región")
    if data.get("region") not in (None, "", actor.region_code):
        raise Forbidden("solo puede crear plataformas en su región")
    values, problems = cleaned(data, CREATABLE)
    _placed(s, values, actor, problems)
    if problems:
        raise FormInvalid(problems)
    row = Platform(code=_new_code(s, values["kind"], values["comuna_code"]), region_code=actor.region_code)
    for name, value in values.items():
        setattr(row, name, value)
    s.add(row)
    s.flush()
    audit.record(
        s,
        actor,
        "platform_created",
        row.code,
        f"{KINDS[row.kind]} {row.name}",
        now,
        row.region_code,
        _plain(values),
    )
    return get_platform(s, row.code, actor, now)


def update_platform(
    s: Session, code: str, data: Mapping[str, Any], actor: Actor, now: datetime
) -> PlatformView:
    """Change a platform's registry entry (a Dirección Regional stays one; no other kind becomes one)."""
    row = managed_row(s, code, actor)
    kinds = ("regional_office",) if row.kind == "regional_office" else CREATABLE
    current = {name: getattr(row, name) for name in EDITABLE}
    values, problems = cleaned({**current, **{k: v for k, v in data.items() if k in EDITABLE}}, kinds)
    _placed(s, values, actor, problems)
    if problems:
        raise FormInvalid(problems)
    before = {name: getattr(row, name) for name in values}
    changed = {k: v for k, v in values.items() if before[k] != v}
    for name, value in changed.items():
        setattr(row, name, value)
    if changed:
        summary = f"{row.name}: " + ", ".join(sorted(changed))
        audit.record(s, actor, "platform_updated", code, summary, now, row.region_code, _plain(changed))
    return get_platform(s, code, actor, now)


def attach_agreement(
    s: Session, code: str, filename: str, body: bytes, actor: Actor, now: datetime
) -> PlatformView:
    """Store the signed convenio (a PDF) of a platform; the newest one is the one shown."""
    row = managed_row(s, code, actor)
    name = attachments.safe_filename(filename) or "convenio.pdf"
    if len(body) > attachments.MAX_BYTES or attachments.content_type(name, body) != "application/pdf":
        raise FormInvalid([FieldError("agreement_file", NOT_PDF)])
    sha = hashlib.sha256(body).hexdigest()
    s.add(
        PlatformAgreement(
            platform_code=code,
            filename=name,
            size=len(body),
            sha256=sha,
            body=body,
            uploaded_by=actor.username,
            uploaded_at=now,
        )
    )
    s.flush()
    audit.record(
        s, actor, "platform_agreement", code, f"{row.name}: {name}", now, row.region_code, {"sha256": sha}
    )
    return get_platform(s, code, actor, now)


def agreement_file(s: Session, code: str, actor: Actor) -> tuple[str, bytes]:
    """The newest convenio of a platform the actor reads: (filename, PDF bytes)."""
    platform_row(s, code, actor)
    row = s.execute(
        select(PlatformAgreement)
        .where(PlatformAgreement.platform_code == code)
        .order_by(PlatformAgreement.id.desc())
        .limit(1)
    ).scalar_one_or_none()
    if row is None:
        raise NotFound("la plataforma no tiene un convenio adjunto")
    return row.filename, row.body


def _plain(values: Mapping[str, Any]) -> dict[str, Any]:
    return {k: v.isoformat() if isinstance(v, date) else v for k, v in values.items()}


def region_platforms(s: Session, region: str, now: datetime) -> list[PlatformView]:
    """A region's platforms, manual ones first (what the paper-cases upload offers)."""
    rows = s.execute(
        select(Platform).where(Platform.region_code == region).order_by(Platform.online, Platform.name)
    ).scalars()
    return _views(s, list(rows), deadlines.local_date(now))
