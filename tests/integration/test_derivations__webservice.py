"""Derivation by web service, end to end over real HTTP on SQLite and PostgreSQL: the outbox posts the signed
derivation to a fake agency, which calls back the app's real server with its acknowledgement and answer."""

from __future__ import annotations

import base64
import json
from collections.abc import Iterator
from datetime import timedelta

import pytest
import requests

from tests.conftest import Clock
from tests.fakes.agency import FakeAgency
from tests.integration.derivation import (
    Live,
    delivery_of,
    derivation_of,
    derived_consulta,
    serve,
    wire_agency,
)
from tests.integration.helpers import snapshot


@pytest.fixture
def live(database_url: str, clock: Clock) -> Iterator[Live]:
    yield from serve(database_url, clock)


@pytest.fixture
def agency(live: Live) -> Iterator[FakeAgency]:
    fake = wire_agency(live)
    yield fake
    fake.stop()


def test_derived_acknowledged_and_answered_closes_the_case_as_derivado(
    live: Live, agency: FakeAgency
) -> None:
    scn = derived_consulta(live)
    assert scn.case().stage == "derivacion" and scn.open_elements() == []
    assert agency.received == []  # nothing leaves inside the case's transaction
    assert live.send().sent == 1
    [got] = agency.received
    doc = got.document
    derivation = derivation_of(live, scn)
    assert got.signature_ok and got.headers["Idempotency-Key"] == derivation.id
    assert (doc["folio"], doc["agency"], doc["derivation_id"]) == (scn.folio, "SEC", derivation.id)
    assert doc["callback_path"] == f"/api/v1/derivations/{derivation.id}/events"
    assert "corresponde a la SEC" in doc["reason"]

    ack = agency.acknowledge(derivation.id)
    assert ack.status_code == 200 and ack.json()["result"] == "accepted"
    assert derivation_of(live, scn).status == "acknowledged"
    pdf = b"%PDF-1.4\n1 0 obj<<>>endobj\ntrailer<<>>\n%%EOF\n"
    answer = agency.call_back(
        derivation.id,
        {
            "event_id": "respuesta-1",
            "type": "answered",
            "result": "resolved",
            "text": "La SEC ordenó a la distribuidora reponer el suministro.",
            "attachments": [{"filename": "resolucion.pdf", "content_base64": base64.b64encode(pdf).decode()}],
        },
    )
    assert answer.status_code == 200 and answer.json()["derivation_status"] == "answered"

    case = scn.case()
    assert (case.status, case.outcome) == ("closed", "DERIVADO")
    answered = scn.log_entries("derivation_answered")
    assert "reponer el suministro" in answered[0].summary and answered[0].public
    [attached] = scn.log_entries("attachment_added")
    assert attached.data["filename"] == "resolucion.pdf"
    assert answered[0].data["adjuntos_respuesta"] == [attached.data["attachment_id"]]
    assert "reponer el suministro" in scn.letter_texts()["respuesta_derivacion"]
    assert {"derivation_delivered", "message_received", "closed"} <= set(scn.events())


def test_agency_down_for_three_tries_then_up_nothing_lost(live: Live, agency: FakeAgency) -> None:
    agency.fail_next = 3
    scn = derived_consulta(live)
    derivation = derivation_of(live, scn)
    delays = []
    for _ in range(3):
        assert live.send().failed == 1
        row = delivery_of(live, derivation.id)
        delays.append(row.next_attempt_at - live.clock.now)
        assert live.send().failed == 0  # not due yet: no sleeping thread, the table decides
        live.clock.now = row.next_attempt_at
    assert delays == [timedelta(minutes=1), timedelta(minutes=2), timedelta(minutes=4)]
    assert live.send().sent == 1
    assert agency.attempts == 4 and len(agency.received) == 1
    row = delivery_of(live, derivation.id)
    assert (row.status, row.attempts, row.last_error) == ("sent", 4, None)
    assert scn.events().count("derivation_retry") == 3
    assert agency.acknowledge(derivation.id).status_code == 200
    assert agency.answer(derivation.id, text="Respondido por la SEC.")[0].status_code == 200
    assert scn.case().outcome == "DERIVADO"


def test_agency_down_for_good_opens_an_incident_and_retry_now_sends(live: Live, agency: FakeAgency) -> None:
    agency.down = True
    scn = derived_consulta(live)
    derivation = derivation_of(live, scn)
    for _ in range(live.settings.max_attempts):
        live.send()
        live.clock.advance(hours=1)
    row = delivery_of(live, derivation.id)
    assert row.status == "failed" and row.attempts == live.settings.max_attempts
    assert live.send().incidents == 1
    for username in ("sup13", "integra"):
        listed = requests.get(
            f"{live.url}/api/v1/derivations/incidents", headers=live.token(username), timeout=30
        ).json()["incidents"]
        assert [(i["folio"], i["agency_code"]) for i in listed] == [(scn.folio, "SEC")]
    assert requests.get(
        f"{live.url}/api/v1/derivations/incidents", headers=live.token("sup05"), timeout=30
    ).json() == {"incidents": []}
    assert any("no se pudo enviar" in m for u, m in scn.notifications() if u == "sup13")
    assert "incident_opened" in scn.events()

    agency.down = False
    retried = requests.post(
        f"{live.url}/api/v1/derivations/deliveries/{row.id}/retry", headers=live.token("integra"), timeout=30
    )
    assert retried.status_code == 200 and retried.json()["sent"] is True
    assert len(agency.received) == 1 and delivery_of(live, derivation.id).status == "sent"
    assert live.send().incidents == 0
    assert "incident_retry" in scn.events()


