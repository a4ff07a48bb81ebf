"""Words in a case's name, company or text, accent-insensitive: PostgreSQL full-text search (Spanish stems,
unaccent) on the expression indexes of migration 0013, or SQLite FTS5 (unicode61, remove_diacritics; each
word also matches as a prefix, since FTS5 has no Spanish stemmer)."""

from __future__ import annotations

import re

from sqlalchemy import ColumnElement, Integer, false, func, literal_column, text
from sqlalchemy import column as sql_column

from ...models import Case

WORD = re.compile(r"\w+", re.UNICODE)
MAX_WORDS = 8
# The indexed expressions (identical text to migration 0013's, so the planner uses the GIN indexes).
PG_DOCUMENTS = {
    "body": ("es_unaccent", "coalesce(cases.subject, '') || ' ' || coalesce(cases.description, '')"),
    "name": ("simple_unaccent", "coalesce(cases.consumer_name, '')"),
    "company": ("simple_unaccent", "coalesce(cases.provider_name, '')"),
}


def words(typed: str) -> list[str]:
    """The words of what someone typed (letters and digits only: nothing reaches a query's syntax)."""
    return WORD.findall(typed.replace("_", " "))[:MAX_WORDS]


def matches(dialect: str, field: str, typed: str) -> ColumnElement[bool]:
    """Cases whose ``field`` (name, company or body) holds every word typed."""
    found = words(typed)
    if not found:
        return false()
    if dialect == "postgresql":
        return _postgres(field, found)
    return _sqlite(field, found)


def _postgres(field: str, found: list[str]) -> ColumnElement[bool]:
    config, expression = PG_DOCUMENTS[field]
    document = func.to_tsvector(literal_column(f"'{config}'::regconfig"), literal_column(expression))
    if field == "body":  # whole words, stemmed in Spanish
        query = func.plainto_tsquery(literal_column(f"'{config}'::regconfig"), " ".join(found))
    else:  # names: every word as a prefix ("Ana Pru" finds Ana Prueba)
        prefixes = " & ".join(f"{word}:*" for word in found)
        query = func.to_tsquery(literal_column(f"'{config}'::regconfig"), prefixes)
    return document.op("@@")(query)


def _sqlite(field: str, found: list[str]) -> ColumnElement[bool]:
    expression = " AND ".join(f'{field} : "{word}" *' for word in found)
    rows = text("SELECT rowid FROM cases_fts WHERE cases_fts MATCH :fts").bindparams(fts=expression)
    return Case.id.in_(rows.columns(sql_column("rowid", Integer)))
