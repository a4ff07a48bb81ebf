"""A company's day in Chromium: the ejecutivo forwards a reclamo from the case file, where the registry says
the company answers digitally and the traslado proposes the portal; the company signs in, sees only its own
forwarded reclamo, answers it with a supporting document, and the staff case file then shows the answer in
the bitácora, the document among the attachments and the reclamo's next task."""

from __future__ import annotations

import re
from collections.abc import Callable

from flask import Flask
from playwright.sync_api import Locator, Page, expect

from engine.access import Actor
from engine.clock import utcnow
from engine.services import cases, providers, users
from tests.browser.conftest import PASSWORD, screenshot, sign_in
from tests.conftest import complaint
from tests.files import PDF
from tests.integration.helpers import complete, only_task

TIENDA, OTRA = "76.086.428-5", "96.806.980-2"
EJECUTIVO = Actor("eje13", "ejecutivo", "DR13", "13", "in_person")
TRASLADAR = "Trasladar el reclamo al proveedor"
PROPONER = "Informar al consumidor y proponer el cierre"
ANSWER = "Anularemos el segundo cobro y devolveremos $15.990 en su tarjeta."


def _arrange(app: Flask) -> tuple[str, str]:
    """Two digital companies with portal accounts; a new reclamo against Tienda Demo (not yet forwarded)
    and one against Otra Empresa already forwarded to it. Returns (Tienda's folio, Otra's folio)."""
    sys_ = app.extensions["ventanilla"]
    now = utcnow()
    with sys_.db.writing() as s:
        providers.add_provider(
            s, TIENDA, "Tienda Demo Ltda.", now, "Tienda Demo", "comercio", "reclamos@tienda.cl", digital=True
        )
        providers.add_provider(s, OTRA, "Otra Empresa S.A.", now, digital=True)
        users.add_user(s, "tienda", PASSWORD, "proveedor", now, full_name="Mesa de reclamos", provider=TIENDA)
        users.add_user(s, "otra", PASSWORD, "proveedor", now, provider=OTRA)
        ours = cases.open_case(s, sys_.store, complaint(), EJECUTIVO, now).folio
        other_intake = complaint(
            provider={"rut": OTRA, "name": "Otra Empresa S.A."}, subject="Producto defectuoso"
        )
        theirs = cases.open_case(s, sys_.store, other_intake, EJECUTIVO, now).folio
    task = only_task(sys_, theirs, "trasladar")
    complete(sys_, task.id, {"medio_traslado": "portal"}, EJECUTIVO, now)
    return ours, theirs


def _task(page: Page, name: str) -> Locator:
    return page.get_by_role("article").filter(has=page.get_by_text(name, exact=True))


def _forward_from_the_case_file(page: Page, folio: str) -> None:
    """The case file names the registry; the traslado proposes the portal and the company's e-mail."""
    sign_in(page, "eje13")
    page.goto(f"/casos/{folio}")
    expect(page.locator("#registro-proveedor")).to_have_text("Empresa registrada · mediación digital")
    card = _task(page, TRASLADAR)
    expect(card.get_by_role("note").filter(has_text="Empresa registrada")).to_contain_text(
        "la empresa puede responder por el portal de proveedores"
    )
    expect(card.get_by_label("Portal de proveedores")).to_be_checked()
    expect(card.get_by_label("Correo de contacto del proveedor")).to_have_value("reclamos@tienda.cl")
    screenshot(page, "expediente-traslado-portal")
    card.get_by_role("button", name=f"Completar: {TRASLADAR}").click()
    expect(page.get_by_role("alert").filter(has_text=f"Tarea completada: {TRASLADAR}.")).to_be_visible()


def _company_sign_in(page: Page) -> None:
    page.goto("/ingresar")
    page.get_by_label("Usuario").fill("tienda")
    page.get_by_label("Contraseña").fill(PASSWORD)
    page.get_by_role("button", name="Ingresar").click()
    page.wait_for_url("**/empresa/reclamos")


def _answer_in_the_portal(page: Page, ours: str, theirs: str) -> None:
    _company_sign_in(page)
    expect(page.get_by_role("heading", name="Reclamos trasladados a su empresa")).to_be_visible()
    rows = page.get_by_role("row").filter(has=page.get_by_role("link"))
    expect(rows).to_have_count(1)  # its own reclamo only
    expect(rows.first).to_contain_text(ours)
    expect(rows.first).to_contain_text("Pendiente de respuesta")
    expect(rows.first.get_by_role("cell").nth(4)).to_have_text(re.compile(r"^\s*\d{2}-\d{2}-\d{4}"))
    expect(page.get_by_text(theirs)).to_have_count(0)
    expect(page.get_by_role("link", name="Bandeja")).to_have_count(0)
    screenshot(page, "portal-empresa-lista")

    page.get_by_role("link", name=ours).click()
    expect(page.get_by_role("heading", name=f"Reclamo {ours}")).to_be_visible()
    page.get_by_label("Acoge parcialmente").check()
    page.get_by_label("Texto de la respuesta").fill(ANSWER)
    page.get_by_label("Documentos de respaldo").set_input_files(
        [{"name": "nota-credito.pdf", "mimeType": "application/pdf", "buffer": PDF}]
    )
    page.get_by_role("button", name="Enviar respuesta").click()
    expect(page.get_by_role("alert")).to_have_text(
        f"Respuesta enviada. El reclamo {ours} sigue su curso con la ventanilla."
    )
    answer = page.get_by_role("region", name="Respuesta de su empresa")
    expect(answer).to_contain_text("Acoge parcialmente")
    expect(answer).to_contain_text(ANSWER)
    expect(page.get_by_role("button", name="Enviar respuesta")).to_have_count(0)  # no second answer
    screenshot(page, "portal-empresa-respondido")

    page.goto(f"/empresa/reclamos/{theirs}")  # another company's folio: as if it did not exist
    expect(page.get_by_role("heading", name="Caso no encontrado")).to_be_visible()


def _staff_sees_the_answer(page: Page, folio: str) -> None:
    page.reload()
    log = page.get_by_role("region", name="Bitácora")
    entry = log.get_by_role("listitem").filter(has_text="Respuesta digital del proveedor: acoge parcialmente")
    expect(entry).to_have_count(1)
    expect(entry).to_contain_text("· tienda · internet")  # the company's account, through the web
    expect(_task(page, TRASLADAR)).to_have_count(0)
    proposal = _task(page, PROPONER)
    expect(proposal).to_be_visible()
    expect(proposal.get_by_role("note").filter(has_text=ANSWER)).to_have_count(1)
    files = page.get_by_role("region", name="Adjuntos")
    expect(files.get_by_role("link", name="nota-credito.pdf")).to_be_visible()
    expect(files).to_contain_text("tienda")
    screenshot(page, "expediente-respuesta-empresa")


def test_a_company_answers_its_forwarded_reclamo_in_the_portal(
    app: Flask, open_page: Callable[[], Page]
) -> None:
    ours, theirs = _arrange(app)
    ejecutivo = open_page()
    _forward_from_the_case_file(ejecutivo, ours)
    _answer_in_the_portal(open_page(), ours, theirs)
    _staff_sees_the_answer(ejecutivo, ours)
