"""Coverage, Plan 80 (SPEC §8): per region, its platforms and the share of its population living in comunas
served by an *active* platform (one that registered, handled and closed cases in the period), against 80 %."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import timedelta

from sqlalchemy import ColumnElement, select, true
from sqlalchemy.orm import Session

from ...access import Actor
from ...models import Case, Comuna, HumanTask, Platform, Region
from .filters import midnight
from .periods import Period

GOAL = 0.80
TERRITORIAL = ("regional_office", "municipal", "library")  # the call center and the web serve no comuna


@dataclass(frozen=True)
class Unserved:
    code: str
    name: str
    population: int


@dataclass(frozen=True)
class RegionCoverage:
    """One region: platforms (connected / manual / active), the population served and the light."""

    code: str
    name: str
    platforms: int
    online: int
    manual: int
    active: int
    population: int
    served: int
    light: str  # verde (≥ 80 %), amarillo (≥ 60 %), rojo
    unserved: list[Unserved]

    @property
    def share(self) -> float:
        return self.served / self.population if self.population else 0.0


def _light(share: float) -> str:
    return "verde" if share >= GOAL else "amarillo" if share >= 0.6 else "rojo"


def _regions(actor: Actor) -> ColumnElement[bool]:
    if actor.role == "nivel_central":
        return true()
    return Region.code == (actor.region_code or "")


def active_platforms(s: Session, period: Period) -> set[str]:
    """Platforms that registered, handled (completed a task) and closed cases in the period."""
    start, end = midnight(period.start), midnight(period.end + timedelta(days=1))
    registered = select(Case.platform_code).where(Case.opened_on.between(period.start, period.end))
    handled = select(HumanTask.platform_code).where(
        HumanTask.status == "completed", HumanTask.closed_at >= start, HumanTask.closed_at < end
    )
    closed = select(Case.platform_code).where(Case.closed_at >= start, Case.closed_at < end)
    found = [set(s.execute(q.distinct()).scalars()) for q in (registered, handled, closed)]
    return found[0] & found[1] & found[2]


def coverage(s: Session, actor: Actor, period: Period) -> list[RegionCoverage]:
    """Plan 80 per region within the actor's scope (nivel central: every region)."""
    active = active_platforms(s, period)
    platforms = s.execute(select(Platform).where(Platform.kind.in_(TERRITORIAL))).scalars().all()
    comunas = s.execute(select(Comuna)).scalars().all()
    out = []
    for region in s.execute(select(Region).where(_regions(actor)).order_by(Region.code)).scalars():
        mine = [p for p in platforms if p.region_code == region.code]
        served_codes = {p.comuna_code for p in mine if p.code in active and p.comuna_code}
        its = [c for c in comunas if c.region_code == region.code]
        served = sum(c.population for c in its if c.code in served_codes)
        population = sum(c.population for c in its) or region.population
        unserved = sorted(
            (c for c in its if c.code not in served_codes), key=lambda c: (-c.population, c.code)
        )
        out.append(
            RegionCoverage(
                region.code,
                region.name,
                len(mine),
                sum(p.online for p in mine),
                sum(not p.online for p in mine),
                sum(p.code in active for p in mine),
                population,
                served,
                _light(served / population if population else 0),
                [Unserved(c.code, c.name, c.population) for c in unserved],
            )
        )
    return out
