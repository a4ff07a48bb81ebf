"""API v1 attachments: upload first (multipart, field "file"), then name the id in a task's data."""

from __future__ import annotations

import io
from typing import Any

from flask.testing import FlaskClient

from tests.conftest import complaint
from tests.files import EXE, PDF
from tests.web.conftest import bearer


def reclamo_at_provider_answer(client: FlaskClient, token: str) -> tuple[str, str]:
    """A reclamo on the real process, forwarded: (folio, id of the "registrar_respuesta" task)."""
    folio = client.post("/api/v1/cases", json=complaint(), headers=bearer(token)).get_json()["folio"]
    tasks = client.get("/api/v1/tasks?limit=500", headers=bearer(token)).get_json()["tasks"]
    [forward] = [t for t in tasks if t["folio"] == folio and t["element_id"] == "trasladar"]
    resp = client.post(
        f"/api/v1/tasks/{forward['id']}/complete",
        json={"data": {"medio_traslado": "portal"}},
        headers=bearer(token),
    )
    assert resp.status_code == 200, resp.get_json()
    tasks = client.get("/api/v1/tasks?limit=500", headers=bearer(token)).get_json()["tasks"]
    [answer] = [t for t in tasks if t["folio"] == folio and t["element_id"] == "registrar_respuesta"]
    return folio, answer["id"]


def send(client: FlaskClient, token: str, folio: str, body: bytes, name: str) -> dict[str, Any]:
    resp = client.post(
        f"/api/v1/cases/{folio}/attachments",
        data={"file": (io.BytesIO(body), name)},
        headers=bearer(token),
        content_type="multipart/form-data",
    )
    return {"status": resp.status_code, **resp.get_json()}


def test_upload_then_reference_the_id_in_the_task_data(client: FlaskClient, tokens: dict[str, str]) -> None:
    token = tokens["eje13"]
    folio, task_id = reclamo_at_provider_answer(client, token)
    other, _ = reclamo_at_provider_answer(client, token)
    sent = send(client, token, folio, PDF, "respuesta.pdf")
    foreign = send(client, token, other, PDF, "otra.pdf")
    assert (sent["status"], sent["filename"], sent["mime"], sent["size"]) == (
        201,
        "respuesta.pdf",
        "application/pdf",
        len(PDF),
    )
    download = client.get(f"/api/v1/attachments/{sent['id']}", headers=bearer(token))
    assert download.data == PDF and download.headers["X-Content-Type-Options"] == "nosniff"
    assert client.get(f"/api/v1/attachments/{sent['id']}", headers=bearer(tokens["eje05"])).status_code == 404
    listed = client.get(f"/api/v1/cases/{folio}/attachments", headers=bearer(token)).get_json()["attachments"]
    assert [a["id"] for a in listed] == [sent["id"]]
    data = {"resultado_proveedor": "acoge", "respuesta_proveedor_texto": "Acoge lo solicitado."}
    wrong = client.post(
        f"/api/v1/tasks/{task_id}/complete",
        json={"data": {**data, "adjuntos": [foreign["id"]]}},
        headers=bearer(token),
    )
    assert wrong.status_code == 422 and wrong.get_json()["errors"] == [
        {"field": "adjuntos", "message": "Adjunto desconocido."}
    ]
    done = client.post(
        f"/api/v1/tasks/{task_id}/complete",
        json={"data": {**data, "adjuntos": [sent["id"]]}},
        headers=bearer(token),
    )
    assert done.status_code == 200


def test_a_refused_or_missing_file_is_a_problem_json(client: FlaskClient, tokens: dict[str, str]) -> None:
    token = tokens["eje13"]
    folio, _ = reclamo_at_provider_answer(client, token)
    refused = send(client, token, folio, EXE, "factura.pdf")
    assert refused["status"] == 422 and refused["errors"][0]["field"] == "file"
    missing = client.post(f"/api/v1/cases/{folio}/attachments", data={}, headers=bearer(token))
    assert missing.status_code == 400 and missing.mimetype == "application/problem+json"
    assert (
        client.get(f"/api/v1/cases/{folio}/attachments", headers=bearer(token)).get_json()["attachments"]
        == []
    )
