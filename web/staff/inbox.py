"""The bandeja (inbox): my tasks and my platform's/region's unclaimed ones, filtered and paginated."""

from __future__ import annotations

from flask import Blueprint, render_template, request

from engine.labels import CHANNELS, STAGES
from engine.services.bandeja import bandeja
from engine.services.inbox import COUNT_CAP, DUE_STATES, InboxQuery

from .. import context
from ..auth import current_actor

bp = Blueprint("inbox", __name__)
DUE_LABELS = {"en_plazo": "En plazo", "por_vencer": "Por vencer", "fuera_de_plazo": "Fuera de plazo"}
TABS = {"all": "Todas", "mine": "Mis tareas", "unclaimed": "Sin tomar"}


def shown(n: int, cap: int = COUNT_CAP) -> str:
    """A count as the bandeja prints it: '1.234' style, or 'más de 1.000' when only the cap is known."""
    if n > cap:
        return "más de " + f"{cap:,}".replace(",", ".")
    return f"{n:,}".replace(",", ".")


def _query() -> InboxQuery:
    """The filters as asked (the kind is checked against the catalog by the service)."""
    args = request.args
    page = args.get("page", "1")
    return InboxQuery(
        tab=args.get("tab", "all") if args.get("tab") in TABS else "all",
        kind=args.get("kind") or None,
        stage=args.get("stage") if args.get("stage") in STAGES else None,
        channel=args.get("channel") if args.get("channel") in CHANNELS else None,
        due=args.get("due") if args.get("due") in DUE_STATES else None,
        platform=(args.get("platform") or "").strip()[:20] or None,
        market=(args.get("market") or "").strip()[:40] or None,
        motive=(args.get("motive") or "").strip()[:40] or None,
        search=(args.get("q") or "").strip()[:80] or None,
        page=int(page) if page.isdigit() and 0 < int(page) < 100_000 else 1,
    )


@bp.get("/bandeja")
def index() -> str:
    """The inbox page; with htmx only the results table is re-rendered when filters change."""
    system = context.system()
    with system.db.reading() as s:
        found = bandeja(s, system.store, current_actor(), _query(), context.now())
    template = "inbox/_results.html" if request.headers.get("HX-Request") else "inbox/index.html"
    return render_template(
        template,
        page=found.page,
        q=found.query,
        tabs=TABS,
        kinds=found.kinds,
        markets=found.markets,
        motives=found.motives,
        platforms=found.platforms,
        stages=STAGES,
        channels=CHANNELS,
        due_labels=DUE_LABELS,
        args=request.args,
        shown=shown,
    )
