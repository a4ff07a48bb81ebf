"""The ejecutivo's desk in the web app (issue 11): notifications with the bell, gestiones, visación returns,
landing pages per persona, the bandeja's días restantes, no button that can only fail, the real channel in
the bitácora. SQLite and PostgreSQL."""

from __future__ import annotations

from datetime import UTC, datetime

from flask import Flask
from flask.testing import FlaskClient
from sqlalchemy import select

from engine.access import Actor
from engine.clock import utcnow
from engine.models import LogEntry, Notification
from engine.services import cases, tasks, users
from tests.conftest import ACTORS, complaint
from tests.integration.helpers import only_task
from tests.web.conftest import bearer
from tests.web.test_auth__login import csrf_token, sign_in

PASSWORD = "clave-segura-1"


def _open(app: Flask, **overrides: object) -> str:
    sys_ = app.extensions["ventanilla"]
    with sys_.db.writing() as s:
        return cases.open_case(s, sys_.store, complaint(**overrides), ACTORS["eje13"], utcnow()).folio


def _notify(app: Flask, username: str, message: str, folio: str | None = None, urgent: bool = False) -> None:
    sys_ = app.extensions["ventanilla"]
    with sys_.db.writing() as s:
        case_id = None
        if folio:
            case_id = cases.find_case(s, folio, ACTORS["central"]).id
        s.add(
            Notification(
                username=username, case_id=case_id, message=message, created_at=utcnow(), urgent=urgent
            )
        )


def _log(app: Flask, folio: str, event: str) -> list[LogEntry]:
    with app.extensions["ventanilla"].db.reading() as s:
        case_id = cases.find_case(s, folio, ACTORS["central"]).id
        return list(
            s.execute(select(LogEntry).where(LogEntry.case_id == case_id, LogEntry.event == event)).scalars()
        )


def test_bell_counts_unread_and_the_page_marks_them_read(app: Flask, client: FlaskClient) -> None:
    folio = _open(app)
    _notify(app, "eje13", f"Caso {folio} por vencer", folio)
    _notify(app, "eje13", f"Caso {folio} fuera de plazo", folio, urgent=True)
    _notify(app, "eje05", "De otra persona")
    sign_in(client, "eje13", PASSWORD)
    page = client.get("/bandeja").get_data(as_text=True)
    assert 'aria-label="Notificaciones: 2 sin leer"' in page
    listing = client.get("/notificaciones").get_data(as_text=True)
    assert f"Caso {folio} por vencer" in listing and "De otra persona" not in listing
    assert f'href="/casos/{folio}"' in listing and "Urgente" in listing
    token = csrf_token(client, "/notificaciones")
    with app.extensions["ventanilla"].db.reading() as s:
        first = s.execute(select(Notification.id).where(Notification.username == "eje13")).scalars().first()
    client.post(f"/notificaciones/{first}/leida", data={"csrf_token": token})
    assert 'aria-label="Notificaciones: 1 sin leer"' in client.get("/bandeja").get_data(as_text=True)
    client.post("/notificaciones/leidas", data={"csrf_token": token})
    assert 'aria-label="Notificaciones: 0 sin leer"' in client.get("/bandeja").get_data(as_text=True)
    other = client.post("/notificaciones/999999/leida", data={"csrf_token": token})
    assert other.status_code == 404


def test_digest_preference_needs_a_valid_address(app: Flask, client: FlaskClient) -> None:
    sign_in(client, "eje13", PASSWORD)
    token = csrf_token(client, "/notificaciones")
    bad = client.post(
        "/notificaciones/preferencias",
        data={"csrf_token": token, "email": "no-es-correo", "daily_digest": "1"},
    )
    assert bad.status_code == 422
    assert "Correo electrónico: escriba una dirección válida." in bad.get_data(as_text=True)
    ok = client.post(
        "/notificaciones/preferencias",
        data={"csrf_token": token, "email": "eje13@sernac.cl", "daily_digest": "1"},
    )
    assert ok.status_code == 302
    page = client.get("/notificaciones").get_data(as_text=True)
    assert 'value="eje13@sernac.cl"' in page and "checked" in page


