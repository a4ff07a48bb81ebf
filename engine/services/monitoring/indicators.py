"""The Cuadro de Monitoreo's indicators (SPEC §8) for a cohort: the cases that entered in a period, within
the actor's scope and filters, with their state today. Every count carries the filter of its drill-down."""

from __future__ import annotations

import math
from dataclasses import dataclass, field
from datetime import date
from typing import Any

from sqlalchemy import select
from sqlalchemy.orm import Session

from ...access import Actor
from ...errors import EngineError
from ...labels import CHANNELS, KINDS
from ...models import Comuna, Platform, Region
from ...store import CatalogStore
from . import cube, handling
from .figures import Breakdown, Figure
from .filters import CaseFilter, scoped
from .periods import Period

DUE_LABELS = {
    "en_plazo": "En plazo",
    "por_vencer": "Por vencer",
    "fuera_de_plazo": "Fuera de plazo",
    "cerrado": "Cerrados",
}
TOP_SUBJECTS = 10


@dataclass(frozen=True)
class CloseTime:
    """Días hábiles to close the closed cases of one kind: how many, the average and the 90th percentile."""

    kind: str
    label: str
    closed: int
    average: float | None
    p90: int | None


@dataclass(frozen=True)
class Dashboard:
    """Everything /monitoreo shows for one period, scope and filter."""

    period: Period
    filter: CaseFilter
    today: date
    intake: Figure
    breakdowns: list[Breakdown]
    close_times: list[CloseTime]
    subjects_by_region: list[Breakdown]
    derivations: list[handling.AgencyFigures]
    returns: list[Figure]
    missing: dict[str, str] = field(default_factory=dict)  # indicator → why it has no data yet


def cohort_filter(f: CaseFilter, period: Period) -> CaseFilter:
    """The cases that entered in the period (the dashboard's cohort) under the other filters."""
    return f.with_(opened_from=period.start, opened_to=period.end)


def place_names(s: Session) -> dict[str, dict[str, str]]:
    """The names of regions, comunas and platforms by code (for labels)."""
    return {
        "region": dict(s.execute(select(Region.code, Region.name)).tuples().all()),
        "comuna": dict(s.execute(select(Comuna.code, Comuna.name)).tuples().all()),
        "platform": dict(s.execute(select(Platform.code, Platform.name)).tuples().all()),
    }


def subject_labels(s: Session, store: CatalogStore | None) -> dict[str, str]:
    """The motivos' labels of the latest published classification (codes stay codes without one)."""
    if store is None:
        return {}
    try:
        found = store.latest(s).classification
    except EngineError:
        return {}
    return {code: motive.label for code, motive in found.motives.items()}


def dashboard(
    s: Session, actor: Actor, f: CaseFilter, period: Period, today: date, store: CatalogStore | None = None
) -> Dashboard:
    """The indicators of the cases opened in ``period`` within the actor's scope and the filter."""
    names = {**place_names(s), "subject": subject_labels(s, store)}
    base = cohort_filter(f, period)
    where = scoped(s, actor, base, today)
    found = cube.counts(s, where, today)
    drill = base.as_params()

    def figures(name: str, key: tuple[str, ...], field_: str, labels: dict[str, str]) -> list[Figure]:
        rows = sorted(found[key].items(), key=lambda kv: (-kv[1], str(kv[0][0])))
        return [_figure(value[0], n, field_, labels, drill) for value, n in rows]

    kinds = figures("kind", ("kind",), "kind", dict(KINDS))
    breakdowns = [
        Breakdown("kind", "Ingreso por tipo", kinds),
        Breakdown(
            "channel", "Ingreso por canal", figures("channel", ("channel",), "channel", dict(CHANNELS))
        ),
        Breakdown("region", "Ingreso por región", figures("region", ("region",), "region", names["region"])),
        Breakdown("comuna", "Ingreso por comuna", figures("comuna", ("comuna",), "comuna", names["comuna"])),
        Breakdown(
            "platform",
            "Ingreso por plataforma",
            figures("platform", ("platform",), "platform", names["platform"]),
        ),
        Breakdown("due", "Estado hoy de los casos ingresados", _due(found, drill)),
        Breakdown("outcome", "Cierres por resultado", _outcomes(found, drill)),
        Breakdown(
            "subject", "Materias más frecuentes (motivo)", _top_subjects(found, drill, names["subject"])
        ),
    ]
    return Dashboard(
        period=period,
        filter=f,
        today=today,
        intake=Figure("total", "Casos ingresados", sum(found[("kind",)].values()), drill),
        breakdowns=breakdowns,
        close_times=_close_times(found),
        subjects_by_region=_subjects_by_region(found, drill, names["region"], names["subject"]),
        derivations=handling.derivations(s, where),
        returns=handling.returns(s, where),
        missing=handling.missing(s),
    )


