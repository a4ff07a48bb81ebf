"""The development mail catcher: an SMTP server on loopback (aiosmtpd) that keeps every message it receives
as an .eml file, and reads them back for the /correo page. Never started in production."""

from __future__ import annotations

import email
import re
import socket
from dataclasses import dataclass
from datetime import datetime
from email.message import EmailMessage
from email.policy import default
from email.utils import parsedate_to_datetime
from pathlib import Path
from typing import Any

from .errors import NotFound

_NAME = re.compile(r"\d{8}T\d{6}-\d{6}-[0-9a-f]{8}\.eml")


class _Keep:
    """aiosmtpd handler: each message becomes one file, named so that names sort by arrival."""

    def __init__(self, folder: Path) -> None:
        self.folder = folder

    async def handle_DATA(self, server: Any, session: Any, envelope: Any) -> str:
        import secrets

        stamp = datetime.now().strftime("%Y%m%dT%H%M%S-%f")  # a file name, not a case time
        (self.folder / f"{stamp}-{secrets.token_hex(4)}.eml").write_bytes(envelope.original_content)
        return "250 Mensaje guardado por el buzón de desarrollo"


class MailCatcher:
    """A local SMTP server for development; ``port`` 0 picks a free one."""

    def __init__(self, folder: Path, port: int = 0) -> None:
        self.folder = folder
        self.port = port or _free_port()
        self._controller: Any = None

    def start(self) -> None:
        """Listen on 127.0.0.1 only (nothing leaves the machine)."""
        from aiosmtpd.controller import Controller

        self.folder.mkdir(parents=True, exist_ok=True)
        self._controller = Controller(_Keep(self.folder), hostname="127.0.0.1", port=self.port)
        self._controller.start()

    def stop(self) -> None:
        """Stop listening (the stored messages stay)."""
        if self._controller is not None:
            self._controller.stop()
            self._controller = None


def _free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return int(sock.getsockname()[1])


@dataclass(frozen=True)
class CaughtMail:
    """One caught message as the list and the message page show it."""

    id: str
    sender: str
    to: str
    subject: str
    sent_at: datetime | None
    body: str
    attachments: list[tuple[str, str, int]]  # file name, MIME type, bytes


def _load(path: Path) -> EmailMessage:
    msg = email.message_from_bytes(path.read_bytes(), policy=default)
    return msg if isinstance(msg, EmailMessage) else EmailMessage()


def _parse(path: Path) -> CaughtMail:
    msg = _load(path)
    text = msg.get_body(preferencelist=("plain", "html"))
    files = [
        (part.get_filename() or "adjunto", part.get_content_type(), len(part.get_payload(decode=True) or b""))
        for part in msg.iter_attachments()
    ]
    try:
        sent_at = parsedate_to_datetime(str(msg["Date"])) if msg["Date"] else None
    except (TypeError, ValueError):
        sent_at = None
    return CaughtMail(
        path.name.removesuffix(".eml"),
        str(msg["From"] or ""),
        str(msg["To"] or ""),
        str(msg["Subject"] or "(sin asunto)"),
        sent_at,
        text.get_content() if text is not None else "",
        files,
    )


def list_mail(folder: Path, limit: int = 200) -> list[CaughtMail]:
    """The caught messages, newest first."""
    if not folder.is_dir():
        return []
    names = sorted((p for p in folder.iterdir() if _NAME.fullmatch(p.name)), reverse=True)
    return [_parse(p) for p in names[:limit]]


def read_mail(folder: Path, mail_id: str) -> CaughtMail:
    """One caught message by id (its file name without .eml); NotFound for anything else."""
    path = folder / f"{mail_id}.eml"
    if not _NAME.fullmatch(path.name) or not path.is_file():
        raise NotFound(f"no existe el correo {mail_id[:40]}")
    return _parse(path)


def attachment(folder: Path, mail_id: str, index: int) -> tuple[str, str, bytes]:
    """The index-th attachment of a caught message: file name, MIME type, bytes."""
    read_mail(folder, mail_id)  # checks the id
    parts = list(_load(folder / f"{mail_id}.eml").iter_attachments())
    if not 0 <= index < len(parts):
        raise NotFound("no existe ese adjunto")
    part = parts[index]
    payload = part.get_payload(decode=True)
    return (
        part.get_filename() or "adjunto",
        part.get_content_type(),
        payload if isinstance(payload, bytes) else b"",
    )