def test_gestion_from_the_page_and_the_api(app: Flask, client: FlaskClient, tokens: dict[str, str]) -> None:
    folio = _open(app)
    sign_in(client, "eje13", PASSWORD)
    token = csrf_token(client, f"/casos/{folio}")
    form = {
        "csrf_token": token,
        "kind": "llamada",
        "channel": "phone",
        "text": "Llamé a la empresa: revisan.",
    }
    assert client.post(f"/casos/{folio}/gestiones", data=form).status_code == 302
    page = client.get(f"/casos/{folio}").get_data(as_text=True)
    assert "Gestión registrada en la bitácora." in page and "Llamada: Llamé a la empresa: revisan." in page
    empty = client.post(f"/casos/{folio}/gestiones", data={**form, "text": "  "})
    assert "Detalle" in client.get(empty.headers["Location"]).get_data(as_text=True)
    resp = client.post(
        f"/api/v1/cases/{folio}/gestiones",
        json={"kind": "reunion", "text": "Reunión con la consumidora.", "channel": "in_person"},
        headers=bearer(tokens["eje13"]),
    )
    assert resp.status_code == 201 and resp.get_json()["kind"] == "reunion"
    entries = _log(app, folio, "gestion")
    assert [(e.channel, e.actor) for e in entries] == [("phone", "eje13"), ("in_person", "eje13")]
    central = client.application.test_client()
    sign_in(central, "central", PASSWORD)
    refused = central.post(
        f"/api/v1/cases/{folio}/gestiones",
        json={"kind": "nota", "text": "Solo lectura.", "channel": "web"},
        headers=bearer(tokens["central"]),
    )
    assert refused.status_code == 403 and len(_log(app, folio, "gestion")) == 2


def test_returns_page_and_landing_by_persona(app: Flask, client: FlaskClient) -> None:
    with app.extensions["ventanilla"].db.writing() as s:
        users.add_user(s, "director", PASSWORD, "director_regional", utcnow(), region="13")
    sign_in(client, "sup13", PASSWORD)
    assert client.get("/").headers["Location"].endswith("/bandeja")
    page = client.get("/reportes/devoluciones").get_data(as_text=True)
    assert "Devoluciones de visación por ejecutivo/a" in page and 'href="/reportes/devoluciones"' in page
    for user, landing in (
        ("analista", "/taller"),
        ("central", "/monitoreo"),  # the Cuadro de Monitoreo exists now
        ("director", "/monitoreo"),
    ):
        other = app.test_client()
        sign_in(other, user, PASSWORD)
        assert other.get("/").headers["Location"].endswith(landing), user
    assert app.test_client().get("/reportes/devoluciones").status_code == 302  # anonymous: sign in first
    eje = app.test_client()
    sign_in(eje, "eje13", PASSWORD)
    assert eje.get("/reportes/devoluciones").status_code == 403


def test_bandeja_puts_the_traffic_light_first_with_days_left(app: Flask, client: FlaskClient) -> None:
    _open(app)
    sign_in(client, "eje13", PASSWORD)
    page = client.get("/bandeja").get_data(as_text=True)
    header = page.split("<thead>", 1)[1]
    assert header.index("Plazo") < header.index("Folio")
    assert "días restantes" in page and "data-dias-restantes=" in page


def test_taken_task_is_read_only_and_a_conflict_stays_on_the_case(app: Flask, client: FlaskClient) -> None:
    folio = _open(app)
    sys_ = app.extensions["ventanilla"]
    task = only_task(sys_, folio, "trasladar")
    with sys_.db.writing() as s:
        tasks.claim_task(s, task.id, ACTORS["eje13b"], utcnow())
    sign_in(client, "eje13", PASSWORD)
    page = client.get(f"/casos/{folio}").get_data(as_text=True)
    assert "Tomada por eje13b" in page and "Completar: Trasladar" not in page
    token = csrf_token(client, f"/casos/{folio}")
    resp = client.post(
        f"/casos/{folio}/tareas/{task.id}", data={"csrf_token": token, "medio_traslado": "carta"}
    )
    assert resp.status_code == 302 and resp.headers["Location"].endswith(f"/casos/{folio}")
    shown = client.get(resp.headers["Location"]).get_data(as_text=True)
    assert "la tarea está tomada por eje13b" in shown and "Conflicto" not in shown


