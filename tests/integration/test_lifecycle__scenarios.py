"""The case lifecycle (SPEC §4) as scenarios on the shipped BPMN, with an injected clock, on SQLite and
PostgreSQL. Every step runs in its own transaction and reloads the case from the database (save/restore)."""

from __future__ import annotations

from datetime import date

import pytest

from engine.clock import CHILE
from engine.services.tasks import FourEyes
from engine.services.timers import fire_due_timers
from tests.conftest import Clock, complaint
from tests.integration.lifecycle import Scenario

CLOSE = {
    "accion": "cerrar",
    "outcome": "PROVEEDOR ACOGE",
    "resumen_cierre": "El proveedor devolverá el cobro.",
}
APPROVE = {"decision": "aprobar"}


def fire(scn: Scenario, y: int, m: int, d: int, hh: int = 9) -> int:
    from datetime import datetime

    scn.clock.now = datetime(y, m, d, hh, 0, tzinfo=CHILE)
    return fire_due_timers(scn.sys.db, scn.sys.store, scn.clock.now).fired


def test_consulta_answered_on_day_three(sys_, clock: Clock) -> None:
    scn = Scenario(sys_, clock, complaint(kind="inquiry"))
    assert scn.case().stage == "consulta" and scn.case().due_on == date(2024, 9, 25)
    scn.do(
        "proponer_cierre",
        {
            "accion": "responder",
            "medio_respuesta": "carta",
            "respuesta": "Puede exigir la garantía legal de seis meses.",
        },
        days=5,
    )
    assert scn.case().status == "pending_approval"
    assert scn.open_elements() == ["visar_cierre"]
    scn.do("visar_cierre", APPROVE, by="sup13")
    case = scn.case()
    assert (case.status, case.outcome, case.stage) == ("closed", "CONSULTA RESPONDIDA", "cerrado")
    assert scn.letters() == ["comprobante_ingreso", "respuesta_consulta"]
    assert "garantía legal de seis meses" in scn.letter_texts()["respuesta_consulta"]
    assert "approval_approved" in scn.events() and scn.events()[-1] == "closed"


def test_reclamo_answered_returned_corrected_approved(sys_, clock: Clock) -> None:
    scn = Scenario(sys_, clock, complaint())
    assert scn.case().due_on == date(2024, 10, 23)  # 25 días hábiles skipping Fiestas Patrias
    scn.do("trasladar", {"medio_traslado": "correo", "contacto_proveedor": "reclamos@tienda.cl"}, days=1)
    scn.do(
        "registrar_respuesta",
        {"resultado_proveedor": "acoge", "respuesta_proveedor_texto": "Devolvemos."},
        days=4,
    )
    scn.do("proponer_cierre", CLOSE, hours=2)
    scn.do(
        "visar_cierre",
        {"decision": "devolver", "observaciones_visacion": "Falta indicar el monto."},
        by="sup13",
        hours=3,
    )
    assert scn.case().status == "open" and scn.open_elements() == ["proponer_cierre"]
    reopened = scn.file(by="eje13").open_tasks
    from tests.integration.helpers import only_task

    task = only_task(sys_, scn.folio, "proponer_cierre")
    assert task.context == {
        "observaciones_visacion": "Falta indicar el monto.",
        "resultado_proveedor": "acoge",
        "respuesta_proveedor_texto": "Devolvemos.",
    }
    assert reopened
    scn.do("proponer_cierre", {**CLOSE, "resumen_cierre": "El proveedor devolverá $25.990."}, hours=1)
    scn.do("visar_cierre", APPROVE, by="sup13", hours=1)
    case = scn.case()
    assert (case.status, case.outcome) == ("closed", "PROVEEDOR ACOGE")
    assert scn.letters() == [
        "comprobante_ingreso",
        "traslado_proveedor",
        "respuesta_consumidor",
        "respuesta_consumidor",
    ]
    from engine.services.reports import approval_returns
    from tests.conftest import ACTORS

    with sys_.db.reading() as s:
        assert approval_returns(s, ACTORS["sup13"]) == [("eje13", 1)]
        assert approval_returns(s, ACTORS["sup05"]) == []
    returned = scn.log_entries("approval_returned")
    assert len(returned) == 1 and returned[0].data["cierre_propuesto_por"] == "eje13"
    assert returned[0].data["observaciones_visacion"] == "Falta indicar el monto."