def test_duplicate_replayed_stale_and_unknown_callbacks_have_one_effect(
    live: Live, agency: FakeAgency
) -> None:
    scn = derived_consulta(live)
    live.send()
    derivation = derivation_of(live, scn)
    assert agency.acknowledge(derivation.id, event_id="acuse-1").status_code == 200
    before = snapshot(live.sys, scn.folio)
    replay = agency.acknowledge(derivation.id, event_id="acuse-1")
    assert replay.status_code == 200 and replay.json()["result"] == "already_received"
    assert replay.json()["detail"] == "ya recibido"
    second_ack = agency.acknowledge(derivation.id, event_id="acuse-2")
    assert second_ack.status_code == 409
    assert snapshot(live.sys, scn.folio) == before

    first, again = agency.answer(derivation.id, text="Resuelto por la SEC.", event_id="resp-1", twice=True)
    assert first.json()["result"] == "accepted" and again.json()["result"] == "already_received"
    closed = snapshot(live.sys, scn.folio)
    stale = agency.answer(derivation.id, reason="Otra respuesta", event_id="resp-2")[0]
    assert stale.status_code == 409 and stale.headers["Content-Type"] == "application/problem+json"
    assert snapshot(live.sys, scn.folio) == closed
    assert scn.events().count("derivation_answered") == 1 and scn.events().count("closed") == 1
    unknown = agency.acknowledge("00000000-0000-0000-0000-000000000000")
    assert unknown.status_code == 404


def test_bad_signature_is_refused_and_changes_nothing(live: Live, agency: FakeAgency) -> None:
    scn = derived_consulta(live)
    live.send()
    derivation = derivation_of(live, scn)
    before = snapshot(live.sys, scn.folio)
    forged = agency.call_back(
        derivation.id,
        {"event_id": "x", "type": "acknowledged"},
        secret="otro-secreto-que-no-es-el-registrado",
    )
    assert forged.status_code == 401 and forged.headers["Content-Type"] == "application/problem+json"
    unsigned = requests.post(
        f"{live.url}/api/v1/derivations/{derivation.id}/events",
        json={"event_id": "y", "type": "acknowledged"},
        timeout=30,
    )
    assert unsigned.status_code == 401
    garbage = b"{not json"
    bad_body = agency.post(derivation.id, garbage, agency.signed(derivation.id, garbage))
    assert bad_body.status_code == 400
    assert snapshot(live.sys, scn.folio) == before and derivation_of(live, scn).status == "sent"


def test_integrator_token_bound_to_the_agency_may_call_back(live: Live, agency: FakeAgency) -> None:
    from engine.models import Agency

    with live.sys.db.writing() as s:
        s.get(Agency, "SEC").account = "integra"  # type: ignore[union-attr]
    scn = derived_consulta(live)
    live.send()
    derivation = derivation_of(live, scn)
    url = f"{live.url}/api/v1/derivations/{derivation.id}/events"
    event = {
        "derivation_id": derivation.id,
        "event_id": "t-1",
        "type": "answered",
        "result": "returned",
        "reason": "No es materia de la SEC.",
    }
    assert requests.post(url, json=event, headers=live.token("sup13"), timeout=30).status_code == 401
    other = {**event, "derivation_id": "otra-derivacion"}  # the token's holder too names the URL's derivation
    assert requests.post(url, json=other, headers=live.token("integra"), timeout=30).status_code == 422
    assert requests.post(url, json=event, headers=live.token("integra"), timeout=30).status_code == 200
    case = scn.case()
    assert case.status == "open" and case.stage == "consulta"  # returned to the platform, new plazo
    assert "derivation_back" in scn.events()


def test_a_hanging_agency_times_out_and_is_retried(live: Live, agency: FakeAgency) -> None:
    import dataclasses

    live.settings = dataclasses.replace(live.settings, timeout=0.3)
    agency.hang = True
    scn = derived_consulta(live)
    assert live.send().failed == 1
    agency.release()
    derivation = derivation_of(live, scn)
    assert "sin respuesta" in (delivery_of(live, derivation.id).last_error or "")


def test_a_callback_captured_from_one_derivation_is_refused_on_another(
    live: Live, agency: FakeAgency
) -> None:
    """Replay: a signed "resuelto" of derivation A, sent to derivation B of the same agency, is refused;
    so is a body naming another derivation than its URL, and one signed more than 5 minutes ago."""
    first, second = derived_consulta(live), derived_consulta(live)
    live.send()
    a, b = derivation_of(live, first), derivation_of(live, second)
    before = snapshot(live.sys, second.folio)
    answer = {"event_id": "r-1", "type": "answered", "result": "resolved", "text": "Resuelto por la SEC."}
    body = json.dumps({"derivation_id": a.id, **answer}).encode()
    captured = agency.signed(a.id, body)
    replayed = agency.post(b.id, body, captured)
    assert replayed.status_code == 401 and "no corresponde a esta derivación" in replayed.json()["detail"]
    resigned = agency.post(b.id, body, agency.signed(b.id, body))  # even signed for B, the body says A
    assert resigned.status_code == 422 and "derivation_id" in resigned.json()["detail"]
    stale = agency.call_back(b.id, answer, at=live.clock.now - timedelta(minutes=6))
    assert stale.status_code == 401 and "5 minutos" in stale.json()["detail"]
    unstamped = agency.post(b.id, body, {**captured, "X-Ventanilla-Timestamp": ""})
    assert unstamped.status_code == 401
    assert snapshot(live.sys, second.folio) == before and derivation_of(live, second).status == "sent"
    assert agency.post(a.id, body, captured).json()["result"] == "accepted"  # where it belongs, it works
    assert derivation_of(live, first).status == "answered" and derivation_of(live, second).status == "sent"
