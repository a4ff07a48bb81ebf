"""Accessibility audit in Chromium: axe-core (WCAG 2.0 and 2.1, levels A and AA) finds no violation on the
main pages of every persona — sign-in, bandeja, case file, new case, visación, estado de su caso, the
registries, derivation incidents, the company portal, the analyst's taller and its editors — also after a
refused submission (the messages beside the fields), and no page scrolls sideways. At a tablet's size
(768 by 1024) the bandeja and the case file pass too, with the menu folded behind its button.

One server and one database for the whole module: the setup arranges every state the pages show, and the
pages only read it or are refused (which changes nothing). Each persona signs in once."""

from __future__ import annotations

import re
from collections.abc import Callable, Iterator
from dataclasses import dataclass, field
from typing import Any

import pytest
from flask import Flask
from playwright.sync_api import Browser, BrowserContext, Page, expect
from sqlalchemy import select

from engine.clock import utcnow
from engine.models import Agency, Case, Platform, Verdict
from engine.services import attachments, cases, derivation_outbox, providers, users
from engine.services.citizens import verdicts
from engine.services.workbench import drafts, publishing
from tests.browser.conftest import PASSWORD, new_context, screenshot, serving, staff_app
from tests.conftest import ACTORS, ROOT, complaint
from tests.files import PDF
from tests.integration.helpers import complete, only_task
from web.public import guard

AXE = ROOT / "node_modules" / "axe-core" / "axe.min.js"
WCAG = ["wcag2a", "wcag2aa", "wcag21a", "wcag21aa"]
# bpmn-js draws the diagrams (the case file's viewer, the taller's modeler) as its own SVG, which we neither
# write nor can label shape by shape: axe leaves out those canvas containers only, never our controls around
# them (toolbar, "Ir al elemento", properties panel, problems, publishing).
BPMN_CANVAS = [".diagrama", "#lienzo"]
TABLET = {"width": 768, "height": 1024}
TIENDA, OTRA = "76.086.428-5", "96.806.980-2"
EJECUTIVO = ACTORS["eje13"]
REQUIRED = "Este campo es obligatorio."
TRASLADAR = "Trasladar el reclamo al proveedor"
REPLY = {"accion": "responder", "medio_respuesta": "carta", "respuesta": "Puede exigir la garantía legal."}
DERIVE = {"accion": "derivar", "agencia": "SEC", "respuesta": "Corte de luz reiterado: corresponde a la SEC."}
RECLAMO_BPMN = "processes/etapa_reclamo.bpmn"
LIBRARY = "BIB13101"
CONSENT = "Acepto el tratamiento de mis datos personales para este fin *"


@dataclass
class Site:
    """The served app, the folios the setup left in each state, and the personas' signed-in contexts."""

    url: str
    reclamo: str = ""  # open tasks, letters, an attachment, a log; its company is not in the registry
    en_visacion: str = ""  # a consulta whose closure awaits visación
    derivada: str = ""  # a consulta derived to an agency that never answers (an incident); no company RUT
    en_empresa: str = ""  # a reclamo forwarded to Tienda Demo through the portal
    veredicto: str = ""  # the citizen's link to say whether the reclamo ``reclamo`` was resolved
    contexts: dict[str, BrowserContext] = field(default_factory=dict)


