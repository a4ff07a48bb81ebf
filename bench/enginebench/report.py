"""Printing: the per-mode table, the ratios per database, the long/fresh comparison and the summary line."""

from __future__ import annotations

import statistics
from collections.abc import Mapping, Sequence
from dataclasses import dataclass

from .measure import CaseRun, LongFresh, Mode
from .path import RECLAMO, RETURN_LOOP

# platform/bare-db: ≤ 2 for this issue, ≤ 1.5 for the next one; a long case's step and state against a
# fresh one's: ≤ 1.2 and ≤ 1.5.
PLATFORM_TARGETS = (2.0, 1.5)
LONG_STEP_TARGET, LONG_STATE_TARGET = 1.2, 1.5


def p95(values: Sequence[float]) -> float:
    """The 95th percentile (inclusive method: stays within the sample for small N)."""
    return statistics.quantiles(values, n=20, method="inclusive")[18]


def median_case_ms(runs: Sequence[CaseRun]) -> float:
    return statistics.median(r.total for r in runs) * 1e3


def letters_text(runs: Sequence[CaseRun]) -> str:
    """Letters rendered per case (all cases alike, or the spread)."""
    counts = sorted({len(r.letters) for r in runs if r.letters is not None})
    return "-" if not counts else "/".join(str(c) for c in counts)


def print_cases(modes: Sequence[Mode], runs: Mapping[str, list[CaseRun]]) -> None:
    """One row per mode: per-case median and p95, ms per step (and of it in COMMIT), each step's median."""
    n = len(RECLAMO)
    head = f"{'mode':<22}{'cases':>6}{'median':>9}{'p95':>9}{'ms/step':>9}{'commit':>8}"
    print(head + "".join(f"{s.label:>11}" for s in RECLAMO) + f"{'letters':>9}{'after':>8}")
    for mode in modes:
        mode_runs = runs[mode.label]
        totals = [r.total * 1e3 for r in mode_runs]
        steps = [statistics.median(r.seconds[i] * 1e3 for r in mode_runs) for i in range(n)]
        commit = statistics.median(r.commit * 1e3 for r in mode_runs) / n
        med = statistics.median(totals)
        row = f"{mode.label:<22}{len(totals):>6}{med:>9.2f}{p95(totals):>9.2f}{med / n:>9.2f}"
        row += f"{commit:>8.2f}" if commit else f"{'-':>8}"
        render = statistics.median(r.after * 1e3 for r in mode_runs)
        row += "".join(f"{ms:>11.2f}" for ms in steps) + f"{letters_text(mode_runs):>9}"
        print(row + (f"{render:>8.2f}" if render else f"{'-':>8}"))


@dataclass(frozen=True)
class Ratios:
    """platform ÷ bare-db: the steps (their transactions), and the steps with the effects their process
    carries out right after each commit (the letters rendered and kept)."""

    step: float
    with_effects: float


def platform_ratios(runs: Mapping[str, list[CaseRun]], dbs: Sequence[str]) -> dict[str, Ratios]:
    """Per database, platform ÷ bare-db on median full-case times, with and without the after-commit
    effects; prints those and platform ÷ bare-lean."""
    lean = median_case_ms(runs["bare-lean"])
    out = {}
    for db in dbs:
        platform_runs = runs[f"platform {db}"]
        whole, bare_db = median_case_ms(platform_runs), median_case_ms(runs[f"bare-db {db}"])
        steps = statistics.median((r.total - r.after) * 1e3 for r in platform_runs)
        out[db] = Ratios(steps / bare_db, whole / bare_db)
        print(
            f"{db + ':':<12} platform/bare-db: steps {out[db].step:5.2f}, with after-commit effects "
            f"{out[db].with_effects:5.2f}   platform (with effects)/bare-lean {whole / lean:5.2f}"
        )
    return out


def print_long_fresh(results: Sequence[LongFresh], samples: int) -> None:
    """Per mode and step: long vs fresh medians and their ratio; the stored state sizes."""
    if not results:
        return
    r0 = results[0]
    print(f"\nlong case: sent back by the supervisor {r0.returns} times (visación call activity), then")
    print(f"{samples} more return loops timed; fresh: the same steps on {samples} new cases (interleaved)")
    head = f"{'mode':<22}{'step':<10}{'long ms':>9}{'fresh ms':>10}{'ratio':>7}"
    print(head + f"{'state long B':>14}{'fresh B':>9}")
    for r in results:
        for i, step in enumerate(RETURN_LOOP):
            label = step.label
            row = f"{r.mode.label:<22}{label:<10}{r.long_ms[label]:>9.2f}{r.fresh_ms[label]:>10.2f}"
            row += f"{r.step_ratio(label):>7.2f}"
            if i == 0:
                row += f"{r.long_state:>14}{r.fresh_state:>9}  state ratio {r.state_ratio:.2f}"
            print(row)


def mark(value: float, target: float) -> str:
    return f"≤{target:g} {'OK' if value <= target else 'MISS'}"


def summary(ratios: Mapping[str, Ratios], long_fresh: Sequence[LongFresh]) -> str:
    """`engine: platform/bare-db SQLite x (with effects x'), PostgreSQL y (y'); long/fresh step a, state b`
    with the targets marked on both figures."""
    parts = [
        f"{db} {r.step:.2f} ({', '.join(mark(r.step, t) for t in PLATFORM_TARGETS)}; with after-commit "
        f"effects {r.with_effects:.2f}: {', '.join(mark(r.with_effects, t) for t in PLATFORM_TARGETS)})"
        for db, r in ratios.items()
    ]
    if "PostgreSQL" not in ratios:
        parts.append("PostgreSQL not measured")
    platform = [lf for lf in long_fresh if lf.mode.kind == "platform"]
    line = f"engine: platform/bare-db {', '.join(parts)}"
    if platform:  # the worse database and the worse of the two steps: no flattering pick
        step = max(lf.worst_step_ratio for lf in platform)
        state = max(lf.state_ratio for lf in platform)
        line += f"; long/fresh step {step:.2f} ({mark(step, LONG_STEP_TARGET)})"
        line += f", state {state:.2f} ({mark(state, LONG_STATE_TARGET)})"
    return line
