"""The workbench's other editors in Chromium: a form's JSON Schema with live preview and "probar", a letter
template's placeholders (flagging one no case data fills) and its preview with a case, and in the modeler the
timer helper, the lane role and a Camunda diagram refused element by element."""

from __future__ import annotations

import io
import json
from pathlib import Path

from docx import Document
from flask import Flask
from playwright.sync_api import Page, expect
from sqlalchemy import update

from engine.models import User
from tests.browser.conftest import screenshot
from tests.browser.test_workbench__modeler import CAMUNDA, open_modeler, open_reclamo, pick, sign_in_analyst

FORM = "forms/recordatorio_proveedor.json"


def draft_file(page: Page, path: str) -> bytes:
    """The analyst's draft file, read over the API with the page's session (what the server stored)."""
    resp = page.request.get(f"/api/v1/workbench/draft/files/{path}")
    assert resp.ok, resp.status
    return resp.body()


def test_the_form_editor_previews_tries_and_saves_a_new_required_field(page: Page, app: Flask) -> None:
    sign_in_analyst(page)
    page.goto("/taller/formularios/recordatorio_proveedor")
    expect(page.locator("#editor-formulario")).to_have_attribute("data-ready", "true")
    source = page.get_by_label("Esquema JSON (forms/recordatorio_proveedor.json)")
    schema = json.loads(source.input_value())
    schema["properties"]["contacto_proveedor"] = {"type": "string", "title": "Contacto en la empresa"}
    schema["required"].append("contacto_proveedor")
    source.fill(json.dumps(schema, ensure_ascii=False, indent=2))

    expect(page.locator("#vista-previa").get_by_label("Contacto en la empresa")).to_be_visible()
    page.get_by_label("Datos de prueba (JSON)").fill('{"medio_recordatorio": "portal"}')
    page.get_by_role("button", name="Probar").click()
    result = page.locator("#resultado-prueba")
    expect(result).to_contain_text("Datos rechazados")
    expect(result).to_contain_text("contacto_proveedor")
    screenshot(page, "taller-formulario-probar")

    page.get_by_role("button", name="Guardar en el borrador").click()
    expect(page.get_by_role("status").first).to_have_text("Formulario guardado en el borrador.")
    assert "contacto_proveedor" in json.loads(draft_file(page, FORM))["required"]

    source.fill("{ no es json")
    expect(page.locator("#vista-previa")).to_contain_text("El esquema no es JSON válido")


def template_with(folder: Path, name: str, *placeholders: str) -> Path:
    document = Document()
    for placeholder in placeholders:
        document.add_paragraph(f"Dato: {{{{ {placeholder} }}}}")
    path = folder / f"{name}.docx"
    buffer = io.BytesIO()
    document.save(buffer)
    path.write_bytes(buffer.getvalue())
    return path


def test_the_letter_page_flags_unknown_placeholders_and_previews_with_a_case(
    page: Page, app: Flask, tmp_path: Path
) -> None:
    folio = open_reclamo(app)
    with app.extensions["ventanilla"].db.writing() as s:  # previews only on cases of one's own region
        s.execute(update(User).where(User.username == "analista").values(region_code="13"))
    sign_in_analyst(page)
    page.goto("/taller/cartas/aviso_prueba")
    expect(page.locator("#editor-carta")).to_have_attribute("data-ready", "true")
    expect(page.get_by_text("Esta carta aún no tiene plantilla en el borrador")).to_be_visible()

    page.get_by_label("Plantilla .docx").set_input_files(
        template_with(tmp_path, "borrador", "folio", "cliente_vip")
    )
    placeholders = page.locator("#marcadores")
    expect(placeholders.get_by_role("listitem").filter(has_text="cliente_vip")).to_contain_text(
        "ningún dato del caso lo llena"
    )
    expect(placeholders.get_by_role("listitem").filter(has_text="folio")).to_contain_text("ok")
    screenshot(page, "taller-carta-marcadores")

    fixed = template_with(tmp_path, "corregida", "folio", "consumidor.nombre")
    page.get_by_label("Plantilla .docx").set_input_files(fixed)
    page.get_by_role("button", name="Guardar en el borrador").click()
    expect(page.get_by_role("status").first).to_contain_text("Plantilla guardada")
    page.get_by_label("Folio del caso").fill(folio)
    with page.expect_download() as download:
        page.get_by_role("button", name="Descargar vista previa (.docx)").click()
    assert download.value.suggested_filename == f"aviso_prueba-{folio}.docx"
    filled = Document(download.value.path())
    assert f"Dato: {folio}" in [p.text for p in filled.paragraphs]


def test_the_timer_helper_and_the_lane_role_are_written_to_the_draft(page: Page, app: Flask) -> None:
    sign_in_analyst(page)
    open_modeler(page, "etapa_reclamo")
    pick(page, "vence_proveedor")
    page.get_by_label("Días hábiles").fill("3")
    page.get_by_label("Desde").fill("vencimiento_proveedor")
    page.get_by_role("button", name="Armar plazo en días hábiles").click()
    expect(page.get_by_label("Expresión", exact=True)).to_have_value(
        "end_of_day(add_business_days(vencimiento_proveedor, 3, region))"
    )
    pick(page, "carril_reclamo_ejecutivo")
    role = page.get_by_label("Rol", exact=True)
    expect(role).to_have_value("ejecutivo")
    role.select_option("supervisor")
    page.get_by_role("button", name="Guardar borrador").click()
    expect(page.get_by_role("status").first).to_have_text("Borrador guardado.")
    xml = draft_file(page, "processes/etapa_reclamo.bpmn").decode()
    assert "end_of_day(add_business_days(vencimiento_proveedor, 3, region))" in xml
    assert 'name="supervisor"' in xml
    assert "BPMNDiagram" in xml  # the layout is saved with the file


