"""Derivation by oficio (SQLite and PostgreSQL): the letter is generated, e-mailed to the agency's contact by
the outbox through a real SMTP server on loopback, staff register acknowledgement and answer by hand; a
missing acknowledgement escalates to the region's supervisor; a returned case goes back to the platform."""

from __future__ import annotations

from datetime import datetime

import pytest
from sqlalchemy import select

from engine.clock import CHILE
from engine.errors import FormInvalid
from engine.mail import MailSettings
from engine.models import Agency, DerivationDelivery
from engine.services import derivation_outbox, derivations
from engine.services.timers import fire_due_timers
from engine.system import System
from tests.conftest import Clock, complaint
from tests.integration.helpers import only_task
from tests.integration.lifecycle import Scenario
from tests.smtp import Inbox

CONTACT = "oficina.partes@sp.invalid"
DERIVE = {"accion": "derivar", "agencia": "SP", "respuesta": "Consulta sobre retiro de fondos de la AFP."}


def _oficio_agency(sys_: System) -> None:
    with sys_.db.writing() as s:
        agency = s.get(Agency, "SP")
        assert agency is not None and agency.channel == "oficio"  # seeded from agencies.csv
        agency.contact_email, agency.ack_days, agency.answer_days = CONTACT, 2, 10


def test_oficio_is_mailed_acknowledged_and_answered_by_hand(
    sys_: System, clock: Clock, smtp: tuple[MailSettings, Inbox]
) -> None:
    settings, inbox = smtp
    _oficio_agency(sys_)
    scn = Scenario(sys_, clock, complaint(kind="inquiry", subject="Retiro de fondos AFP"))
    scn.do("proponer_cierre", DERIVE)
    assert scn.letters() == ["comprobante_ingreso", "oficio_derivacion"]
    oficio = scn.letter_texts()["oficio_derivacion"]
    assert "Superintendencia de Pensiones" in oficio and "retiro de fondos" in oficio
    assert inbox.received == []
    report = derivation_outbox.send_due(sys_.db, clock.now, derivation_outbox.OutboxSettings(mail=settings))
    assert report.sent == 1
    [(to, message)] = inbox.received
    assert to == [CONTACT] and scn.folio in str(message["Subject"])
    [attached] = list(message.iter_attachments())
    assert attached.get_filename() == f"{scn.folio}-oficio_derivacion.docx"
    assert scn.open_elements() == ["registrar_acuse"]

    scn.clock.now = datetime(
        2024, 9, 24, 9, 0, tzinfo=CHILE
    )  # 2 días hábiles after Friday 13-09 (Fiestas Patrias)
    assert fire_due_timers(sys_.db, sys_.store, scn.clock.now).fired == 1
    assert any(u == "sup13" and "no acusó recibo" in m for u, m in scn.notifications())
    assert "deadline_breach" in scn.events() and scn.open_elements() == ["registrar_acuse"]

    scn.do("registrar_acuse", {"fecha_acuse": "2024-09-24", "referencia_institucion": "SP-2024-9"})
    scn.do(
        "registrar_respuesta_institucion",
        {"resultado_derivacion": "devuelta", "motivo_devolucion": "Corresponde a la AFP directamente."},
    )
    case = scn.case()
    assert (case.status, case.stage) == ("open", "consulta")
    task = only_task(sys_, scn.folio, "proponer_cierre")
    assert task.context == {"motivo_devolucion": "Corresponde a la AFP directamente."}
    assert "derivation_returned" in scn.events() and "derivation_back" in scn.events()

    scn.do("proponer_cierre", {**DERIVE, "respuesta": "Se vuelve a derivar con más antecedentes."})
    derivation_outbox.send_due(sys_.db, scn.clock.now, derivation_outbox.OutboxSettings(mail=settings))
    assert len(inbox.received) == 2
    scn.do("registrar_acuse", {"fecha_acuse": "2024-09-25"})
    scn.do(
        "registrar_respuesta_institucion",
        {"resultado_derivacion": "respondida", "respuesta_institucion_texto": "La SP instruyó a la AFP."},
    )
    case = scn.case()
    assert (case.status, case.outcome) == ("closed", "DERIVADO")
    assert "La SP instruyó a la AFP." in scn.letter_texts()["respuesta_derivacion"]


def test_an_oficio_agency_without_contact_is_refused_and_one_losing_it_fails_into_an_incident(
    sys_: System, clock: Clock
) -> None:
    scn = Scenario(sys_, clock, complaint(kind="inquiry"))
    with pytest.raises(FormInvalid) as refused:  # SP has no contact e-mail in the seeded registry
        scn.do("proponer_cierre", DERIVE)
    assert refused.value.errors[0].message == derivations.NO_WAY
    _oficio_agency(sys_)
    scn.do("proponer_cierre", DERIVE)
    with sys_.db.writing() as s:  # its address is removed after the derivation was queued
        agency = s.get(Agency, "SP")
        assert agency is not None
        agency.contact_email = None
    settings = derivation_outbox.OutboxSettings(max_attempts=2)
    derivation_outbox.send_due(sys_.db, clock.now, settings)
    clock.advance(minutes=1)
    report = derivation_outbox.send_due(sys_.db, clock.now, settings)
    assert (report.failed, report.incidents) == (1, 1)
    with sys_.db.reading() as s:
        row = s.execute(select(DerivationDelivery)).scalar_one()
    assert row.status == "failed" and "correo de contacto" in (row.last_error or "")
