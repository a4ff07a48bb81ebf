"""Gestiones: what staff did for an open case outside its tasks (a call, an e-mail, a meeting, a note),
written to its bitácora with the channel it went through."""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass
from datetime import datetime

from sqlalchemy.orm import Session

from .. import caselog
from ..access import Actor, find_case
from ..errors import Conflict, FieldError, Forbidden, FormInvalid
from ..labels import CHANNELS

KINDS: Mapping[str, str] = {"llamada": "Llamada", "correo": "Correo", "reunion": "Reunión", "nota": "Nota"}
MAX_TEXT = 2000


@dataclass(frozen=True)
class GestionView:
    folio: str
    kind: str
    channel: str
    text: str
    at: datetime
    by: str


def _problems(kind: str, text: str, channel: str) -> list[FieldError]:
    problems = []
    if kind not in KINDS:
        problems.append(FieldError("kind", f"Tipo de gestión: elija una de {', '.join(KINDS.values())}."))
    if not text.strip():
        problems.append(FieldError("text", "Detalle: describa la gestión."))
    elif len(text) > MAX_TEXT:
        problems.append(FieldError("text", f"Detalle: use a lo más {MAX_TEXT} caracteres."))
    if channel not in CHANNELS:
        problems.append(FieldError("channel", f"Canal: elija uno de {', '.join(CHANNELS.values())}."))
    return problems


def add_gestion(
    s: Session, folio: str, actor: Actor, kind: str, text: str, channel: str, now: datetime
) -> GestionView:
    """Log a gestión on an open case in the actor's scope. FormInvalid for a bad kind, text or channel;
    Forbidden for a read-only profile; Conflict once the case is closed (nothing is written)."""
    case = find_case(s, folio, actor)
    if actor.read_only:
        raise Forbidden("su perfil es de solo lectura")
    problems = _problems(kind, text, channel)
    if problems:
        raise FormInvalid(
            problems, "Revise los campos: " + ", ".join(p.message.split(":")[0] for p in problems)
        )
    if case.status == "closed":
        raise Conflict(f"el caso {folio} está cerrado: no admite gestiones")
    text = text.strip()
    entry = caselog.LogEvent(
        "gestion",
        f"{KINDS[kind]}: {text}"[:300],
        actor=actor.username,
        role=actor.role,
        channel=channel,
        data={"kind": kind, "text": text},
    )
    caselog.append_log(s, case.id, [entry], now)
    return GestionView(folio, kind, channel, text, now, actor.username)
