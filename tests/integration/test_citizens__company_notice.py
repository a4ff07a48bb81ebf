"""Companies hear of it at once: forwarding a reclamo e-mails the company's registered contact (real SMTP on
loopback) with the deadline and a link to its portal; the company's figures count it."""

from __future__ import annotations

from engine import mail
from engine.services import providers
from engine.services.citizens import company_notice, mailer
from tests.conftest import Clock, complaint
from tests.integration.lifecycle import Scenario
from tests.smtp import Inbox


def test_a_forwarded_reclamo_reaches_the_company_by_e_mail(
    sys_, clock: Clock, smtp: tuple[mail.MailSettings, Inbox]
) -> None:  # type: ignore[no-untyped-def]
    settings, inbox = smtp
    with sys_.db.writing() as s:
        providers.add_provider(s, "76.086.428-5", "Tienda Demo Ltda.", clock.now, email="reclamos@tienda.cl")
    scn = Scenario(sys_, clock, complaint())
    scn.do("trasladar", {"medio_traslado": "correo", "contacto_proveedor": "otro@tienda.cl"}, days=1)
    assert mailer.send_due(sys_.db, settings, clock.now).sent == 1
    [(to, message)] = inbox.received
    text = message.get_content()
    assert to == ["reclamos@tienda.cl"] and scn.folio in str(message["Subject"])
    assert "Plazo para responder: hasta el" in text and f"/empresa/reclamos/{scn.folio}" in text
    assert [e.data["to"] for e in scn.log_entries("company_notified")] == ["reclamos@tienda.cl"]
    with sys_.db.reading() as s:
        figures = company_notice.figures(s, "76086428-5")
    assert (figures.received, figures.answered, figures.verdicts.asked) == (1, 0, 0)
