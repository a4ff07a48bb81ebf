"""The ejecutivo's desk in Chromium (issue 11): the bell and the notifications page, a task someone else
holds (read only; a race lost while the form was open says so on the case), and one's own closure."""

from __future__ import annotations

from collections.abc import Callable

from flask import Flask
from playwright.sync_api import Page, expect

from engine.access import Actor
from engine.clock import utcnow
from engine.models import Notification
from engine.services import cases, tasks
from tests.browser.conftest import screenshot, sign_in
from tests.conftest import ACTORS, complaint
from tests.integration.helpers import only_task

ANSWER = {"accion": "responder", "medio_respuesta": "telefono", "respuesta": "Se explicó la garantía legal."}


def _open(app: Flask, **overrides: object) -> str:
    sys_ = app.extensions["ventanilla"]
    with sys_.db.writing() as s:
        return cases.open_case(s, sys_.store, complaint(**overrides), ACTORS["eje13"], utcnow()).folio


def test_bell_and_notifications_page(app: Flask, page: Page) -> None:
    folio = _open(app)
    sys_ = app.extensions["ventanilla"]
    with sys_.db.writing() as s:
        case_id = cases.find_case(s, folio, ACTORS["central"]).id
        s.add(
            Notification(
                username="eje13",
                case_id=case_id,
                message=f"Caso {folio} fuera de plazo",
                created_at=utcnow(),
                urgent=True,
            )
        )
    sign_in(page, "eje13")
    bell = page.get_by_role("link", name="Notificaciones: 1 sin leer")
    expect(bell).to_be_visible()
    bell.click()
    page.wait_for_url("**/notificaciones")
    item = page.get_by_role("listitem").filter(has_text=f"Caso {folio} fuera de plazo")
    expect(item.get_by_text("Urgente")).to_be_visible()
    screenshot(page, "notificaciones")
    item.get_by_role("link", name=f"Ver caso {folio}").click()
    page.wait_for_url(f"**/casos/{folio}")
    page.go_back()
    page.get_by_role("button", name="Marcar leída").click()
    expect(page.get_by_role("link", name="Notificaciones: 0 sin leer")).to_be_visible()
    expect(page.get_by_role("button", name="Marcar leída")).to_have_count(0)


def test_a_task_held_by_someone_else_is_read_only_and_a_lost_race_stays_on_the_case(
    app: Flask, open_page: Callable[[], Page]
) -> None:
    folio = _open(app)
    sys_ = app.extensions["ventanilla"]
    trasladar = only_task(sys_, folio, "trasladar")
    page = open_page()
    sign_in(page, "eje13")
    page.goto(f"/casos/{folio}")
    card = page.get_by_role("article").filter(has_text="Trasladar el reclamo al proveedor")
    card.get_by_label("Carta certificada").check()
    with sys_.db.writing() as s:  # meanwhile, a colleague takes the task
        tasks.claim_task(s, trasladar.id, ACTORS["eje13b"], utcnow())
    card.get_by_role("button", name="Completar: Trasladar el reclamo al proveedor").click()
    page.wait_for_url(f"**/casos/{folio}")
    expect(page.get_by_role("alert").filter(has_text="la tarea está tomada por eje13b")).to_be_visible()
    expect(page.get_by_text("Tomada por eje13b: la ve en modo de solo lectura.")).to_be_visible()
    expect(page.get_by_role("button", name="Completar: Trasladar el reclamo al proveedor")).to_have_count(0)
    expect(page.get_by_role("heading", name="Conflicto")).to_have_count(0)
    screenshot(page, "tarea-tomada-por-otra-persona")


def test_no_approve_button_on_ones_own_closure(app: Flask, page: Page) -> None:
    folio = _open(app, kind="inquiry")
    sys_ = app.extensions["ventanilla"]
    proposal = only_task(sys_, folio, "proponer_cierre")
    with sys_.db.writing() as s:
        tasks.complete_task(
            s, sys_.store, proposal.id, ANSWER, Actor("sup13", "supervisor", None, "13"), utcnow()
        )
    sign_in(page, "sup13")
    page.goto(f"/casos/{folio}")
    expect(page.get_by_text("Usted propuso este cierre")).to_be_visible()
    expect(page.get_by_role("button", name="Aprobar")).to_have_count(0)
    page.goto("/visacion")
    row = page.get_by_role("row").filter(has=page.get_by_role("link", name=folio))
    expect(row.get_by_text("Propuesto por usted")).to_be_visible()
    expect(row.get_by_role("button", name="Aprobar")).to_have_count(0)
    screenshot(page, "visacion-cierre-propio")