def _arrange_cases(app: Flask, site: Site) -> None:
    sys_ = app.extensions["ventanilla"]
    now = utcnow()
    with sys_.db.writing() as s:
        providers.add_provider(
            s, TIENDA, "Tienda Demo Ltda.", now, "Tienda Demo", "comercio", "reclamos@tienda.cl", digital=True
        )
        users.add_user(s, "tienda", PASSWORD, "proveedor", now, full_name="Mesa de reclamos", provider=TIENDA)
        sec = s.get(Agency, "SEC")
        assert sec is not None
        # Nothing listens on the discard port: the one attempt allowed below fails and becomes an incident.
        sec.channel, sec.endpoint_url, sec.secret = "webservice", "http://127.0.0.1:9/derivaciones", "s" * 32
        other = complaint(provider={"rut": OTRA, "name": "Otra Empresa S.A."})
        site.reclamo = cases.open_case(s, sys_.store, other, EJECUTIVO, now).folio
        attachments.add_to_case(s, site.reclamo, ("boleta.pdf", "application/pdf", PDF), EJECUTIVO, now)
        site.en_visacion = cases.open_case(s, sys_.store, complaint(kind="inquiry"), EJECUTIVO, now).folio
        inquiry = complaint(kind="inquiry", subject="Corte de luz", provider={"name": "Eléctrica del Sur"})
        site.derivada = cases.open_case(s, sys_.store, inquiry, EJECUTIVO, now).folio
        forwarded = complaint(subject="Producto defectuoso")
        site.en_empresa = cases.open_case(s, sys_.store, forwarded, EJECUTIVO, now).folio
    for folio, element, data in (
        (site.en_visacion, "proponer_cierre", REPLY),
        (site.derivada, "proponer_cierre", DERIVE),
        (site.en_empresa, "trasladar", {"medio_traslado": "portal"}),
    ):
        complete(sys_, only_task(sys_, folio, element).id, data, EJECUTIVO, now)
    settings = derivation_outbox.OutboxSettings(max_attempts=1, timeout=2)
    assert derivation_outbox.send_due(sys_.db, now, settings).incidents == 1


def _arrange_citizens(app: Flask, site: Site) -> None:
    """A library for the kiosk, the verdict question on the reclamo (signed link), no minimum fill time."""
    sys_ = app.extensions["ventanilla"]
    app.config["PUBLIC_MIN_FILL_SECONDS"] = 0
    with sys_.db.writing() as s:
        s.add(Platform(code=LIBRARY, name="Biblioteca Pública de Santiago", kind="library", region_code="13"))
        case = s.execute(select(Case).where(Case.folio == site.reclamo)).scalar_one()
        verdicts.ask(s, case, None, {}, utcnow())
        s.flush()
        verdict = s.execute(select(Verdict.id).where(Verdict.case_id == case.id)).scalar_one()
    with app.test_request_context():
        site.veredicto = f"/portal/veredicto/{guard.sign('veredicto', v=verdict)}"


def _arrange_taller(app: Flask) -> None:
    """The analyst's draft, opened on version 1, names a form that does not exist; meanwhile the integrator
    publishes version 2 (a shorter second plazo), so the draft is behind and the cases can migrate."""
    sys_ = app.extensions["ventanilla"]
    now = utcnow()
    with sys_.db.writing() as s:
        original = drafts.read_file(s, "analista", RECLAMO_BPMN, now)[1].decode()
        typo = original.replace(
            'name="form" value="recordatorio_proveedor"', 'name="form" value="recordatorio_x"'
        )
        assert not drafts.put_file(s, "analista", RECLAMO_BPMN, typo.encode(), now).ok
        head, sep, tail = original.rpartition("plazo_proveedor_dias, region)")
        drafts.put_file(s, "integ", RECLAMO_BPMN, f"{head}5, region){tail}".encode(), now)
        assert sep and publishing.publish_draft(s, "integ", "Segundo plazo: 5 días hábiles", now).version == 2


@pytest.fixture(scope="module")
def site(browser: Browser, tmp_path_factory: pytest.TempPathFactory) -> Iterator[Site]:
    assert AXE.is_file(), f"falta {AXE}: ejecute make setup (npm ci instala axe-core)"
    app = staff_app(f"sqlite:///{tmp_path_factory.mktemp('accesibilidad')}/ventanilla.db")
    try:
        with serving(app) as url:
            built = Site(url)
            _arrange_cases(app, built)
            _arrange_citizens(app, built)
            _arrange_taller(app)
            assert app.test_client().get("/portal/reclamo").status_code == 200  # latest content, loaded once
            yield built
            for context in built.contexts.values():
                context.close()
    finally:
        app.extensions["ventanilla"].db.engine.dispose()


def _signed_in(browser: Browser, site: Site, who: str | None, tablet: bool = False) -> BrowserContext:
    """The persona's browser context, signed in through the form once (``None``: nobody signed in); on a
    tablet, the same session (its cookies) at 768 by 1024."""
    key = f"{who}{' tableta' if tablet else ''}"
    if key in site.contexts:
        return site.contexts[key]
    if tablet:
        session = _signed_in(browser, site, who).storage_state()
        context = new_context(browser, site.url, viewport=TABLET, storage_state=session, bypass_csp=True)
    else:
        context = new_context(browser, site.url, bypass_csp=True)  # the audit injects axe-core
        if who:
            page = context.new_page()
            page.goto("/ingresar")
            page.get_by_label("Usuario").fill(who)
            page.get_by_label("Contraseña").fill(PASSWORD)
            page.get_by_role("button", name="Ingresar").click()
            expect(page.get_by_role("button", name="Cerrar sesión")).to_be_visible()
            page.close()
    site.contexts[key] = context
    return context


