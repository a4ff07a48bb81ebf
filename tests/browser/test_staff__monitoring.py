"""The Cuadro de Monitoreo in Chromium, as nivel central uses it: the charts draw, a count opens the cases
behind it (as many as it said), and the tables download as XLSX."""

from __future__ import annotations

import io
import re

import openpyxl
from flask import Flask
from playwright.sync_api import Page, expect

from engine.clock import utcnow
from engine.services import cases
from tests.browser.conftest import screenshot, sign_in
from tests.conftest import ACTORS, complaint


def test_dashboard_drill_down_and_export(app: Flask, page: Page) -> None:
    sys_ = app.extensions["ventanilla"]
    with sys_.db.writing() as s:
        for kind in ("complaint", "complaint", "inquiry"):
            cases.open_case(s, sys_.store, complaint(kind=kind), ACTORS["eje13"], utcnow())
    sign_in(page, "central")
    page.goto("/monitoreo")
    chart = page.locator('canvas[data-chart-table="t-kind"]')
    expect(chart).to_be_visible()
    assert page.evaluate("document.querySelector('canvas[data-chart-table=\"t-kind\"]').width") > 0
    screenshot(page, "monitoreo")
    reclamos = page.locator("#t-kind").get_by_role("row", name="reclamo")
    expect(reclamos).to_contain_text("2")
    reclamos.get_by_role("link").click()
    expect(page).to_have_url(re.compile(r"/casos\?.*kind=complaint"))
    expect(page.locator("#total-casos")).to_contain_text("2 casos")
    expect(page.locator("tbody tr")).to_have_count(2)
    page.go_back()
    with page.expect_download() as download:
        page.get_by_role("link", name="Descargar todas las tablas en Excel (XLSX)").click()
    book = openpyxl.load_workbook(io.BytesIO(download.value.path().read_bytes()))
    assert book["Casos ingresados"]["B2"].value == 3
