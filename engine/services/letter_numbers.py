"""ORD. numbers: each letter gets the next number of its regional office's series for the year."""

from __future__ import annotations

from typing import Any

from sqlalchemy.dialects import postgresql, sqlite
from sqlalchemy.orm import Session

from ..models import LetterCounter


def next_number(s: Session, region_code: str, year: int) -> str:
    """The next ORD. number ("45/2026") of ``region_code``'s series for ``year``, in the caller's transaction.

    One upsert on the series' counter row: the row lock it takes makes a concurrent letter of the same office
    wait until this transaction ends, so two committed letters never share a number; a rolled-back step
    gives its number back with everything else it did (the series may then continue from it)."""
    dialect = s.get_bind().dialect.name
    module: Any = postgresql if dialect == "postgresql" else sqlite
    stmt = module.insert(LetterCounter).values(region_code=region_code, year=year, last=1)
    stmt = stmt.on_conflict_do_update(
        index_elements=[LetterCounter.region_code, LetterCounter.year],
        set_={"last": LetterCounter.last + 1},
    ).returning(LetterCounter.last)
    return f"{s.execute(stmt).scalar_one()}/{year}"
