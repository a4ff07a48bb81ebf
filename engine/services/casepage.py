"""The case page in one read: the case file, its attachments, its derivations and the agencies to offer."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime

from sqlalchemy import select
from sqlalchemy.orm import Session

from ..access import Actor, find_case
from ..models import Platform, User
from ..roles import CASE_STAFF
from ..store import CatalogStore
from . import agencies, attachments, casefile, derivations
from .cases import CaseDetail

Choice = tuple[str, str]  # (code, label) of an option in a form's select


@dataclass(frozen=True)
class CaseFile:
    """Everything the staff's case page shows; ``agencies`` are the derivation form's choices."""

    page: casefile.CasePage
    attachments: list[attachments.AttachmentView]
    derivations: list[derivations.DerivationView]
    agencies: tuple[Choice, ...]
    platforms: tuple[Choice, ...] = ()  # where the case may be transferred, by name
    colleagues: tuple[Choice, ...] = ()  # staff of the case's region who may take it (username, name)


def transfer_choices(s: Session, region: str) -> tuple[tuple[Choice, ...], tuple[Choice, ...]]:
    """The platforms (every one: a case may change region) and the active case staff, those of the case's
    region first."""
    platforms = s.execute(select(Platform.code, Platform.name).order_by(Platform.name)).all()
    people = s.execute(
        select(User.username, User.full_name, User.region_code, Platform.name, Platform.region_code)
        .outerjoin(Platform, Platform.code == User.platform_code)
        .where(User.active.is_(True), User.role.in_(CASE_STAFF))
        .order_by(User.full_name, User.username)
    ).all()
    ranked = sorted(people, key=lambda p: (region not in (p[2], p[4]), p[3] or "", p[1] or p[0]))
    return (
        tuple((code, name) for code, name in platforms),
        tuple(
            (u, f"{name or u} ({u}) · {where or 'región ' + (own or '')}")
            for u, name, own, where, _ in ranked
        ),
    )


def agency_choices(s: Session, detail: CaseDetail) -> tuple[Choice, ...]:
    """The active agencies of the registry by name, those the case's subject suggests first (and marked)."""
    rows = agencies.list_agencies(s, active_only=True)
    rank = {code: i for i, code in enumerate(agencies.suggest(s, f"{detail.subject} {detail.description}"))}
    rows.sort(key=lambda a: (rank.get(a.code, len(rank)), a.name))
    return tuple((a.code, f"{a.name} (sugerida)" if a.code in rank else a.name) for a in rows)


def case_file(s: Session, store: CatalogStore, folio: str, actor: Actor, now: datetime) -> CaseFile:
    """The case page of ``folio`` as ``actor`` sees it (CaseNotFound outside the actor's scope): one look-up
    of the folio, one read transaction (the caller's)."""
    case = find_case(s, folio, actor)
    page = casefile.page_of(s, store, case, actor, now)
    platforms, colleagues = transfer_choices(s, case.region_code)
    return CaseFile(
        page,
        attachments.attachments_of(s, case),
        derivations.case_derivations(s, case.id),
        agency_choices(s, page.detail),
        platforms,
        colleagues,
    )


def open_task(
    s: Session, store: CatalogStore, folio: str, task_id: str, actor: Actor, now: datetime
) -> casefile.TaskForm | None:
    """The open task ``task_id`` of the case with its form, as the case page shows it; None once closed."""
    page = casefile.case_page(s, store, folio, actor, now)
    return next((t for t in page.tasks if t.id == task_id), None)
