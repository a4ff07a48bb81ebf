"""Letters go out through a real SMTP server on loopback (aiosmtpd) with UTF-8 subjects and attachments."""

from __future__ import annotations

import pytest

from engine import letters, mail, pdf
from tests.conftest import ROOT
from tests.smtp import REFUSED_DOMAIN, Inbox, free_port


def letter_attachment() -> tuple[str, bytes, str]:
    """The consumer's letter as PDF, or as .docx where LibreOffice is not installed."""
    template = (ROOT / "letter_templates" / "respuesta_consumidor.docx").read_bytes()
    docx = letters.render(template, letters.SAMPLE_CONTEXT)
    if pdf.libreoffice():
        return "2026-000123-respuesta_consumidor.pdf", pdf.to_pdf(docx), "application/pdf"
    docx_mime = "application/vnd.openxmlformats-officedocument.wordprocessingml.document"
    return "2026-000123-respuesta_consumidor.docx", docx, docx_mime


def test_a_letter_is_delivered_with_its_attachment(smtp: tuple[mail.MailSettings, Inbox]) -> None:
    settings, inbox = smtp
    name, body, mime = letter_attachment()
    subject = "Respuesta a su reclamo — caso 2026-000123: información"
    mail.send_mail(
        settings,
        ["ana.ejemplo@correo.cl"],
        subject,
        "Adjuntamos la carta.\nAtentamente,",
        [(name, body, mime)],
    )
    [(recipients, message)] = inbox.received
    assert recipients == ["ana.ejemplo@correo.cl"]
    assert message["Subject"] == subject
    assert message["To"] == "ana.ejemplo@correo.cl"
    assert "no-responder@ventanilla.local" in message["From"]
    text = message.get_body(preferencelist=("plain",))
    assert text is not None
    assert text.get_content().startswith("Adjuntamos la carta.")
    [attachment] = list(message.iter_attachments())
    assert attachment.get_filename() == name
    assert attachment.get_content_type() == mime
    assert attachment.get_content() == body


def test_an_unreachable_server_is_reported() -> None:
    settings = mail.MailSettings(host="127.0.0.1", port=free_port(), timeout=5)
    with pytest.raises(mail.MailFailed) as err:
        mail.send_mail(settings, ["ana.ejemplo@correo.cl"], "Prueba", "Hola")
    assert err.value.status == 502
    assert "no se pudo conectar con el servidor de correo" in err.value.detail


def test_a_recipient_refused_by_the_server_is_reported(smtp: tuple[mail.MailSettings, Inbox]) -> None:
    settings, inbox = smtp
    with pytest.raises(mail.RecipientsRefused) as err:  # a wrong address (550), not a failing server
        mail.send_mail(settings, [f"nadie@{REFUSED_DOMAIN}"], "Prueba", "Hola")
    assert f"nadie@{REFUSED_DOMAIN}" in err.value.detail and err.value.status == 422
    assert inbox.received == []


@pytest.mark.parametrize(
    "address", ["", "ana", "ana@", "ana@correo", "ana @correo.cl", "a@b.cl\nBcc: x@y.cl"]
)
def test_a_malformed_address_is_refused_before_connecting(address: str) -> None:
    settings = mail.MailSettings(host="127.0.0.1", port=free_port(), timeout=5)  # nothing listens there
    with pytest.raises(mail.AddressInvalid) as err:  # the caller's mistake: 422, not a failing server
        mail.send_mail(settings, [address], "Prueba", "Hola")
    assert "no se pudo conectar" not in err.value.detail and err.value.status == 422


def test_settings_come_from_the_environment() -> None:
    env = {
        "SMTP_HOST": "smtp.ejemplo.cl",
        "SMTP_PORT": "587",
        "SMTP_USER": "ventanilla",
        "SMTP_STARTTLS": "sí",
    }
    settings = mail.MailSettings.from_env(env)
    assert (settings.host, settings.port, settings.username, settings.starttls) == (
        "smtp.ejemplo.cl",
        587,
        "ventanilla",
        True,
    )
    assert settings.sender == mail.MailSettings().sender
    with pytest.raises(mail.MailFailed):
        mail.MailSettings.from_env({"SMTP_PORT": "veinticinco"})
