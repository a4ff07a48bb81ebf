"""Shared pieces of the derivation tests: the app on a real HTTP server, a fake agency wired to it, and a
consulta derived to that agency."""

from __future__ import annotations

import threading
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from sqlalchemy import select

from engine.models import Agency, Derivation, DerivationDelivery
from engine.services import derivation_outbox, users
from engine.system import System
from tests.conftest import PUBLISHED_AT, ROOT, Clock, complaint, prepare
from tests.fakes.agency import FakeAgency
from tests.integration.lifecycle import Scenario
from web import create_app

SECRET = "secreto-compartido-de-prueba-0123456789"
DERIVE = {"accion": "derivar", "agencia": "SEC", "respuesta": "Corte de luz reiterado: corresponde a la SEC."}


@dataclass
class Live:
    """The app served over HTTP on loopback, sharing the database with the test."""

    sys: System
    url: str
    clock: Clock
    settings: derivation_outbox.OutboxSettings

    def send(self) -> derivation_outbox.OutboxReport:
        """What the scheduler does on each poll: send the due deliveries."""
        return derivation_outbox.send_due(self.sys.db, self.clock.now, self.settings)

    def token(self, username: str) -> dict[str, str]:
        with self.sys.db.writing() as s:
            return {"Authorization": f"Bearer {users.create_token(s, username, self.clock.now)}"}


def serve(database_url: str, clock: Clock, content: Path = ROOT) -> Iterator[Live]:
    """Prepare the database (content from ``content``) and serve the app with waitress on a free port."""
    from waitress.server import create_server

    prepared = prepare(database_url, content)
    with prepared.db.writing() as s:
        users.add_user(s, "integra", "clave-segura-1", "integrador", PUBLISHED_AT)
    prepared.db.engine.dispose()
    settings = derivation_outbox.OutboxSettings(max_attempts=5, timeout=5)
    app = create_app(
        {"TESTING": True, "DATABASE_URL": database_url, "CLOCK": clock, "OUTBOX_SETTINGS": settings}
    )
    server: Any = create_server(app, host="127.0.0.1", port=0, threads=4)
    threading.Thread(target=server.run, daemon=True).start()
    live = Live(app.extensions["ventanilla"], f"http://127.0.0.1:{server.effective_port}", clock, settings)
    yield live
    server.close()
    live.sys.db.engine.dispose()


def wire_agency(live: Live, code: str = "SEC", **fields: Any) -> FakeAgency:
    """Start a fake agency and point the registry entry ``code`` at it (web service, known secret)."""
    agency = FakeAgency(secret=SECRET, app_url=live.url, clock=live.clock).start()
    with live.sys.db.writing() as s:
        row = s.get(Agency, code)
        assert row is not None
        row.channel, row.endpoint_url, row.secret = "webservice", agency.url, SECRET
        for name, value in fields.items():
            setattr(row, name, value)
    return agency


def derived_consulta(live: Live, data: dict[str, Any] | None = None) -> Scenario:
    """A consulta the ejecutivo derives (to SEC unless ``data`` says otherwise)."""
    scn = Scenario(live.sys, live.clock, complaint(kind="inquiry", subject="Corte de luz"))
    scn.do("proponer_cierre", data or DERIVE)
    return scn


def derivation_of(live: Live, scn: Scenario) -> Derivation:
    with live.sys.db.reading() as s:
        return (
            s.execute(
                select(Derivation)
                .where(Derivation.case_id == scn.case().id)
                .order_by(Derivation.created_at.desc())
            )
            .scalars()
            .first()
        )  # type: ignore[return-value]


def delivery_of(live: Live, derivation_id: str) -> DerivationDelivery:
    with live.sys.db.reading() as s:
        return s.execute(
            select(DerivationDelivery).where(DerivationDelivery.derivation_id == derivation_id)
        ).scalar_one()
