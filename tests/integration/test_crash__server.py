"""Crash, kept fixed (issue #12): a real server (waitress, the app) killed with SIGKILL five times during
bursts of intakes and completions over HTTP. Afterwards every write the server acknowledged is there, and
nothing is half-applied: the consistency checker finds every case in line with its state, each with its
intake in the bitácora. SQLite and PostgreSQL."""

from __future__ import annotations

import os
import signal
import subprocess
import sys
import textwrap
import threading
import time
from pathlib import Path

import requests
from sqlalchemy import func, select

from engine import system
from engine.clock import utcnow
from engine.models import Case, HumanTask, LogEntry
from engine.services import consistency, users
from tests.conftest import ROOT, prepare
from tests.smtp import free_port
from tests.web.conftest import bearer, intake

KILLS = 5
BURST_S = 1.5
NOTE = {"data": {"accion": "registrar_gestion", "nota": "Llamé a la empresa."}}

_SERVER = """
import sys
from waitress import serve
from web import create_app

app = create_app({"DATABASE_URL": sys.argv[1], "SECRET_KEY": "clave-de-prueba-" * 4})
serve(app, host="127.0.0.1", port=int(sys.argv[2]), threads=6, _quiet=True)
"""


class Acknowledged:
    """What the server answered 201/200 to: folios created, tasks completed."""

    def __init__(self) -> None:
        self.folios: set[str] = set()
        self.completed: set[str] = set()
        self.lock = threading.Lock()


def _start(script: Path, database_url: str) -> tuple[subprocess.Popen[bytes], str]:
    port = free_port()
    env = {**os.environ, "PYTHONPATH": str(ROOT)}
    server = subprocess.Popen([sys.executable, str(script), database_url, str(port)], cwd=ROOT, env=env)
    base = f"http://127.0.0.1:{port}"
    deadline = time.monotonic() + 60
    while time.monotonic() < deadline:
        try:
            if requests.get(f"{base}/api/v1/health", timeout=2).status_code == 200:
                return server, base
        except requests.RequestException:
            time.sleep(0.1)
    server.kill()
    raise AssertionError("the server did not start")


def _client(base: str, token: str, seen: Acknowledged, stop: threading.Event) -> None:
    """Intakes and completions until the server dies; records only what it acknowledged."""
    headers = bearer(token)
    try:
        while not stop.is_set():
            created = requests.post(f"{base}/api/v1/cases", json=intake(), headers=headers, timeout=30)
            assert created.status_code in (201, 409), created.text
            if created.status_code == 201:
                with seen.lock:
                    seen.folios.add(created.json()["folio"])
            listed = requests.get(f"{base}/api/v1/tasks?limit=5", headers=headers, timeout=30)
            for task in listed.json()["tasks"] if listed.status_code == 200 else []:
                url = f"{base}/api/v1/tasks/{task['id']}/complete"
                if requests.post(url, json=NOTE, headers=headers, timeout=30).status_code == 200:
                    with seen.lock:
                        seen.completed.add(task["id"])
                    break
    except (requests.RequestException, ValueError):
        return  # the server was killed mid-request: that write was not acknowledged


def _burst(seen: Acknowledged, before: int) -> None:
    """Let the clients work: at least one new intake acknowledged (a loaded machine is slow), then a while."""
    deadline = time.monotonic() + 30
    while len(seen.folios) == before and time.monotonic() < deadline:
        time.sleep(0.05)
    time.sleep(BURST_S)


def test_a_server_killed_during_bursts_loses_no_acknowledged_write(database_url: str, tmp_path: Path) -> None:
    prepared = prepare(database_url)
    with prepared.db.writing() as s:
        tokens = [users.create_token(s, name, utcnow()) for name in ("eje13", "eje13b")]
    prepared.db.engine.dispose()
    script = tmp_path / "server.py"
    script.write_text(textwrap.dedent(_SERVER))
    seen = Acknowledged()
    for _ in range(KILLS):
        server, base = _start(script, database_url)
        stop = threading.Event()
        clients = [threading.Thread(target=_client, args=(base, t, seen, stop)) for t in tokens]
        for c in clients:
            c.start()
        _burst(seen, len(seen.folios))
        server.send_signal(signal.SIGKILL)  # mid-burst: requests in flight die with it
        server.wait(timeout=30)
        stop.set()
        for c in clients:
            c.join(timeout=30)
    assert len(seen.folios) >= KILLS and seen.completed
    _everything_acknowledged_is_there(database_url, seen)


def _everything_acknowledged_is_there(database_url: str, seen: Acknowledged) -> None:
    sys_ = system.build(database_url, kick_effects=False)
    try:
        with sys_.db.reading() as s:
            folios = set(s.execute(select(Case.folio)).scalars())
            done = set(s.execute(select(HumanTask.id).where(HumanTask.status == "completed")).scalars())
            intakes = s.execute(
                select(func.count(func.distinct(LogEntry.case_id))).where(LogEntry.event == "intake")
            ).scalar_one()
            found = [consistency.check_case(s, sys_.store, i, utcnow()) for i in consistency.case_ids(s)]
        assert seen.folios <= folios
        assert seen.completed <= done
        assert intakes == len(folios)  # no case without its intake entry: nothing half-applied
        assert [f for f in found if f.problems] == []
    finally:
        sys_.db.engine.dispose()
