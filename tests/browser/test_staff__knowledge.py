"""The knowledge base in a consulta, in Chromium: the ejecutivo searches "garantia" (no accent) on the
"Responder consulta" task, uses an article, the answer field gets its text, the case links it (bitácora) and
the task completes with that answer."""

from __future__ import annotations

import re
from pathlib import Path

from flask import Flask
from playwright.sync_api import Page, expect

from engine.clock import utcnow
from engine.services.knowledge import csvio
from tests.browser.conftest import screenshot, sign_in
from tests.conftest import ACTORS, complaint
from tests.integration.helpers import open_case

SHIPPED = Path(__file__).resolve().parents[2] / "knowledge" / "conocimiento.csv"


def test_usar_esta_respuesta_fills_the_answer_and_links_the_article(page: Page, app: Flask) -> None:
    sys_ = app.extensions["ventanilla"]
    with sys_.db.writing() as s:
        csvio.seed(s, SHIPPED.read_text(encoding="utf-8"), utcnow())
    folio = open_case(sys_, complaint(kind="inquiry"), ACTORS["eje13"], utcnow(), process="caso").folio
    sign_in(page, "eje13")
    page.goto(f"/casos/{folio}")

    panel = page.get_by_role("region", name="Base de conocimiento")
    panel.get_by_label("Buscar en la base de conocimiento").fill("garantia")
    panel.get_by_role("button", name="Buscar").click()
    result = panel.locator(".kb-result").filter(has_text="¿Qué es la garantía legal y cuánto dura?")
    expect(result).to_be_visible()
    result.get_by_role("button", name="Usar esta respuesta").click()

    expect(result.get_by_text("Respuesta insertada y vinculada al caso")).to_be_visible()
    answer = page.get_by_label("Respuesta al consumidor/a")
    expect(answer).to_have_value(re.compile(r"^La garantía legal es el derecho"))
    assert answer.input_value().startswith("La garantía legal es el derecho que da la Ley del Consumidor")
    screenshot(page, "conocimiento-en-consulta")

    page.get_by_label("Responder la consulta").check()
    page.get_by_label("Correo electrónico", exact=True).check()
    page.get_by_role("button", name="Completar: Responder consulta").click()
    page.goto(f"/casos/{folio}")
    expect(page.get_by_text("Respuesta tomada de la base de conocimiento").first).to_be_visible()
