"""The process modeler in Chromium: an analyst opens the reclamo process, shortens the provider's second plazo
and binds a form in the properties panel, sees the broken reference the validation reports, selects it on the
canvas from the list, fixes it and publishes with a note; the versions page shows the change and the cases
still running on the old version. Also: the timer helper and the lane role, and a Camunda diagram import
refused element by element."""

from __future__ import annotations

from flask import Flask
from playwright.sync_api import Page, expect
from sqlalchemy import select

from engine.clock import utcnow
from engine.models import Case, Instance
from engine.services import cases
from tests.browser.conftest import PASSWORD, screenshot
from tests.conftest import ACTORS, complaint

SECOND_PLAZO = "recordatorio_enviado = True\nvencimiento_proveedor = add_business_days(today(), 5, region)"
NOTE = "Segundo plazo del proveedor: 5 días hábiles"
CAMUNDA = """<?xml version="1.0" encoding="UTF-8"?>
<bpmn:definitions xmlns:bpmn="http://www.omg.org/spec/BPMN/20100524/MODEL"
    xmlns:zeebe="http://camunda.org/schema/zeebe/1.0" id="d" targetNamespace="http://camunda.org/examples">
  <bpmn:process id="etapa_reclamo" name="Etapa de reclamo (Camunda)" isExecutable="true">
    <bpmn:startEvent id="inicio"><bpmn:outgoing>f1</bpmn:outgoing></bpmn:startEvent>
    <bpmn:sequenceFlow id="f1" sourceRef="inicio" targetRef="cobrar"/>
    <bpmn:serviceTask id="cobrar" name="Cobrar al proveedor">
      <bpmn:extensionElements><zeebe:taskDefinition type="cobro"/></bpmn:extensionElements>
      <bpmn:incoming>f1</bpmn:incoming><bpmn:outgoing>f2</bpmn:outgoing>
    </bpmn:serviceTask>
    <bpmn:sequenceFlow id="f2" sourceRef="cobrar" targetRef="fin"/>
    <bpmn:endEvent id="fin"><bpmn:incoming>f2</bpmn:incoming></bpmn:endEvent>
    <bpmn:task id="suelta" name="Tarea suelta"/>
  </bpmn:process>
</bpmn:definitions>
"""


def open_reclamo(app: Flask) -> str:
    """A reclamo registered before the change (setup): it keeps running on the first version."""
    sys_ = app.extensions["ventanilla"]
    with sys_.db.writing() as s:
        return str(cases.open_case(s, sys_.store, complaint(), ACTORS["eje13"], utcnow()).folio)


def sign_in_analyst(page: Page) -> None:
    page.goto("/ingresar")
    page.get_by_label("Usuario").fill("analista")
    page.get_by_label("Contraseña").fill(PASSWORD)
    page.get_by_role("button", name="Ingresar").click()
    expect(page.get_by_text("Analista de procesos")).to_be_visible()


def open_modeler(page: Page, process_id: str) -> None:
    page.goto(f"/taller/procesos/{process_id}")
    expect(page.locator("#modelador")).to_have_attribute("data-ready", "true")


def pick(page: Page, element_id: str) -> None:
    """Select an element the keyboard way: the 'Ir al elemento' list."""
    page.get_by_label("Ir al elemento").select_option(element_id)
    expect(page.locator("#panel code")).to_have_text(element_id)


def selected(page: Page) -> list[str]:
    return list(
        page.locator(".djs-element.selected").evaluate_all("els => els.map(e => e.dataset.elementId)")
    )


def test_an_analyst_changes_the_reclamo_process_fixes_a_broken_reference_and_publishes(
    page: Page, app: Flask
) -> None:
    folio = open_reclamo(app)
    sign_in_analyst(page)
    open_modeler(page, "etapa_reclamo")
    expect(page.locator("#archivo")).to_have_text("processes/etapa_reclamo.bpmn")

    pick(page, "nuevo_plazo_proveedor")
    script = page.get_by_label("Script (Python del sandbox)")
    expect(script).to_have_value(
        "recordatorio_enviado = True\nvencimiento_proveedor = "
        "add_business_days(today(), plazo_proveedor_dias, region)"
    )
    script.fill(SECOND_PLAZO)
    script.press("Tab")
    pick(page, "enviar_recordatorio")
    form = page.get_by_label("Formulario", exact=True)
    expect(form).to_have_value("recordatorio_proveedor")
    form.fill("recordatorio_provedor")  # a typo: a form that does not exist
    form.press("Tab")
    expect(page.get_by_text("Cambios sin guardar")).to_be_visible()
    page.get_by_role("button", name="Guardar borrador").click()

    problem = page.locator("#problemas").get_by_role("button", name="recordatorio_provedor")
    expect(problem).to_have_text(
        "enviar_recordatorio: el formulario 'recordatorio_provedor' no existe en forms/"
    )
    pick(page, "trasladar")
    problem.click()
    assert selected(page) == ["enviar_recordatorio"]
    expect(page.locator("#panel h2")).to_have_text("Tarea de usuario")
    expect(page.get_by_label("Formulario", exact=True)).to_have_value("recordatorio_provedor")
    screenshot(page, "modelador-referencia-rota-seleccionada")

    form = page.get_by_label("Formulario", exact=True)
    form.fill("recordatorio_proveedor")
    form.press("Tab")
    page.get_by_role("button", name="Validar").click()
    expect(page.get_by_role("status")).to_have_text("El borrador es válido.")
    expect(page.locator("#problemas")).to_contain_text("Validación: sin problemas.")

    page.get_by_label("Nota de la publicación").fill(NOTE)
    page.get_by_role("button", name="Publicar").click()
    expect(page.get_by_role("status")).to_contain_text("Publicada la versión 2.")
    screenshot(page, "modelador-publicado")
    page.get_by_role("link", name="Ver versiones").click()

    versions = page.locator("#versiones")
    new = versions.get_by_role("row").filter(has=page.get_by_role("rowheader", name="2", exact=True))
    old = versions.get_by_role("row").filter(has=page.get_by_role("rowheader", name="1", exact=True))
    expect(new).to_contain_text(NOTE)
    expect(new).to_contain_text("etapa_reclamo")
    expect(new).to_contain_text("nuevo_plazo_proveedor")
    expect(new).not_to_contain_text("enviar_recordatorio")  # its form was fixed back before publishing
    expect(new.get_by_role("cell").nth(3)).to_have_text("0")  # open cases on each version
    expect(old.get_by_role("cell").nth(3)).to_have_text("1")
    screenshot(page, "taller-versiones-tras-publicar")
    sys_ = app.extensions["ventanilla"]
    with sys_.db.reading() as s:
        latest = sys_.store.latest(s)
        xml = latest.files["processes/etapa_reclamo.bpmn"].decode()
    assert "add_business_days(today(), 5, region)" in xml
    assert 'name="form" value="recordatorio_proveedor"' in xml
    with sys_.db.reading() as s:
        case_version = s.execute(
            select(Instance.version_id).join(Case, Case.id == Instance.case_id).where(Case.folio == folio)
        ).scalar_one()
    assert case_version == 1 and latest.version_id == 2
