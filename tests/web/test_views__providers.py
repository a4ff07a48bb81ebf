"""The provider registry page with the Flask client (CSRF on): search by RUT or name with paging, add and
edit a company, refused input beside its fields with nothing changed, and who may use it."""

from __future__ import annotations

import re

import pytest
from flask import Flask
from flask.testing import FlaskClient

from engine.services import providers, users
from tests.conftest import PUBLISHED_AT
from tests.web.test_auth__login import sign_in
from tests.web.test_views__staff import PASSWORD, token

pytestmark = pytest.mark.parametrize("database_url", ["sqlite"], indirect=True)
TIENDA = "76086428-5"


def _registry(app: Flask, count: int = 0) -> None:
    """Tienda Demo (digital, with a portal account), Cable Demo (by letter) and ``count`` more companies."""
    with app.extensions["ventanilla"].db.writing() as s:
        providers.add_provider(
            s,
            "76.086.428-5",
            "Tienda Demo Ltda.",
            PUBLISHED_AT,
            "Tienda Demo",
            "comercio",
            "reclamos@tienda.example",
            digital=True,
        )
        providers.add_provider(
            s, "96.806.980-2", "Cable Demo S.A.", PUBLISHED_AT, market="telecomunicaciones"
        )
        users.add_user(s, "tienda", PASSWORD, "proveedor", PUBLISHED_AT, provider=TIENDA)
        for n in range(count):
            number = 10_000_000 + n
            digit = _check_digit(number)
            providers.add_provider(s, f"{number}-{digit}", f"Empresa Número {n:03d} SpA", PUBLISHED_AT)


def _check_digit(number: int) -> str:
    total, factor = 0, 2
    for ch in reversed(str(number)):
        total += int(ch) * factor
        factor = 2 if factor == 7 else factor + 1
    rest = 11 - total % 11
    return {10: "K", 11: "0"}.get(rest, str(rest))


def _page(client: FlaskClient, path: str) -> str:
    resp = client.get(path)
    assert resp.status_code == 200, path
    return resp.get_data(as_text=True)


def _rows(html: str) -> list[str]:
    return re.findall(r'<td class="text-nowrap">([\d.]+-[\dK])</td>', html)


def test_search_by_rut_or_name_and_pages(app: Flask, client: FlaskClient) -> None:
    _registry(app, count=60)
    sign_in(client, "integ", PASSWORD)
    home = _page(client, "/proveedores")
    assert 'href="/proveedores"' in home  # in the main navigation, like Instituciones
    assert "Mostrando del 1 al 50 de 62 proveedores." in home and len(_rows(home)) == 50
    assert "Página 1 de 2" in home and "pagina=2" in home
    second = _page(client, "/proveedores?pagina=2")
    assert "Mostrando del 51 al 62 de 62" in second and len(_rows(second)) == 12
    assert _rows(_page(client, "/proveedores?pagina=99")) == _rows(second)  # past the end: the last page

    for query in ("76.086.428-5", "76086428-5", "760864285", "86.428", "tienda demo", "TIENDA"):
        found = _page(client, f"/proveedores?q={query}")
        assert _rows(found) == ["76.086.428-5"], query
        assert "Mediación digital" in found and "reclamos@tienda.example" in found
        assert "02-01-2024" in found  # registered on, dd-mm-aaaa
    assert _rows(_page(client, "/proveedores?q=cable")) == ["96.806.980-2"]
    assert "Ningún proveedor coincide con «%_»." in _page(client, "/proveedores?q=%25_")
    assert "Por carta" in _page(client, "/proveedores?q=96806980")


def test_add_a_company_and_refused_input_changes_nothing(app: Flask, client: FlaskClient) -> None:
    _registry(app)
    sign_in(client, "integ", PASSWORD)
    refused = client.post(
        "/proveedores",
        data={
            "rut": "76.086.428-4",
            "legal_name": "X",
            "email": "no-es-correo",
            "trade_name": "Otra",
            "csrf_token": token(client, "/proveedores"),
        },
    )
    assert refused.status_code == 422
    html = refused.get_data(as_text=True)
    for message in (
        "RUT inválido: revise el dígito verificador.",
        "La razón social debe tener entre 2 y 160 caracteres.",
        "Correo electrónico inválido.",
        "Indique si la empresa responde por el portal (mediación digital) o por carta.",
    ):
        assert message in html
    assert 'value="Otra"' in html and 'value="76.086.428-4"' in html  # typed values kept
    duplicate = client.post(
        "/proveedores",
        data={
            "rut": "76086428-5",
            "legal_name": "Otra razón",
            "medio": "carta",
            "csrf_token": token(client, "/proveedores"),
        },
    )
    assert (
        duplicate.status_code == 422
        and "El proveedor 76.086.428-5 ya está registrado." in duplicate.get_data(as_text=True)
    )
    assert (
        client.post("/proveedores", data={"rut": "77.777.777-7", "legal_name": "Sin CSRF"}).status_code == 400
    )
    with app.extensions["ventanilla"].db.reading() as s:
        assert [p.rut for p in providers.list_providers(s)] == ["96806980-2", TIENDA]

    added = client.post(
        "/proveedores",
        data={
            "rut": "77.777.777-7",
            "legal_name": "Banco Ejemplo S.A.",
            "market": "financiero",
            "email": "",
            "medio": "carta",
            "csrf_token": token(client, "/proveedores"),
        },
        follow_redirects=True,
    )
    html = added.get_data(as_text=True)
    assert added.request.path == "/proveedores/77777777-7"
    assert "Proveedor 77.777.777-7 Banco Ejemplo S.A. agregado (responde por carta)." in html
    with app.extensions["ventanilla"].db.reading() as s:
        banco = providers.get_provider(s, "77777777-7")
    assert (banco.market, banco.email, banco.digital) == ("financiero", None, False)


