"""The wired platform: database + catalog store, built once per process (web, worker, CLI, tests)."""

from __future__ import annotations

from dataclasses import dataclass

from .db import Database, connect
from .store import CatalogStore


@dataclass
class System:
    db: Database
    store: CatalogStore


def build(database_url: str | None = None) -> System:
    """Connect to the database (default: SQLite under instance/) with an empty catalog cache."""
    return System(db=connect(database_url), store=CatalogStore())
