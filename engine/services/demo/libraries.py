"""A few public libraries (Biblioredes) as platforms of kind ``library``, for the citizen kiosks."""

from __future__ import annotations

from sqlalchemy import select
from sqlalchemy.orm import Session

from ...models import Platform

# (code, name, region, comuna CUT): real comunas; the libraries' names are those of their comunas.
LIBRARIES = (
    ("BIB13101", "Biblioteca Pública de Santiago", "13", "13101"),
    ("BIB05101", "Biblioteca Pública de Valparaíso", "05", "05101"),
    ("BIB08101", "Biblioteca Pública de Concepción", "08", "08101"),
)


def ensure_libraries(s: Session) -> int:
    """Add the demo libraries that are missing; returns how many were added."""
    have = set(s.execute(select(Platform.code).where(Platform.kind == "library")).scalars())
    new = [
        Platform(code=code, name=name, kind="library", region_code=region, comuna_code=comuna, online=True)
        for code, name, region, comuna in LIBRARIES
        if code not in have
    ]
    s.add_all(new)
    return len(new)
