"""The knowledge base as CSV (UTF-8, comma, header row): import creates or updates articles as new versions,
all or nothing; export writes every article as it is now."""

from __future__ import annotations

import csv
import io
from dataclasses import dataclass
from datetime import datetime

from sqlalchemy import select
from sqlalchemy.orm import Session

from ...access import SYSTEM, Actor
from ...errors import FieldError, FormInvalid
from ...models import KnowledgeArticle
from . import articles

COLUMNS = ("id", "pregunta", "respuesta", "mercado", "motivo", "base_legal", "activo")
REQUIRED = ("pregunta", "respuesta", "mercado", "motivo")
_FIELD = {"pregunta": "question", "respuesta": "answer", "mercado": "market", "motivo": "motive"}
_FIELD |= {"base_legal": "legal_basis", "activo": "active"}
MAX_ROWS = 5000


@dataclass(frozen=True)
class ImportReport:
    """What an import did."""

    created: int
    updated: int
    unchanged: int


def _rows(content: str) -> list[dict[str, str]]:
    reader = csv.DictReader(io.StringIO(content.lstrip("\ufeff")))
    missing = [c for c in REQUIRED if c not in (reader.fieldnames or [])]
    if missing:
        raise FormInvalid(
            [
                FieldError(
                    "archivo", f"Faltan columnas: {', '.join(missing)} (se esperan: {', '.join(COLUMNS)})."
                )
            ]
        )
    rows = list(reader)
    if len(rows) > MAX_ROWS:
        raise FormInvalid([FieldError("archivo", f"El archivo tiene más de {MAX_ROWS} filas.")])
    return rows


def _data(row: dict[str, str]) -> dict[str, object]:
    data: dict[str, object] = {_FIELD[k]: (v or "") for k, v in row.items() if k in _FIELD}
    if not str(data.get("active", "")).strip():
        data["active"] = True
    return data


def _target(s: Session, row: dict[str, str], by_question: dict[str, int], line: int) -> int | None:
    """The article a row updates: its id when given (it must exist), else the one with the same question."""
    raw = (row.get("id") or "").strip()
    if raw:
        if not raw.isdigit() or s.get(KnowledgeArticle, int(raw)) is None:
            raise FormInvalid([FieldError(f"fila {line}", f"No existe el artículo con id {raw[:20]}.")])
        return int(raw)
    return by_question.get(" ".join((row.get("pregunta") or "").split()).casefold())


def import_csv(
    s: Session, content: str, actor: Actor, now: datetime, note: str = "importación"
) -> ImportReport:
    """Create or update articles from CSV; a wrong row refuses the whole file, naming the row and field."""
    by_question = {
        q.casefold(): i for i, q in s.execute(select(KnowledgeArticle.id, KnowledgeArticle.question)).tuples()
    }
    created = updated = unchanged = 0
    for line, row in enumerate(_rows(content), start=2):
        try:
            target = _target(s, row, by_question, line)
            if target is None:
                saved = articles.create_article(s, _data(row), actor, now, note)
                by_question[saved.question.casefold()] = saved.id
                created += 1
                continue
            version = s.get(KnowledgeArticle, target).version  # type: ignore[union-attr]
            saved = articles.update_article(s, target, _data(row), actor, now, note)
            updated += saved.version != version
            unchanged += saved.version == version
        except FormInvalid as err:
            raise FormInvalid([FieldError(f"fila {line}: {e.field}", e.message) for e in err.errors]) from err
    return ImportReport(created, updated, unchanged)


def export_csv(s: Session) -> str:
    """Every article as CSV, with its id so that an edited file updates instead of duplicating."""
    out = io.StringIO()
    writer = csv.writer(out, lineterminator="\n")
    writer.writerow(COLUMNS)
    for a in s.execute(select(KnowledgeArticle).order_by(KnowledgeArticle.id)).scalars():
        writer.writerow(
            [a.id, a.question, a.answer, a.market, a.motive, a.legal_basis or "", "sí" if a.active else "no"]
        )
    return out.getvalue()


def seed(s: Session, content: str, now: datetime) -> ImportReport | None:
    """Load the shipped articles into an empty knowledge base (the demo); None when it has articles."""
    if s.execute(select(KnowledgeArticle.id).limit(1)).first() is not None:
        return None
    return import_csv(s, content, SYSTEM, now, note="artículos incluidos")
