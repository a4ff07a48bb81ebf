"""The bandeja (inbox): my tasks and my platform's/region's unclaimed ones, filtered and paginated."""

from __future__ import annotations

from collections.abc import Mapping

from flask import Blueprint, current_app, render_template, request
from sqlalchemy.orm import Session

from engine.clock import utcnow
from engine.errors import EngineError
from engine.labels import CHANNELS, KINDS, STAGES
from engine.services.cases import kind_labels
from engine.services.inbox import COUNT_CAP, DUE_STATES, InboxQuery, inbox
from engine.system import System

from ..auth import current_actor

bp = Blueprint("inbox", __name__)
DUE_LABELS = {"en_plazo": "En plazo", "por_vencer": "Por vencer", "fuera_de_plazo": "Fuera de plazo"}
TABS = {"all": "Todas", "mine": "Mis tareas", "unclaimed": "Sin tomar"}


def _system() -> System:
    return current_app.extensions["ventanilla"]  # type: ignore[no-any-return]


def shown(n: int, cap: int = COUNT_CAP) -> str:
    """A count as the bandeja prints it: '1.234' style, or 'más de 1.000' when only the cap is known."""
    if n > cap:
        return "más de " + f"{cap:,}".replace(",", ".")
    return f"{n:,}".replace(",", ".")


def _query(kinds: Mapping[str, str]) -> InboxQuery:
    args = request.args
    page = args.get("page", "1")
    return InboxQuery(
        tab=args.get("tab", "all") if args.get("tab") in TABS else "all",
        kind=args.get("kind") if args.get("kind") in kinds else None,
        stage=args.get("stage") if args.get("stage") in STAGES else None,
        channel=args.get("channel") if args.get("channel") in CHANNELS else None,
        due=args.get("due") if args.get("due") in DUE_STATES else None,
        platform=(args.get("platform") or "").strip()[:20] or None,
        search=(args.get("q") or "").strip()[:80] or None,
        page=int(page) if page.isdigit() and 0 < int(page) < 100_000 else 1,
    )


def _kinds(s: Session) -> Mapping[str, str]:
    """Case kinds in words: consulta, reclamo ... and the processes that are not consumer cases."""
    try:
        return kind_labels(_system().store.latest(s))
    except EngineError:  # nothing published yet: the consumer kinds only
        return KINDS


@bp.get("/bandeja")
def index() -> str:
    """The inbox page; with htmx only the results table is re-rendered when filters change."""
    with _system().db.reading() as s:
        kinds = _kinds(s)
        q = _query(kinds)
        page = inbox(s, current_actor(), q, utcnow())
    template = "inbox/_results.html" if request.headers.get("HX-Request") else "inbox/index.html"
    return render_template(
        template,
        page=page,
        q=q,
        tabs=TABS,
        kinds=kinds,
        stages=STAGES,
        channels=CHANNELS,
        due_labels=DUE_LABELS,
        args=request.args,
        shown=shown,
    )
