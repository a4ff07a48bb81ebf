"""The real ``ventanilla`` command in a subprocess: init, publish, users, tokens (idempotent), clocks."""

from __future__ import annotations

import os
import socket
import subprocess
import sys
from datetime import UTC, datetime
from pathlib import Path

from engine import system
from tests.conftest import ACTORS, ROOT, complaint, prepare
from tests.integration.helpers import open_case

BIN = Path(sys.executable).parent / "ventanilla"
FRIDAY = datetime(2024, 9, 13, 15, 0, tzinfo=UTC)  # 12:00 in Santiago


def run(args: list[str], env: dict[str, str], stdin: str = "") -> subprocess.CompletedProcess[str]:
    return subprocess.run(
        [str(BIN), *args],
        input=stdin,
        capture_output=True,
        text=True,
        env=env,
        cwd=ROOT,
        timeout=120,
        check=False,
    )


def test_cli_sets_up_a_database_from_scratch(database_url: str) -> None:
    env = {**os.environ, "DATABASE_URL": database_url}
    first = run(["init"], env)
    assert first.returncode == 0, first.stderr
    assert "registros de referencia agregados" in first.stdout and " 0 registros" not in first.stdout
    again = run(["init"], env)
    assert again.returncode == 0 and " 0 registros" in again.stdout

    published = run(["publish", str(ROOT), "--note", "primera"], env)
    assert published.returncode == 0, published.stderr
    assert published.stdout.strip() == "1"
    assert run(["publish", str(ROOT)], env).stdout.strip() == "1"

    added = run(
        ["user", "add", "ana", "--role", "ejecutivo", "--platform", "DR13"], env, stdin="una-clave-larga\n"
    )
    assert added.returncode == 0, added.stderr
    dup = run(
        ["user", "add", "ana", "--role", "ejecutivo", "--platform", "DR13"], env, stdin="una-clave-larga\n"
    )
    assert dup.returncode == 1 and "ya existe" in dup.stderr
    bad_role = run(["user", "add", "bob", "--role", "astronauta"], env, stdin="una-clave-larga\n")
    assert bad_role.returncode == 1 and "rol desconocido" in bad_role.stderr

    token = run(["token", "create", "ana"], env)
    assert token.returncode == 0 and token.stdout.startswith("vt_") and len(token.stdout.strip()) > 30
    assert run(["token", "create", "nadie"], env).returncode == 1


def test_validate_exit_codes() -> None:
    ok = run(["validate", "processes", "forms", "letter_templates"], dict(os.environ))
    assert ok.returncode == 0 and ok.stdout == ""
    missing = run(["validate", "no-existe"], dict(os.environ))
    assert missing.returncode == 1 and "no-existe" in missing.stdout


def test_fire_timers_now_fires_what_is_due_at_that_instant(sys_: system.System, database_url: str) -> None:
    # An inquiry opened on Friday 13-09-2024 is due on Wednesday 25-09-2024 (Fiestas Patrias in between).
    open_case(sys_, complaint(kind="inquiry"), ACTORS["eje13"], FRIDAY)
    env = {**os.environ, "DATABASE_URL": database_url}
    early = run(["fire-timers", "--now", "2024-09-25T23:59"], env)
    assert early.returncode == 0, early.stderr
    assert early.stdout.startswith("0 disparados")
    due = run(["fire-timers", "--now", "2024-09-26T00:01"], env)  # Chilean local time: past the deadline
    assert due.returncode == 0, due.stderr
    assert due.stdout.startswith("1 disparados")


def test_moving_the_clock_is_refused_in_production_and_for_bad_instants() -> None:
    production = {**os.environ, "ENV": "production"}
    for args in (["fire-timers", "--now", "2027-03-01T09:00"], ["run", "--clock", "2027-03-01T09:00"]):
        refused = run(args, production)
        assert refused.returncode == 2
        assert "no se puede mover el reloj en producción" in refused.stderr
    env = {**os.environ, "VENTANILLA_CLOCK": "mañana"}
    bad = run(["run", "--port", "0"], env)
    assert bad.returncode == 2 and "no es una fecha y hora ISO" in bad.stderr


def test_run_with_a_clock_serves_the_app_at_that_instant(tmp_path: Path) -> None:
    env = {**os.environ, "DATABASE_URL": f"sqlite:///{tmp_path}/t.db", "PYTHONUNBUFFERED": "1"}
    port = _free_port()
    server = subprocess.Popen(
        [str(BIN), "run", "--port", str(port), "--clock", "2027-03-01T09:00"],
        stdout=subprocess.PIPE,
        stderr=subprocess.PIPE,
        text=True,
        env=env,
        cwd=ROOT,
    )
    try:
        assert server.stdout is not None
        first = server.stdout.readline()
        assert first.startswith("Reloj de la aplicación desde 2027-03-01T09:00-03:00"), first
        assert f":{port}/" in server.stdout.readline()
    finally:
        server.terminate()
        server.wait(timeout=30)


def _free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return int(sock.getsockname()[1])


def test_validate_a_lone_file_against_a_content_folder_or_the_published_version(
    tmp_path: Path, database_url: str
) -> None:
    good = tmp_path / "ingreso_caso.json"
    good.write_bytes((ROOT / "forms" / "ingreso_caso.json").read_bytes())
    huge = tmp_path / "enorme.json"
    huge.write_text(
        '{"type": "object", "properties": {"n": {"type": "integer", "maximum": ' + "9" * 5000 + "}}}"
    )
    env = {**os.environ, "DATABASE_URL": f"sqlite:///{tmp_path}/sin-publicar.db"}
    with_folder = run(["validate", str(good), "--contenido", str(ROOT)], env)
    assert with_folder.returncode == 0, with_folder.stdout + with_folder.stderr
    both = run(
        ["validate", str(good), str(huge), "--contenido", str(ROOT)], env
    )  # one bad file, no traceback
    assert both.returncode == 1 and "Traceback" not in both.stderr
    assert both.stdout.splitlines() == ["forms/enorme.json: #: un número tiene más de 4.300 dígitos"]
    unpublished = run(["validate", str(good)], env)
    assert unpublished.returncode == 1 and "indique --contenido CARPETA" in unpublished.stdout
    other = tmp_path / "notas.txt"
    other.write_text("hola")
    odd = run(["validate", str(other), "--contenido", str(ROOT)], env)
    assert odd.returncode == 1 and ".bpmn (proceso), .json (formulario)" in odd.stdout
    prepare(database_url).db.engine.dispose()
    published = run(["validate", str(good)], {**os.environ, "DATABASE_URL": database_url})
    assert published.returncode == 0, published.stdout + published.stderr
