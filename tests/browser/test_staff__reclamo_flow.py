"""The issue's acceptance flow in Chromium, every step through the pages: an ejecutivo registers a reclamo
and takes it to the proposed closure, a supervisor returns it with observations, the ejecutivo corrects it,
the supervisor approves it from the queue, and the case file shows the closed case, log, letters, diagram."""

from __future__ import annotations

import re
from collections.abc import Callable

from playwright.sync_api import Locator, Page, expect

from tests.browser.conftest import screenshot, sign_in
from tests.smtp import Inbox

CONSUMER_EMAIL = "ana@ejemplo.cl"
OBSERVATIONS = "Falta el monto devuelto"
TRASLADAR = "Trasladar el reclamo al proveedor"
REGISTRAR = "Registrar la respuesta del proveedor"
PROPONER = "Informar al consumidor y proponer el cierre"


def flashed(page: Page, text: str) -> Locator:
    return page.get_by_role("alert").filter(has_text=text)


def row_of(page: Page, folio: str) -> Locator:
    return page.get_by_role("row").filter(has=page.get_by_role("link", name=folio))


def letters(page: Page) -> Locator:
    return page.get_by_role("region", name="Cartas").get_by_role("listitem")


def task(page: Page, name: str) -> Locator:
    return page.get_by_role("article").filter(has=page.get_by_text(name, exact=True))


def register_reclamo(page: Page) -> str:
    """Nuevo caso → presencial → the intake form; returns the folio of the case file it lands on."""
    page.get_by_role("link", name="Nuevo caso").click()
    page.get_by_role("link", name="presencial").click()
    page.get_by_label("Reclamo", exact=True).check()
    expect(page.get_by_label("Canal de ingreso")).to_have_value("in_person")
    page.get_by_label("Plataforma").select_option("DR13")
    consumer = page.get_by_role("group", name="Consumidor/a")
    consumer.get_by_label("RUT").fill("12.345.678-5")
    consumer.get_by_label("Nombre completo").fill("Ana Prueba Ejemplo")
    consumer.get_by_label("Correo electrónico").fill(CONSUMER_EMAIL)
    consumer.get_by_label("Comuna").select_option("13101")
    page.get_by_role("group", name="Proveedor").get_by_label("Nombre o razón social").fill(
        "Tienda Demo Ltda."
    )
    page.get_by_label("Mercado").select_option("comercio")
    page.get_by_label("Motivo legal").select_option("cobro_indebido")
    page.get_by_label("Materia").fill("Cobro duplicado")
    page.get_by_label("Descripción de los hechos").fill("Me cobraron dos veces la misma compra en la tienda.")
    page.get_by_role("button", name="Registrar caso").click()

    page.wait_for_url(re.compile(r"/casos/[^/]+$"))
    folio = page.url.rsplit("/", 1)[1]
    expect(flashed(page, f"Caso registrado con el folio {folio}")).to_be_visible()
    expect(page.get_by_role("heading", name=f"Caso {folio}")).to_be_visible()
    return folio


def download_and_send_comprobante(page: Page, folio: str, mailbox: Inbox) -> None:
    comprobante = letters(page).filter(has_text="Comprobante ingreso")
    with page.expect_download() as download:
        comprobante.get_by_role("link", name="Descargar .docx").click()
    assert download.value.suggested_filename == f"{folio}-comprobante_ingreso.docx"
    with open(download.value.path(), "rb") as docx:
        assert docx.read(2) == b"PK"  # a .docx is a zip file

    expect(comprobante.get_by_label("Correo de destino")).to_have_value(CONSUMER_EMAIL)
    comprobante.get_by_role("button", name="Enviar").click()
    expect(flashed(page, f"Carta enviada a {CONSUMER_EMAIL}.")).to_be_visible()
    [(recipients, message)] = mailbox.received
    assert recipients == [CONSUMER_EMAIL] and folio in str(message["Subject"])
    [attachment] = message.iter_attachments()
    assert (attachment.get_filename() or "").startswith(f"{folio}-comprobante_ingreso.")


def open_from_inbox(page: Page, folio: str) -> None:
    """The new case waits in the inbox with its first task; its folio leads back to the case file."""
    page.get_by_role("link", name="Bandeja").click()
    row = row_of(page, folio)
    expect(row).to_contain_text(TRASLADAR)
    expect(row).to_contain_text("Ana Prueba Ejemplo")
    screenshot(page, "bandeja")
    row.get_by_role("link", name=folio).click()
    expect(page.get_by_role("heading", name=f"Caso {folio}")).to_be_visible()


def complete(page: Page, name: str, fill: Callable[[Locator], None]) -> None:
    """Fill an open task's form inside its card and complete it."""
    card = task(page, name)
    fill(card)
    card.get_by_role("button", name=f"Completar: {name}").click()
    expect(flashed(page, f"Tarea completada: {name}.")).to_be_visible()