@pytest.fixture
def visit(browser: Browser, site: Site) -> Iterator[Callable[..., Page]]:
    """Open a path as a persona (a username, or None); a script error on the page fails the test."""
    opened: list[Page] = []
    script_errors: list[str] = []

    def open_as(who: str | None, path: str, tablet: bool = False) -> Page:
        page = _signed_in(browser, site, who, tablet).new_page()
        opened.append(page)
        page.on("pageerror", lambda err: script_errors.append(f"{page.url}: {err}"))
        page.goto(path)
        return page

    yield open_as
    for page in opened:
        page.close()
    assert not script_errors, f"errores de JavaScript en las páginas: {script_errors}"


def _report(url: str, violations: list[dict[str, Any]]) -> str:
    lines = [f"axe-core encontró {len(violations)} problema(s) de accesibilidad en {url}:"]
    for v in violations:
        lines.append(f"- {v['id']} ({v['impact']}): {v['help']} — {v['helpUrl']}")
        lines.extend(f"    {target} → {summary}" for target, summary in v["nodes"])
    return "\n".join(lines)


def audit(page: Page, name: str, exclude: list[str] | None = None) -> None:
    """axe-core on the page as it is now (WCAG 2.0/2.1 A and AA): fail listing every violation with its rule,
    impact, help and the failing nodes; then check that the page does not scroll sideways."""
    if not page.evaluate("'axe' in window"):  # once per document
        page.add_script_tag(path=str(AXE))
    violations = page.evaluate(
        """async ([tags, exclude]) => {
            const context = exclude.length ? {include: [document], exclude: exclude} : document;
            const result = await axe.run(context, {
                runOnly: {type: 'tag', values: tags}, resultTypes: ['violations'],
            });
            return result.violations.map(v => ({
                id: v.id, impact: v.impact, help: v.help, helpUrl: v.helpUrl,
                nodes: v.nodes.map(n => [n.target.join(' '), n.failureSummary.replace(/\\s+/g, ' ')]),
            }));
        }""",
        [WCAG, exclude or []],
    )
    if violations:
        screenshot(page, f"accesibilidad-{name}")
    assert not violations, _report(page.url, violations)
    widths = page.evaluate("[document.documentElement.scrollWidth, window.innerWidth]")
    assert widths[0] <= widths[1], f"{page.url} se desplaza a lo ancho: {widths[0]} px en {widths[1]} px"


def described(text: str) -> re.Pattern[str]:
    return re.compile(re.escape(text))


# --- anonymous and ejecutivo ---


def test_sign_in_and_a_refused_sign_in(visit: Callable[..., Page]) -> None:
    page = visit(None, "/ingresar")
    expect(page.get_by_label("Usuario")).to_be_focused()
    audit(page, "ingreso")
    page.get_by_role("button", name="Ingresar").click()
    expect(page.get_by_label("Usuario")).to_have_attribute("aria-invalid", "true")
    audit(page, "ingreso-incompleto")


def test_bandeja_with_rows(visit: Callable[..., Page], site: Site) -> None:
    page = visit("eje13", "/bandeja")
    expect(page.get_by_role("row").filter(has=page.get_by_role("link", name=site.reclamo))).to_contain_text(
        TRASLADAR
    )
    audit(page, "bandeja")


def test_case_file_with_open_tasks_letters_attachments_and_log(
    visit: Callable[..., Page], site: Site
) -> None:
    page = visit("eje13", f"/casos/{site.reclamo}")
    expect(page.get_by_role("region", name="Cartas")).to_contain_text("Comprobante ingreso")
    expect(page.get_by_role("region", name="Adjuntos").get_by_role("link", name="boleta.pdf")).to_be_visible()
    expect(page.get_by_role("region", name="Bitácora").get_by_role("listitem")).not_to_have_count(0)
    expect(page.locator(".diagrama").first).to_have_attribute("data-ready", "true")
    audit(page, "expediente", exclude=BPMN_CANVAS)

    page.get_by_role("button", name=f"Completar: {TRASLADAR}").click()  # no medio chosen: refused
    expect(page.get_by_role("radiogroup", name="Medio de traslado")).to_have_accessible_description(
        described(REQUIRED)
    )
    audit(page, "expediente-tarea-rechazada", exclude=BPMN_CANVAS)


