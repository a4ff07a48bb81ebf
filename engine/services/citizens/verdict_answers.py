"""The consumer's answer to "¿Se resolvió su problema?": recorded once within its plazo and handed to the
case waiting for it (a "no" after the company's committed date reopens it). Apart from ``verdicts``, which
the step path uses to ask, because answering moves a case through the step path itself."""

from __future__ import annotations

from datetime import datetime

from sqlalchemy import select
from sqlalchemy.orm import Session

from ... import caselog, deadlines
from ...caselog import LogEvent
from ...errors import Conflict, FieldError, FormInvalid
from ...models import Case, Verdict
from ...store import CatalogStore
from .. import messages
from . import CITIZEN
from .verdicts import ANSWERS, MESSAGE, VerdictClosed, VerdictView, view_of


def _checked(resolved: str, rating: int | None, comment: str) -> None:
    problems = []
    if resolved not in ANSWERS:
        problems.append(FieldError("resuelto", "Indique si se resolvió su problema: sí, en parte o no."))
    if rating is not None and not 1 <= rating <= 5:
        problems.append(FieldError("nota", "La nota va de 1 a 5."))
    if len(comment) > 2000:
        problems.append(FieldError("comentario", "El comentario puede tener hasta 2.000 caracteres."))
    if problems:
        raise FormInvalid(problems)


def answer(
    s: Session,
    store: CatalogStore,
    verdict_id: int,
    resolved: str,
    rating: int | None,
    comment: str,
    now: datetime,
) -> VerdictView:
    """Record the consumer's answer (once, within its plazo) and hand it to the waiting case."""
    _checked(resolved, rating, comment)
    found = s.execute(
        select(Verdict, Case).join(Case).where(Verdict.id == verdict_id).with_for_update()
    ).first()
    if found is None:
        raise VerdictClosed("no encontramos esa consulta")
    row, case = found
    if row.answered_at is not None or deadlines.local_date(now) > row.valid_until:
        raise VerdictClosed("esta consulta ya fue respondida o venció su plazo")
    row.answered_at, row.resolved, row.rating, row.comment = now, resolved, rating, comment or None
    text = f"El consumidor respondió si se resolvió su problema: {ANSWERS[resolved]}"
    text += f" (nota {rating})" if rating else ""
    caselog.append_log(
        s, case.id, [LogEvent("verdict", text, actor="ciudadano", channel="web", public=True)], now
    )
    try:
        payload = {"resuelto": resolved, "nota": rating, "comentario": comment}
        messages.deliver_message(s, store, case.folio or "", MESSAGE, payload, CITIZEN, now)
    except Conflict:
        pass  # the case no longer waits (its process changed): the answer is kept and counted all the same
    row.reopened = case.status == "open"
    return view_of(row, case)