def trasladar(card: Locator) -> None:
    card.get_by_label("Correo electrónico", exact=True).check()
    card.get_by_label("Correo de contacto del proveedor").fill("reclamos@tienda.cl")


def registrar_respuesta(card: Locator) -> None:
    card.get_by_label("Acoge parcialmente").check()
    card.get_by_label("Texto de la respuesta").fill("Devolveremos la mitad del cobro duplicado.")


def proponer_cierre(summary: str) -> Callable[[Locator], None]:
    def fill(card: Locator) -> None:
        card.get_by_label("Proponer el cierre (pasa a visación)").check()
        card.get_by_label("Resultado").select_option(label="Acoge parcialmente")
        card.get_by_label("Resumen para el consumidor/a").fill(summary)

    return fill


def return_with_observations(page: Page, folio: str) -> None:
    page.get_by_role("link", name="Visación", exact=True).click()
    row = row_of(page, folio)
    expect(row).to_contain_text("ACOGE PARCIALMENTE")
    screenshot(page, "cola-visacion")
    row.get_by_label("Observaciones").fill(OBSERVATIONS)
    row.get_by_role("button", name="Devolver").click()
    expect(flashed(page, "Cierre devuelto con observaciones.")).to_be_visible()
    expect(row_of(page, folio)).to_have_count(0)


def approve_selected(page: Page, folio: str) -> None:
    page.reload()
    expect(row_of(page, folio)).to_contain_text("$12.990")  # the corrected proposal
    page.get_by_label(f"Seleccionar {folio}").check()
    page.get_by_role("button", name="Aprobar seleccionados").click()
    expect(flashed(page, "Cierres aprobados: 1.")).to_be_visible()
    expect(page.get_by_text("No hay cierres pendientes de visación.")).to_be_visible()


def check_closed_case_file(page: Page) -> None:
    page.reload()
    expect(page.locator("header").get_by_text("Cerrado", exact=True)).to_be_visible()
    expect(page.get_by_text("No hay tareas abiertas.")).to_be_visible()
    log = page.get_by_role("region", name="Bitácora")
    for entry in (
        "Ingreso de reclamo por canal presencial",
        "Reclamo trasladado al proveedor (correo)",
        f"Cierre devuelto con observaciones: {OBSERVATIONS}",
        "Cierre visado",
        "Caso cerrado: ACOGE PARCIALMENTE",
    ):
        expect(log.get_by_text(entry)).not_to_have_count(0)
    expect(letters(page)).to_have_count(4)
    for title, count in (("Comprobante ingreso", 1), ("Traslado proveedor", 1), ("Respuesta consumidor", 2)):
        expect(letters(page).filter(has_text=title)).to_have_count(count)

    diagrams = page.locator(".diagrama")
    expect(diagrams).not_to_have_count(0)
    for diagram in diagrams.all():
        expect(diagram).to_have_attribute("data-ready", "true")
    for taken in ("trasladar", "registrar_respuesta", "proponer_cierre", "visar_cierre"):
        expect(page.locator(f'.djs-element.visitado[data-element-id="{taken}"]')).to_have_count(1)
    reminder = page.locator('.djs-element[data-element-id="enviar_recordatorio"]')  # a path not taken
    expect(reminder).to_have_count(1)
    expect(reminder).not_to_have_class(re.compile(r"\bvisitado\b"))
    expect(page.locator(".djs-element.actual")).to_have_count(0)  # nothing pending on a closed case
    screenshot(page, "expediente-cerrado")


def test_reclamo_from_intake_to_approved_closure(open_page: Callable[[], Page], mailbox: Inbox) -> None:
    ejecutivo = open_page()
    sign_in(ejecutivo, "eje13")
    folio = register_reclamo(ejecutivo)
    download_and_send_comprobante(ejecutivo, folio, mailbox)
    open_from_inbox(ejecutivo, folio)

    complete(ejecutivo, TRASLADAR, trasladar)
    complete(ejecutivo, REGISTRAR, registrar_respuesta)
    complete(ejecutivo, PROPONER, proponer_cierre("El proveedor devolverá la mitad del cobro."))
    expect(ejecutivo.locator("header").get_by_text("En visación", exact=True)).to_be_visible()

    supervisor = open_page()
    sign_in(supervisor, "sup13")
    return_with_observations(supervisor, folio)

    ejecutivo.reload()
    reopened = task(ejecutivo, PROPONER)
    expect(reopened.get_by_role("note").filter(has_text=OBSERVATIONS)).to_contain_text("Observaciones")
    complete(ejecutivo, PROPONER, proponer_cierre("El proveedor devolverá $12.990, la mitad del cobro."))

    approve_selected(supervisor, folio)
    check_closed_case_file(ejecutivo)
