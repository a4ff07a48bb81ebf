"""The wired platform: database + catalog store, built once per process (web, worker, CLI, tests)."""

from __future__ import annotations

import logging
from dataclasses import dataclass
from functools import partial

from .db import Database, DatabaseError, connect
from .errors import EngineError
from .services import effects
from .store import CatalogStore

log = logging.getLogger(__name__)


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


def warm(sys_: System) -> list[int]:
    """Parse the content versions the first requests will need (CatalogStore.warm) at start-up; a database
    without the schema or without a published version yet has nothing to warm (empty list, logged)."""
    try:
        with sys_.db.reading() as s:
            return sys_.store.warm(s)
    except (DatabaseError, EngineError) as err:
        log.info("catálogo no precargado: %s", str(err).splitlines()[0][:200])
        return []
