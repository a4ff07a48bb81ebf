"""Migrating open cases between versions: the dry run gives per-case verdicts with the reason; performing
it moves exactly the safe cases (logged with both versions) and a migrated case then runs on the new
version. SQLite and PostgreSQL, every step in its own transaction (state reloaded from the database)."""

from __future__ import annotations

import json
from datetime import datetime

import pytest
from sqlalchemy import select

from engine.access import Actor
from engine.clock import CHILE
from engine.errors import FormInvalid
from engine.models import Case, Instance, LogEntry
from engine.services.timers import fire_due_timers
from engine.services.workbench import drafts, migration, publishing
from engine.system import System
from tests.conftest import Clock, complaint
from tests.integration.helpers import only_task, open_case, snapshot
from tests.integration.lifecycle import Scenario

ANALYST = Actor("analista", "analista")


def publish(sys_: System, now: datetime, edits: dict[str, tuple[bytes, bytes]]) -> int:
    """Edit draft files (old → new text) and publish them as a new version; returns its id."""
    with sys_.db.writing() as s:
        files = drafts.draft_files(s, ANALYST.username, now)
        for path, (old, new) in edits.items():
            assert old in files[path], path
            drafts.put_file(s, ANALYST.username, path, files[path].replace(old, new), now)
        return publishing.publish_draft(s, ANALYST.username, "cambios de prueba", now).version


def version_of(sys_: System, folio: str) -> int:
    with sys_.db.reading() as s:
        return int(
            s.execute(
                select(Instance.version_id).join(Case, Case.id == Instance.case_id).where(Case.folio == folio)
            ).scalar_one()
        )


def migrated_entries(sys_: System, folio: str) -> list[LogEntry]:
    with sys_.db.reading() as s:
        return list(
            s.execute(
                select(LogEntry)
                .join(Case, Case.id == LogEntry.case_id)
                .where(Case.folio == folio, LogEntry.event == "migrated")
            ).scalars()
        )


def _form_with_new_field(body: bytes) -> bytes:
    form = json.loads(body)
    form["properties"]["fuente"] = {"type": "string", "title": "Fuente de la orientación"}
    form["required"].append("fuente")
    return json.dumps(form, ensure_ascii=False, indent=2).encode()


ANSWER = {"accion": "responder", "medio_respuesta": "carta", "respuesta": "Puede exigir la garantía legal."}


def test_dry_run_then_migrate_moves_exactly_the_safe_cases(sys_: System, clock: Clock) -> None:
    consulta = Scenario(sys_, clock, complaint(kind="inquiry"))
    reclamo = Scenario(sys_, clock, complaint())
    simple = open_case(sys_, complaint(), Actor("eje13", "ejecutivo", "DR13", "13"), clock.now).folio
    with sys_.db.writing() as s:
        original = drafts.draft_files(s, ANALYST.username, clock.now)["forms/respuesta_consulta.json"]
    v2 = publish(
        sys_,
        clock.now,
        {
            "processes/caso.bpmn": (b"plazo_dias = 25\n", b"plazo_dias = 20\n"),
            "forms/respuesta_consulta.json": (original, _form_with_new_field(original)),
            "processes/caso_simple.bpmn": (b"gestionar_caso", b"gestionar"),
        },
    )
    before = {f: snapshot(sys_, f) for f in (consulta.folio, reclamo.folio, simple)}

    dry = migration.run_migration(sys_.db, sys_.store, 1, v2, ANALYST, clock.now, dry_run=True)
    verdicts = {v.folio: v for v in dry.verdicts}
    assert dry.migrated == 0 and set(verdicts) == {consulta.folio, reclamo.folio, simple}
    assert verdicts[consulta.folio].safe and verdicts[consulta.folio].reason is None
    assert not verdicts[reclamo.folio].safe
    assert (
        verdicts[reclamo.folio].reason
        == "el elemento ya recorrido 'plazo_reclamo' (caso) cambió en la versión 2"
    )
    assert (
        verdicts[simple].reason
        == "la tarea en curso «Gestionar caso» (gestionar_caso) no existe en la versión 2"
    )
    assert {f: snapshot(sys_, f) for f in before} == before  # a dry run changes nothing

    done = migration.run_migration(sys_.db, sys_.store, 1, v2, ANALYST, clock.now, dry_run=False)
    assert done.migrated == 1
    assert [v.folio for v in done.verdicts if v.safe] == [consulta.folio]
    assert {f: version_of(sys_, f) for f in before} == {consulta.folio: 2, reclamo.folio: 1, simple: 1}
    assert snapshot(sys_, reclamo.folio) == before[reclamo.folio]
    assert snapshot(sys_, simple) == before[simple]
    [entry] = migrated_entries(sys_, consulta.folio)
    assert entry.data == {"from": 1, "to": 2} and entry.actor == "analista"
    assert entry.summary == "Caso migrado de la versión 1 a la versión 2 de los procesos"
    assert migrated_entries(sys_, reclamo.folio) == []

    # the migrated consulta now runs on version 2: its open task asks for the new field
    with pytest.raises(FormInvalid) as err:
        consulta.do("proponer_cierre", ANSWER, days=1)
    assert [e.field for e in err.value.errors] == ["fuente"]
    consulta.do("proponer_cierre", {**ANSWER, "fuente": "Ley 19.496"})
    consulta.do("visar_cierre", {"decision": "aprobar"}, by="sup13")
    assert (consulta.case().status, consulta.case().outcome) == ("closed", "CONSULTA RESPONDIDA")
    assert "respuesta_consulta" in consulta.letters()

    again = migration.run_migration(sys_.db, sys_.store, 1, v2, ANALYST, clock.now, dry_run=False)
    assert again.migrated == 0 and consulta.folio not in {v.folio for v in again.verdicts}


