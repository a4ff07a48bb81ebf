"""Outgoing e-mail over SMTP (letters to consumers and companies); every failure is a MailFailed."""

from __future__ import annotations

import os
import re
import smtplib
import ssl
from collections.abc import Mapping, Sequence
from dataclasses import dataclass, field
from email.message import EmailMessage
from email.utils import formatdate, make_msgid, parseaddr

from .errors import EngineError

# Basic shape only (one @, a dotted domain, no spaces or header separators); the server decides the rest.
_ADDRESS = re.compile(r"[^@\s<>,;:\"()\[\]]+@[^@\s<>,;:\"()\[\]]+\.[^@\s<>,;:\"()\[\].]+")
_TRUE = frozenset({"1", "true", "yes", "si", "sí", "on"})


class MailFailed(EngineError):
    """The e-mail was not sent: bad recipient, unreachable or refusing server."""

    status = 502
    type = "/problems/mail-failed"
    title = "No se pudo enviar el correo"


class AddressInvalid(MailFailed):
    """A recipient that is not an e-mail address: the caller's mistake, nothing was sent."""

    status = 422
    type = "/problems/mail-address-invalid"
    title = "Dirección de correo inválida"


class RecipientsRefused(MailFailed):
    """The server refused recipients (no such mailbox ...): the addresses are wrong, not the server."""

    status = 422
    type = "/problems/mail-recipients-refused"
    title = "El servidor de correo rechazó los destinatarios"


@dataclass(frozen=True)
class MailSettings:
    """Where and as whom Ventanilla sends e-mail."""

    host: str = "127.0.0.1"
    port: int = 25
    sender: str = "Ventanilla <no-responder@ventanilla.local>"
    username: str | None = None
    password: str | None = field(default=None, repr=False)
    starttls: bool = False
    timeout: float = 15

    @classmethod
    def from_env(cls, env: Mapping[str, str] | None = None) -> MailSettings:
        """Settings from SMTP_HOST, SMTP_PORT, SMTP_FROM, SMTP_USER, SMTP_PASSWORD, SMTP_STARTTLS."""
        env = os.environ if env is None else env
        default = cls()
        port = env.get("SMTP_PORT", "").strip()
        if port and not port.isdigit():
            raise MailFailed(f"SMTP_PORT debe ser un número de puerto, no «{port}»")
        return cls(
            host=env.get("SMTP_HOST") or default.host,
            port=int(port) if port else default.port,
            sender=env.get("SMTP_FROM") or default.sender,
            username=env.get("SMTP_USER") or None,
            password=env.get("SMTP_PASSWORD") or None,
            starttls=env.get("SMTP_STARTTLS", "").strip().lower() in _TRUE,
        )


def is_address(text: str) -> bool:
    """Whether ``text`` has the shape of one e-mail address (the server decides the rest)."""
    return len(text) <= 254 and _ADDRESS.fullmatch(text) is not None


def _recipients(to: Sequence[str]) -> list[str]:
    """The recipient addresses, stripped; AddressInvalid names the first malformed one."""
    if isinstance(to, str):
        to = [to]
    addresses = [a.strip() for a in to if a and a.strip()]
    if not addresses:
        raise AddressInvalid("indique al menos una dirección de correo electrónico de destino")
    for address in addresses:
        if len(address) > 254 or not _ADDRESS.fullmatch(address):
            raise AddressInvalid(f"la dirección de correo «{address[:254]}» no es válida")
    return addresses


def _message(
    settings: MailSettings,
    to: Sequence[str],
    subject: str,
    body: str,
    attachments: Sequence[tuple[str, bytes, str]],
) -> EmailMessage:
    """A UTF-8 message with its attachments (file name, bytes, MIME type)."""
    msg = EmailMessage()
    msg["From"] = settings.sender
    msg["To"] = ", ".join(to)
    msg["Subject"] = " ".join(subject.split())  # a line break in a header would start a new header
    msg["Date"] = formatdate(localtime=True)
    msg["Message-ID"] = make_msgid(domain=parseaddr(settings.sender)[1].rpartition("@")[2] or None)
    msg.set_content(body, charset="utf-8")
    for name, data, mime in attachments:
        maintype, _, subtype = mime.partition("/")
        if not maintype or not subtype:
            maintype, subtype = "application", "octet-stream"
        msg.add_attachment(data, maintype=maintype, subtype=subtype, filename=name)
    return msg


def _deliver(settings: MailSettings, msg: EmailMessage) -> dict[str, tuple[int, bytes]]:
    """One SMTP session: connect, STARTTLS and login when configured, send; returns refused recipients."""
    with smtplib.SMTP(settings.host, settings.port, timeout=settings.timeout) as smtp:
        if settings.starttls:
            smtp.starttls(context=ssl.create_default_context())
        if settings.username:
            smtp.login(settings.username, settings.password or "")
        return smtp.send_message(msg)


def _refusal(refused: Mapping[str, tuple[int, bytes]]) -> type[MailFailed]:
    """A permanent refusal (5xx) says the addresses are wrong; a temporary one (4xx) is the server's."""
    permanent = all(code >= 500 for code, _ in refused.values())
    return RecipientsRefused if permanent else MailFailed


def send_mail(
    settings: MailSettings,
    to: Sequence[str],
    subject: str,
    body: str,
    attachments: Sequence[tuple[str, bytes, str]] = (),
) -> None:
    """Send one e-mail with attachments; MailFailed says in Spanish why it was not sent."""
    recipients = _recipients(to)
    server = f"{settings.host}:{settings.port}"
    try:
        refused = _deliver(settings, _message(settings, recipients, subject, body, attachments))
    except smtplib.SMTPRecipientsRefused as err:
        raise _refusal(err.recipients)(
            f"el servidor de correo {server} rechazó los destinatarios: {', '.join(err.recipients)}"
        ) from err
    except smtplib.SMTPAuthenticationError as err:
        raise MailFailed(f"el servidor de correo {server} rechazó el usuario o la contraseña") from err
    except smtplib.SMTPException as err:  # before OSError: SMTPException is one of its subclasses
        raise MailFailed(f"el servidor de correo {server} respondió con un error: {err}") from err
    except OSError as err:
        reason = err.strerror or str(err) or type(err).__name__
        raise MailFailed(f"no se pudo conectar con el servidor de correo {server} ({reason})") from err
    if refused:
        raise _refusal(refused)(
            "el correo se envió a los demás destinatarios, pero el servidor rechazó: " + ", ".join(refused)
        )