def test_company_never_answers(sys_, clock: Clock) -> None:
    scn = Scenario(sys_, clock, complaint())
    scn.do("trasladar", {"medio_traslado": "carta"})  # Friday 13-09-2024: 10 días hábiles → 02-10-2024
    assert fire(scn, 2024, 10, 2, 20) == 0
    assert fire(scn, 2024, 10, 3) == 1
    assert scn.open_elements() == ["enviar_recordatorio"]
    scn.do("enviar_recordatorio", {"medio_recordatorio": "carta"})
    assert scn.open_elements() == ["registrar_respuesta"]
    fire(scn, 2024, 10, 17, 12)  # second plazo: 10 días hábiles from 03-10 → 17-10-2024 (80 % warning fires)
    assert scn.open_elements() == ["registrar_respuesta"] and "deadline_warning" in scn.events()
    assert fire(scn, 2024, 10, 18) == 1
    assert scn.open_elements() == ["proponer_cierre_nr"]
    scn.do("proponer_cierre_nr", {"accion": "cerrar", "resumen_cierre": "El proveedor no respondió."})
    scn.do("visar_cierre", APPROVE, by="sup13")
    case = scn.case()
    assert (case.status, case.outcome) == ("closed", "PROVEEDOR NO RESPONDE")
    assert scn.letters() == [
        "comprobante_ingreso",
        "traslado_proveedor",
        "recordatorio_proveedor",
        "cierre_no_respuesta",
    ]
    assert scn.events().count("provider_deadline") == 2
    texts = scn.letter_texts()
    assert "02-10-2024" in texts["recordatorio_proveedor"]  # the expired first plazo


def test_consulta_to_reclamo_to_judicial_keeps_folio_and_log(sys_, clock: Clock) -> None:
    scn = Scenario(sys_, clock, complaint(kind="inquiry"))
    folio = scn.folio
    scn.do(
        "proponer_cierre",
        {"accion": "escalar_reclamo", "respuesta": "Requiere mediación con la empresa."},
        days=4,
    )
    case = scn.case()
    assert (case.folio, case.stage, case.kind) == (folio, "reclamo", "complaint")
    assert case.due_on == date(2024, 10, 25)  # a new plazo: 25 días hábiles from Tuesday 17-09
    scn.do("trasladar", {"medio_traslado": "portal"})
    scn.do(
        "registrar_respuesta", {"resultado_proveedor": "no_acoge", "respuesta_proveedor_texto": "No procede."}
    )
    scn.do(
        "proponer_cierre", {"accion": "etapa_judicial", "resumen_cierre": "Se presentará denuncia al JPL."}
    )
    assert scn.case().stage == "judicial" and scn.open_elements() == ["preparar_denuncia"]
    scn.do(
        "preparar_denuncia",
        {
            "juzgado": "1er Juzgado de Policía Local de Santiago",
            "hechos_denuncia": "Cobro indebido no restituido pese al reclamo.",
            "fecha_presentacion": "2024-09-20",
        },
        by="abo13",
    )
    scn.do(
        "registrar_audiencia",
        {"fecha_audiencia": "2024-10-15", "resumen_audiencia": "Comparecen ambas partes."},
        by="abo13",
    )
    scn.do(
        "proponer_cierre",
        {
            "outcome": "SENTENCIA FAVORABLE",
            "fecha_sentencia": "2024-11-05",
            "resumen_sentencia": "Se condena al proveedor a restituir.",
        },
        by="abo13",
    )
    scn.do("visar_cierre", APPROVE, by="sup13")
    case = scn.case()
    assert (case.folio, case.status, case.outcome) == (folio, "closed", "SENTENCIA FAVORABLE")
    events = scn.events()
    assert events.count("escalated") == 2 and events.count("intake") == 1
    assert scn.letters() == [
        "comprobante_ingreso",
        "cambio_etapa",
        "traslado_proveedor",
        "presentacion_judicial",
        "respuesta_consumidor",
    ]