def test_edit_a_company(app: Flask, client: FlaskClient) -> None:
    _registry(app)
    sign_in(client, "integ", PASSWORD)
    form = _page(client, f"/proveedores/{TIENDA}")
    assert 'value="Tienda Demo Ltda."' in form and "Cuentas del portal de proveedores: 1." in form
    assert "Última modificación" not in form  # never changed yet
    assert re.search(r'value="digital"\s+checked', form)

    bad = client.post(
        f"/proveedores/{TIENDA}",
        data={
            "legal_name": "",
            "email": "sin-arroba",
            "medio": "digital",
            "csrf_token": token(client, "/proveedores"),
        },
    )
    assert bad.status_code == 422
    assert "La razón social debe tener entre 2 y 160 caracteres." in bad.get_data(as_text=True)
    with app.extensions["ventanilla"].db.reading() as s:
        assert providers.get_provider(s, TIENDA).legal_name == "Tienda Demo Ltda."

    saved = client.post(
        f"/proveedores/{TIENDA}",
        data={
            "legal_name": "Tienda Demo SpA",
            "trade_name": "",
            "market": "retail",
            "email": "contacto@tienda.example",
            "medio": "carta",
            "csrf_token": token(client, "/proveedores"),
        },
        follow_redirects=True,
    ).get_data(as_text=True)
    assert "Proveedor 76.086.428-5 Tienda Demo SpA actualizado (responde por carta)." in saved
    assert "tiene 1 cuenta(s) del portal de proveedores" in saved  # its account can no longer answer
    with app.extensions["ventanilla"].db.reading() as s:
        tienda = providers.get_provider(s, TIENDA)
    assert (tienda.legal_name, tienda.trade_name, tienda.market, tienda.email, tienda.digital) == (
        "Tienda Demo SpA",
        "",
        "retail",
        "contacto@tienda.example",
        False,
    )
    edited = _page(client, f"/proveedores/{TIENDA}")
    assert re.search(r"Última modificación: \d{2}-\d{2}-\d{4} \d{2}:\d{2} por integ\.", edited)
    assert tienda.updated_by == "integ" and tienda.updated_at is not None
    assert client.get("/proveedores/76086428-4").status_code == 404
    assert client.get("/proveedores/11111111-1").status_code == 404


@pytest.mark.parametrize(
    ("user", "status"),
    [
        ("integ", 200),
        ("admin13", 200),
        ("eje13", 403),
        ("sup13", 403),
        ("analista", 403),
        ("central", 403),
        ("tienda", 403),
    ],
)
def test_who_may_use_the_registry(app: Flask, client: FlaskClient, user: str, status: int) -> None:
    _registry(app)  # admin13 is one of the test staff (tests/conftest.py)
    sign_in(client, user, PASSWORD)
    assert client.get("/proveedores").status_code == status
    assert client.get(f"/proveedores/{TIENDA}").status_code == status
    start = client.get("/ingresar", follow_redirects=True).get_data(as_text=True)
    assert ('href="/proveedores"' in start) == (status == 200)
    if status == 403:
        csrf = re.search(r'name="csrf_token" value="([^"]+)"', start)
        assert csrf
        posted = client.post(
            f"/proveedores/{TIENDA}",
            data={"legal_name": "Tomada", "medio": "carta", "csrf_token": csrf.group(1)},
        )
        assert posted.status_code == 403
        with app.extensions["ventanilla"].db.reading() as s:
            assert providers.get_provider(s, TIENDA).legal_name == "Tienda Demo Ltda."


def test_anonymous_visitors_are_sent_to_sign_in(client: FlaskClient) -> None:
    resp = client.get("/proveedores")
    assert resp.status_code == 302 and "/ingresar" in resp.headers["Location"]
