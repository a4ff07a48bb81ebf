"""The call center's knowledge base: articles (questions and answers), every version kept, uses on cases,
and the searches staff made (to report what found nothing)."""

from __future__ import annotations

from datetime import datetime

from sqlalchemy import Boolean, ForeignKey, Index, Integer, String, Text, UniqueConstraint
from sqlalchemy.orm import Mapped, mapped_column

from .base import Base


class KnowledgeArticle(Base):
    """The current version of one question and answer. ``search_text`` is its text folded (lower case, no
    accents): PostgreSQL indexes it with the 'spanish' text-search configuration, SQLite copies its stems
    into the FTS5 table ``knowledge_fts`` (engine/services/knowledge/search.py)."""

    __tablename__ = "knowledge_articles"
    __table_args__ = ({"sqlite_autoincrement": True},)
    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    question: Mapped[str] = mapped_column(String(300))
    answer: Mapped[str] = mapped_column(Text)
    # The subject classification (mercado → motivo) as codes; bound to the classification list in one place
    # (engine/services/knowledge/categories.py) once that list is content.
    market: Mapped[str] = mapped_column(String(60), index=True)
    motive: Mapped[str] = mapped_column(String(120))
    legal_basis: Mapped[str | None] = mapped_column(String(200))
    active: Mapped[bool] = mapped_column(Boolean, default=True)
    version: Mapped[int] = mapped_column(Integer, default=1)
    uses: Mapped[int] = mapped_column(Integer, default=0)
    search_text: Mapped[str] = mapped_column(Text)
    created_at: Mapped[datetime]
    created_by: Mapped[str] = mapped_column(String(80))
    updated_at: Mapped[datetime]
    updated_by: Mapped[str] = mapped_column(String(80))


class KnowledgeVersion(Base):
    """One saved version of an article (the first one included): what it said, who saved it and when."""

    __tablename__ = "knowledge_versions"
    __table_args__ = (UniqueConstraint("article_id", "version"), {"sqlite_autoincrement": True})
    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    article_id: Mapped[int] = mapped_column(ForeignKey("knowledge_articles.id"), index=True)
    version: Mapped[int] = mapped_column(Integer)
    question: Mapped[str] = mapped_column(String(300))
    answer: Mapped[str] = mapped_column(Text)
    market: Mapped[str] = mapped_column(String(60))
    motive: Mapped[str] = mapped_column(String(120))
    legal_basis: Mapped[str | None] = mapped_column(String(200))
    active: Mapped[bool] = mapped_column(Boolean)
    note: Mapped[str | None] = mapped_column(String(300))
    saved_at: Mapped[datetime]
    saved_by: Mapped[str] = mapped_column(String(80))


class KnowledgeUse(Base):
    """An article used to answer a case ("usar esta respuesta"): counted and linked to the case."""

    __tablename__ = "knowledge_uses"
    __table_args__ = ({"sqlite_autoincrement": True},)
    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    article_id: Mapped[int] = mapped_column(ForeignKey("knowledge_articles.id"), index=True)
    version: Mapped[int] = mapped_column(Integer)
    case_id: Mapped[int] = mapped_column(ForeignKey("cases.id"), index=True)
    used_by: Mapped[str] = mapped_column(String(80))
    used_at: Mapped[datetime]


class KnowledgeSearch(Base):
    """One search staff made in the knowledge base, with how many articles it found."""

    __tablename__ = "knowledge_searches"
    __table_args__ = (
        Index("ix_knowledge_searches_found", "found", "searched_at"),
        {"sqlite_autoincrement": True},
    )
    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    query: Mapped[str] = mapped_column(String(200))
    normalized: Mapped[str] = mapped_column(String(200))
    found: Mapped[int] = mapped_column(Integer)
    searched_by: Mapped[str] = mapped_column(String(80))
    searched_at: Mapped[datetime]
