"""A realistic export of the old system, for trying ``ventanilla import-legacy`` and for bench/import.py:
comunas weighted by their population, the demo's companies and markets, motivos legales of Ley 19.496 with
their categories, and what consumers wrote (the demo's subjects); most cases closed with an outcome, a few
still open. Seeded: same seed, same file."""

from __future__ import annotations

import csv
import random
from datetime import UTC, datetime, timedelta
from itertools import accumulate
from pathlib import Path
from typing import TextIO

from ... import refdata
from ...clock import CHILE
from ...services.network.legacy_rows import COLUMNS
from .content import PROVIDERS, SUBJECTS, table_rows

MOTIVES = (  # motivo legal (Ley 19.496) → categorías
    (
        "Art. 12: incumplimiento de términos, condiciones y modalidades",
        ("Cobro indebido", "Incumplimiento de oferta"),
    ),
    ("Art. 20: garantía legal", ("Producto defectuoso", "Reparación no satisfactoria")),
    ("Art. 3 letra b): información veraz y oportuna", ("Publicidad engañosa", "Información insuficiente")),
    ("Art. 23: calidad y seguridad del servicio", ("Servicio deficiente", "Corte o suspensión del servicio")),
    ("Art. 3 bis: derecho a retracto", ("Retracto no aceptado",)),
    ("Art. 16: cláusulas abusivas", ("Cláusula abusiva en contrato",)),
)
OUTCOMES = (
    ("PROVEEDOR ACOGE", 40),
    ("ACOGE PARCIALMENTE", 12),
    ("PROVEEDOR NO ACOGE", 22),
    ("PROVEEDOR NO RESPONDE", 14),
    ("CONSUMIDOR DESISTE", 7),
    ("CONSULTA RESPONDIDA", 5),
)
OPEN_STATES = ("EN TRÁMITE", "TRASLADADO AL PROVEEDOR", "EN ESPERA DE RESPUESTA")


_COMUNAS = list(refdata.comunas().values())
_COMUNA_WEIGHTS = list(accumulate(c.population for c in _COMUNAS))
_COMPANY_WEIGHTS = list(accumulate(p.weight for p in PROVIDERS))
_SAID = {p.market: [r for r in table_rows(SUBJECTS) if r[0] == p.market] for p in PROVIDERS}


def _row(rng: random.Random, number: int, end: datetime, open_share: float) -> list[str]:
    comuna = rng.choices(_COMUNAS, cum_weights=_COMUNA_WEIGHTS)[0]
    company = rng.choices(PROVIDERS, cum_weights=_COMPANY_WEIGHTS)[0]
    _, subject, text = rng.choice(_SAID[company.market] or table_rows(SUBJECTS))
    motive, categories = rng.choice(MOTIVES)
    still_open = rng.random() < open_share  # filed in the last two months, still being handled
    opened = end - timedelta(days=rng.uniform(1, 60 if still_open else 3 * 365), minutes=rng.randint(0, 600))
    closed = None if still_open else min(end, opened + timedelta(days=rng.uniform(2, 45)))
    outcome = "" if still_open else rng.choices([o for o, _ in OUTCOMES], weights=[w for _, w in OUTCOMES])[0]
    return [
        f"R{opened.year}-{number:07d}",
        opened.astimezone(CHILE).strftime("%Y-%m-%d %H:%M:%S"),
        closed.astimezone(CHILE).strftime("%Y-%m-%d %H:%M:%S") if closed else "",
        rng.choice(OPEN_STATES) if still_open else "CERRADO",
        outcome,
        motive,
        rng.choice(categories),
        company.market,
        company.rut,
        company.name,
        comuna.name,
        f"{subject}. " + text.format(monto=f"${rng.randint(5, 900) * 1000:,}".replace(",", ".")),
    ]


def write_sample(
    out: TextIO, count: int, seed: int = 2006, open_share: float = 0.03, end: datetime | None = None
) -> None:
    """``count`` legacy cases as the old system's CSV export (header included)."""
    rng = random.Random(seed)
    end = end or datetime(2026, 11, 30, 18, 0, tzinfo=UTC)
    writer = csv.writer(out)
    writer.writerow(COLUMNS)
    for number in range(1, count + 1):
        writer.writerow(_row(rng, number, end, open_share))


def write_sample_file(path: Path, count: int, seed: int = 2006, open_share: float = 0.03) -> Path:
    """The sample written to ``path`` (UTF-8)."""
    with path.open("w", encoding="utf-8", newline="") as out:
        write_sample(out, count, seed, open_share)
    return path