def test_new_case_before_and_after_a_refused_submission(visit: Callable[..., Page]) -> None:
    page = visit("eje13", "/casos/nuevo")
    page.get_by_label("Reclamo", exact=True).check()
    audit(page, "nuevo-caso")
    consumer = page.get_by_role("group", name="Consumidor/a")
    consumer.get_by_label("RUT").fill("12.345.678-9")  # the right check digit is 5
    page.get_by_role("button", name="Registrar caso").click()
    expect(page.get_by_role("alert").filter(has_text="Revise los campos marcados.")).to_be_visible()
    consumer = page.get_by_role("group", name="Consumidor/a")
    expect(consumer.get_by_label("RUT")).to_have_accessible_description(described("dígito verificador"))
    expect(consumer.get_by_label("Comuna")).to_have_accessible_description(REQUIRED)
    audit(page, "nuevo-caso-con-errores")


def test_not_found_page(visit: Callable[..., Page]) -> None:
    page = visit("eje13", "/casos/2000-999999")
    expect(page.get_by_role("heading", level=1)).to_have_text("Caso no encontrado")
    audit(page, "no-encontrado")


def test_estado_de_su_caso_with_a_result_and_without(visit: Callable[..., Page], site: Site) -> None:
    page = visit("eje13", "/estado")
    audit(page, "estado")
    page.get_by_label("Folio").fill(site.reclamo)
    page.get_by_label("RUT del consumidor/a").fill("12.345.678-5")
    page.get_by_role("button", name="Consultar").click()
    expect(page.get_by_role("heading", name=f"Folio {site.reclamo}")).to_be_visible()
    audit(page, "estado-resultado")
    page.get_by_label("RUT del consumidor/a").fill("11.111.111-1")
    page.get_by_role("button", name="Consultar").click()
    expect(page.get_by_label("RUT del consumidor/a")).to_have_attribute("aria-invalid", "true")
    audit(page, "estado-sin-resultado")


# --- citizens: nobody signed in ---


def test_public_portal_and_intake_with_a_refused_submission(visit: Callable[..., Page]) -> None:
    page = visit(None, "/")
    expect(page.get_by_role("link", name=re.compile("Presentar un reclamo"))).to_be_visible()
    audit(page, "portal")
    page.goto("/portal/reclamo")
    audit(page, "portal-reclamo")
    page.get_by_role("button", name="Enviar reclamo").click()
    expect(page.get_by_label(CONSENT)).to_have_attribute("aria-invalid", "true")
    expect(page.get_by_role("group", name="Consumidor/a").get_by_label("RUT")).to_have_attribute(
        "aria-invalid", "true"
    )
    audit(page, "portal-reclamo-con-errores")


def test_public_consulta_receipt_and_estado(visit: Callable[..., Page], site: Site) -> None:
    page = visit(None, "/portal/consulta")
    audit(page, "portal-consulta")
    consumer = page.get_by_role("group", name="Consumidor/a")
    consumer.get_by_label("RUT").fill("12.345.678-5")
    consumer.get_by_label("Nombre completo").fill("Ana Prueba Ejemplo")
    consumer.get_by_label("Comuna").select_option(label="Santiago")
    page.get_by_label("Mercado").select_option("comercio")
    page.get_by_label("Motivo legal").select_option("cobro_indebido")
    page.get_by_label("Materia").fill("Garantía legal")
    page.get_by_label("Descripción de los hechos").fill("¿Cuánto dura la garantía legal de un televisor?")
    page.get_by_label(CONSENT).check()
    page.get_by_role("button", name="Enviar consulta").click()
    expect(page.get_by_role("heading", name="Recibimos su consulta")).to_be_visible()
    audit(page, "portal-recibo")
    page.goto("/portal/estado")
    audit(page, "portal-estado")
    page.get_by_label("Folio").fill(site.reclamo)
    page.get_by_label("RUT").fill("12.345.678-5")
    page.get_by_role("button", name="Consultar").click()
    expect(page.get_by_role("heading", name=re.compile(f"Folio {site.reclamo}"))).to_be_visible()
    audit(page, "portal-estado-resultado")
    page.get_by_label("RUT").fill("11.111.111-1")
    page.get_by_role("button", name="Consultar").click()
    expect(page.get_by_role("alert")).to_contain_text("No encontramos")
    audit(page, "portal-estado-sin-resultado")


