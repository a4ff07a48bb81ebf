"""Issue 6, item 6: the seven business changes, each made only by editing content through the workbench
(draft file GET → edit → PUT, validate, publish) and shown on a new case, while a case opened before the
change keeps the old behaviour on its version. Flask test client with bearer tokens; SQLite and PostgreSQL.
The edits themselves live in tests/business_changes.py (lxml/json on the draft's files, as in the modeler)."""

from __future__ import annotations

from collections.abc import Callable
from datetime import date, datetime, timedelta
from typing import Any

from flask import Flask
from flask.testing import FlaskClient

from engine import deadlines
from engine.services import users
from engine.services.timers import fire_due_timers
from tests import business_changes as change
from tests.conftest import Clock, complaint
from tests.web.conftest import bearer
from tests.web.test_auth__login import sign_in
from tests.web.test_views__staff import PASSWORD, intake_form, token

Edit = Callable[[bytes], bytes]


class Analyst:
    """The analyst at the workbench: every change goes through their draft and is published with a note."""

    def __init__(self, client: FlaskClient, token: str) -> None:
        self.client, self.headers = client, bearer(token)

    def edit(self, path: str, edit: Edit) -> None:
        """Open a draft file, change it as the editor would, save it back."""
        resp = self.client.get(f"/api/v1/workbench/draft/files/{path}", headers=self.headers)
        assert resp.status_code == 200, (path, resp.get_data(as_text=True)[:300])
        self.put(path, edit(resp.get_data()))

    def put(self, path: str, body: bytes) -> list[Any]:
        """Save a file to the draft; the answer lists the whole draft's problems."""
        resp = self.client.put(f"/api/v1/workbench/draft/files/{path}", data=body, headers=self.headers)
        assert resp.status_code == 200 and resp.get_json()["saved"], (path, resp.get_json())
        return list(resp.get_json()["problems"])

    def publish(self, note: str) -> int:
        """Validate the whole draft (no problems), then publish it as a new version."""
        checked = self.client.post("/api/v1/workbench/draft/validate", headers=self.headers).get_json()
        assert checked == {"ok": True, "problems": []}, checked
        resp = self.client.post("/api/v1/workbench/publish", json={"note": note}, headers=self.headers)
        assert resp.status_code == 201, resp.get_json()
        return int(resp.get_json()["version"])

    def versions(self) -> dict[int, Any]:
        listed = self.client.get("/api/v1/workbench/versions", headers=self.headers).get_json()
        return {v["id"]: v for v in listed}


class Desk:
    """Staff working cases over the API (their own bearer tokens)."""

    def __init__(self, client: FlaskClient, tokens: dict[str, str]) -> None:
        self.client, self.tokens = client, tokens

    def call(self, method: str, path: str, who: str, body: Any = None, status: int = 200) -> Any:
        resp = self.client.open(path, method=method, json=body, headers=bearer(self.tokens[who]))
        assert resp.status_code == status, (path, resp.get_json())
        return resp.get_json()

    def open(self, who: str = "eje13", status: int = 201, **data: Any) -> Any:
        return self.call("POST", "/api/v1/cases", who, data, status)

    def case(self, folio: str) -> Any:
        return self.call("GET", f"/api/v1/cases/{folio}", "central")

    def tasks(self, folio: str) -> list[str]:
        return sorted(t["element_id"] for t in self.case(folio)["open_tasks"])

    def do(self, folio: str, element_id: str, data: dict[str, Any], who: str = "eje13") -> None:
        task = next(t for t in self.case(folio)["open_tasks"] if t["element_id"] == element_id)
        self.call("POST", f"/api/v1/tasks/{task['id']}/complete", who, {"data": data})

    def letters(self, folio: str) -> list[str]:
        return [
            d["letter_id"] for d in self.call("GET", f"/api/v1/cases/{folio}/documents", "eje13")["documents"]
        ]

    def notifications(self, who: str) -> list[str]:
        return [n["message"] for n in self.call("GET", "/api/v1/notifications", who)["notifications"]]