def test_the_proposer_cannot_approve_their_own_closure(sys_, clock: Clock) -> None:
    scn = Scenario(sys_, clock, complaint(kind="inquiry"), by="sup13")
    scn.do(
        "proponer_cierre",
        {
            "accion": "responder",
            "medio_respuesta": "telefono",
            "respuesta": "Se orientó por teléfono sobre la garantía.",
        },
        by="sup13",
    )
    with pytest.raises(FourEyes):
        scn.do("visar_cierre", APPROVE, by="sup13")
    assert scn.case().status == "pending_approval"
    scn.do("visar_cierre", APPROVE, by="abo13")
    assert scn.case().status == "closed"
    assert scn.letters() == ["comprobante_ingreso"]  # phone answer: no letter


def test_deadline_warning_then_breach_escalates_without_stopping_work(sys_, clock: Clock) -> None:
    scn = Scenario(sys_, clock, complaint(kind="inquiry"))
    # plazo 5 días hábiles from 13-09-2024 → 25-09; 80 % = 4 días hábiles → 24-09 at 08:00
    assert fire(scn, 2024, 9, 24, 7) == 0
    assert fire(scn, 2024, 9, 24, 9) == 1
    assert scn.file().summary.due_status == "por_vencer"
    warning = f"Caso {scn.folio} por vencer: el plazo de consulta vence el 25-09-2024"
    assert scn.notifications() == [("eje13", warning), ("eje13b", warning)]  # nobody holds it: the platform
    assert fire(scn, 2024, 9, 26) == 1
    assert scn.open_elements() == ["proponer_cierre", "revisar_atraso_consulta"]
    assert scn.file().summary.due_status == "fuera_de_plazo"
    assert {u for u, _ in scn.notifications()} == {"eje13", "eje13b", "sup13"}
    scn.do(
        "proponer_cierre",
        {"accion": "responder", "medio_respuesta": "correo", "respuesta": "Respuesta tardía."},
    )
    scn.do(
        "revisar_atraso_consulta",
        {"accion_correctiva": "contactar_ejecutivo", "observacion": "Se conversó."},
        by="sup13",
    )
    scn.do("visar_cierre", APPROVE, by="sup13")
    assert scn.case().status == "closed"
    assert {"deadline_warning", "deadline_breach", "deadline_reviewed"} <= set(scn.events())


def test_transfer_across_regions_moves_the_work_and_keeps_everything(sys_, clock: Clock) -> None:
    from engine.errors import CaseNotFound
    from engine.services.transfers import transfer_case
    from tests.conftest import ACTORS

    scn = Scenario(sys_, clock, complaint())
    scn.do("trasladar", {"medio_traslado": "correo"})
    with sys_.db.writing() as s:
        moved = transfer_case(
            s,
            sys_.store,
            scn.folio,
            ACTORS["sup13"],
            "El consumidor se mudó a Valparaíso",
            clock.advance(days=1),
            to_user="eje05",
        )
    assert (moved.platform_code, moved.region_code) == ("DR05", "05")
    task = scn.file(by="eje05").open_tasks[0]
    assert (task.element_id, task.assignee) == ("registrar_respuesta", "eje05")
    with pytest.raises(CaseNotFound):
        scn.file(by="eje13")
    transfer = scn.log_entries("transfer")[0]
    assert transfer.data["from"] == {"platform": "DR13", "region": "13"}
    assert transfer.data["reason"] == "El consumidor se mudó a Valparaíso"
    scn.do(
        "registrar_respuesta",
        {"resultado_proveedor": "acoge", "respuesta_proveedor_texto": "Acogemos."},
        by="eje05",
    )
    scn.do("proponer_cierre", CLOSE, by="eje05")
    scn.do("visar_cierre", APPROVE, by="sup05")
    assert scn.case().status == "closed" and scn.case().folio == moved.folio
    assert scn.events()[0] == "intake" and "transfer" in scn.events()
    assert (
        "eje05",
        f"Se le traspasó el caso {scn.folio}: El consumidor se mudó a Valparaíso",
    ) in scn.notifications()


