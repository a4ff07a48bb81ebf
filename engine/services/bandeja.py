"""The bandeja page's data: the case kinds in words and one page of the actor's inbox, in one read."""

from __future__ import annotations

import dataclasses
from collections.abc import Mapping
from dataclasses import dataclass, field
from datetime import datetime

from sqlalchemy import select
from sqlalchemy.orm import Session

from ..access import Actor, platform_scope
from ..errors import EngineError
from ..labels import KINDS
from ..models import Platform
from ..store import CatalogStore
from .cases import kind_labels
from .inbox import InboxPage, InboxQuery, inbox


@dataclass(frozen=True)
class Bandeja:
    """What the bandeja shows: ``query`` is the one asked for, with an unknown kind dropped."""

    kinds: Mapping[str, str]
    query: InboxQuery
    page: InboxPage
    markets: Mapping[str, str] = field(default_factory=dict)  # code → label, the list's order
    motives: Mapping[str, str] = field(default_factory=dict)  # of the chosen mercado (else all), by label
    platforms: tuple[tuple[str, str], ...] = ()  # (code, name) of the platforms in the actor's scope


def _choices(s: Session, store: CatalogStore, q: InboxQuery) -> tuple[dict[str, str], dict[str, str]]:
    """The mercados and motivos to filter by, from the latest classification."""
    try:
        found = store.latest(s).classification
    except EngineError:
        return {}, {}
    market = found.market(q.market)
    codes = market.motives if market else tuple(found.motives)
    motives = sorted(((c, found.motives[c].label) for c in codes if c in found.motives), key=lambda p: p[1])
    return {m.code: m.label for m in found.markets}, dict(motives)


def _platforms(s: Session, actor: Actor) -> tuple[tuple[str, str], ...]:
    rows = s.execute(
        select(Platform.code, Platform.name).where(platform_scope(actor)).order_by(Platform.name)
    )
    return tuple((code, name) for code, name in rows)


def case_kinds(s: Session, store: CatalogStore) -> Mapping[str, str]:
    """Case kinds in words: consulta, reclamo ... and the processes of the latest version that are not
    consumer cases."""
    try:
        return kind_labels(store.latest(s))
    except EngineError:  # nothing published yet (or not loadable): the consumer kinds only
        return KINDS


def bandeja(s: Session, store: CatalogStore, actor: Actor, q: InboxQuery, now: datetime) -> Bandeja:
    """One page of the actor's bandeja, filtered by ``q`` (a kind the catalog does not know is ignored)."""
    kinds = case_kinds(s, store)
    if q.kind is not None and q.kind not in kinds:
        q = dataclasses.replace(q, kind=None)
    markets, motives = _choices(s, store, q)
    page = inbox(s, actor, q, now)
    return Bandeja(kinds, q, page, markets, motives, _platforms(s, actor))
