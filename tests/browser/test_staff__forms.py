"""Staff forms in Chromium: a refused intake keeps what was typed and says why beside each field, a case of
another platform is not found, and signing in works with the keyboard alone."""

from __future__ import annotations

import re
from collections.abc import Callable

from flask import Flask
from playwright.sync_api import Page, expect
from sqlalchemy import func, select

from engine.clock import utcnow
from engine.models import Case
from engine.services import cases
from tests.browser.conftest import PASSWORD, screenshot, sign_in
from tests.conftest import ACTORS, complaint

REQUIRED = "Este campo es obligatorio."
WRONG_RUT = "12.345.678-9"  # the right check digit is 5


def case_count(app: Flask) -> int:
    with app.extensions["ventanilla"].db.reading() as s:
        return int(s.execute(select(func.count()).select_from(Case)).scalar_one())


def open_case(app: Flask) -> str:
    """A DR13 reclamo registered through the service (setup, not what the test is about)."""
    sys_ = app.extensions["ventanilla"]
    with sys_.db.writing() as s:
        return str(cases.open_case(s, sys_.store, complaint(), ACTORS["eje13"], utcnow()).folio)


def test_refused_intake_keeps_the_typed_values_and_shows_each_message_beside_its_field(
    page: Page, app: Flask
) -> None:
    sign_in(page, "eje13")
    expect(page.get_by_role("cell", name="No hay tareas con estos filtros.")).to_be_visible()
    page.get_by_role("link", name="Nuevo caso").click()
    page.get_by_label("Reclamo", exact=True).check()
    consumer = page.get_by_role("group", name="Consumidor/a")
    consumer.get_by_label("RUT").fill(WRONG_RUT)
    consumer.get_by_label("Nombre completo").fill("Ana Prueba Ejemplo")
    page.get_by_label("Materia").fill("Cobro duplicado")

    page.get_by_role("button", name="Registrar caso").click()

    expect(page.get_by_role("alert").filter(has_text="Revise los campos marcados.")).to_be_visible()
    consumer = page.get_by_role("group", name="Consumidor/a")
    rut = consumer.get_by_label("RUT")
    expect(rut).to_have_value(WRONG_RUT)
    expect(rut).to_have_attribute("aria-invalid", "true")
    expect(rut).to_have_accessible_description(re.compile("dígito verificador no corresponde"))
    expect(consumer.get_by_label("Comuna")).to_have_accessible_description(REQUIRED)
    expect(page.get_by_label("Descripción de los hechos")).to_have_accessible_description(REQUIRED)
    provider = page.get_by_role("group", name="Proveedor")
    expect(provider).to_have_accessible_description(REQUIRED)  # a reclamo needs its provider
    expect(consumer.get_by_label("Nombre completo")).to_have_value("Ana Prueba Ejemplo")
    expect(page.get_by_label("Materia")).to_have_value("Cobro duplicado")
    expect(page.get_by_label("Reclamo", exact=True)).to_be_checked()
    expect(page.get_by_label("Canal de ingreso")).to_have_value("in_person")
    summary = page.get_by_role("alert").filter(has_text="Revise los datos del formulario")
    expect(summary.get_by_role("link", name="RUT (Consumidor/a): RUT inválido")).to_be_visible()
    screenshot(page, "nuevo-caso-con-errores")

    page.get_by_role("link", name="Bandeja").click()
    expect(page.get_by_role("cell", name="No hay tareas con estos filtros.")).to_be_visible()
    assert case_count(app) == 0


def test_an_ejecutivo_of_another_platform_gets_the_not_found_page(
    open_page: Callable[[], Page], app: Flask
) -> None:
    folio = open_case(app)
    owner = open_page()
    sign_in(owner, "eje13")
    owner.goto(f"/casos/{folio}")
    expect(owner.get_by_role("heading", name=f"Caso {folio}")).to_be_visible()

    stranger = open_page()
    sign_in(stranger, "eje05")
    response = stranger.goto(f"/casos/{folio}")

    assert response is not None and response.status == 404
    expect(stranger.get_by_role("heading", level=1)).to_have_text("Caso no encontrado")
    expect(stranger.get_by_text("Ana Prueba Ejemplo")).to_have_count(0)


def test_signing_in_with_the_keyboard_alone(page: Page) -> None:
    page.goto("/ingresar")
    expect(page.get_by_label("Usuario")).to_be_focused()
    screenshot(page, "ingreso")

    page.keyboard.type("eje13")
    page.keyboard.press("Tab")
    expect(page.get_by_label("Contraseña")).to_be_focused()
    page.keyboard.type(PASSWORD)
    page.keyboard.press("Enter")

    page.wait_for_url("**/bandeja")
    expect(page.get_by_role("heading", name="Bandeja de tareas")).to_be_visible()
    expect(page.get_by_role("button", name="Cerrar sesión")).to_be_visible()