def test_a_reclamo_in_its_call_activity_migrates_and_runs_like_its_twin(sys_: System, clock: Clock) -> None:
    """A reclamo migrated while its stage (a call activity) runs behaves step by step like a twin that
    stayed on version 1, timers included, and shows the new version's task names."""
    scn, twin = Scenario(sys_, clock, complaint()), Scenario(sys_, clock, complaint())
    v2 = publish(
        sys_,
        clock.now,
        {
            "processes/etapa_reclamo.bpmn": (
                b'name="Registrar la respuesta del proveedor"',
                b'name="Registrar la respuesta de la empresa"',
            )
        },
    )
    result = migration.run_migration(
        sys_.db, sys_.store, 1, v2, ANALYST, clock.now, dry_run=False, folios=[scn.folio, "2099-999999"]
    )
    assert result.migrated == 1
    assert result.verdicts[-1] == migration.Verdict(
        "2099-999999", False, "no es un caso abierto en la versión 1"
    )
    assert (version_of(sys_, scn.folio), version_of(sys_, twin.folio)) == (2, 1)
    both = (scn, twin)

    def fire(*when: int) -> int:
        clock.now = datetime(*when, tzinfo=CHILE)
        return fire_due_timers(sys_.db, sys_.store, clock.now).fired

    for case in both:
        case.do("trasladar", {"medio_traslado": "carta"})
    assert fire(2024, 10, 3, 9) == 2  # the company's plazo, on each case
    assert scn.open_elements() == twin.open_elements() == ["enviar_recordatorio"]
    for case in both:
        case.do("enviar_recordatorio", {"medio_recordatorio": "carta"})
    assert only_task(sys_, scn.folio, "registrar_respuesta").name == "Registrar la respuesta de la empresa"
    assert only_task(sys_, twin.folio, "registrar_respuesta").name == "Registrar la respuesta del proveedor"
    fire(2024, 10, 17, 12)  # the 80 % warning of each case
    assert "deadline_warning" in scn.events() and "deadline_warning" in twin.events()
    assert fire(2024, 10, 18, 9) == 2
    assert scn.open_elements() == twin.open_elements() == ["proponer_cierre_nr"]
    for case in both:
        case.do("proponer_cierre_nr", {"accion": "cerrar", "resumen_cierre": "El proveedor no respondió."})
        case.do("visar_cierre", {"decision": "aprobar"}, by="sup13")
    assert (scn.case().status, scn.case().outcome) == ("closed", "PROVEEDOR NO RESPONDE")
    assert scn.letters() == twin.letters()
    assert [e for e in scn.events() if e != "migrated"] == twin.events()


def test_a_reclamo_waiting_for_the_company_migrates_and_still_catches_its_answer(
    sys_: System, clock: Clock
) -> None:
    """Migrated while it waits at an event-based gateway (company message, its plazo timer, the manual
    registration), the case still catches the company's digital answer like a twin on version 1."""
    from tests.integration.helpers import deliver

    scn, twin = Scenario(sys_, clock, complaint()), Scenario(sys_, clock, complaint())
    for case in (scn, twin):
        case.do("trasladar", {"medio_traslado": "portal"})
    v2 = publish(
        sys_,
        clock.now,
        {
            "processes/etapa_reclamo.bpmn": (
                b'name="Respuesta digital del proveedor"',
                b'name="Respuesta digital"',
            )
        },
    )
    moved = migration.run_migration(
        sys_.db, sys_.store, 1, v2, ANALYST, clock.now, dry_run=False, folios=[scn.folio]
    )
    assert moved.migrated == 1 and (version_of(sys_, scn.folio), version_of(sys_, twin.folio)) == (2, 1)
    for case in (scn, twin):
        deliver(
            sys_, case.folio, "respuesta_proveedor", {"resultado": "acoge", "texto": "Anulamos."}, clock.now
        )
    assert scn.open_elements() == twin.open_elements() == ["proponer_cierre"]
    scn.do(
        "proponer_cierre",
        {"accion": "cerrar", "outcome": "PROVEEDOR ACOGE", "resumen_cierre": "El proveedor anula el cargo."},
    )
    scn.do("visar_cierre", {"decision": "aprobar"}, by="sup13")
    assert (scn.case().status, scn.case().outcome) == ("closed", "PROVEEDOR ACOGE")
    assert "Anulamos." in scn.letter_texts()["respuesta_consumidor"]
