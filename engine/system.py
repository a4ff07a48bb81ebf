"""The wired platform: database + catalog store, built once per process (web, worker, CLI, tests)."""

from __future__ import annotations

from dataclasses import dataclass
from functools import partial

from .db import Database, connect
from .services import effects
from .store import CatalogStore


@dataclass
class System:
    db: Database
    store: CatalogStore


def build(database_url: str | None = None, kick_effects: bool = True) -> System:
    """Connect to the database (default: SQLite under instance/) with an empty catalog cache. With
    ``kick_effects`` the process carries out each committed step's effects (letters) right after its commit;
    without it they wait for a scheduler's poll (any process's)."""
    db = connect(database_url)
    if kick_effects:
        db.on_commit = partial(effects.run_committed, db)
    return System(db=db, store=CatalogStore())
