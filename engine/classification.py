"""The subject classification (lists/clasificacion.json): mercado → motivo legal (Ley 19.496) → categoría,
each with a stable code and a Spanish label, checked at publish time, looked up at intake and in reports."""

from __future__ import annotations

import re
from collections.abc import Iterator, Mapping
from dataclasses import dataclass
from typing import Any

from .errors import ContentProblem

LIST_ID = "clasificacion"
CODE = re.compile(r"[a-z0-9][a-z0-9_]{0,39}", re.ASCII)  # cases.market/motive/category are String(40)
CODE_RULE = "use minúsculas sin tilde, números y _ (a lo más 40 caracteres)"


@dataclass(frozen=True)
class Category:
    """One categoría of a motivo."""

    code: str
    label: str


@dataclass(frozen=True)
class Motive:
    """One motivo legal: the Ley 19.496 rule it stands for and its categories."""

    code: str
    label: str
    law: str
    categories: tuple[Category, ...]


@dataclass(frozen=True)
class Market:
    """One mercado with the codes of the motivos that apply to it, in the order shown."""

    code: str
    label: str
    motives: tuple[str, ...]


@dataclass(frozen=True)
class Classification:
    """The whole classification of a published version, with look-ups by code."""

    title: str
    markets: tuple[Market, ...]
    motives: Mapping[str, Motive]

    def market(self, code: str | None) -> Market | None:
        """The mercado with this code, or None."""
        return next((m for m in self.markets if m.code == code), None)

    def motive(self, code: str | None) -> Motive | None:
        """The motivo with this code, or None."""
        return self.motives.get(code or "")

    def category(self, motive: str | None, code: str | None) -> Category | None:
        """The categoría with this code under the motivo, or None."""
        found = self.motive(motive)
        return next((c for c in found.categories if c.code == code), None) if found else None

    def labels(self, market: str | None, motive: str | None, category: str | None) -> tuple[str, str, str]:
        """The labels of a case's codes; a code this version no longer has is shown as it is."""
        m, mo, c = self.market(market), self.motive(motive), self.category(motive, category)
        return (
            m.label if m else market or "",
            mo.label if mo else motive or "",
            c.label if c else category or "",
        )


EMPTY = Classification("", (), {})
UNKNOWN = {
    "markets": "Mercado desconocido.",
    "motives": "Motivo desconocido.",
    "categories": "Categoría desconocida.",
}


def value_problem(found: Classification, source: str, value: str, near: Mapping[str, Any]) -> str | None:
    """Why a mercado/motivo/categoría code cannot be taken (None when it can). ``near``: the codes chosen
    beside it (the same group of the form) by source: a motivo must be one of its mercado's, a categoría
    one of its motivo's."""
    market, motive = near.get("markets"), near.get("motives")
    if source == "markets":
        return None if found.market(value) else UNKNOWN[source]
    if source == "motives":
        if found.motive(value) is None:
            return UNKNOWN[source]
        chosen = found.market(market) if isinstance(market, str) else None
        if chosen is not None and value not in chosen.motives:
            return f"Este motivo no corresponde al mercado {chosen.label}."
        return None
    if isinstance(motive, str) and found.motive(motive):
        return None if found.category(motive, value) else "Esta categoría no corresponde al motivo elegido."
    known = any(c.code == value for m in found.motives.values() for c in m.categories)
    return None if known else UNKNOWN["categories"]


# --- checking the document (publish time: each problem names the file and the entry) ---


class _Problems:
    """Problems of one list file, each naming the entry (``mercados[2] (salud)``) it is about."""

    def __init__(self, file: str) -> None:
        self.file = file
        self.found: list[ContentProblem] = []

    def add(self, where: str, message: str) -> None:
        self.found.append(ContentProblem(self.file, where, message))


def _text(entry: Mapping[str, Any], key: str, where: str, out: _Problems) -> str:
    value = entry.get(key)
    if not isinstance(value, str) or not value.strip():
        out.add(where, f'falta "{key}" (un texto no vacío)')
        return ""
    return value.strip()


def _code(entry: Mapping[str, Any], where: str, seen: set[str], out: _Problems) -> str:
    code = entry.get("code")
    if not isinstance(code, str) or not CODE.fullmatch(code):
        out.add(where, f'"code" inválido ({code!r}): {CODE_RULE}')
        return ""
    if code in seen:
        out.add(where, f'el código "{code}" está repetido')
    seen.add(code)
    return code


def _entries(doc: Mapping[str, Any], key: str, where: str, out: _Problems) -> Iterator[tuple[str, Any]]:
    items = doc.get(key)
    if not isinstance(items, list) or not items:
        out.add(where or "#", f'"{key}" debe ser una lista con al menos un elemento')
        return
    for index, item in enumerate(items):
        label = f"{where}.{key}[{index}]" if where else f"{key}[{index}]"
        if isinstance(item, Mapping):
            yield label, item
        else:
            out.add(label, "cada elemento debe ser un objeto JSON ({...})")


def _motive(where: str, entry: Mapping[str, Any], seen: set[str], out: _Problems) -> Motive | None:
    code = _code(entry, where, seen, out)
    where = f"{where} ({code})" if code else where
    label, law = _text(entry, "label", where, out), entry.get("law", "")
    if not isinstance(law, str):
        out.add(where, '"law" debe ser un texto (p. ej. "Ley 19.496, art. 3 letra b")')
    categories, seen_categories = [], set[str]()
    if "categories" in entry:
        for sub_where, sub in _entries(entry, "categories", where, out):
            sub_code = _code(sub, sub_where, seen_categories, out)
            sub_label = _text(sub, "label", f"{sub_where} ({sub_code})" if sub_code else sub_where, out)
            categories.append(Category(sub_code, sub_label))
    if not code:  # kept when only its label is wrong: the mercados naming it are not reported too
        return None
    return Motive(code, label, law if isinstance(law, str) else "", tuple(categories))


def _market(
    where: str, entry: Mapping[str, Any], motives: Mapping[str, Motive], seen: set[str], out: _Problems
) -> Market:
    code = _code(entry, where, seen, out)
    where = f"{where} ({code})" if code else where
    label, refs = _text(entry, "label", where, out), entry.get("motives")
    if not isinstance(refs, list) or not refs or not all(isinstance(r, str) for r in refs):
        out.add(where, '"motives" debe ser una lista no vacía de códigos de motivos')
        refs = []
    for ref in refs:
        if ref not in motives:
            out.add(where, f'el motivo "{ref}" no existe en "motives"')
    if len(set(refs)) != len(refs):
        out.add(where, "un motivo aparece más de una vez en el mismo mercado")
    return Market(code, label, tuple(dict.fromkeys(refs)))


def parse(doc: Any, file: str) -> tuple[Classification, list[ContentProblem]]:
    """The classification in a parsed list document, and every problem found (empty when it is fine)."""
    out = _Problems(file)
    if not isinstance(doc, Mapping):
        out.add("#", "la lista debe ser un objeto JSON ({...})")
        return EMPTY, out.found
    for key in set(doc) - {"$comment", "title", "motives", "markets"}:
        out.add(key, f'clave desconocida "{key}": use title, motives y markets')
    seen: set[str] = set()
    motives = {m.code: m for w, e in _entries(doc, "motives", "", out) if (m := _motive(w, e, seen, out))}
    seen = set()
    markets = tuple(_market(w, e, motives, seen, out) for w, e in _entries(doc, "markets", "", out))
    title = doc.get("title")
    return Classification(title if isinstance(title, str) else "", markets, motives), out.found