def test_own_closure_offers_no_approve_and_errors_name_titles(app: Flask, client: FlaskClient) -> None:
    sys_ = app.extensions["ventanilla"]
    folio = _open(app, kind="inquiry")
    sup = Actor("sup13", "supervisor", None, "13", "in_person")
    task = only_task(sys_, folio, "proponer_cierre")
    answer = {
        "accion": "responder",
        "medio_respuesta": "telefono",
        "respuesta": "Se explicó la garantía legal.",
    }
    with sys_.db.writing() as s:
        tasks.complete_task(s, sys_.store, task.id, answer, sup, utcnow())
    sign_in(client, "sup13", PASSWORD)
    page = client.get(f"/casos/{folio}").get_data(as_text=True)
    assert "Usted propuso este cierre" in page and ">Aprobar<" not in page
    queue = client.get("/visacion").get_data(as_text=True)
    assert "Propuesto por usted" in queue and 'value="aprobar"' not in queue
    abo = app.test_client()
    sign_in(abo, "abo13", PASSWORD)
    visar = only_task(sys_, folio, "visar_cierre")
    resp = abo.post(
        f"/visacion/{visar.id}", data={"csrf_token": csrf_token(abo, "/visacion"), "decision": "devolver"}
    )
    shown = abo.get(resp.headers["Location"]).get_data(as_text=True)
    flashed = shown.split("No se registró la visación:", 1)[1].split("</div>", 1)[0]
    assert "Observaciones" in flashed and "observaciones_visacion" not in flashed


def test_call_center_actions_are_phone_and_staff_lookups_are_staff(app: Flask, client: FlaskClient) -> None:
    folio = _open(app, kind="inquiry")
    with app.extensions["ventanilla"].db.writing() as s:
        users.add_user(s, "cc1", PASSWORD, "ejecutivo", utcnow(), platform="CC")
    sign_in(client, "cc1", PASSWORD)
    client.get(f"/estado?folio={folio}&rut=12.345.678-5")
    [lookup] = _log(app, folio, "status_lookup_staff")
    assert (lookup.actor, lookup.channel) == ("cc1", "phone") and "cc1" in lookup.summary
    assert _log(app, folio, "status_lookup") == []
    page = client.get(f"/estado?folio={folio}&rut=12.345.678-5").get_data(as_text=True)
    assert "Resultado:" not in page  # not closed: no outcome shown


def test_times_are_shown_in_santiago(app: Flask, client: FlaskClient) -> None:
    folio = _open(app)
    _notify(app, "eje13", "Aviso de prueba", folio)
    with app.extensions["ventanilla"].db.writing() as s:
        s.query(Notification).update({"created_at": datetime(2026, 1, 15, 3, 30, tzinfo=UTC)})
    sign_in(client, "eje13", PASSWORD)
    assert "15-01-2026 00:30" in client.get("/notificaciones").get_data(as_text=True)  # UTC-3 in summer


def test_escalating_from_the_page_asks_for_the_company(app: Flask, client: FlaskClient) -> None:
    data = complaint(kind="inquiry")
    data.pop("provider")
    sys_ = app.extensions["ventanilla"]
    with sys_.db.writing() as s:
        folio = cases.open_case(s, sys_.store, data, ACTORS["eje13"], utcnow()).folio
    task = only_task(sys_, folio, "proponer_cierre")
    sign_in(client, "eje13", PASSWORD)
    page = client.get(f"/casos/{folio}").get_data(as_text=True)
    assert "Si la consulta pasa a reclamo" in page and "Nombre o razón social" in page
    form = {
        "csrf_token": csrf_token(client, f"/casos/{folio}"),
        "accion": "escalar_reclamo",
        "respuesta": "Requiere mediación con la empresa.",
    }
    refused = client.post(f"/casos/{folio}/tareas/{task.id}", data=form)
    assert refused.status_code == 422 and "Proveedor" in refused.get_data(as_text=True)
    done = client.post(
        f"/casos/{folio}/tareas/{task.id}", data={**form, "provider.name": "Tienda Demo Ltda."}
    )
    assert done.status_code == 302
    with sys_.db.reading() as s:
        case = cases.find_case(s, folio, ACTORS["central"])
        assert (case.kind, case.provider_name) == ("complaint", "Tienda Demo Ltda.")


def test_a_phone_consulta_says_it_cannot_become_a_reclamo(app: Flask, client: FlaskClient) -> None:
    folio = _open(app, kind="inquiry", channel="phone")
    sign_in(client, "eje13", PASSWORD)
    page = client.get(f"/casos/{folio}").get_data(as_text=True)
    assert (
        "Esta consulta no puede pasar a reclamo" in page and "El call center registra solo consultas." in page
    )
