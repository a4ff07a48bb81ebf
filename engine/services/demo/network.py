"""The demo's territorial network: municipal platforms in the most populated comunas of several regions (some
online, some keeping paper records), a few Biblioredes library kiosks, a gobernación, and a platform
administrator per region. Fictitious people and addresses; real comunas (../shared/data/comunas_cl.csv)."""

from __future__ import annotations

import random
from datetime import date, datetime
from typing import TYPE_CHECKING

from sqlalchemy import select

from ... import refdata
from ...models import Platform, User
from .. import users
from .content import FIRST_NAMES, SURNAMES
from .staff import PASSWORD

if TYPE_CHECKING:  # the composition root (it wires these services); typing only
    from ...system import System

# Region → how many of its most populated comunas have a municipal platform (PAP).
MUNICIPAL = {"13": 12, "05": 6, "08": 6, "09": 4, "02": 3, "10": 3}
LIBRARIES = (
    "13110",
    "13119",
    "05109",
    "08101",
    "09101",
)  # La Florida, Maipú, Viña del Mar, Concepción, Temuco
GOVERNORATES = ("13201", "05501")  # Puente Alto (Cordillera), Quillota
MANUAL_SHARE = 0.4  # the seeds' network: 94 of 240 municipal platforms kept manual records
STREETS = (
    "Av. Libertador Bernardo O'Higgins",
    "Calle Prat",
    "Av. Pedro de Valdivia",
    "Calle Freire",
    "Av. Colón",
)


def _most_populated(region: str, count: int) -> list[refdata.Comuna]:
    """The region's ``count`` most populated comunas, besides its capital (where the DR attends)."""
    found = [c for c in refdata.comunas().values() if c.region_code == region and c.code != f"{region}101"]
    return sorted(found, key=lambda c: -c.population)[:count]


def _person(rng: random.Random) -> str:
    return f"{rng.choice(FIRST_NAMES)} {rng.choice(SURNAMES)} {rng.choice(SURNAMES)}"


def _platform(
    rng: random.Random, code: str, kind: str, name: str, comuna: refdata.Comuna, online: bool
) -> Platform:
    slug = comuna.name.lower().replace(" ", "")[:20]
    return Platform(
        code=code,
        name=name,
        kind=kind,
        region_code=comuna.region_code,
        comuna_code=comuna.code,
        online=online,
        agreement_on=date(rng.randint(2006, 2012), rng.randint(1, 12), rng.randint(1, 28)),
        address=f"{rng.choice(STREETS)} {rng.randint(100, 2500)}, {comuna.name}",
        manager_name=_person(rng),
        email=f"consumidor@{slug}.demo.cl",
        phone=f"+56 2 2{rng.randint(100, 999)} {rng.randint(1000, 9999)}",
        active_from=date(2007, 1, 2),
    )


def network_platforms(seed: int = 2026) -> list[Platform]:
    """Every demo platform besides the national ones (DRs, call center, web): same seed, same network."""
    rng = random.Random(seed)
    comunas = refdata.comunas()
    out = []
    for region, count in MUNICIPAL.items():
        for comuna in _most_populated(region, count):
            name = f"Plataforma Municipal de {comuna.name}"
            online = rng.random() >= MANUAL_SHARE
            out.append(_platform(rng, f"PAP{comuna.code}", "municipal", name, comuna, online))
    for code in LIBRARIES:
        name = f"Biblioteca Pública de {comunas[code].name} (Biblioredes)"
        out.append(_platform(rng, f"BIB{code}", "library", name, comunas[code], True))
    for code in GOVERNORATES:
        name = f"Gobernación Provincial, oficina de {comunas[code].name}"
        out.append(_platform(rng, f"GOB{code}", "governorate", name, comunas[code], False))
    return out


def ensure_network(system: System, now: datetime) -> int:
    """Add the missing demo platforms and a platform administrator for each region with a network
    (``admin13`` exists already among the staff); returns the platforms added."""
    with system.db.writing() as s:
        have = set(s.execute(select(Platform.code)).scalars())
        added = [p for p in network_platforms() if p.code not in have]
        s.add_all(added)
        s.flush()
        accounts = set(s.execute(select(User.username)).scalars())
        for region in MUNICIPAL:
            if f"admin{region}" not in accounts:
                name = f"Administración de plataformas {region}"
                users.add_user(s, f"admin{region}", PASSWORD, "admin_plataformas", now, None, region, name)
    return len(added)
