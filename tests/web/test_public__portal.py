"""The citizen's portal without signing in: the start page, filing a consulta or reclamo with the published
intake form (consent, honeypot, fill time), the receipt and comprobante behind a signed link, the case in the
right platform's bandeja, and 'estado de su caso' that tells a wrong RUT nothing."""

from __future__ import annotations

import re
from collections.abc import Callable
from datetime import datetime, timedelta

import pytest
from flask import Flask
from flask.testing import FlaskClient
from werkzeug.test import TestResponse

from engine import mail
from engine.clock import utcnow
from engine.models import Case, CitizenIntake, LogEntry, MailOutbox, Platform
from engine.services.citizens import mailer
from tests.smtp import Inbox
from tests.web.test_auth__login import sign_in

TOKEN = re.compile(r'name="csrf_token" value="([^"]+)"')
STAMP = re.compile(r'name="desde" value="([^"]+)"')
FOLIO = re.compile(r'id="folio">([^<]+)<')


class Clock:
    """The app's clock, moved by hand (the minimum fill time reads it)."""

    def __init__(self) -> None:
        self.at = utcnow()

    def __call__(self) -> datetime:
        return self.at


@pytest.fixture
def clock(app: Flask) -> Clock:
    found = Clock()
    app.config["CLOCK"] = found
    return found


def fields(client: FlaskClient, path: str) -> dict[str, str]:
    page = client.get(path).get_data(as_text=True)
    token, stamp = TOKEN.search(page), STAMP.search(page)
    assert token and stamp, path
    return {"csrf_token": token.group(1), "desde": stamp.group(1)}


def reclamo_form(**overrides: str) -> dict[str, str]:
    data = {
        "consumer.rut": "12.345.678-5",
        "consumer.name": "Ana Prueba Ejemplo",
        "consumer.comuna": "05101",
        "consumer.email": "ana@ejemplo.cl",
        "provider.name": "Tienda Demo Ltda.",
        "market": "comercio",
        "motive": "cobro_indebido",
        "subject": "Cobro duplicado",
        "description": "Me cobraron dos veces la misma compra en la tienda.",
        "consent": "si",
    }
    data.update(overrides)
    return {k: v for k, v in data.items() if v}


def file(client: FlaskClient, clock: Clock, path: str, **overrides: str) -> TestResponse:
    """Open the form, wait like a person would (5 s on the app's clock), send it."""
    hidden = fields(client, path)
    clock.at += timedelta(seconds=5)
    return client.post(path, data={**hidden, **reclamo_form(**overrides)})


def receipt_of(client: FlaskClient, resp: TestResponse) -> tuple[str, str]:
    assert resp.status_code == 303, resp.get_data(as_text=True)[:3000]
    page = client.get(resp.headers["Location"])
    assert page.status_code == 200 and page.headers["Cache-Control"] == "no-store"
    folio = FOLIO.search(page.get_data(as_text=True))
    assert folio
    return folio.group(1), page.get_data(as_text=True)


@pytest.mark.parametrize("path", ["/", "/portal", "/portal/consulta", "/portal/reclamo", "/portal/estado"])
def test_public_pages_answer_without_signing_in(client: FlaskClient, path: str) -> None:
    resp = client.get(path)
    page = resp.get_data(as_text=True)
    assert resp.status_code == 200, path
    assert "Acceso funcionarios" in page and "Cerrar sesión" not in page


def test_the_start_page_offers_the_four_actions(client: FlaskClient) -> None:
    page = client.get("/").get_data(as_text=True)
    for action in ("Hacer una consulta", "Presentar un reclamo", "Estado de mi caso"):
        assert action in page


def test_the_public_form_is_the_published_intake_form_without_channel_and_platform(
    client: FlaskClient,
) -> None:
    page = client.get("/portal/reclamo").get_data(as_text=True)
    assert 'name="consumer.rut"' in page and 'name="description"' in page and 'name="provider.name"' in page
    assert 'name="channel"' not in page and 'name="platform"' not in page and 'name="kind"' not in page
    assert "Ley 19.628" in page and 'name="consent"' in page


