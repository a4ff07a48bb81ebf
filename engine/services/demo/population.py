"""Who files what, when: the seeded population of demo cases, each planned up front, in office time."""

from __future__ import annotations

import random
from collections.abc import Mapping
from dataclasses import dataclass, field
from datetime import UTC, date, datetime, time, timedelta
from typing import TYPE_CHECKING, Any

from ... import deadlines, refdata
from ...access import Actor
from ...clock import CHILE
from .content import (
    CLASSIFIED,
    FIRST_NAMES,
    OUT_OF_SCOPE,
    OUTCOMES,
    PROVIDERS,
    SUBJECTS,
    SURNAMES,
    Provider,
    format_rut,
    table_rows,
    to_ascii,
)

if TYPE_CHECKING:  # the composition root (it wires these services); typing only
    from ...system import System

DAYS = 120  # cases are opened over the last DAYS days before the ``now`` given to load_demo


@dataclass(frozen=True)
class Arc:
    """One kind of story a demo case follows: its share of the population, its kind and where it stops."""

    share: float
    kind: str
    stall: tuple[str, ...] = ()  # the handler never completes these tasks: the case stays open (and late)
    window: tuple[float, float] = (DAYS, 0.3)  # opened between these many days before now


ARCS: Mapping[str, Arc] = {
    "consulta": Arc(31, "inquiry"),
    "consulta_escalada": Arc(4, "inquiry"),
    "consulta_pendiente": Arc(5, "inquiry", ("proponer_cierre",)),
    "reclamo_digital": Arc(15, "complaint"),
    "reclamo_carta": Arc(13.5, "complaint"),
    "reclamo_recordatorio": Arc(5, "complaint"),
    "reclamo_sin_respuesta": Arc(7, "complaint"),
    "reclamo_desiste": Arc(2, "complaint"),
    "reclamo_judicial": Arc(2, "complaint", window=(DAYS, 95)),
    "reclamo_judicial_pendiente": Arc(1.5, "complaint", ("registrar_audiencia",), window=(100, 45)),
    "reclamo_pendiente": Arc(8, "complaint", ("trasladar", "proponer_cierre")),
    "no_consumo": Arc(4, "out_of_scope"),
    "no_consumo_pendiente": Arc(1, "out_of_scope", ("proponer_cierre",)),
}
CHANNELS = {"in_person": 45, "web": 30, "phone": 15, "written": 7, "mailbox": 3}
PHONE_ARCS = frozenset({"consulta", "consulta_pendiente"})  # the call center registers consultas only
JUDICIAL_REGIONS = ("13", "05")  # where the demo has lawyers


@dataclass
class Plan:
    """What happens to one demo case: who handles it, how the company behaves, what the simulation did."""

    arc: str
    intake: dict[str, Any]
    opened_at: datetime
    region: str
    handler: Actor
    opener: Actor
    provider: Provider  # unused for a no consumo case
    answer: str
    amount: str
    slow: bool
    returns: bool
    reviews: bool
    stall: str = ""
    transfer_to: str | None = None
    folio: str = ""
    reminded: bool = False
    claimed: bool = False
    returned: bool = False
    next_look: datetime | None = None
    act_at: dict[str, datetime | None] = field(default_factory=dict)


@dataclass
class Sim:
    """The simulation's fixed parts: the system, the seeded dice, the final instant, the staff."""

    system: System
    rng: random.Random
    end: datetime
    staff: dict[str, Actor]


# --- time: business days and office hours (09:00-18:00 in Chile) ---


def _office(day: date, region: str, fraction: float) -> datetime:
    """The instant ``fraction`` of the way through office hours on the first business day from ``day``."""
    while not deadlines.is_business_day(day, region):
        day += timedelta(days=1)
    local = datetime.combine(day, time(9), tzinfo=CHILE) + timedelta(hours=9 * fraction)
    return local.astimezone(UTC)


def later(start: datetime, days: float, region: str) -> datetime:
    """``days`` business days of office time after ``start`` (fractions are parts of a working day)."""
    local = start.astimezone(CHILE)
    done = min(max((local.hour + local.minute / 60 - 9) / 9, 0.0), 1.0)
    if not deadlines.is_business_day(local.date(), region):
        done = 0.0
    whole, fraction = divmod(days + done, 1.0)
    day = deadlines.add_business_days(local.date(), int(whole), region) if whole else local.date()
    return max(_office(day, region, fraction), start + timedelta(minutes=3))


# --- the population ---


def _quota(rng: random.Random, weights: Mapping[str, float], n: int) -> list[str]:
    """``n`` labels in proportion to ``weights`` (largest remainder, each once at least), shuffled."""
    total = sum(weights.values())
    exact = {k: n * w / total for k, w in weights.items()}
    floor = 1 if n >= len(weights) else 0
    counts = {k: max(int(v), floor) for k, v in exact.items()}
    order = sorted(weights, key=lambda k: exact[k] - int(exact[k]), reverse=True)
    for k in order[: max(n - sum(counts.values()), 0)]:
        counts[k] += 1
    while sum(counts.values()) > n:
        counts[max(counts, key=lambda k: counts[k])] -= 1
    out = [k for k, c in counts.items() for _ in range(c)]
    rng.shuffle(out)
    return out


