"""The consumer record (SPEC §4): one row per RUT with the latest name and contacts any case gave, updated at
each intake in the case's transaction; the person's history is their cases. Also what intake looks up: a
known RUT, and the companies of the provider registry as the ejecutivo types."""

from __future__ import annotations

import unicodedata
from dataclasses import dataclass
from datetime import date, datetime

from sqlalchemy import func, select
from sqlalchemy.orm import Session

from .. import refdata, rut
from ..access import Actor, sees_case
from ..labels import KINDS, label
from ..models import Case, Consumer, Provider

HISTORY = 20  # the most recent cases listed at intake (the count covers them all)
SUGGESTIONS = 10
STATUS_LABELS = {"open": "abierto", "closed": "cerrado"}


def record_consumer(s: Session, case: Case, now: datetime) -> None:
    """Create or update the RUT's record from a case just registered (what it did not give is kept)."""
    if not case.consumer_rut:
        return
    row = s.get(Consumer, case.consumer_rut)
    if row is None:
        row = Consumer(rut=case.consumer_rut, name=case.consumer_name, created_at=now, updated_at=now)
        s.add(row)
    row.name = case.consumer_name or row.name
    row.email = case.consumer_email or row.email
    row.phone = case.consumer_phone or row.phone
    row.comuna_code = case.comuna_code or row.comuna_code
    row.updated_at = now


@dataclass(frozen=True)
class PastCase:
    """One case of the person, as intake lists it; ``in_scope``: the actor may open it."""

    folio: str
    kind: str
    kind_label: str
    status: str
    status_label: str
    provider_name: str | None
    provider_rut: str | None
    opened_on: date
    in_scope: bool

    @property
    def open(self) -> bool:
        """Still being handled."""
        return self.status != "closed"


@dataclass(frozen=True)
class KnownConsumer:
    """What intake knows of a RUT: the record (when there is one) and the person's cases, newest first."""

    known: bool
    rut: str
    name: str = ""
    email: str | None = None
    phone: str | None = None
    comuna: str | None = None
    region: str | None = None
    count: int = 0
    cases: tuple[PastCase, ...] = ()


def _past(case: Case, actor: Actor) -> PastCase:
    status = "closed" if case.status == "closed" else "open"
    return PastCase(
        folio=case.folio or "",
        kind=case.kind,
        kind_label=label(KINDS, case.kind) if case.kind in KINDS else case.kind,
        status=status,
        status_label=STATUS_LABELS[status],
        provider_name=case.provider_name,
        provider_rut=case.provider_rut,
        opened_on=case.opened_on,
        in_scope=sees_case(actor, case),
    )


def known_consumer(s: Session, rut_text: str, actor: Actor) -> KnownConsumer:
    """The record and cases of a RUT (any common spelling); ``known`` is False for a new or invalid one."""
    if not rut.is_valid(rut_text):
        return KnownConsumer(False, rut_text.strip()[:20])
    canonical = rut.normalize(rut_text)
    row = s.get(Consumer, canonical)
    count = s.execute(select(func.count(Case.id)).where(Case.consumer_rut == canonical)).scalar_one()
    if row is None and not count:
        return KnownConsumer(False, canonical)
    recent = s.execute(
        select(Case).where(Case.consumer_rut == canonical).order_by(Case.opened_at.desc()).limit(HISTORY)
    ).scalars()
    comuna = row.comuna_code if row else None
    place = refdata.comunas().get(comuna or "")
    return KnownConsumer(
        known=True,
        rut=canonical,
        name=row.name if row else "",
        email=row.email if row else None,
        phone=row.phone if row else None,
        comuna=comuna,
        region=place.region_code if place else None,
        count=int(count),
        cases=tuple(_past(case, actor) for case in recent),
    )


@dataclass(frozen=True)
class ProviderMatch:
    """A registered company offered while typing its name or RUT at intake."""

    rut: str
    legal_name: str
    trade_name: str
    digital: bool


def fold(text: str) -> str:
    """Lower case without accents: how names are compared ("Telefonía" = "telefonia")."""
    return unicodedata.normalize("NFKD", text.casefold()).encode("ascii", "ignore").decode()


def suggest_providers(s: Session, query: str) -> list[ProviderMatch]:
    """Registered companies whose RUT or a word of whose legal or trade name starts with the query (accents
    and case ignored), at most SUGGESTIONS, by name. The registry is read whole: a few thousand rows."""
    wanted = fold(query.strip())[:80]
    compact = wanted.replace(".", "").replace(" ", "")
    if len(wanted) < 2:
        return []
    found = []
    rows = s.execute(select(Provider.rut, Provider.legal_name, Provider.trade_name, Provider.digital))
    for rut_value, legal, trade, digital in rows:
        names = f"{fold(legal)} {fold(trade or '')}"
        words = names.split()
        hit = names.startswith(wanted) or any(w.startswith(wanted) for w in words)
        if hit or (compact[:1].isdigit() and rut_value.replace("-", "").startswith(compact.replace("-", ""))):
            found.append(ProviderMatch(rut_value, legal, trade or "", bool(digital)))
    return sorted(found, key=lambda p: fold(p.legal_name))[:SUGGESTIONS]


@dataclass(frozen=True)
class UnregisteredProvider:
    """A company named at intake that the registry does not have: staff may add it."""

    name: str
    rut: str | None
    cases: int
    last_folio: str


def unregistered_providers(s: Session, limit: int = 50) -> list[UnregisteredProvider]:
    """Companies of flagged cases still missing from the registry, the most named first."""
    rows = s.execute(
        select(Case.provider_name, Case.provider_rut, func.count(Case.id), func.max(Case.folio))
        .where(Case.provider_unregistered.is_(True), Case.provider_name.is_not(None))
        .where(Case.provider_rut.is_(None) | Case.provider_rut.not_in(select(Provider.rut)))
        .group_by(Case.provider_name, Case.provider_rut)
        .order_by(func.count(Case.id).desc(), Case.provider_name)
        .limit(limit)
    ).all()
    return [UnregisteredProvider(name or "", rut_, int(n), folio or "") for name, rut_, n, folio in rows]


def is_registered(s: Session, rut_text: str | None, name: str | None) -> bool:
    """Whether the company of a case is in the registry: by RUT when one is given, else by its legal or
    trade name (accents and case ignored)."""
    if rut_text and rut.is_valid(rut_text):
        return s.get(Provider, rut.normalize(rut_text)) is not None
    wanted = fold(name or "").strip()
    if not wanted:
        return True  # no company named (a consulta or no consumo may have none): nothing to register
    rows = s.execute(select(Provider.legal_name, Provider.trade_name))
    return any(wanted in (fold(legal).strip(), fold(trade or "").strip()) for legal, trade in rows)
