"""/monitoreo: the indicators of a period within the user's scope, every count linking to /casos with the
same filters and the same number of cases; a director sees their region only; an ejecutivo is refused."""

from __future__ import annotations

import io
import re
from datetime import datetime

import openpyxl
import pytest
from flask import Flask
from flask.testing import FlaskClient

from engine.clock import utcnow
from engine.services import users
from tests.conftest import Clock
from tests.integration.monitoring import Population, populate
from tests.web.conftest import bearer
from tests.web.test_auth__login import sign_in

PASSWORD = "clave-segura-1"
DRILL = re.compile(r'<a href="(/casos\?[^"]+)" data-drill="([^"]*)">([\d.]+)</a>')


@pytest.fixture
def population(app: Flask, clock: Clock) -> Population:
    sys_ = app.extensions["ventanilla"]
    with sys_.db.writing() as s:
        users.add_user(s, "director13", PASSWORD, "director_regional", utcnow(), None, "13")
    return populate(sys_, clock)


def _total(page: str) -> int:
    found = re.search(r"<strong>([\d.]+)</strong> casos?", page)
    assert found, "the search page shows how many cases it found"
    return int(found[1].replace(".", ""))


def test_central_sees_the_country_and_every_count_drills_down_to_as_many_cases(
    client: FlaskClient, population: Population
) -> None:
    sign_in(client, "central", PASSWORD)
    resp = client.get("/monitoreo?period=2024")
    page = resp.get_data(as_text=True)
    assert resp.status_code == 200
    assert 'data-chart-table="t-kind"' in page and "dist/charts.js" in page
    links = DRILL.findall(page.replace("&amp;", "&"))
    assert len(links) > 10
    assert ("total", "6") in {(key, n) for _, key, n in links}
    for url, _key, shown in links:
        assert _total(client.get(url).get_data(as_text=True)) == int(shown.replace(".", "")), url
    assert "Metropolitana de Santiago" in page and "Valparaíso" in page
    assert "sin datos" in page  # SONI and verdicts: no source yet, said plainly


def test_a_regional_director_sees_only_region_13(client: FlaskClient, population: Population) -> None:
    sign_in(client, "director13", PASSWORD)
    page = client.get("/monitoreo?period=2024").get_data(as_text=True)
    assert "Valparaíso" not in page
    assert re.search(r'data-drill="total">4</a>', page)
    assert client.get("/monitoreo?period=2024&region=05").status_code == 200
    assert re.search(
        r'data-drill="total">0</a>', client.get("/monitoreo?period=2024&region=05").get_data(as_text=True)
    )


def test_an_ejecutivo_is_refused(client: FlaskClient) -> None:
    sign_in(client, "eje13", PASSWORD)
    assert client.get("/monitoreo").status_code == 403


def test_a_bad_period_is_explained_beside_its_field(client: FlaskClient) -> None:
    sign_in(client, "central", PASSWORD)
    resp = client.get("/monitoreo?period=2024-13")
    assert resp.status_code == 400 and 'id="e-period"' in resp.get_data(as_text=True)


def test_the_xlsx_download_has_the_pages_figures_with_real_types(
    client: FlaskClient, population: Population
) -> None:
    sign_in(client, "central", PASSWORD)
    resp = client.get("/monitoreo.xlsx?period=2024")
    assert resp.status_code == 200 and resp.mimetype.endswith("spreadsheetml.sheet")
    book = openpyxl.load_workbook(io.BytesIO(resp.data))
    total = book["Casos ingresados"]
    assert [c.value for c in total[1]] == ["Indicador", "Casos"] and total[1][0].font.bold
    assert total.freeze_panes == "A2" and total["B2"].value == 6 and isinstance(total["B2"].value, int)
    kinds = {row[0]: row[1] for row in book["Ingreso por tipo"].iter_rows(min_row=2, values_only=True)}
    assert kinds == {"reclamo": 3, "consulta": 3}
    assert book["Ingreso por tipo"].column_dimensions["A"].width >= 10