def _staff(client: FlaskClient, tokens: dict[str, str]) -> tuple[Analyst, Desk]:
    return Analyst(client, tokens["analista"]), Desk(client, tokens)


def _opened_on(desk: Desk, folio: str) -> date:
    # The plazo counts from the day in Chile, not in UTC: from 21:00 on, Chile's day is UTC's previous one.
    return deadlines.local_date(datetime.fromisoformat(desk.case(folio)["summary"]["opened_at"]))


def _due_on(desk: Desk, folio: str) -> date:
    return date.fromisoformat(desk.case(folio)["summary"]["due_on"])


ANSWERED = {"resultado_proveedor": "acoge", "respuesta_proveedor_texto": "Devolveremos el cobro."}
CLOSE = {
    "accion": "cerrar",
    "outcome": "PROVEEDOR ACOGE",
    "resumen_cierre": "El proveedor devuelve el cobro.",
}


def _to_closure_proposal(desk: Desk, folio: str) -> None:
    """A reclamo forwarded, answered by the company, and its closure proposed (the 'inform consumer' task)."""
    desk.do(folio, "trasladar", {"medio_traslado": "correo", "contacto_proveedor": "reclamos@tienda.cl"})
    desk.do(folio, "registrar_respuesta", ANSWERED)
    desk.do(folio, "proponer_cierre", CLOSE)


def test_1_reclamo_plazo_from_25_to_20_business_days(client: FlaskClient, tokens: dict[str, str]) -> None:
    analyst, desk = _staff(client, tokens)
    before = desk.open(**complaint())["folio"]
    analyst.edit("processes/caso.bpmn", change.plazo_reclamo_20)
    version = analyst.publish("Plazo de reclamo: 20 días hábiles")
    after = desk.open(**complaint())["folio"]
    for folio, days in ((before, 25), (after, 20)):
        assert _due_on(desk, folio) == deadlines.add_business_days(_opened_on(desk, folio), days, "13")
    versions = analyst.versions()
    assert versions[version]["changes"]["elements"]["caso"]["changed"] == ["plazo_reclamo"]
    assert versions[version]["open_cases"] == versions[version - 1]["open_cases"] == 1


def test_2_new_mandatory_field_on_the_reclamo_intake_web_and_api(
    client: FlaskClient, tokens: dict[str, str]
) -> None:
    analyst, desk = _staff(client, tokens)
    before = desk.open(**complaint())["folio"]
    analyst.edit("forms/ingreso_caso.json", change.peticion_obligatoria)
    analyst.publish("Reclamos: petición concreta obligatoria")
    refused = desk.open(status=422, **complaint())
    assert refused["errors"] == [{"field": "peticion", "message": "Este campo es obligatorio."}]
    desk.open(**complaint(peticion="Devolución del cobro duplicado"))
    desk.open(**complaint(kind="inquiry"))  # consultas do not ask for it
    sign_in(client, "eje13", PASSWORD)
    page = client.get("/casos/nuevo").get_data(as_text=True)
    assert "Petición concreta al proveedor" in page
    form = {**intake_form(), "csrf_token": token(client, "/casos/nuevo")}
    shown = client.post("/casos/nuevo", data=form)
    assert shown.status_code == 422
    assert "Petición concreta al proveedor: Este campo es obligatorio." in shown.get_data(as_text=True)
    assert client.post("/casos/nuevo", data={**form, "peticion": "Cambio del producto"}).status_code == 302
    desk.do(before, "trasladar", {"medio_traslado": "carta"})  # the earlier case runs on, field-less
    assert desk.tasks(before) == ["registrar_respuesta"]


