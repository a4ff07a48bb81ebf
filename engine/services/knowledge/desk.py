"""The knowledge base at the call center's desk: search (recorded), "usar esta respuesta" on a case
(linked, counted and logged), and the report of the most used articles and the searches that found nothing."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime

from sqlalchemy import func, select
from sqlalchemy.orm import Session

from ... import caselog
from ...access import Actor, find_case
from ...errors import Forbidden, NotFound
from ...models import KnowledgeArticle, KnowledgeSearch, KnowledgeUse
from . import search
from .articles import ArticleView, view

READERS = frozenset(
    {
        "ejecutivo",
        "supervisor",
        "abogado",
        "analista",
        "nivel_central",
        "director_regional",
        "admin_plataformas",
    }
)
REPORT_READERS = frozenset({"supervisor", "analista", "nivel_central", "director_regional"})
USERS = frozenset({"ejecutivo", "supervisor", "abogado"})


def _reader(actor: Actor, allowed: frozenset[str] = READERS) -> None:
    if actor.role not in allowed:
        raise Forbidden("su perfil no consulta la base de conocimiento")


def search_articles(
    s: Session, query: str, actor: Actor, now: datetime, market: str | None = None, limit: int = search.LIMIT
) -> list[ArticleView]:
    """Active articles for the query, best first; the search is recorded with how many it found."""
    _reader(actor)
    found = search.find(s, query, market, limit)
    search.record(s, query, len(found), actor, now)
    return [view(a) for a in found]


@dataclass(frozen=True)
class UseResult:
    """An article used on a case: the text to insert and how many times it has been used."""

    article: ArticleView
    folio: str


def use_article(s: Session, folio: str, article_id: int, actor: Actor, now: datetime) -> UseResult:
    """Link the article to a case in the actor's scope, count the use and log it on the case."""
    if actor.role not in USERS:
        raise Forbidden("su perfil no responde casos")
    case = find_case(s, folio, actor)
    a = s.get(KnowledgeArticle, article_id)
    if a is None or not a.active:
        raise NotFound(f"no existe el artículo {article_id} de la base de conocimiento")
    a.uses += 1
    s.add(
        KnowledgeUse(article_id=a.id, version=a.version, case_id=case.id, used_by=actor.username, used_at=now)
    )
    entry = caselog.by(
        actor,
        "knowledge_used",
        f"Respuesta tomada de la base de conocimiento (artículo {a.id}, versión {a.version}): {a.question}",
        data={"article_id": a.id, "version": a.version},
    )
    caselog.append_log(s, case.id, [entry], now)
    return UseResult(view(a), case.folio or folio)


@dataclass(frozen=True)
class MissedSearch:
    """A search that found nothing: how often, and when last."""

    words: str
    example: str
    times: int
    last_at: datetime


@dataclass(frozen=True)
class Report:
    """Most used articles and searches that found nothing (since a date)."""

    since: datetime
    most_used: list[tuple[ArticleView, int]]
    missed: list[MissedSearch]
    searches: int


def report(s: Session, actor: Actor, since: datetime, limit: int = 20) -> Report:
    """The knowledge base's report for supervisors, analysts and nivel central."""
    _reader(actor, REPORT_READERS)
    used = func.count(KnowledgeUse.id)
    rows = s.execute(
        select(KnowledgeArticle, used)
        .join(KnowledgeUse, KnowledgeUse.article_id == KnowledgeArticle.id)
        .where(KnowledgeUse.used_at >= since)
        .group_by(KnowledgeArticle.id)
        .order_by(used.desc(), KnowledgeArticle.id)
        .limit(limit)
    ).all()
    times = func.count(KnowledgeSearch.id)
    missed = s.execute(
        select(
            KnowledgeSearch.normalized,
            func.max(KnowledgeSearch.query),
            times,
            func.max(KnowledgeSearch.searched_at),
        )
        .where(KnowledgeSearch.found == 0, KnowledgeSearch.searched_at >= since)
        .group_by(KnowledgeSearch.normalized)
        .order_by(times.desc(), KnowledgeSearch.normalized)
        .limit(limit)
    ).all()
    total = s.execute(
        select(func.count(KnowledgeSearch.id)).where(KnowledgeSearch.searched_at >= since)
    ).scalar_one()
    return Report(
        since,
        [(view(a), int(n)) for a, n in rows],
        [MissedSearch(w, q, int(n), at) for w, q, n, at in missed],
        int(total),
    )
