"""Staff roles (SPEC §1) and which roles may work a task of a given lane."""

from __future__ import annotations

import unicodedata
from collections.abc import Mapping

ROLES: Mapping[str, str] = {
    "ejecutivo": "Ejecutivo/a de atención de público",
    "supervisor": "Encargado/a de atención de público",
    "abogado": "Abogado/a",
    "admin_plataformas": "Administrador/a de plataformas",
    "analista": "Analista de procesos",
    "integrador": "Integrador/a",
    "nivel_central": "Nivel central",
    "director_regional": "Director/a regional",
    "proveedor": "Proveedor",
}

# Who may work a task whose lane is the key: supervisors and lawyers can do everything an ejecutivo can.
WORKERS: Mapping[str, frozenset[str]] = {
    "ejecutivo": frozenset({"ejecutivo", "supervisor", "abogado"}),
    "supervisor": frozenset({"supervisor", "abogado"}),
    "abogado": frozenset({"abogado"}),
    "admin_plataformas": frozenset({"admin_plataformas"}),
    "analista": frozenset({"analista"}),
    "integrador": frozenset({"integrador"}),
    "proveedor": frozenset({"proveedor"}),
    "nivel_central": frozenset(),
    "director_regional": frozenset(),
}

# Whom a ``notify`` property may name besides role codes: who holds the case now, who registered it.
NOTIFY_PEOPLE: Mapping[str, str] = {"holder": "quien tiene el caso", "opener": "quien registró el caso"}

READ_ONLY = frozenset({"nivel_central", "director_regional"})
CASE_STAFF = frozenset({"ejecutivo", "supervisor", "abogado"})


def _fold(text: str) -> str:
    plain = unicodedata.normalize("NFKD", text).encode("ascii", "ignore").decode()
    return plain.strip().lower().replace(" ", "_")


_BY_LABEL = {_fold(label.split("/")[0]): code for code, label in ROLES.items()}


def role_for_lane(lane: str | None) -> str | None:
    """The role code a lane names: its code ('ejecutivo') or its Spanish label ('Ejecutivo/a de ...')."""
    if not lane:
        return None
    key = _fold(lane)
    if key in ROLES:
        return key
    return _BY_LABEL.get(_fold(lane.split("/")[0]))


def may_work(user_role: str, task_role: str) -> bool:
    """Whether a user of ``user_role`` may claim and complete a task of ``task_role``'s lane."""
    return user_role in WORKERS.get(task_role, frozenset())
