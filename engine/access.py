"""Who sees which cases and tasks (SPEC §1): ejecutivos their platform, supervisors their region."""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

from sqlalchemy import ColumnElement, false, select, true
from sqlalchemy.orm import Session

from .errors import CaseNotFound
from .models import Case, HumanTask, Platform
from .roles import READ_ONLY, may_work

REGIONAL = frozenset({"supervisor", "abogado", "director_regional"})


@dataclass(frozen=True)
class Actor:
    """The authenticated person (or system) acting: what services need to know about them."""

    username: str
    role: str
    platform_code: str | None = None
    region_code: str | None = None
    channel: str | None = None
    provider_rut: str | None = None  # role proveedor: the company (canonical RUT) it acts for

    @property
    def read_only(self) -> bool:
        return self.role in READ_ONLY


SYSTEM = Actor("sistema", "sistema")


def _scope(actor: Actor, region: Any, platform: Any) -> ColumnElement[bool]:
    if actor.role == "nivel_central":
        return true()
    if actor.role in REGIONAL and actor.region_code:
        return region == actor.region_code  # type: ignore[no-any-return]
    if actor.role == "ejecutivo" and actor.platform_code:
        return platform == actor.platform_code  # type: ignore[no-any-return]
    return false()


def case_scope(actor: Actor) -> ColumnElement[bool]:
    """SQL filter of the cases an actor may see."""
    return _scope(actor, Case.region_code, Case.platform_code)


def platform_scope(actor: Actor) -> ColumnElement[bool]:
    """SQL filter of the platforms whose cases an actor may see (for the choices of a filter)."""
    return _scope(actor, Platform.region_code, Platform.code)


def task_scope(actor: Actor) -> ColumnElement[bool]:
    """SQL filter of the open tasks an actor may see (same scoping, on the task's projection)."""
    return _scope(actor, HumanTask.region_code, HumanTask.platform_code)


def sees_case(actor: Actor, case: Case) -> bool:
    """Python twin of case_scope for one loaded case."""
    if actor.role == "nivel_central":
        return True
    if actor.role in REGIONAL:
        return actor.region_code is not None and case.region_code == actor.region_code
    if actor.role == "ejecutivo":
        return actor.platform_code is not None and case.platform_code == actor.platform_code
    return False


def can_work(actor: Actor, task: HumanTask) -> bool:
    """Whether the actor may claim/complete this task: role fits the lane, task within scope."""
    if actor.read_only or not may_work(actor.role, task.role):
        return False
    if actor.role in REGIONAL:
        return task.region_code == actor.region_code
    return task.platform_code == actor.platform_code


def find_case(s: Session, folio: str, actor: Actor) -> Case:
    """The case with this folio (or, for an imported case, its old system's number) if the actor may see it;
    otherwise CaseNotFound (never a leak)."""
    case = s.execute(select(Case).where(Case.folio == folio, case_scope(actor))).scalar_one_or_none()
    if case is None:
        case = s.execute(select(Case).where(Case.legacy_ref == folio, case_scope(actor))).scalar_one_or_none()
    if case is None or not sees_case(actor, case):
        raise CaseNotFound(f"no existe un caso con folio {folio} a su alcance")
    return case