def test_3_new_letter_bound_to_the_inform_consumer_task(client: FlaskClient, tokens: dict[str, str]) -> None:
    analyst, desk = _staff(client, tokens)
    before = desk.open(**complaint())["folio"]
    analyst.put(f"letter_templates/{change.NEW_LETTER}.docx", change.carta_invitacion_soni())
    analyst.edit("processes/etapa_reclamo.bpmn", change.carta_al_informar)
    analyst.publish("Invitación a evaluar la atención al cerrar un reclamo")
    after = desk.open(**complaint())["folio"]
    for folio in (before, after):
        _to_closure_proposal(desk, folio)
    assert desk.letters(before) == ["comprobante_ingreso", "traslado_proveedor", "respuesta_consumidor"]
    assert desk.letters(after)[-2:] == ["respuesta_consumidor", change.NEW_LETTER]
    docs = desk.call("GET", f"/api/v1/cases/{after}/documents", "eje13")["documents"]
    new = next(d for d in docs if d["letter_id"] == change.NEW_LETTER)
    body = client.get(f"/api/v1/documents/{new['id']}.docx", headers=bearer(tokens["eje13"]))
    from engine.letters import docx_text

    text = docx_text(body.get_data())
    assert "Ana Prueba Ejemplo" in text and "PROVEEDOR ACOGE" in text and after in text


def test_4_the_call_center_may_register_reclamos(
    app: Flask, client: FlaskClient, tokens: dict[str, str]
) -> None:
    analyst, desk = _staff(client, tokens)
    with app.extensions["ventanilla"].db.writing() as s:
        users.add_user(s, "cc01", PASSWORD, "ejecutivo", datetime.now().astimezone(), "CC", None)
        desk.tokens["cc01"] = users.create_token(s, "cc01", datetime.now().astimezone())
    by_phone = complaint(channel="phone", platform="CC")
    refused = desk.open(who="cc01", status=422, **by_phone)
    assert refused["errors"] == [{"field": "kind", "message": "El call center registra solo consultas."}]
    analyst.edit("forms/ingreso_caso.json", change.call_center_registra_reclamos)
    analyst.publish("El call center registra reclamos")
    opened = desk.open(who="cc01", **by_phone)
    assert (opened["kind"], opened["stage"], opened["platform_code"]) == ("complaint", "reclamo", "CC")


def test_5_supervisor_reminder_three_business_days_before_the_deadline(
    app: Flask, client: FlaskClient, tokens: dict[str, str], clock: Clock
) -> None:
    analyst, desk = _staff(client, tokens)
    before = desk.open(**complaint())["folio"]
    analyst.edit("processes/caso.bpmn", change.recordatorio_supervisor)
    analyst.publish("Recordatorio al supervisor 3 días hábiles antes del vencimiento")
    after = desk.open(**complaint())["folio"]
    reminder_day = deadlines.add_business_days(_due_on(desk, after), -3, "13")
    clock.now = deadlines.start_of_day(reminder_day) - timedelta(minutes=1)
    system = app.extensions["ventanilla"]
    fire_due_timers(system.db, system.store, clock.now)
    assert not [m for m in desk.notifications("sup13") if "3 días hábiles" in m]
    clock.advance(minutes=2)
    fire_due_timers(system.db, system.store, clock.now)
    reminders = [m for m in desk.notifications("sup13") if "3 días hábiles" in m]
    due = _due_on(desk, after).strftime("%d-%m-%Y")
    assert reminders == [f"Caso {after}: el reclamo vence en 3 días hábiles, el {due}"]
    assert "deadline_reminder" in [e["event"] for e in desk.case(after)["log"]]
    assert "deadline_reminder" not in [e["event"] for e in desk.case(before)["log"]]
    assert desk.tasks(after) == desk.tasks(before) == ["trasladar"]  # nothing interrupted


