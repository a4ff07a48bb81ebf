"""What indicators are made of: a figure (one number and its drill-down filter) and a table of figures."""

from __future__ import annotations

from dataclasses import dataclass


@dataclass(frozen=True)
class Figure:
    """One number and the filter listing exactly its cases (None: not a count of cases)."""

    key: str
    label: str
    count: int
    drill: dict[str, str] | None = None


@dataclass(frozen=True)
class Breakdown:
    """A table of figures (and a chart of them), largest first unless the order means something."""

    name: str
    title: str
    figures: list[Figure]

    @property
    def total(self) -> int:
        return sum(f.count for f in self.figures)
