"""Mercado, motivo and categoría as people typed them in an imported file (a code, the list's label, or the
label without its parenthesis, accents and case aside) → the published classification's codes."""

from __future__ import annotations

from dataclasses import dataclass

from ...classification import Classification
from .sheets import column_key


def _keys(code: str, label: str) -> set[str]:
    return {code, column_key(label), column_key(label.split(" (")[0])}


@dataclass(frozen=True)
class Subjects:
    """Look-ups of one published classification."""

    markets: dict[str, str]
    motives: dict[str, str]
    categories: dict[tuple[str, str], str]  # (motive code, key) → category code

    @classmethod
    def of(cls, found: Classification) -> Subjects:
        markets = {k: m.code for m in found.markets for k in _keys(m.code, m.label)}
        motives = {k: m.code for m in found.motives.values() for k in _keys(m.code, m.label)}
        categories = {
            (m.code, k): c.code
            for m in found.motives.values()
            for c in m.categories
            for k in _keys(c.code, c.label)
        }
        return cls(markets, motives, categories)

    def codes(self, market: str, motive: str, category: str) -> tuple[str | None, str | None, str | None]:
        """The codes the texts name (None where a text names nothing of the list)."""
        motive_code = self.motives.get(column_key(motive)) or self.motives.get(motive)
        category_code = (
            self.categories.get((motive_code or "", column_key(category))) if motive_code else None
        )
        return self.markets.get(column_key(market)) or self.markets.get(market), motive_code, category_code