def test_public_opinion_and_verdict(visit: Callable[..., Page], site: Site) -> None:
    page = visit(None, "/portal/opinion")
    audit(page, "portal-opinion")
    page.get_by_role("button", name="Enviar mi opinión").click()
    expect(page.get_by_role("alert").first).to_contain_text("Revise")
    audit(page, "portal-opinion-con-errores")
    page.goto(site.veredicto)
    expect(page.get_by_role("heading", name="¿Se resolvió su problema?")).to_be_visible()
    audit(page, "portal-veredicto")


def test_library_kiosk_pages(visit: Callable[..., Page]) -> None:
    page = visit(None, f"/kiosco/{LIBRARY}")
    expect(page.get_by_role("link", name="Terminar")).to_be_visible()
    audit(page, "kiosco")
    for path in ("reclamo", "consulta", "estado"):
        page.goto(f"/kiosco/{LIBRARY}/{path}")
        audit(page, f"kiosco-{path}")


# --- supervisor, integrator ---


def test_visacion_queue_and_the_case_file_to_approve(visit: Callable[..., Page], site: Site) -> None:
    page = visit("sup13", "/visacion")
    expect(page.get_by_label(f"Seleccionar {site.en_visacion}")).to_be_visible()
    audit(page, "visacion")
    page.get_by_role("link", name=site.en_visacion).click()
    expect(page.get_by_role("button", name=re.compile("^Completar: Visar"))).to_be_visible()
    audit(page, "expediente-visacion", exclude=BPMN_CANVAS)


def test_soni_reports_and_registering_an_opinion(visit: Callable[..., Page]) -> None:
    page = visit("sup13", "/soni")
    expect(page.get_by_role("heading", name=re.compile("Casos en proceso"))).to_be_visible()
    audit(page, "soni")
    page.goto("/soni/nuevo")
    audit(page, "soni-nuevo")


def test_derivation_incidents_and_the_case_file_with_one(visit: Callable[..., Page], site: Site) -> None:
    page = visit("sup13", "/derivaciones/incidentes")
    expect(page.get_by_role("link", name=site.derivada)).to_be_visible()
    audit(page, "incidentes")
    page.goto(f"/casos/{site.derivada}")
    expect(page.get_by_role("button", name="Reintentar ahora")).to_be_visible()
    expect(page.locator(".diagrama").first).to_have_attribute("data-ready", "true")
    audit(page, "expediente-derivado", exclude=BPMN_CANVAS)


def test_agency_registry_and_a_refused_edit(visit: Callable[..., Page]) -> None:
    page = visit("integ", "/instituciones")
    expect(page.get_by_role("cell", name="CMF", exact=True)).to_be_visible()
    audit(page, "instituciones")
    page.goto("/instituciones/CMF")
    page.get_by_label("Canal").select_option("webservice")
    page.get_by_label("URL del servicio web").fill("")
    page.get_by_label("Activa (se ofrece al derivar)").check()  # active needs a way to receive
    page.get_by_role("button", name="Guardar").click()
    expect(page.get_by_label("URL del servicio web")).to_have_accessible_description(
        described("indique la URL del servicio web")
    )
    audit(page, "institucion-rechazada")


def test_provider_registry_and_a_refused_addition(visit: Callable[..., Page]) -> None:
    page = visit("integ", "/proveedores")
    expect(page.get_by_role("link", name="Editar Tienda Demo Ltda.")).to_be_visible()
    audit(page, "proveedores")
    page.get_by_role("textbox", name="RUT", exact=True).fill("76.086.428-1")
    page.get_by_role("button", name="Agregar proveedor").click()
    expect(page.get_by_role("textbox", name="RUT", exact=True)).to_have_attribute("aria-invalid", "true")
    audit(page, "proveedores-rechazado")
    page.goto(f"/proveedores/{TIENDA}")
    audit(page, "proveedor")


