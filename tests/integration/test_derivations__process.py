"""The derivation subprocess on the shipped BPMN (SQLite and PostgreSQL), callbacks applied by the service:
derivation from a reclamo's traslado, plazos that escalate, a returned case, and a registry entry naming
a process the case's version lacks (refused, nothing changes)."""

from __future__ import annotations

import json
from datetime import datetime

import pytest
from sqlalchemy import select

from engine.clock import CHILE
from engine.errors import ScriptFailed
from engine.models import Agency, Derivation
from engine.services import derivation_callbacks
from engine.services.timers import fire_due_timers
from engine.system import System
from tests.conftest import Clock, complaint
from tests.integration.helpers import snapshot
from tests.integration.lifecycle import Scenario

SECRET = "secreto-compartido-de-prueba-0123456789"


def _webservice(sys_: System, code: str = "SUBTEL") -> None:
    with sys_.db.writing() as s:
        agency = s.get(Agency, code)
        assert agency is not None
        agency.channel, agency.endpoint_url, agency.secret = "webservice", "http://127.0.0.1:9/x", SECRET
        agency.ack_days, agency.answer_days = 2, 10


def _callback(sys_: System, scn: Scenario, event: dict[str, object]) -> derivation_callbacks.CallbackResult:
    with sys_.db.writing() as s:
        d = s.execute(select(Derivation).where(Derivation.case_id == scn.case().id)).scalars().all()[-1]
        body = json.dumps({**event, "derivation_id": d.id}).encode()
        stamp = str(int(scn.clock.now.timestamp()))
        auth = derivation_callbacks.Credentials(
            derivation_callbacks.sign_callback(SECRET, d.id, stamp, body), stamp
        )
        return derivation_callbacks.receive_event(s, sys_.store, d.id, body, auth, scn.clock.now)


def test_a_reclamo_is_derived_instead_of_forwarded(sys_: System, clock: Clock) -> None:
    _webservice(sys_)
    scn = Scenario(sys_, clock, complaint(subject="Internet cortado", provider={"name": "Telefónica Demo"}))
    scn.do("trasladar", {"medio_traslado": "derivar", "agencia": "SUBTEL", "nota_traslado": "Falla de red."})
    case = scn.case()
    assert case.stage == "derivacion" and case.due_on is not None
    assert scn.letters() == ["comprobante_ingreso"]  # no traslado letter to the company
    assert "derivation_chosen" in scn.events() and "forwarded" not in scn.events()
    _callback(sys_, scn, {"event_id": "a", "type": "acknowledged", "reference": "ST-1"})
    result = _callback(
        sys_, scn, {"event_id": "b", "type": "answered", "result": "resolved", "text": "Repuesto."}
    )
    assert result.derivation_status == "answered"
    assert (scn.case().status, scn.case().outcome) == ("closed", "DERIVADO")


def test_missing_acknowledgement_and_answer_escalate(sys_: System, clock: Clock) -> None:
    _webservice(sys_)
    scn = Scenario(sys_, clock, complaint(kind="inquiry", subject="Internet cortado"))
    scn.do(
        "proponer_cierre", {"accion": "derivar", "agencia": "SUBTEL", "respuesta": "Materia de la SUBTEL."}
    )
    scn.clock.now = datetime(2024, 9, 24, 9, 0, tzinfo=CHILE)  # ack plazo: 2 días hábiles → 23-09
    assert fire_due_timers(sys_.db, sys_.store, scn.clock.now).fired == 1
    assert any(u == "sup13" and "no acusó recibo" in m for u, m in scn.notifications())
    _callback(sys_, scn, {"event_id": "a", "type": "acknowledged"})  # late, still accepted
    scn.clock.now = datetime(2024, 10, 8, 9, 0, tzinfo=CHILE)  # 12 días hábiles after 13-09 → 07-10
    fire_due_timers(sys_.db, sys_.store, scn.clock.now)
    breaches = [e.summary for e in scn.log_entries("deadline_breach")]
    assert any("no respondió la derivación" in b for b in breaches)
    assert any("plazo de la derivación venció" in b for b in breaches)
    assert "revisar_atraso_derivacion" in scn.open_elements()


def test_a_returned_derivation_goes_back_to_the_platform(sys_: System, clock: Clock) -> None:
    _webservice(sys_)
    scn = Scenario(sys_, clock, complaint(kind="inquiry"))
    scn.do(
        "proponer_cierre", {"accion": "derivar", "agencia": "SUBTEL", "respuesta": "Materia de la SUBTEL."}
    )
    _callback(
        sys_, scn, {"event_id": "r", "type": "answered", "result": "returned", "reason": "No es telecom."}
    )
    case = scn.case()
    assert (case.status, case.stage) == ("open", "consulta")
    assert scn.open_elements() == ["proponer_cierre"]
    assert any("No es telecom." in m for _, m in scn.notifications())


def test_a_registry_process_missing_from_the_case_version_is_refused(sys_: System, clock: Clock) -> None:
    _webservice(sys_)
    with sys_.db.writing() as s:
        s.get(Agency, "SUBTEL").process = "derivacion_que_no_existe"  # type: ignore[union-attr]
    scn = Scenario(sys_, clock, complaint(kind="inquiry"))
    before = snapshot(sys_, scn.folio)
    with pytest.raises(ScriptFailed, match="derivacion_que_no_existe"):
        scn.do(
            "proponer_cierre",
            {"accion": "derivar", "agencia": "SUBTEL", "respuesta": "Materia de la SUBTEL."},
        )
    assert snapshot(sys_, scn.folio) == before
