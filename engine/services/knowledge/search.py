"""Spanish full-text search of the knowledge base, accent-insensitive and stemmed: PostgreSQL's 'spanish'
text search over the folded text, SQLite's FTS5 over stems computed here (ADR 0012). Every search is
recorded with how many articles it found, for the report of searches that found nothing."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime

from sqlalchemy import bindparam, func, select, text
from sqlalchemy.orm import Session

from ...access import Actor
from ...models import KnowledgeArticle, KnowledgeSearch
from . import categories
from . import text as words

TRUE = frozenset({"1", "true", "si", "sí", "yes", "on", "activo", "x"})
LIMIT = 20


def _search_text(a: KnowledgeArticle) -> str:
    """What the article is found by: the question counts twice (it says what the article is about)."""
    parts = (
        a.question,
        a.question,
        a.motive,
        categories.market_label(a.market),
        a.legal_basis or "",
        a.answer,
    )
    return words.fold(" ".join(parts))


def index(s: Session, a: KnowledgeArticle) -> None:
    """Bring the article's search text (and, on SQLite, its FTS5 row) in line with what it says now."""
    a.search_text = _search_text(a)
    s.flush()
    if s.get_bind().dialect.name == "sqlite":
        s.execute(text("DELETE FROM knowledge_fts WHERE rowid = :id"), {"id": a.id})
        stems = " ".join(words.stems(a.search_text))
        s.execute(
            text("INSERT INTO knowledge_fts (rowid, stems) VALUES (:id, :stems)"),
            {"id": a.id, "stems": stems},
        )


def _sqlite_ids(s: Session, stems: list[str], joiner: str, limit: int) -> list[int]:
    match = f" {joiner} ".join(f'"{stem}"' for stem in stems)  # stems are [a-z0-9]+: safe inside quotes
    rows = s.execute(
        text(
            "SELECT rowid FROM knowledge_fts WHERE knowledge_fts MATCH :q "
            "ORDER BY bm25(knowledge_fts) LIMIT :n"
        ),
        {"q": match, "n": limit * 5},
    )
    return [int(r[0]) for r in rows]


def _postgres_ids(s: Session, terms: list[str], joiner: str, limit: int) -> list[int]:
    vector = func.to_tsvector("spanish", KnowledgeArticle.search_text)
    query = func.to_tsquery("spanish", bindparam("q", f" {joiner} ".join(terms)))
    rows = s.execute(
        select(KnowledgeArticle.id)
        .where(vector.op("@@")(query), KnowledgeArticle.active.is_(True))
        .order_by(func.ts_rank(vector, query).desc(), KnowledgeArticle.id)
        .limit(limit)
    )
    return [int(r[0]) for r in rows]


def _matching_ids(s: Session, query: str, limit: int) -> list[int]:
    """Articles having every meaningful word of the query; if none has them all, those having any."""
    postgres = s.get_bind().dialect.name == "postgresql"
    terms = words.query_terms(query) if postgres else words.query_stems(query)
    if not terms:
        return []
    find = _postgres_ids if postgres else _sqlite_ids
    for joiner in ("&", "|") if postgres else ("AND", "OR"):
        ids = find(s, terms, joiner, limit)
        if ids:
            return ids
    return []


@dataclass(frozen=True)
class SearchResult:
    """The articles found for a query, best first."""

    query: str
    articles: list[KnowledgeArticle]


def find(s: Session, query: str, market: str | None = None, limit: int = LIMIT) -> list[KnowledgeArticle]:
    """Active articles matching the query (optionally of one mercado), best first; nothing is recorded."""
    ids = _matching_ids(s, query[:200], limit)
    if not ids:
        return []
    rows = {
        a.id: a for a in s.execute(select(KnowledgeArticle).where(KnowledgeArticle.id.in_(ids))).scalars()
    }
    found = [
        rows[i] for i in ids if i in rows and rows[i].active and (not market or rows[i].market == market)
    ]
    return found[:limit]


def record(s: Session, query: str, found: int, actor: Actor, now: datetime) -> None:
    """Keep the search for the reports (the query as typed and its meaningful words)."""
    normalized = " ".join(words.query_terms(query))
    if normalized:
        s.add(
            KnowledgeSearch(
                query=" ".join(query.split())[:200],
                normalized=normalized[:200],
                found=found,
                searched_by=actor.username,
                searched_at=now,
            )
        )
