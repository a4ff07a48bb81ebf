"""A complaint end to end through the services on SQLite and PostgreSQL; each step reloads from the DB."""

from __future__ import annotations

from datetime import date

import pytest

from engine.errors import CaseNotFound, Conflict, FormInvalid, TaskNotReady
from engine.services import cases
from tests.conftest import ACTORS, Clock, complaint
from tests.integration.helpers import complete, deliver, detail, only_task, open_case, snapshot

EJE, SUP5 = ACTORS["eje13"], ACTORS["sup05"]


def test_complaint_runs_to_closure_with_one_log(sys_, clock: Clock) -> None:
    summary = open_case(sys_, complaint(), EJE, clock.now)
    assert summary.folio.startswith("2024-")
    assert (summary.stage, summary.status, summary.due_status) == ("reclamo", "open", "en_plazo")
    # 25 días hábiles from Friday 13-09-2024 in RM, skipping 18, 19 and 20 September
    assert summary.due_on == date(2024, 10, 23)

    task = only_task(sys_, summary.folio, "gestionar_caso")
    complete(
        sys_,
        task.id,
        {"accion": "registrar_gestion", "nota": "Llamé al proveedor"},
        EJE,
        clock.advance(days=1),
    )
    task = only_task(sys_, summary.folio, "gestionar_caso")
    complete(
        sys_,
        task.id,
        {"accion": "solicitar_respuesta", "nota": "Traslado enviado"},
        EJE,
        clock.advance(days=1),
    )
    assert not [t for t in detail(sys_, summary.folio, EJE, clock.now).open_tasks]
    deliver(
        sys_, summary.folio, "respuesta_proveedor", {"texto": "Devolveremos el cobro"}, clock.advance(days=2)
    )
    task = only_task(sys_, summary.folio, "gestionar_caso")
    complete(
        sys_,
        task.id,
        {"accion": "cerrar", "nota": "Proveedor acoge", "outcome": "PROVEEDOR ACOGE"},
        EJE,
        clock.advance(days=1),
    )

    file = detail(sys_, summary.folio, EJE, clock.now)
    assert (file.summary.status, file.summary.outcome) == ("closed", "PROVEEDOR ACOGE")
    events = [e.event for e in file.log]
    assert events[0] == "intake"
    assert events.count("task_completed") == 3
    assert "message_received" in events and events[-1] == "closed"
    completed = [e for e in file.log if e.event == "task_completed"]
    assert completed[0].data["nota"] == "Llamé al proveedor" and completed[0].actor == "eje13"


def test_bad_form_data_names_fields_and_changes_nothing(sys_, clock: Clock) -> None:
    folio = open_case(sys_, complaint(), EJE, clock.now).folio
    task = only_task(sys_, folio, "gestionar_caso")
    before = snapshot(sys_, folio)
    with pytest.raises(FormInvalid) as err:
        complete(sys_, task.id, {"accion": "cerrar", "nota": ""}, EJE, clock.now)
    assert {e.field for e in err.value.errors} == {"nota", "outcome"}
    assert snapshot(sys_, folio) == before


def test_completing_twice_is_refused_the_second_time(sys_, clock: Clock) -> None:
    folio = open_case(sys_, complaint(), EJE, clock.now).folio
    task = only_task(sys_, folio, "gestionar_caso")
    complete(sys_, task.id, {"accion": "registrar_gestion", "nota": "Primera gestión"}, EJE, clock.now)
    before = snapshot(sys_, folio)
    with pytest.raises(TaskNotReady):
        complete(sys_, task.id, {"accion": "registrar_gestion", "nota": "Otra vez"}, EJE, clock.now)
    assert snapshot(sys_, folio) == before


def test_intake_rules_live_in_the_form(sys_, clock: Clock) -> None:
    with pytest.raises(FormInvalid) as err:
        open_case(sys_, complaint(channel="phone", platform="CC"), EJE, clock.now)
    assert any(e.field == "kind" and "solo consultas" in e.message for e in err.value.errors)
    bad_rut = complaint()
    bad_rut["consumer"] = {**bad_rut["consumer"], "rut": "12.345.678-9"}
    with pytest.raises(FormInvalid) as err:
        open_case(sys_, bad_rut, EJE, clock.now)
    assert [e.field for e in err.value.errors] == ["consumer.rut"]


def test_a_case_of_another_platform_is_not_found(sys_, clock: Clock) -> None:
    folio = open_case(sys_, complaint(), EJE, clock.now).folio
    with pytest.raises(CaseNotFound):
        detail(sys_, folio, SUP5, clock.now)
    assert detail(sys_, folio, ACTORS["sup13"], clock.now).summary.folio == folio
    assert detail(sys_, folio, ACTORS["central"], clock.now).summary.folio == folio


def test_public_status_needs_the_right_rut(sys_, clock: Clock) -> None:
    folio = open_case(sys_, complaint(), EJE, clock.now).folio
    with sys_.db.writing() as s:
        status = cases.public_status(s, folio, "12345678-5", clock.now)
    assert status.stage == "reclamo" and status.events
    assert all("eje13" not in text for _, text in status.events)
    with sys_.db.writing() as s, pytest.raises(CaseNotFound):
        cases.public_status(s, folio, "11.111.111-1", clock.now)


def test_a_message_nobody_waits_for_is_a_conflict(sys_, clock: Clock) -> None:
    folio = open_case(sys_, complaint(), EJE, clock.now).folio
    before = snapshot(sys_, folio)
    with pytest.raises(Conflict):
        deliver(sys_, folio, "respuesta_proveedor", {"texto": "?"}, clock.now)
    assert snapshot(sys_, folio) == before
