"""Each citizen journey in Chromium, on a phone (360 px wide) and a desktop: file a reclamo from the portal
and get the receipt and the comprobante, look up its estado with folio and RUT, give a SONI opinion, and file
a consulta at a library kiosk, whose "Terminar" leaves nothing on the screen. No page scrolls sideways."""

from __future__ import annotations

import re
from collections.abc import Iterator

import pytest
from flask import Flask
from playwright.sync_api import Browser, BrowserContext, Page, expect

from engine.models import Platform
from tests.browser.conftest import new_context, screenshot, serving, staff_app

PHONE = {"width": 360, "height": 740}
DESKTOP = {"width": 1280, "height": 900}
LIBRARY = "BIB05101"
CONSENT = "Acepto el tratamiento de mis datos personales para este fin *"


@pytest.fixture(scope="module")
def site(tmp_path_factory: pytest.TempPathFactory) -> Iterator[str]:
    app: Flask = staff_app(f"sqlite:///{tmp_path_factory.mktemp('ciudadanos')}/ventanilla.db")
    app.config["PUBLIC_MIN_FILL_SECONDS"] = 1
    with app.extensions["ventanilla"].db.writing() as s:
        name = "Biblioteca Pública de Valparaíso"
        s.add(Platform(code=LIBRARY, name=name, kind="library", region_code="05"))
    assert app.test_client().get("/portal/reclamo").status_code == 200  # the content is loaded once, first
    try:
        with serving(app) as url:
            yield url
    finally:
        app.extensions["ventanilla"].db.engine.dispose()


@pytest.fixture(params=["telefono", "escritorio"])
def context(request: pytest.FixtureRequest, browser: Browser, site: str) -> Iterator[BrowserContext]:
    viewport = PHONE if request.param == "telefono" else DESKTOP
    opened = new_context(browser, site, viewport=viewport)
    yield opened
    opened.close()


def no_sideways_scroll(page: Page) -> None:
    widths = page.evaluate("[document.documentElement.scrollWidth, window.innerWidth]")
    assert widths[0] <= widths[1], f"{page.url} se desplaza a lo ancho: {widths}"


def fill_consumer(page: Page, comuna: str) -> None:
    consumer = page.get_by_role("group", name="Consumidor/a")
    consumer.get_by_label("RUT").fill("12.345.678-5")
    consumer.get_by_label("Nombre completo").fill("Ana Prueba Ejemplo")
    consumer.get_by_label("Comuna").select_option(label=comuna)
    page.get_by_label("Mercado").select_option("comercio")
    page.get_by_label("Motivo legal").select_option("cobro_indebido")
    page.get_by_label("Materia").fill("Cobro duplicado")
    page.get_by_label("Descripción de los hechos").fill("Me cobraron dos veces la misma compra en la tienda.")


def test_reclamo_receipt_comprobante_and_estado(context: BrowserContext) -> None:
    page = context.new_page()
    page.goto("/")
    page.get_by_role("link", name=re.compile("Presentar un reclamo")).click()
    no_sideways_scroll(page)
    fill_consumer(page, "Valparaíso")
    provider = page.get_by_role("group", name="Proveedor")
    provider.get_by_label("Nombre o razón social").fill("Tienda Demo Ltda.")
    page.wait_for_timeout(1100)  # a person takes longer than the minimum fill time
    page.get_by_role("button", name="Enviar reclamo").click()
    consent = page.get_by_label(CONSENT)
    expect(consent).to_have_attribute("aria-invalid", "true")  # consent is required; the rest is kept
    consent.check()
    page.wait_for_timeout(1100)
    page.get_by_role("button", name="Enviar reclamo").click()
    expect(page.get_by_role("heading", name="Recibimos su reclamo")).to_be_visible()
    folio = page.locator("#folio").inner_text()
    no_sideways_scroll(page)
    screenshot(page, f"ciudadano-recibo-{page.viewport_size['width']}")  # type: ignore[index]
    with page.expect_download(timeout=120_000) as download:  # LibreOffice makes the PDF on first download
        page.get_by_role("link", name="Descargar comprobante").click(no_wait_after=True)
    assert folio in download.value.suggested_filename
    page.goto("/portal/estado")
    page.get_by_label("Folio").fill(folio)
    page.get_by_label("RUT").fill("12345678-5")
    page.get_by_role("button", name="Consultar").click()
    expect(page.get_by_role("heading", name=re.compile(f"Folio {folio}"))).to_be_visible()
    expect(page.locator("#etapa")).to_have_text(re.compile("Reclamo"))
    no_sideways_scroll(page)


def test_an_opinion(context: BrowserContext) -> None:
    page = context.new_page()
    page.goto("/portal")
    page.get_by_role("link", name=re.compile("Su opinión nos interesa")).click()
    page.get_by_label("Una sugerencia").check()
    page.get_by_label("Su opinión").fill("Podrían atender también los sábados en la mañana.")
    page.wait_for_timeout(1100)
    page.get_by_role("button", name="Enviar mi opinión").click()
    expect(page.get_by_role("status")).to_contain_text("Gracias por contarnos su opinión")
    no_sideways_scroll(page)


def test_a_kiosk_consulta_then_terminar_leaves_nothing(context: BrowserContext) -> None:
    page = context.new_page()
    page.goto(f"/kiosco/{LIBRARY}")
    page.get_by_role("link", name=re.compile("Hacer una consulta")).click()
    expect(page.locator("form[autocomplete=off]")).to_have_count(1)
    fill_consumer(page, "Valparaíso")
    page.get_by_label(CONSENT).check()
    page.wait_for_timeout(1100)
    page.get_by_role("button", name="Enviar consulta").click()
    expect(page.get_by_role("heading", name="Recibimos su consulta")).to_be_visible()
    expect(page.get_by_text("Biblioteca Pública de Valparaíso").first).to_be_visible()
    page.get_by_role("link", name="Terminar").click()
    expect(page).to_have_url(re.compile(f"/kiosco/{LIBRARY}$"))
    expect(page.locator("#folio")).to_have_count(0)
    page.go_back()  # the receipt was replaced in the history: going back does not show it again
    expect(page.locator("#folio")).to_have_count(0)