def test_a_camunda_diagram_is_refused_element_by_element(page: Page, app: Flask, tmp_path: Path) -> None:
    sign_in_analyst(page)
    open_modeler(page, "etapa_reclamo")
    hostile = tmp_path / "hostil.bpmn"
    hostile.write_text(
        '<?xml version="1.0"?><!DOCTYPE d [<!ENTITY e SYSTEM "file:///etc/passwd">]><d>&e;</d>'
    )
    page.get_by_label("Importar .bpmn").set_input_files(hostile)
    expect(page.get_by_role("status").first).to_contain_text("no se permiten DOCTYPE")
    assert b"ENTITY" not in draft_file(page, "processes/etapa_reclamo.bpmn")  # nothing was saved
    camunda = tmp_path / "reclamo_camunda.bpmn"
    camunda.write_text(CAMUNDA, encoding="utf-8")
    page.get_by_label("Importar .bpmn").set_input_files(camunda)
    expect(page.get_by_role("status").first).to_contain_text("elemento(s) rechazado(s)")
    refused = page.locator("#problemas").get_by_role("button", name="cobrar")
    expect(refused.first).to_be_visible()
    lint = page.locator("#revision")  # bpmnlint, in the browser
    expect(lint).to_contain_text("Error · suelta: El elemento no está conectado (no-disconnected)")
    refused.first.click()
    expect(page.locator("#panel code")).to_have_text("cobrar")
    screenshot(page, "modelador-importacion-camunda")


def test_a_new_process_is_started_and_drawn_in_the_modeler(page: Page, app: Flask) -> None:
    sign_in_analyst(page)
    page.goto("/taller/procesos/mesa_de_ayuda")
    page.get_by_role("button", name="Crear el proceso mesa_de_ayuda").click()
    expect(page.locator("#modelador")).to_have_attribute("data-ready", "true")
    expect(page.get_by_role("status").first).to_contain_text("Proceso creado en el borrador")

    pick(page, "inicio_mesa_de_ayuda")
    page.locator('.djs-context-pad [data-action="append.append-task"]').click()
    page.locator('.djs-context-pad [data-action="replace"]').click()
    page.locator('.djs-popup [data-id="replace-with-user-task"]').click()
    expect(page.locator("#panel h2")).to_have_text("Tarea de usuario")
    page.get_by_label("Nombre", exact=True).fill("Responder la solicitud")
    page.get_by_label("Nombre", exact=True).press("Tab")
    form = page.get_by_label("Formulario", exact=True)
    form.fill("gestion_caso")
    form.press("Tab")
    page.get_by_role("button", name="Validar").click()
    expect(page.get_by_role("status").first).to_have_text("El borrador es válido.")
    screenshot(page, "modelador-proceso-nuevo")
    xml = draft_file(page, "processes/mesa_de_ayuda.bpmn").decode()
    assert 'name="Responder la solicitud"' in xml
    assert 'name="form" value="gestion_caso"' in xml


def test_every_shipped_process_opens_with_no_bpmnlint_finding_and_saves_valid(page: Page, app: Flask) -> None:
    sign_in_analyst(page)
    for path in sorted(Path("processes").glob("*.bpmn")):
        open_modeler(page, path.stem)
        hint = "Seleccione un elemento del diagrama para ver y cambiar sus propiedades."
        if "<!--" in path.read_text("utf-8"):  # bpmn-js drops XML comments on save: the analyst is told
            hint += " Atención: este archivo tiene comentarios XML (<!-- … -->)"
            expect(page.get_by_role("status").first).to_contain_text(hint)
        else:
            expect(page.get_by_role("status").first).to_have_text(hint)
        expect(page.locator("#revision")).to_contain_text("Revisión de estilo (bpmnlint): sin observaciones.")
        page.get_by_role("button", name="Guardar borrador").click()
        expect(page.locator("#problemas")).to_contain_text("Borrador guardado: sin problemas.")
    assert b"bpmndi:BPMNDiagram" in draft_file(page, "processes/caso.bpmn")


def tab_to(page: Page, label: str, backwards: bool = False) -> None:
    """Press Tab (or Shift+Tab) until the focused control has this accessible label (at most 60 presses)."""
    for _ in range(60):
        page.keyboard.press("Shift+Tab" if backwards else "Tab")
        focused = page.evaluate(
            "() => { const a = document.activeElement; const l = a.labels && a.labels[0];"
            " return (l ? l.textContent : a.getAttribute('aria-label') || a.textContent || '').trim(); }"
        )
        if focused == label:
            return
    raise AssertionError(f"no se llegó a '{label}' con el teclado")


def test_the_modeler_works_with_the_keyboard_alone(page: Page, app: Flask) -> None:
    sign_in_analyst(page)
    open_modeler(page, "etapa_reclamo")
    page.get_by_role("button", name="Validar").focus()
    tab_to(page, "Ir al elemento")
    page.keyboard.type("Fijar segundo")
    expect(page.locator("#panel code")).to_have_text("nuevo_plazo_proveedor")
    tab_to(page, "Nombre")
    page.keyboard.press("Control+A")
    page.keyboard.type("Fijar el segundo plazo del proveedor")
    tab_to(page, "Guardar borrador", backwards=True)
    page.keyboard.press("Enter")
    expect(page.get_by_role("status").first).to_have_text("Borrador guardado.")
    xml = draft_file(page, "processes/etapa_reclamo.bpmn").decode()
    assert 'name="Fijar el segundo plazo del proveedor"' in xml
