"""Knowledge-base articles: write (create, edit — every version kept with who and when) and read."""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass
from datetime import datetime
from typing import Any

from sqlalchemy import select
from sqlalchemy.orm import Session

from ...access import Actor
from ...errors import FieldError, Forbidden, FormInvalid, NotFound
from ...models import KnowledgeArticle, KnowledgeVersion
from . import categories, search

EDITORS = frozenset({"supervisor", "analista", "sistema"})
FIELDS = ("question", "answer", "market", "motive", "legal_basis", "active")


@dataclass(frozen=True)
class ArticleView:
    """An article as staff read it."""

    id: int
    question: str
    answer: str
    market: str
    market_label: str
    motive: str
    legal_basis: str | None
    active: bool
    version: int
    uses: int
    updated_at: datetime
    updated_by: str


@dataclass(frozen=True)
class VersionView:
    """One saved version of an article."""

    version: int
    question: str
    answer: str
    market: str
    motive: str
    legal_basis: str | None
    active: bool
    note: str | None
    saved_at: datetime
    saved_by: str


@dataclass(frozen=True)
class ArticlePage:
    """An article with every version, newest first."""

    article: ArticleView
    history: list[VersionView]


def view(a: KnowledgeArticle) -> ArticleView:
    """The article without its search text."""
    return ArticleView(
        a.id,
        a.question,
        a.answer,
        a.market,
        categories.market_label(a.market),
        a.motive,
        a.legal_basis,
        a.active,
        a.version,
        a.uses,
        a.updated_at,
        a.updated_by,
    )


def _editor(actor: Actor) -> None:
    if actor.role not in EDITORS:
        raise Forbidden("solo supervisores/as y analistas editan la base de conocimiento")


def _text(data: Mapping[str, Any], name: str) -> str:
    value = data.get(name)
    return (
        " ".join(str(value).split()) if name != "answer" and value is not None else str(value or "").strip()
    )


def clean(data: Mapping[str, Any]) -> dict[str, Any]:
    """Checked values of an article; FormInvalid names each wrong field (nothing is written)."""
    values: dict[str, Any] = {name: _text(data, name) for name in FIELDS if name != "active"}
    values["legal_basis"] = values["legal_basis"] or None
    values["market"] = values["market"].lower()
    active = data.get("active", True)
    values["active"] = active if isinstance(active, bool) else str(active).strip().lower() in search.TRUE
    errors = []
    if not 10 <= len(values["question"]) <= 300:
        errors.append(FieldError("question", "Escriba la pregunta (10 a 300 caracteres)."))
    if not 20 <= len(values["answer"]) <= 4000:
        errors.append(FieldError("answer", "Escriba la respuesta (20 a 4.000 caracteres)."))
    for name, check in (("market", categories.check_market), ("motive", categories.check_motive)):
        message = check(values[name])
        if message:
            errors.append(FieldError(name, message))
    if values["legal_basis"] and len(values["legal_basis"]) > 200:
        errors.append(FieldError("legal_basis", "La base legal admite hasta 200 caracteres."))
    if errors:
        raise FormInvalid(errors)
    return values


def _keep_version(s: Session, a: KnowledgeArticle, note: str | None) -> None:
    s.add(
        KnowledgeVersion(
            article_id=a.id,
            version=a.version,
            question=a.question,
            answer=a.answer,
            market=a.market,
            motive=a.motive,
            legal_basis=a.legal_basis,
            active=a.active,
            note=(note or None) and note[:300],
            saved_at=a.updated_at,
            saved_by=a.updated_by,
        )
    )


def create_article(
    s: Session, data: Mapping[str, Any], actor: Actor, now: datetime, note: str | None = None
) -> ArticleView:
    """A new article (version 1), indexed for search."""
    _editor(actor)
    values = clean(data)
    a = KnowledgeArticle(
        **values,
        version=1,
        uses=0,
        search_text="",
        created_at=now,
        created_by=actor.username,
        updated_at=now,
        updated_by=actor.username,
    )
    s.add(a)
    s.flush()
    search.index(s, a)
    _keep_version(s, a, note or "creación")
    return view(a)


def update_article(
    s: Session, article_id: int, data: Mapping[str, Any], actor: Actor, now: datetime, note: str | None = None
) -> ArticleView:
    """Save a new version of an article when something changed (the old one stays in its history)."""
    _editor(actor)
    a = _row(s, article_id)
    values = clean(data)
    if all(getattr(a, k) == v for k, v in values.items()):
        return view(a)
    for name, value in values.items():
        setattr(a, name, value)
    a.version += 1
    a.updated_at, a.updated_by = now, actor.username
    search.index(s, a)
    _keep_version(s, a, note)
    return view(a)


def _row(s: Session, article_id: int) -> KnowledgeArticle:
    found = s.get(KnowledgeArticle, article_id)
    if found is None:
        raise NotFound(f"no existe el artículo {article_id} de la base de conocimiento")
    return found


def article_page(s: Session, article_id: int) -> ArticlePage:
    """The article and its history (newest version first)."""
    a = _row(s, article_id)
    rows = s.execute(
        select(KnowledgeVersion)
        .where(KnowledgeVersion.article_id == a.id)
        .order_by(KnowledgeVersion.version.desc())
    ).scalars()
    history = [
        VersionView(
            v.version,
            v.question,
            v.answer,
            v.market,
            v.motive,
            v.legal_basis,
            v.active,
            v.note,
            v.saved_at,
            v.saved_by,
        )
        for v in rows
    ]
    return ArticlePage(view(a), history)


def list_articles(s: Session, market: str | None = None) -> list[ArticleView]:
    """Every article (inactive ones too), by mercado and question; optionally one mercado only."""
    query = select(KnowledgeArticle).order_by(KnowledgeArticle.market, KnowledgeArticle.question)
    if market:
        query = query.where(KnowledgeArticle.market == market)
    return [view(a) for a in s.execute(query).scalars()]
