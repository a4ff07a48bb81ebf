"""Demo data for ``ventanilla demo``: staff accounts and cases of clearly fictitious people (idempotent)."""

from __future__ import annotations

import random
import unicodedata
from datetime import datetime, timedelta

from sqlalchemy import func, select
from stdnum.cl import rut as stdrut

from .. import refdata
from ..access import Actor
from ..models import Case, User
from ..system import System
from . import cases, users

PASSWORD = "demo-ventanilla"  # noqa: S105 - printed on purpose: demo accounts only
USERS: list[tuple[str, str, str | None]] = [
    ("ejecutivo13", "ejecutivo", "DR13"),
    ("ejecutivo05", "ejecutivo", "DR05"),
    ("callcenter", "ejecutivo", "CC"),
    ("supervisor13", "supervisor", "13"),
    ("abogado13", "abogado", "13"),
    ("central", "nivel_central", None),
    ("analista", "analista", None),
    ("integrador", "integrador", None),
]
FIRST = [
    "Camila",
    "Javiera",
    "Sofía",
    "Martina",
    "Catalina",
    "Benjamín",
    "Matías",
    "Vicente",
    "Tomás",
    "Agustín",
]
LAST = ["Prueba", "Ejemplo", "Demo", "Ficticio", "Muestra"]
PROVIDERS = [
    ("Telefonía Ejemplo SpA", "telecomunicaciones"),
    ("Banco Ficticio S.A.", "financiero"),
    ("Tienda Demo Ltda.", "comercio"),
    ("Aerolínea Muestra S.A.", "transporte"),
    ("Eléctrica Ejemplo S.A.", "electricidad"),
    ("Isapre Demo S.A.", "salud"),
]
SUBJECTS = [
    "Cobro indebido en boleta",
    "Producto defectuoso sin garantía",
    "Incumplimiento de oferta",
    "Cancelación de vuelo sin reembolso",
    "Corte de suministro sin aviso",
    "Repactación no informada",
]


def _rut(rng: random.Random, low: int = 5_000_000, high: int = 25_000_000) -> str:
    number = str(rng.randint(low, high))
    return f"{number}-{stdrut.calc_check_digit(number)}"


def _ensure_users(system: System, now: datetime) -> None:
    with system.db.writing() as s:
        for username, role, where in USERS:
            if s.execute(select(User).where(User.username == username)).scalar_one_or_none() is None:
                platform = where if where and not where.isdigit() else None
                region = where if where and where.isdigit() else None
                users.add_user(s, username, PASSWORD, role, now, platform, region)


def _ascii(text: str) -> str:
    return unicodedata.normalize("NFKD", text).encode("ascii", "ignore").decode()


def _case_data(rng: random.Random, region: str) -> dict[str, object]:
    comunas = [c for c in refdata.comunas().values() if c.region_code == region]
    comuna = rng.choices(comunas, weights=[c.population for c in comunas])[0]
    provider, _market = rng.choice(PROVIDERS)
    channel = rng.choices(["in_person", "web", "phone", "written"], weights=[45, 35, 15, 5])[0]
    kind = "inquiry" if channel == "phone" else rng.choice(["inquiry", "complaint", "complaint"])
    name = f"{rng.choice(FIRST)} {rng.choice(LAST)} {rng.choice(LAST)}"
    return {
        "kind": kind,
        "channel": channel,
        "platform": f"DR{region}",
        "consumer": {
            "rut": _rut(rng),
            "name": name,
            "comuna": comuna.code,
            "email": f"{_ascii(name.split()[0]).lower()}.{rng.randint(1, 999)}@ejemplo.cl",
        },
        "provider": {"rut": _rut(rng, 76_000_000, 77_999_999), "name": provider},
        "subject": rng.choice(SUBJECTS),
        "description": "Caso de demostración con datos ficticios. " * 3,
    }


def load_demo(system: System, now: datetime, count: int = 60, seed: int = 2026) -> int:
    """Create the demo accounts and, when there are no cases yet, ``count`` cases over the last 40 days."""
    _ensure_users(system, now)
    with system.db.reading() as s:
        if s.execute(select(func.count(Case.id))).scalar_one():
            return 0
    rng = random.Random(seed)
    regions = list(refdata.regions().values())
    admin = Actor("demo", "sistema", channel="in_person")
    for i in range(count):
        region = rng.choices(regions, weights=[r.population for r in regions])[0]
        opened = now - timedelta(days=40 * (count - i) / count, hours=rng.randint(0, 8))
        with system.db.writing() as s:
            cases.open_case(s, system.store, _case_data(rng, region.code), admin, opened)
    return count