def test_a_reclamo_goes_to_the_comunas_region_with_a_receipt_and_a_confirmation(
    app: Flask, client: FlaskClient, clock: Clock
) -> None:
    folio, page = receipt_of(client, file(client, clock, "/portal/reclamo"))
    assert "Recibimos su reclamo" in page and "25 días hábiles" in page and "Dirección Regional" in page
    sys_ = app.extensions["ventanilla"]
    with sys_.db.reading() as s:
        case = s.query(Case).filter_by(folio=folio).one()
        assert (case.channel, case.platform_code, case.kind) == ("web", "DR05", "complaint")
        assert s.get(CitizenIntake, case.id).consent_version
        mail = s.query(MailOutbox).filter_by(case_id=case.id).one()
        assert mail.recipient == "ana@ejemplo.cl" and folio in mail.body and "/portal/recibo/" in mail.body
    link = re.search(r'href="(/portal/comprobante/[^"]+)"', page)
    assert link
    doc = client.get(link.group(1))
    assert doc.status_code == 200 and doc.headers["Cache-Control"] == "no-store"
    assert doc.data[:4] in (b"%PDF", b"PK\x03\x04")


def test_the_case_appears_in_the_platforms_bandeja(app: Flask, client: FlaskClient, clock: Clock) -> None:
    folio, _ = receipt_of(client, file(client, clock, "/portal/consulta", **{"consumer.comuna": "13101"}))
    staff = app.test_client()
    sign_in(staff, "eje13", "clave-segura-1")
    assert folio in staff.get("/bandeja").get_data(as_text=True)


def test_a_wrong_check_digit_is_refused_beside_the_field_and_nothing_is_filed(
    app: Flask, client: FlaskClient, clock: Clock
) -> None:
    resp = file(client, clock, "/portal/reclamo", **{"consumer.rut": "12.345.678-9"})
    page = resp.get_data(as_text=True)
    assert resp.status_code == 422 and "RUT" in page and 'aria-invalid="true"' in page
    assert 'value="Ana Prueba Ejemplo"' in page  # what was typed is kept
    with app.extensions["ventanilla"].db.reading() as s:
        assert s.query(CitizenIntake).count() == 0


def test_consent_is_required(app: Flask, client: FlaskClient, clock: Clock) -> None:
    resp = file(client, clock, "/portal/reclamo", consent="")
    assert resp.status_code == 422 and "debe aceptar el tratamiento" in resp.get_data(as_text=True)


@pytest.mark.parametrize(
    ("wait", "extra", "message"),
    [(0, {}, "demasiado rápido"), (5, {"sitio_web": "http://spam.example"}, "No pudimos recibir")],
)
def test_robots_are_refused(
    app: Flask, client: FlaskClient, clock: Clock, wait: int, extra: dict[str, str], message: str
) -> None:
    hidden = fields(client, "/portal/reclamo")
    clock.at += timedelta(seconds=wait)
    resp = client.post("/portal/reclamo", data={**hidden, **reclamo_form(), **extra})
    assert resp.status_code == 422 and message in resp.get_data(as_text=True)
    with app.extensions["ventanilla"].db.reading() as s:
        assert s.query(CitizenIntake).count() == 0


def test_a_forged_or_expired_receipt_link_reveals_nothing(client: FlaskClient, clock: Clock) -> None:
    resp = file(client, clock, "/portal/reclamo")
    location = resp.headers["Location"]
    assert client.get(location + "x").status_code == 404
    clock.at += timedelta(days=31)
    assert client.get(location).status_code == 404


def lookup(client: FlaskClient, folio: str, rut: str, path: str = "/portal/estado") -> TestResponse:
    return client.post(
        path, data={"csrf_token": fields(client, "/portal/reclamo")["csrf_token"], "folio": folio, "rut": rut}
    )


