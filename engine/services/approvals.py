"""The visación queue: closures awaiting a supervisor's or lawyer's approval, with the letter to sign."""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass
from typing import Any

from sqlalchemy import func, select
from sqlalchemy.orm import Session

from ..access import Actor, task_scope
from ..models import Case, Document, HumanTask

APPROVAL_FORM = "visacion"  # the queue lists the open tasks whose form is the visación form
QUEUE_LIMIT = 200


@dataclass(frozen=True)
class Pending:
    """One closure waiting for approval, and the case's latest letter (what the approver signs)."""

    task_id: str
    folio: str
    consumer: str
    provider: str | None
    context: Mapping[str, Any]
    letter_id: int | None
    letter_title: str | None


def _latest_letters(s: Session, case_ids: list[int]) -> dict[int, tuple[int, str]]:
    """{case id: (id, title) of its newest document} for the cases that have one."""
    newest = (
        select(Document.case_id, func.max(Document.id).label("doc_id"))
        .where(Document.case_id.in_(case_ids))
        .group_by(Document.case_id)
        .subquery()
    )
    rows = s.execute(
        select(newest.c.case_id, Document.id, Document.title).join(Document, Document.id == newest.c.doc_id)
    )
    return {case_id: (doc_id, title) for case_id, doc_id, title in rows}


def pending_closures(s: Session, actor: Actor) -> list[Pending]:
    """The open visación tasks in the actor's scope, oldest first (at most QUEUE_LIMIT)."""
    rows = s.execute(
        select(HumanTask, Case)
        .join(Case, Case.id == HumanTask.case_id)
        .where(HumanTask.status == "open", HumanTask.form_id == APPROVAL_FORM, task_scope(actor))
        .order_by(HumanTask.created_at)
        .limit(QUEUE_LIMIT)
    ).all()
    letters = _latest_letters(s, [c.id for _, c in rows])
    return [
        Pending(
            t.id,
            c.folio or "",
            c.consumer_name,
            c.provider_name,
            dict(t.context or {}),
            *letters.get(c.id, (None, None)),
        )
        for t, c in rows
    ]