def _figure(value: Any, n: int, field_: str, labels: dict[str, str], drill: dict[str, str]) -> Figure:
    if value is None or value == "":
        return Figure("", "(sin dato)", n, None)
    return Figure(str(value), labels.get(str(value), str(value)), n, {**drill, field_: str(value)})


def _due(found: cube.Counts, drill: dict[str, str]) -> list[Figure]:
    counts = {value[0]: n for value, n in found[("due",)].items()}
    out = []
    for key, label in DUE_LABELS.items():
        extra = {"state": "cerrados"} if key == "cerrado" else {"due": key}
        out.append(Figure(key, label, counts.get(key, 0), {**drill, **extra}))
    return out


def _outcomes(found: cube.Counts, drill: dict[str, str]) -> list[Figure]:
    rows = sorted(((v[0], n) for v, n in found[("outcome",)].items() if v[0]), key=lambda kv: (-kv[1], kv[0]))
    return [Figure(value, value, n, {**drill, "outcome": value}) for value, n in rows]


def _top_subjects(found: cube.Counts, drill: dict[str, str], labels: dict[str, str]) -> list[Figure]:
    totals: dict[str, int] = {}
    for (_, subject), n in found[("region", "subject")].items():
        if subject:
            totals[subject] = totals.get(subject, 0) + n
    top = sorted(totals.items(), key=lambda kv: (-kv[1], kv[0]))[:TOP_SUBJECTS]
    return [
        Figure(subject, labels.get(subject, subject), n, {**drill, "subject": subject}) for subject, n in top
    ]


def _subjects_by_region(
    found: cube.Counts, drill: dict[str, str], regions: dict[str, str], labels: dict[str, str]
) -> list[Breakdown]:
    per: dict[str, list[tuple[str, int]]] = {}
    for (region, subject), n in found[("region", "subject")].items():
        if subject and region:
            per.setdefault(region, []).append((subject, n))
    out = []
    for region in sorted(per):
        top = sorted(per[region], key=lambda kv: (-kv[1], kv[0]))[:3]
        figures = [
            Figure(sub, labels.get(sub, sub), n, {**drill, "region": region, "subject": sub})
            for sub, n in top
        ]
        out.append(Breakdown(f"subject-{region}", regions.get(region, region), figures))
    return out


def _close_times(found: cube.Counts) -> list[CloseTime]:
    out = []
    for kind, label in KINDS.items():
        histogram = sorted(
            (days, n) for (k, days), n in found[("kind", "days")].items() if k == kind and days is not None
        )
        closed = sum(n for _, n in histogram)
        if not closed:
            out.append(CloseTime(kind, label, 0, None, None))
            continue
        average = sum(days * n for days, n in histogram) / closed
        out.append(CloseTime(kind, label, closed, round(average, 1), _percentile(histogram, closed, 0.9)))
    return out


def _percentile(histogram: list[tuple[int, int]], total: int, share: float) -> int:
    """The smallest value at or below which ``share`` of the cases fall (nearest rank)."""
    rank, seen = max(1, math.ceil(share * total)), 0
    for value, n in histogram:
        seen += n
        if seen >= rank:
            return value
    return histogram[-1][0]