def test_deadline_crosses_fiestas_patrias_and_a_regional_holiday(sys_, clock: Clock) -> None:
    from datetime import datetime

    from engine.access import Actor
    from tests.integration.helpers import open_case

    kiosk = Actor("kiosko", "sistema", channel="web")
    clock.now = datetime(2024, 9, 17, 10, 0, tzinfo=CHILE)  # Tuesday before 18, 19 and 20 September
    rm = open_case(sys_, complaint(kind="inquiry"), kiosk, clock.now, process="caso")
    assert rm.due_on == date(2024, 9, 27)  # 23, 24, 25, 26, 27: the three holidays and the weekend skipped
    clock.now = datetime(2024, 8, 16, 10, 0, tzinfo=CHILE)  # Friday; 20-08 is a holiday in Ñuble only
    nuble = open_case(sys_, complaint(kind="inquiry", platform="DR16"), kiosk, clock.now, process="caso")
    santiago = open_case(sys_, complaint(kind="inquiry"), kiosk, clock.now, process="caso")
    assert (nuble.due_on, santiago.due_on) == (date(2024, 8, 26), date(2024, 8, 23))
    scn = Scenario.__new__(Scenario)
    scn.sys, scn.clock, scn.folio = sys_, clock, nuble.folio
    # by 26-08 evening: Santiago's warning (22-08) and breach (end of 23-08), Ñuble's warning (23-08)
    assert fire(scn, 2024, 8, 26, 20) == 3
    assert "deadline_warning" in scn.events() and "deadline_breach" not in scn.events()
    assert fire(scn, 2024, 8, 27, 9) == 1  # Ñuble's breach, one business day later than Santiago's
    assert "deadline_breach" in scn.events()


def test_no_consumo_is_oriented_and_closed(sys_, clock: Clock) -> None:
    scn = Scenario(sys_, clock, complaint(kind="out_of_scope"))
    assert scn.case().stage == "no_consumo"
    scn.do(
        "proponer_cierre",
        {
            "orientacion": "Su caso corresponde a la Inspección del Trabajo.",
            "institucion_sugerida": "Dirección del Trabajo",
            "medio_respuesta": "correo",
        },
    )
    scn.do(
        "visar_cierre",
        {"decision": "devolver", "observaciones_visacion": "Agregue la dirección de la oficina."},
        by="sup13",
    )
    assert scn.open_elements() == ["proponer_cierre"]
    scn.do(
        "proponer_cierre",
        {
            "orientacion": "Diríjase a la Inspección del Trabajo, Agustinas 1253.",
            "institucion_sugerida": "Dirección del Trabajo",
            "medio_respuesta": "correo",
        },
    )
    scn.do("visar_cierre", APPROVE, by="sup13")
    assert (scn.case().status, scn.case().outcome) == ("closed", "NO CONSUMO")
    texts = scn.letter_texts()
    assert "Agustinas 1253" in texts["orientacion_no_consumo"]
    assert scn.letters().count("orientacion_no_consumo") == 2


def test_digital_answer_from_the_company_reaches_the_waiting_reclamo(sys_, clock: Clock) -> None:
    from tests.integration.helpers import deliver

    scn = Scenario(sys_, clock, complaint())
    scn.do("trasladar", {"medio_traslado": "portal"})
    deliver(
        sys_,
        scn.folio,
        "respuesta_proveedor",
        {"resultado": "acoge", "texto": "Anulamos el cargo."},
        clock.advance(days=2),
    )
    assert scn.open_elements() == ["proponer_cierre"]
    task_context = scn.file(by="eje13").open_tasks
    assert task_context and "provider_answered" in scn.events()
    scn.do("proponer_cierre", CLOSE)
    scn.do("visar_cierre", APPROVE, by="sup13")
    assert "Anulamos el cargo." in scn.letter_texts()["respuesta_consumidor"]
