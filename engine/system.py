"""The wired platform: database + catalog store, built once per process (web, worker, CLI, tests)."""

from __future__ import annotations

from dataclasses import dataclass, field

from .db import Database, connect
from .mail import MailSettings
from .services import effects
from .store import CatalogStore


@dataclass
class System:
    db: Database
    store: CatalogStore
    mail: MailSettings = field(default_factory=MailSettings.from_env)  # where after-commit e-mail goes

    def run_committed(self, items: list[object]) -> None:
        """What the database hands over after a commit: the step's effects, carried out now."""
        effects.run_committed(self.db, items, self.mail)


def build(database_url: str | None = None, kick_effects: bool = True) -> System:
    """Connect to the database (default: SQLite under instance/) with an empty catalog cache. With
    ``kick_effects`` the process carries out each committed step's effects (letters) right after its commit;
    without it they wait for a scheduler's poll (any process's)."""
    built = System(db=connect(database_url), store=CatalogStore())
    if kick_effects:
        built.db.on_commit = built.run_committed
    return built