def _channels(rng: random.Random, arcs: list[str]) -> list[str]:
    """A channel per case in the national mix; phone (the call center) only for plain consultas."""
    pool = _quota(rng, CHANNELS, len(arcs))
    eligible = [i for i, arc in enumerate(arcs) if arc in PHONE_ARCS]
    phones = set(rng.sample(eligible, min(pool.count("phone"), len(eligible))))
    rest = [c for c in pool if c != "phone"] + ["in_person"] * (pool.count("phone") - len(phones))
    rng.shuffle(rest)
    others = iter(rest)
    return ["phone" if i in phones else next(others) for i in range(len(arcs))]


def _consumer(rng: random.Random, region: str) -> dict[str, Any]:
    """A clearly fictitious person living in a comuna of ``region`` (comunas weighted by population)."""
    comunas = [c for c in refdata.comunas().values() if c.region_code == region]
    comuna = rng.choices(comunas, weights=[c.population for c in comunas])[0]
    first, last, second = rng.choice(FIRST_NAMES), rng.choice(SURNAMES), rng.choice(SURNAMES)
    person: dict[str, Any] = {
        "rut": format_rut(rng.randint(6_000_000, 24_999_999)),
        "name": f"{first} {last} {second}",
        "comuna": comuna.code,
        "phone": f"+56 9 {rng.randint(2000, 9999)} {rng.randint(1000, 9999)}",
    }
    if rng.random() < 0.85:
        person["email"] = to_ascii(f"{first}.{last}{rng.randint(1, 999)}@ejemplo.cl").lower()
    return person


def _provider(rng: random.Random, arc: str) -> Provider:
    digital = {"reclamo_digital": True, "reclamo_carta": False}.get(arc)
    fit = [p for p in PROVIDERS if digital is None or p.digital == digital]
    return rng.choices(fit, weights=[p.weight for p in fit])[0]


def _intake(rng: random.Random, plan: Plan, channel: str, platform: str, home: str) -> dict[str, Any]:
    """The intake form as the ejecutivo (or the web portal) fills it; ``home``: the consumer's region."""
    data: dict[str, Any] = {
        "kind": ARCS[plan.arc].kind,
        "channel": channel,
        "platform": platform,
        "consumer": _consumer(rng, home),
    }
    if ARCS[plan.arc].kind == "out_of_scope":
        _, subject, text = rng.choice(table_rows(OUT_OF_SCOPE))
    else:
        data["provider"] = {"rut": plan.provider.rut, "name": plan.provider.name}
        _, subject, text = rng.choice([row for row in table_rows(SUBJECTS) if row[0] == plan.provider.market])
        data["market"], data["motive"], data["category"] = CLASSIFIED[(plan.provider.market, subject)]
    data["subject"], data["description"] = subject, text.format(monto=plan.amount)
    return data


def _opening(rng: random.Random, arc: str, channel: str, region: str, end: datetime) -> datetime:
    """When the case comes in: office hours on a business day, except on the web (any time)."""
    far, near = ARCS[arc].window
    at = end - timedelta(days=rng.uniform(near, far))
    if channel != "web":
        at = _office(deadlines.local_date(at), region, rng.uniform(0.02, 0.95))
    return min(at, end - timedelta(minutes=rng.randint(10, 300)))


def _region(rng: random.Random, arc: str) -> str:
    regions = [r for r in refdata.regions().values() if "judicial" not in arc or r.code in JUDICIAL_REGIONS]
    return rng.choices(regions, weights=[r.population for r in regions])[0].code


def _plan(sim: Sim, arc: str, channel: str) -> Plan:
    """Decide everything about one case up front (so the run is reproducible from the seed)."""
    rng = sim.rng
    region = _region(rng, arc)
    platform = "CC" if channel == "phone" else f"DR{region}"
    handler = {"CC": "callcenter"}.get(platform) or f"ejecutivo{region}"
    if region in ("13", "05") and platform != "CC" and rng.random() < 0.5:
        handler += "b"
    answer = rng.choices(list(OUTCOMES), weights=[45, 25, 30])[0]
    plan = Plan(
        arc=arc,
        intake={},
        opened_at=_opening(rng, arc, channel, region, sim.end),
        region="13" if platform == "CC" else region,
        handler=sim.staff[handler],
        opener=Actor("portal_web", "sistema", channel="web") if channel == "web" else sim.staff[handler],
        provider=_provider(rng, arc),
        answer="no_acoge" if "judicial" in arc else answer,
        amount=f"${rng.randrange(9_990, 899_990, 1_000):,}".replace(",", "."),
        slow=platform != "CC" and rng.random() < 0.12,
        returns=rng.random() < 0.17,
        reviews=rng.random() < 0.75,
        stall=rng.choice(ARCS[arc].stall) if ARCS[arc].stall else "",
    )
    plan.intake = _intake(rng, plan, channel, platform, region)
    return plan


def plan_population(sim: Sim, count: int) -> list[Plan]:
    """``count`` plans: stories, channels and regions in realistic proportions, a few transfers."""
    arcs = _quota(sim.rng, {name: arc.share for name, arc in ARCS.items()}, count)
    plans = [_plan(sim, arc, channel) for arc, channel in zip(arcs, _channels(sim.rng, arcs), strict=True)]
    movable = [p for p in plans if p.arc in ("reclamo_digital", "reclamo_carta")]
    regions = list(refdata.regions().values())
    for plan in sim.rng.sample(movable, min(max(1, round(count * 0.02)), len(movable))):
        others = [r for r in regions if r.code != plan.region]
        plan.transfer_to = sim.rng.choices(others, weights=[r.population for r in others])[0].code
    return plans