def test_estado_shows_the_case_with_its_rut_and_nothing_with_another(
    app: Flask, client: FlaskClient, clock: Clock
) -> None:
    folio, _ = receipt_of(client, file(client, clock, "/portal/reclamo"))
    found = lookup(client, folio, "12345678-5")
    page = found.get_data(as_text=True)
    assert found.status_code == 200 and found.headers["Cache-Control"] == "no-store"
    assert "Reclamo" in page and 'id="etapa"' in page and "días hábiles" in page
    assert "Comprobante de ingreso" in page or "omprobante" in page
    assert "ciudadano" not in page  # no internal names
    wrong, unknown = lookup(client, folio, "11.111.111-1"), lookup(client, "2099-999999", "12345678-5")
    assert wrong.status_code == unknown.status_code == 404
    strip: Callable[[str], str] = lambda text: re.sub(r'value="[^"]*"', "", text)  # noqa: E731
    assert strip(wrong.get_data(as_text=True)) == strip(unknown.get_data(as_text=True))
    with app.extensions["ventanilla"].db.reading() as s:
        assert s.query(LogEntry).filter_by(event="status_lookup").count() == 1


def test_estado_is_rate_limited_per_address(app: Flask, client: FlaskClient) -> None:
    app.config["PUBLIC_STATUS_PER_MINUTE"] = 2
    codes = [lookup(client, "2099-000001", "12345678-5").status_code for _ in range(3)]
    assert codes == [404, 404, 429]


@pytest.fixture
def library(app: Flask) -> str:
    with app.extensions["ventanilla"].db.writing() as s:
        s.add(
            Platform(
                code="BIB05101",
                name="Biblioteca de Valparaíso",
                kind="library",
                region_code="05",
                comuna_code="05101",
            )
        )
    return "BIB05101"


def test_a_kiosk_files_a_case_tagged_with_its_library_and_keeps_nothing(
    app: Flask, client: FlaskClient, clock: Clock, library: str
) -> None:
    home = client.get(f"/kiosco/{library}")
    assert home.status_code == 200 and home.headers["Cache-Control"] == "no-store"
    assert "Terminar" in home.get_data(as_text=True)
    form = client.get(f"/kiosco/{library}/reclamo")
    assert form.headers["Cache-Control"] == "no-store" and 'autocomplete="off"' in form.get_data(as_text=True)
    resp = file(client, clock, f"/kiosco/{library}/reclamo", **{"consumer.comuna": "13101"})
    assert resp.headers["Location"].startswith(f"/kiosco/{library}/recibo/")
    folio, page = receipt_of(client, resp)
    assert "Biblioteca de Valparaíso" in page and "data-kiosk-clear" in page
    with app.extensions["ventanilla"].db.reading() as s:
        case = s.query(Case).filter_by(folio=folio).one()
        assert case.platform_code == "DR13" and s.get(CitizenIntake, case.id).library_code == library


def test_a_kiosk_exists_only_for_libraries(client: FlaskClient) -> None:
    assert client.get("/kiosco/DR13").status_code == 404
    assert client.get("/kiosco/NOEXISTE/reclamo").status_code == 404


def test_the_confirmation_e_mail_arrives_with_a_working_receipt_link(
    app: Flask, client: FlaskClient, clock: Clock, smtp: tuple[mail.MailSettings, Inbox]
) -> None:
    settings, inbox = smtp
    folio, _ = receipt_of(client, file(client, clock, "/portal/consulta"))
    report = mailer.send_due(app.extensions["ventanilla"].db, settings, clock.at)
    assert (report.sent, report.failed) == (1, 0)
    [(to, message)] = inbox.received
    text = message.get_content()
    assert to == ["ana@ejemplo.cl"] and folio in str(message["Subject"]) and "5 días hábiles" in text
    link = re.search(r"http://localhost(/portal/recibo/\S+)", text)
    assert link and folio in client.get(link.group(1)).get_data(as_text=True)
    assert mailer.send_due(app.extensions["ventanilla"].db, settings, clock.at).sent == 0  # sent once


def test_the_company_field_suggests_the_registered_companies(app: Flask, client: FlaskClient) -> None:
    from engine.services import providers

    with app.extensions["ventanilla"].db.writing() as s:
        providers.add_provider(s, "76.086.428-5", "Tienda Demo Ltda.", utcnow(), trade_name="Tienda Demo")
    page = client.get("/portal/reclamo").get_data(as_text=True)
    assert '<datalist id="empresas"><option value="Tienda Demo">' in page
    assert 'data-empresas="empresas"' in page
