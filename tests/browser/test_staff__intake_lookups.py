"""Intake with its look-ups in Chromium: motivos follow the chosen mercado and categorías the motivo, comunas
the chosen región; a known RUT fills the consumer's data and shows their previous case; the company is
suggested from the registry and an open case against it is warned about."""

from __future__ import annotations

import re

from flask import Flask
from playwright.sync_api import Page, expect

from engine.clock import utcnow
from engine.services import cases, providers
from tests.browser.conftest import screenshot, sign_in
from tests.conftest import ACTORS, complaint

COMPANY = "Telefonía Ejemplo SpA"


def _seed(app: Flask) -> str:
    system = app.extensions["ventanilla"]
    with system.db.writing() as s:
        providers.add_provider(s, "76.086.428-5", COMPANY, utcnow(), trade_name="Ejemplo Móvil")
        provider = {"rut": "76.086.428-5", "name": COMPANY}
        data = complaint(
            provider=provider, market="telecomunicaciones", motive="cobro_indebido", category=None
        )
        del data["category"]
        return cases.open_case(s, system.store, data, ACTORS["eje13"], utcnow()).folio


def _labels(page: Page, name: str) -> list[str]:
    return page.locator(f'select[name="{name}"] option').all_inner_texts()


def test_intake_with_dependent_selects_known_rut_and_company_lookup(page: Page, app: Flask) -> None:
    first = _seed(app)
    sign_in(page, "eje13")
    page.goto("/casos/nuevo")
    page.get_by_label("Reclamo", exact=True).check()

    page.get_by_label("Mercado").select_option("salud")
    motives = _labels(page, "motive")
    assert (
        "Alza o adecuación del plan de salud" in motives
        and "Portabilidad no realizada o con trabas" not in motives
    )
    page.get_by_label("Mercado").select_option("telecomunicaciones")
    motives = _labels(page, "motive")
    assert (
        "Portabilidad no realizada o con trabas" in motives
        and "Alza o adecuación del plan de salud" not in motives
    )
    page.get_by_label("Motivo legal").select_option("portabilidad")
    assert _labels(page, "category") == ["Seleccione…", "Portabilidad numérica", "Portabilidad financiera"]

    consumer = page.get_by_role("group", name="Consumidor/a")
    consumer.get_by_label("Región", exact=True).select_option(label="Valparaíso")
    comunas = _labels(page, "consumer.comuna")
    assert "Viña del Mar" in comunas and "Santiago" not in comunas

    consumer.get_by_label("RUT").fill("12.345.678-5")
    consumer.get_by_label("RUT").press("Tab")
    known = page.locator("#consumidor-conocido")
    expect(known).to_contain_text("1 caso anterior")
    expect(known.get_by_role("link", name=first)).to_have_attribute("href", f"/casos/{first}")
    expect(consumer.get_by_label("Nombre completo")).to_have_value("Ana Prueba Ejemplo")
    expect(consumer.get_by_label("Correo electrónico")).to_have_value("ana@ejemplo.cl")
    expect(consumer.get_by_label("Comuna")).to_have_value("13101")  # the región follows the known comuna

    company = page.get_by_role("group", name="Proveedor").get_by_label("Nombre o razón social")
    company.press_sequentially("telefonia", delay=30)
    expect(page.locator("datalist option").first).to_have_attribute("value", COMPANY)
    company.fill(COMPANY)
    company.dispatch_event("change")
    expect(page.get_by_role("group", name="Proveedor").get_by_label("RUT del proveedor")).to_have_value(
        "76086428-5"
    )
    expect(page.locator("#caso-abierto-misma-empresa")).to_contain_text(first)
    screenshot(page, "ingreso-con-busquedas")

    page.get_by_label("Materia").fill("Portabilidad no realizada")
    page.get_by_label("Descripción de los hechos").fill(
        "Pedí la portabilidad hace tres semanas y no la hacen."
    )
    page.get_by_role("button", name="Registrar caso").click()
    page.wait_for_url(re.compile(r"/casos/[^/]+$"))
    expect(page.locator("#clasificacion-mercado")).to_have_text(
        "Telecomunicaciones (telefonía, internet y TV pagada)"
    )
    expect(page.locator("#clasificacion-motivo")).to_have_text("Portabilidad no realizada o con trabas")
