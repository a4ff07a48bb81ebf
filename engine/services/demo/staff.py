"""The demo's staff accounts, created once with a shared password, and the Actor each one acts as."""

from __future__ import annotations

from datetime import datetime
from typing import TYPE_CHECKING

from sqlalchemy import select

from ... import refdata
from ...access import Actor
from ...models import User
from .. import users
from .content import FIRST_NAMES, SURNAMES

if TYPE_CHECKING:  # the composition root (it wires these services); typing only
    from ...system import System

PASSWORD = "demo-ventanilla"  # noqa: S105 - printed on purpose: demo accounts only
USERS: list[tuple[str, str, str | None]] = [
    ("ejecutivo13", "ejecutivo", "DR13"),
    ("ejecutivo13b", "ejecutivo", "DR13"),
    ("ejecutivo05", "ejecutivo", "DR05"),
    ("ejecutivo08", "ejecutivo", "DR08"),
    ("callcenter", "ejecutivo", "CC"),
    ("supervisor13", "supervisor", "13"),
    ("supervisor05", "supervisor", "05"),
    ("abogado13", "abogado", "13"),
    ("director13", "director_regional", "13"),
    ("admin13", "admin_plataformas", "13"),
    *((f"admin{r}", "admin_plataformas", r) for r in ("05", "08", "09", "02", "10")),  # demo/network.py
    ("central", "nivel_central", None),
    ("analista", "analista", None),
    ("integrador", "integrador", None),
    ("telefonia-ejemplo", "proveedor", "Telefonía Ejemplo SpA"),  # every digital demo company has one
]


def staff_accounts() -> list[tuple[str, str, str | None, str | None]]:
    """Every demo account: (username, role, platform, region)."""
    codes = sorted(refdata.regions())
    staff: list[tuple[str, str, str | None, str | None]] = [
        (f"ejecutivo{c}", "ejecutivo", f"DR{c}", None) for c in codes
    ]
    staff += [("ejecutivo13b", "ejecutivo", "DR13", None), ("ejecutivo05b", "ejecutivo", "DR05", None)]
    staff += [(f"supervisor{c}", "supervisor", None, c) for c in codes]
    staff += [
        ("abogado13", "abogado", None, "13"),
        ("abogado05", "abogado", None, "05"),
        ("callcenter", "ejecutivo", "CC", None),
        ("central", "nivel_central", None, None),
        ("director13", "director_regional", None, "13"),
        ("analista", "analista", None, None),
        ("integrador", "integrador", None, None),
        ("admin13", "admin_plataformas", None, "13"),
    ]
    return staff


def actors() -> dict[str, Actor]:
    """The Actor each demo account acts as (an ejecutivo's region is its platform's)."""
    out = {}
    for username, role, platform, region in staff_accounts():
        if platform:
            region = "13" if platform == "CC" else platform[2:]
        out[username] = Actor(username, role, platform, region)
    return out


def ensure_users(system: System, now: datetime) -> None:
    """Create the demo accounts that are missing (fictitious full names, since letters are signed)."""
    with system.db.writing() as s:
        have = set(s.execute(select(User.username)).scalars())
        for i, (username, role, platform, region) in enumerate(staff_accounts()):
            if username not in have:
                name = f"{FIRST_NAMES[(i * 7) % len(FIRST_NAMES)]} {SURNAMES[i % len(SURNAMES)]}"
                users.add_user(s, username, PASSWORD, role, now, platform, region, full_name=name)
