"""The consumer's verdict: a closed reclamo asks the consumer by e-mail (real SMTP on loopback) with a link
valid 20 días hábiles; "no" after the company's committed date reopens the reclamo (same folio, logged) to
its ejecutivo as compromiso incumplido; "no" before it, or "sí", does not; an unanswered question expires and
is counted as not answered, never as resolved."""

from __future__ import annotations

import re
from datetime import datetime

from sqlalchemy import select

from engine import mail
from engine.models import Case, Instance
from engine.services.citizens import mailer, verdict_answers, verdicts
from engine.services.timers import fire_due_timers
from tests.conftest import Clock, complaint
from tests.integration.lifecycle import Scenario
from tests.integration.test_lifecycle__scenarios import APPROVE, CLOSE
from tests.smtp import Inbox


def closed_reclamo(sys_, clock: Clock, promised: str | None) -> Scenario:  # type: ignore[no-untyped-def]
    scn = Scenario(sys_, clock, complaint())
    scn.do("trasladar", {"medio_traslado": "correo", "contacto_proveedor": "reclamos@tienda.cl"}, days=1)
    answer = {"resultado_proveedor": "acoge", "respuesta_proveedor_texto": "Devolveremos el cobro duplicado."}
    if promised:
        answer["fecha_cumplimiento"] = promised
    scn.do("registrar_respuesta", answer, days=1)
    scn.do("proponer_cierre", CLOSE, hours=2)
    scn.do("visar_cierre", APPROVE, by="sup13", hours=1)
    return scn


def verdict_id(sys_, folio: str) -> int:  # type: ignore[no-untyped-def]
    with sys_.db.reading() as s:
        case_id = s.execute(select(Case.id).where(Case.folio == folio)).scalar_one()
        found = verdicts.pending_for(s, case_id, datetime(2024, 9, 20).date())
    assert found is not None
    return found


def answer(sys_, clock: Clock, folio: str, resolved: str) -> verdicts.VerdictView:  # type: ignore[no-untyped-def]
    vid = verdict_id(sys_, folio)
    with sys_.db.writing() as s:
        return verdict_answers.answer(s, sys_.store, vid, resolved, 2, "No me devolvieron nada.", clock.now)


def test_no_after_the_committed_date_reopens_the_reclamo(
    sys_, clock: Clock, smtp: tuple[mail.MailSettings, Inbox]
) -> None:  # type: ignore[no-untyped-def]
    settings, inbox = smtp
    scn = closed_reclamo(sys_, clock, "2024-09-18")
    assert scn.case().status == "closed"
    assert mailer.send_due(sys_.db, settings, clock.now).sent == 2  # the company's notice and the question
    [(to, message)] = [(t, m) for t, m in inbox.received if "¿Se resolvió" in str(m["Subject"])]
    link = re.search(r"/portal/veredicto/(\S+)", message.get_content())
    assert to == ["ana@ejemplo.cl"] and link
    with sys_.db.reading() as s:
        assert verdicts.by_token(s, link.group(1)) is not None
    clock.advance(days=7)  # Friday 27-09, after the committed 18-09
    view = answer(sys_, clock, scn.folio, "no")
    case = scn.case()
    assert view.reopened and (case.folio, case.status, case.stage) == (scn.folio, "open", "reclamo")
    assert case.outcome == "COMPROMISO INCUMPLIDO"
    assert scn.open_elements() == ["gestionar_incumplimiento"]
    [reopened] = scn.log_entries("reopened")
    assert "compromiso incumplido" in reopened.summary and reopened.public
    scn.do(
        "gestionar_incumplimiento",
        {"resultado_incumplimiento": "cumplido", "gestion_incumplimiento": "Devolvió."},
    )
    case = scn.case()
    assert (case.status, case.outcome) == ("closed", "COMPROMISO CUMPLIDO TRAS REAPERTURA")


def test_no_before_the_date_or_yes_keep_it_closed_and_the_answer_counts_once(sys_, clock: Clock) -> None:  # type: ignore[no-untyped-def]
    early = closed_reclamo(sys_, clock, "2024-12-31")
    assert not answer(sys_, clock, early.folio, "no").reopened and early.case().status == "closed"
    happy = closed_reclamo(sys_, clock, None)
    assert not answer(sys_, clock, happy.folio, "si").reopened
    with sys_.db.reading() as s:
        assert verdicts.figures(s) == verdicts.VerdictFigures(2, 2, 0, 1, 0, 1, 0, 2.0)


def test_an_unanswered_question_expires_and_is_not_counted_as_resolved(sys_, clock: Clock) -> None:  # type: ignore[no-untyped-def]
    scn = closed_reclamo(sys_, clock, "2024-09-18")
    clock.advance(days=40)
    fire_due_timers(sys_.db, sys_.store, clock.now)
    with sys_.db.reading() as s:
        case_id = s.execute(select(Case.id).where(Case.folio == scn.folio)).scalar_one()
        assert s.get(Instance, case_id).completed
        figures = verdicts.figures(s)
    assert (figures.asked, figures.answered, figures.not_answered, figures.resolved) == (1, 0, 1, 0)
