"""The bandeja page's data: the case kinds in words and one page of the actor's inbox, in one read."""

from __future__ import annotations

import dataclasses
from collections.abc import Mapping
from dataclasses import dataclass
from datetime import datetime

from sqlalchemy.orm import Session

from ..access import Actor
from ..errors import EngineError
from ..labels import KINDS
from ..store import CatalogStore
from .cases import kind_labels
from .inbox import InboxPage, InboxQuery, inbox


@dataclass(frozen=True)
class Bandeja:
    """What the bandeja shows: ``query`` is the one asked for, with an unknown kind dropped."""

    kinds: Mapping[str, str]
    query: InboxQuery
    page: InboxPage


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
    return Bandeja(kinds, q, inbox(s, actor, q, now))
