"""The real ``ventanilla`` command in a subprocess: init, publish, users, tokens; idempotent."""

from __future__ import annotations

import os
import subprocess
import sys
from pathlib import Path

from tests.conftest import ROOT

BIN = Path(sys.executable).parent / "ventanilla"


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
