"""The ejecutivo's letters (issue 11): what staff typed reaches the letter, each letter has its own ORD.
number, the proposed recipient follows the letter's audience, the closing letter is e-mailed to the consumer,
and a closed case leaves no open task behind. SQLite and PostgreSQL, on the shipped content."""

from __future__ import annotations

from datetime import datetime

from sqlalchemy import func, select

from engine.clock import CHILE
from engine.models import Case, HumanTask, Timer
from engine.services import documents, providers
from engine.services.timers import fire_due_timers
from tests.conftest import ACTORS, Clock, complaint
from tests.integration.lifecycle import Scenario
from tests.smtp import Inbox

APPROVE = {"decision": "aprobar"}


def _register_company(sys_, clock: Clock) -> None:
    with sys_.db.writing() as s:
        providers.add_provider(s, "76.086.428-5", "Tienda Demo Ltda.", clock.now, email="reclamos@tienda.cl")


def _letters(scn: Scenario) -> list[documents.DocumentView]:
    with scn.sys.db.reading() as s:
        return documents.list_documents(s, scn.folio, ACTORS["sup13"])


def test_reclamo_letters_say_what_staff_wrote_have_own_numbers_and_recipients(
    sys_, clock: Clock, smtp: tuple[object, Inbox]
) -> None:
    settings, inbox = smtp
    sys_.mail = settings
    _register_company(sys_, clock)
    scn = Scenario(sys_, clock, complaint())
    scn.do(
        "trasladar",
        {"medio_traslado": "carta", "nota_traslado": "El consumidor adjunta la boleta N° 4471."},
        days=1,
    )
    scn.do(
        "registrar_respuesta",
        {"resultado_proveedor": "acoge", "respuesta_proveedor_texto": "Devolvemos el cobro."},
        days=2,
    )
    close = {"accion": "cerrar", "outcome": "PROVEEDOR ACOGE", "resumen_cierre": "Le devolverán $25.990."}
    scn.do("proponer_cierre", close, hours=2)
    scn.do("visar_cierre", {"decision": "devolver", "observaciones_visacion": "Falta el plazo."}, by="sup13")
    scn.do("proponer_cierre", {**close, "resumen_cierre": "Le devolverán $25.990 en 5 días."}, hours=1)
    scn.do("visar_cierre", APPROVE, by="sup13", hours=1)

    texts = scn.letter_texts()
    assert (
        "Antecedentes para el proveedor: El consumidor adjunta la boleta N° 4471."
        in texts["traslado_proveedor"]
    )
    assert "Le devolverán $25.990 en 5 días." in texts["respuesta_consumidor"]  # the newest of the two

    letters = _letters(scn)
    numbers = [d.number for d in letters]
    assert len(set(numbers)) == len(numbers) == 4
    assert numbers == ["1/2024", "2/2024", "3/2024", "4/2024"]  # region 13's series for 2024
    assert f"ORD. N° {numbers[1]}" in texts["traslado_proveedor"] and scn.folio not in numbers
    by_letter = {(d.letter_id, d.superseded): d for d in letters}
    assert by_letter[("traslado_proveedor", False)].recipient == "reclamos@tienda.cl"  # the registry
    assert by_letter[("respuesta_consumidor", False)].recipient == "ana@ejemplo.cl"
    assert ("respuesta_consumidor", True) in by_letter  # the first answer was replaced by the second

    sent = [(to, m) for to, m in inbox.received if "Respuesta consumidor" in str(m["Subject"])]
    assert len(sent) == 1 and sent[0][0] == ["ana@ejemplo.cl"]
    attached = [p.get_filename() for p in sent[0][1].iter_attachments()]
    assert attached and attached[0].startswith(f"{scn.folio}-respuesta_consumidor")
    mailed = scn.log_entries("mail_sent")
    assert len(mailed) == 1 and mailed[0].data["to"] == ["ana@ejemplo.cl"]


def test_closing_without_consumer_email_is_logged_and_sends_nothing(
    sys_, clock: Clock, smtp: tuple[object, Inbox]
) -> None:
    settings, inbox = smtp
    sys_.mail = settings
    consumer = {**complaint()["consumer"], "email": ""}
    consumer.pop("email")
    scn = Scenario(sys_, clock, complaint(kind="inquiry", consumer=consumer))
    scn.do(
        "proponer_cierre",
        {"accion": "responder", "medio_respuesta": "carta", "respuesta": "Puede exigir la garantía legal."},
    )
    scn.do("visar_cierre", APPROVE, by="sup13")
    assert scn.case().status == "closed"
    assert inbox.received == []
    assert len(scn.log_entries("closing_mail_skipped")) == 1


def test_ord_numbers_are_per_regional_office(sys_, clock: Clock) -> None:
    santiago = Scenario(sys_, clock, complaint())
    valparaiso = Scenario(sys_, clock, complaint(platform="DR05"), by="eje05")
    assert [d.number for d in _letters(santiago)] == ["1/2024"]
    with sys_.db.reading() as s:
        other = documents.list_documents(s, valparaiso.folio, ACTORS["sup05"])
    assert [d.number for d in other] == ["1/2024"]  # region 05 has its own series


def test_a_closed_case_leaves_no_open_task_nor_timer(sys_, clock: Clock) -> None:
    scn = Scenario(sys_, clock, complaint(kind="inquiry"))
    scn.clock.now = datetime(2024, 9, 26, 9, 0, tzinfo=CHILE)  # past the 5 días hábiles
    fire_due_timers(sys_.db, sys_.store, scn.clock.now)
    fire_due_timers(sys_.db, sys_.store, scn.clock.now)
    assert scn.open_elements() == ["proponer_cierre", "revisar_atraso_consulta"]
    scn.do(
        "proponer_cierre",
        {
            "accion": "responder",
            "medio_respuesta": "telefono",
            "respuesta": "Se le explicó la garantía legal.",
        },
    )
    scn.do("visar_cierre", APPROVE, by="sup13")
    assert scn.case().status == "closed"
    assert scn.open_elements() == []  # "Revisar caso fuera de plazo" went with the case
    with sys_.db.reading() as s:
        case_id = s.execute(select(Case.id).where(Case.folio == scn.folio)).scalar_one()
        open_tasks = (
            select(func.count())
            .select_from(HumanTask)
            .where(HumanTask.case_id == case_id, HumanTask.status == "open")
        )
        assert s.execute(open_tasks).scalar_one() == 0
        pending = (
            select(func.count()).select_from(Timer).where(Timer.case_id == case_id, Timer.status == "pending")
        )
        assert s.execute(pending).scalar_one() == 0


def test_the_derivation_oficio_proposes_the_agencys_address(sys_, clock: Clock) -> None:
    from engine.models import Agency

    with sys_.db.writing() as s:
        agency = s.get(Agency, "SP")
        assert agency is not None and agency.channel == "oficio"  # seeded from agencies.csv
        agency.contact_email = "oficina.partes@sp.invalid"
    scn = Scenario(sys_, clock, complaint(kind="inquiry", subject="Retiro de fondos AFP"))
    derive = {"accion": "derivar", "agencia": "SP", "respuesta": "Consulta sobre retiro de fondos de la AFP."}
    scn.do("proponer_cierre", derive)
    by_letter = {d.letter_id: d for d in _letters(scn)}
    assert by_letter["oficio_derivacion"].audience == "institucion"
    assert by_letter["oficio_derivacion"].recipient == "oficina.partes@sp.invalid"  # not the consumer's
    assert by_letter["comprobante_ingreso"].recipient == "ana@ejemplo.cl"