# --- the company ---


def test_company_portal_and_one_complaint(visit: Callable[..., Page], site: Site) -> None:
    page = visit("tienda", "/empresa/reclamos")
    expect(page.get_by_role("link", name=site.en_empresa)).to_be_visible()
    audit(page, "portal-empresa")
    page.get_by_role("link", name=site.en_empresa).click()
    audit(page, "portal-empresa-reclamo")
    page.get_by_role("button", name="Enviar respuesta").click()  # nothing chosen or written: refused
    expect(page.get_by_label("Texto de la respuesta")).to_have_attribute("aria-invalid", "true")
    audit(page, "portal-empresa-rechazado")


# --- the analyst's taller ---


def test_workbench_draft_behind_with_problems(visit: Callable[..., Page]) -> None:
    page = visit("analista", "/taller")
    expect(page.get_by_text("Alguien publicó la versión 2 después")).to_be_visible()
    audit(page, "taller")
    page.get_by_role("button", name="Validar el borrador").click()
    expect(page.get_by_role("region", name=re.compile("Problemas del borrador"))).to_contain_text(
        "recordatorio_x"
    )
    audit(page, "taller-problemas")


def test_versions_and_a_migration_dry_run(visit: Callable[..., Page], site: Site) -> None:
    page = visit("analista", "/taller/versiones")
    expect(page.get_by_role("link", name="Migrar casos")).to_be_visible()
    audit(page, "versiones")
    page.get_by_role("link", name="Migrar casos").click()
    page.get_by_role("button", name="Revisar (simulación)").click()
    expect(page.locator("#veredictos")).to_contain_text(site.reclamo)
    audit(page, "migraciones")


def test_process_modeler_with_the_panel_and_the_problems(visit: Callable[..., Page]) -> None:
    page = visit("analista", "/taller/procesos/etapa_reclamo")
    expect(page.locator("#modelador")).to_have_attribute("data-ready", "true")
    page.get_by_role("button", name="Validar").click()
    expect(
        page.locator("#problemas").get_by_role("button", name=re.compile("recordatorio_x"))
    ).to_be_visible()
    for element in ("vence_proveedor", "r2_derivar", "carril_reclamo_ejecutivo", "enviar_recordatorio"):
        page.get_by_label("Ir al elemento").select_option(element)
        expect(page.locator("#panel code")).to_have_text(element)
        audit(page, f"modelador-{element}", exclude=BPMN_CANVAS)


def test_form_editor(visit: Callable[..., Page]) -> None:
    page = visit("analista", "/taller/formularios/recordatorio_proveedor")
    expect(page.locator("#editor-formulario")).to_have_attribute("data-ready", "true")
    expect(page.locator("#vista-previa").get_by_label("Nota interna")).to_be_visible()
    audit(page, "editor-formulario")


def test_letter_page(visit: Callable[..., Page]) -> None:
    page = visit("analista", "/taller/cartas/comprobante_ingreso")
    expect(page.locator("#editor-carta")).to_have_attribute("data-ready", "true")
    audit(page, "editor-carta")


# --- a tablet ---


def test_bandeja_and_case_file_at_a_tablet_size(visit: Callable[..., Page], site: Site) -> None:
    page = visit("eje13", "/bandeja", tablet=True)
    expect(page.get_by_role("link", name=site.reclamo)).to_be_visible()
    audit(page, "tableta-bandeja")
    screenshot(page, "tableta-bandeja")
    menu = page.get_by_role("button", name="Mostrar u ocultar el menú")  # the menu folds at a tablet's width
    expect(page.get_by_role("link", name="Nuevo caso")).to_be_hidden()
    menu.focus()
    page.keyboard.press("Enter")
    expect(page.get_by_role("link", name="Nuevo caso")).to_be_visible()
    audit(page, "tableta-menu")
    page.goto(f"/casos/{site.reclamo}")
    expect(page.locator(".diagrama").first).to_have_attribute("data-ready", "true")
    audit(page, "tableta-expediente", exclude=BPMN_CANVAS)
    screenshot(page, "tableta-expediente")


def test_monitoring_dashboard_with_charts_and_tables(visit: Callable[..., Page]) -> None:
    page = visit("central", "/monitoreo")
    expect(page.locator("#t-kind")).to_be_visible()
    audit(page, "monitoreo")