def test_6_visacion_only_for_reclamos_not_for_consultas(client: FlaskClient, tokens: dict[str, str]) -> None:
    analyst, desk = _staff(client, tokens)
    before = desk.open(**complaint(kind="inquiry"))["folio"]
    analyst.edit("processes/etapa_consulta.bpmn", change.consulta_sin_visacion)
    analyst.publish("Las consultas se cierran sin visación")
    after = desk.open(**complaint(kind="inquiry"))["folio"]
    reclamo = desk.open(**complaint())["folio"]
    answer = {"accion": "responder", "medio_respuesta": "correo", "respuesta": "Tiene garantía legal."}
    for folio in (before, after):
        desk.do(folio, "proponer_cierre", answer)
    assert desk.tasks(before) == ["visar_cierre"]
    assert desk.case(before)["summary"]["status"] == "pending_approval"
    closed = desk.case(after)["summary"]
    assert (closed["status"], closed["outcome"], desk.tasks(after)) == ("closed", "CONSULTA RESPONDIDA", [])
    _to_closure_proposal(desk, reclamo)
    assert desk.tasks(reclamo) == ["visar_cierre"]  # reclamos still need visación


def test_7_a_staff_help_desk_built_in_the_workbench_serves_a_request_end_to_end(
    client: FlaskClient, tokens: dict[str, str]
) -> None:
    analyst, desk = _staff(client, tokens)
    files = change.mesa_ayuda_files()
    process = files.pop("processes/mesa_ayuda.bpmn")
    missing = analyst.put("processes/mesa_ayuda.bpmn", process)  # drawn first: its forms do not exist yet
    assert {(p["element"], p["message"].split("'")[1]) for p in missing} == {
        ("solicitud", "solicitud_ayuda"),
        ("clasificar", "triage_ayuda"),
        ("responder_supervisor", "respuesta_ayuda"),
        ("responder_abogado", "respuesta_ayuda"),
    }
    for path, body in files.items():
        analyst.put(path, body)
    analyst.publish("Mesa de ayuda interna")
    catalog = client.get("/api/v1/workbench/catalog", headers=analyst.headers).get_json()
    assert {"id": "mesa_ayuda", "name": "Mesa de ayuda interna", "file": "processes/mesa_ayuda.bpmn"} in (
        catalog["processes"]
    )
    sign_in(client, "eje13", PASSWORD)
    page = client.get("/casos/nuevo?proceso=mesa_ayuda").get_data(as_text=True)
    assert "Mesa de ayuda interna" in page and "Detalle de la solicitud" in page
    request = {
        "proceso": "mesa_ayuda",
        "categoria": "criterio_juridico",
        "subject": "Garantía en productos usados",
        "description": "¿Aplica la garantía legal a un auto usado comprado en automotora?",
        "csrf_token": token(client, "/casos/nuevo?proceso=mesa_ayuda"),
    }
    resp = client.post("/casos/nuevo", data=request)
    assert resp.status_code == 302, resp.get_data(as_text=True)[:400]
    folio = resp.headers["Location"].rsplit("/", 1)[-1]
    shown = client.get(f"/casos/{folio}").get_data(as_text=True)
    assert "Mesa de ayuda interna" in shown and "Solicitud" in shown and "RUT None" not in shown
    assert desk.tasks(folio) == ["clasificar"]
    inbox = [t["element_id"] for t in desk.call("GET", "/api/v1/tasks", "sup13")["tasks"]]
    assert inbox == ["clasificar"]
    desk.do(folio, "clasificar", {"prioridad": "normal", "responde": "abogado"}, who="sup13")
    desk.do(folio, "responder_abogado", {"respuesta": "Sí: seis meses (art. 21)."}, who="abo13")
    summary = desk.case(folio)["summary"]
    assert (summary["kind"], summary["status"], summary["outcome"]) == ("mesa_ayuda", "closed", "RESPONDIDA")
    assert desk.notifications("eje13") == [f"Mesa de ayuda, solicitud {folio}: Sí: seis meses (art. 21)."]
