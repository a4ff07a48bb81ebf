"""``ventanilla provider add|list`` and provider accounts through the real command, in a subprocess."""

from __future__ import annotations

import os

from tests.integration.test_cli__commands import run


def test_providers_and_their_accounts_from_the_command_line(database_url: str) -> None:
    env = {**os.environ, "DATABASE_URL": database_url}
    assert run(["init"], env).returncode == 0

    bad = run(["provider", "add", "76.086.428-4", "Tienda Demo Ltda."], env)
    assert bad.returncode == 1 and "rut: RUT inválido" in bad.stderr
    added = run(
        [
            "provider",
            "add",
            "76.086.428-5",
            "Tienda Demo Ltda.",
            "--trade-name",
            "Tienda Demo",
            "--market",
            "comercio",
            "--email",
            "reclamos@tienda.example",
            "--digital",
        ],
        env,
    )
    assert added.returncode == 0, added.stderr
    assert "76.086.428-5 Tienda Demo Ltda. registrado (mediación digital)" in added.stdout
    again = run(["provider", "add", "76086428-5", "Otra razón social"], env)
    assert again.returncode == 1 and "ya está registrado" in again.stderr
    assert run(["provider", "add", "96806980-2", "Cable Demo S.A.", "--carta"], env).returncode == 0

    listed = run(["provider", "list"], env).stdout.splitlines()
    assert len(listed) == 2
    assert "Cable Demo S.A." in listed[0] and "carta" in listed[0]
    assert (
        "Tienda Demo Ltda." in listed[1] and "digital" in listed[1] and "reclamos@tienda.example" in listed[1]
    )

    user = ["user", "add", "tienda", "--role", "proveedor", "--provider", "76.086.428-5"]
    assert run(user, env, stdin="una-clave-larga\n").returncode == 0
    by_letter = run(
        ["user", "add", "cable", "--role", "proveedor", "--provider", "96806980-2"],
        env,
        stdin="una-clave-larga\n",
    )
    assert by_letter.returncode == 1 and "responde por carta" in by_letter.stderr
    missing = run(["user", "add", "nadie", "--role", "proveedor"], env, stdin="una-clave-larga\n")
    assert missing.returncode == 1 and "--provider" in missing.stderr
    staff = run(
        ["user", "add", "ana", "--role", "ejecutivo", "--platform", "DR13", "--provider", "76086428-5"],
        env,
        stdin="una-clave-larga\n",
    )
    assert staff.returncode == 1 and "solo una cuenta con rol proveedor" in staff.stderr
    token = run(["token", "create", "tienda"], env)
    assert token.returncode == 0 and token.stdout.startswith("vt_")

    edited = run(
        ["provider", "edit", "76086428-5", "--legal-name", "Tienda Demo SpA", "--email", "", "--carta"], env
    )
    assert edited.returncode == 0, edited.stderr
    assert "76.086.428-5 Tienda Demo SpA actualizado (responde por carta)." in edited.stdout
    assert "1 cuenta(s) del portal" in edited.stderr  # its account can no longer answer
    listed = run(["provider", "list"], env).stdout.splitlines()
    assert "Tienda Demo SpA" in listed[1] and "carta" in listed[1] and "reclamos@" not in listed[1]

    refused = run(["provider", "edit", "76.086.428-5", "--legal-name", "X", "--email", "sin-arroba"], env)
    assert refused.returncode == 1
    assert refused.stderr.splitlines() == [
        "error: legal_name: La razón social debe tener entre 2 y 160 caracteres.",
        "error: email: Correo electrónico inválido.",
    ]
    assert run(["provider", "list"], env).stdout.splitlines() == listed  # nothing changed
    unknown = run(["provider", "edit", "11.111.111-1", "--digital"], env)
    assert unknown.returncode == 1 and "no hay un proveedor registrado con RUT 11.111.111-1" in unknown.stderr
    assert run(["provider", "edit", "76086428-5"], env).returncode == 2  # nothing to change