def test_the_csv_has_a_bom_and_every_case_of_the_search(client: FlaskClient, population: Population) -> None:
    sign_in(client, "sup13", PASSWORD)
    text = client.get("/casos.csv?kind=complaint").data.decode("utf-8")
    assert text.startswith("\ufeffFolio,")
    assert len(text.strip().splitlines()) == 1 + 2  # header and the two reclamos of region 13
    one = client.get("/monitoreo.csv?period=2024&table=kind").data.decode("utf-8")
    assert one.splitlines()[0] == "\ufeffCategoría,Casos" and sorted(one.splitlines()[1:]) == [
        "consulta,2",
        "reclamo,2",
    ]


def test_a_search_export_of_nivel_central_masks_the_consumers_data(
    client: FlaskClient, population: Population
) -> None:
    sign_in(client, "central", PASSWORD)
    book = openpyxl.load_workbook(io.BytesIO(client.get(f"/casos.xlsx?folio={population.closed}").data))
    sheet = book.active
    header = [c.value for c in sheet[1]]
    row = dict(zip(header, [c.value for c in sheet[2]], strict=True))
    assert row["Folio"] == population.closed and "12345678" not in str(row["RUT consumidor"])
    assert row["Nombre consumidor"] == "•••" and isinstance(row["Ingreso"], datetime)


def test_the_indicators_api_answers_json_xlsx_and_csv_for_monitoring_roles_only(
    client: FlaskClient, tokens: dict[str, str], population: Population
) -> None:
    got = client.get("/api/v1/reports/indicators?period=2024", headers=bearer(tokens["central"])).get_json()
    assert got["intake"]["count"] == 6 and got["period"]["start"] == "2024-01-01"
    kinds = {f["key"]: f["count"] for f in got["breakdowns"][0]["figures"]}
    assert kinds == {"complaint": 3, "inquiry": 3}
    regional = client.get(
        "/api/v1/reports/indicators?period=2024", headers=bearer(tokens["sup13"])
    ).get_json()
    assert regional["intake"]["count"] == 4
    book = client.get("/api/v1/reports/indicators.xlsx?period=2024", headers=bearer(tokens["sup05"]))
    assert openpyxl.load_workbook(io.BytesIO(book.data))["Casos ingresados"]["B2"].value == 2
    csv = client.get(
        "/api/v1/reports/indicators.csv?period=2024&table=kind", headers=bearer(tokens["central"])
    )
    assert csv.data.decode("utf-8").startswith("\ufeffCategoría,Casos")
    refused = client.get("/api/v1/reports/indicators", headers=bearer(tokens["eje13"]))
    assert refused.status_code == 403 and refused.content_type == "application/problem+json"
    bad = client.get("/api/v1/reports/indicators?period=2024-13", headers=bearer(tokens["central"]))
    assert bad.status_code == 422 and "mes" in bad.get_json()["detail"]


def test_coverage_counts_only_active_platforms_against_the_goal(
    app: Flask, client: FlaskClient, population: Population
) -> None:
    sign_in(client, "central", PASSWORD)
    page = client.get("/monitoreo/cobertura?period=2024").get_data(as_text=True)
    rows = {
        m[0]: m for m in re.findall(r'<th scope="row" class="fw-normal">([^<]+)</th>((?:.|\n)*?)</tr>', page)
    }
    santiago = rows["Metropolitana de Santiago"][1]
    assert "Rojo" in santiago and re.search(r">1</td>\s*<td class=\"text-end\">[\d,]+ % de", santiago)
    valparaiso = rows["Valparaíso"][1]  # registered cases there, but closed none: not active
    assert "0,0 %" in valparaiso
    regional = app.test_client()
    sign_in(regional, "sup13", PASSWORD)
    assert "Valparaíso" not in regional.get("/monitoreo/cobertura?period=2024").get_data(as_text=True)
