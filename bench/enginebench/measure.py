"""Measuring: full reclamo cases in every mode interleaved case by case, and a long case's step against a
fresh case's same step. Every case is checked to take the expected path; a deviation is PathError."""

from __future__ import annotations

import statistics
import sys
from collections.abc import Callable, Sequence
from dataclasses import dataclass, field
from typing import Protocol

from .path import RECLAMO, RETURN_LOOP, TO_PROPOSAL, Step

WARMUP = 2  # unrecorded full cases per mode before the first round (caches, pools, first parse)


def progress(text: str) -> None:
    """Where a long run is, on stderr (the figures go to stdout)."""
    print(f"... {text}", file=sys.stderr, flush=True)


class PathError(AssertionError):
    """A case did not go through the expected user tasks: the figures would compare different work."""


class CaseDriver(Protocol):
    """One case driven step by step; `run` returns the timed seconds of one step."""

    def run(self, step: Step) -> float: ...
    def open_elements(self) -> tuple[str, ...]: ...
    def finished(self) -> bool: ...
    def state_bytes(self) -> int: ...
    def letters(self) -> tuple[str, ...] | None: ...
    def commit_seconds(self) -> float: ...
    def after_commit_seconds(self) -> float: ...


@dataclass(frozen=True)
class Mode:
    """A way to run the path: `bare-lean`, `bare-db` or `platform`, on a database ("" for none)."""

    kind: str
    db: str
    new_case: Callable[[], CaseDriver]

    @property
    def label(self) -> str:
        return f"{self.kind} {self.db}".strip()


@dataclass
class CaseRun:
    """Seconds per timed step, of them in COMMIT and in the after-commit effects, and the case's letters."""

    seconds: list[float] = field(default_factory=list)
    commit: float = 0.0
    after: float = 0.0
    letters: tuple[str, ...] | None = None

    @property
    def total(self) -> float:
        return sum(self.seconds)


def run_path(case: CaseDriver, steps: Sequence[Step], who: str) -> CaseRun:
    """Run ``steps`` on ``case``, checking the open user tasks after each one."""
    run, before, after = CaseRun(), case.commit_seconds(), case.after_commit_seconds()
    for step in steps:
        run.seconds.append(case.run(step))
        seen = case.open_elements()
        if seen != step.expect:
            raise PathError(f"{who}: after '{step.label}' the open tasks are {seen}, expected {step.expect}")
    run.commit = case.commit_seconds() - before
    run.after = case.after_commit_seconds() - after
    return run


def full_case(mode: Mode) -> CaseRun:
    """One whole reclamo, which must end closed."""
    case = mode.new_case()
    run = run_path(case, RECLAMO, mode.label)
    if not case.finished():
        raise PathError(f"{mode.label}: the case is not closed after '{RECLAMO[-1].label}'")
    run.letters = case.letters()
    return run


def measure_cases(modes: Sequence[Mode], rounds: int, per_round: int) -> dict[str, list[CaseRun]]:
    """Full cases in every mode, interleaved case by case, the order of the modes rotating each time so
    that machine noise and position hit all modes alike; warm-up cases are not recorded."""
    for mode in modes:
        for _ in range(WARMUP):
            full_case(mode)
    runs: dict[str, list[CaseRun]] = {m.label: [] for m in modes}
    for r in range(rounds):
        progress(f"full cases: round {r + 1} of {rounds}")
        for i in range(per_round):
            shift = (r * per_round + i) % len(modes)
            for mode in (*modes[shift:], *modes[:shift]):
                runs[mode.label].append(full_case(mode))
    return runs


@dataclass(frozen=True)
class LongFresh:
    """Median ms of each return-loop step on the long case and on fresh cases, and their state sizes."""

    mode: Mode
    returns: int
    long_ms: dict[str, float]
    fresh_ms: dict[str, float]
    long_state: int
    fresh_state: int

    def step_ratio(self, label: str) -> float:
        return self.long_ms[label] / self.fresh_ms[label]

    @property
    def worst_step_ratio(self) -> float:
        return max(self.step_ratio(s.label) for s in RETURN_LOOP)

    @property
    def state_ratio(self) -> float:
        return self.long_state / self.fresh_state


def long_case(mode: Mode, returns: int) -> CaseDriver:
    """A case sent back by the supervisor ``returns`` times, waiting in "proponer_cierre" again."""
    case = mode.new_case()
    run_path(case, TO_PROPOSAL, f"{mode.label} long")
    for _ in range(returns):
        run_path(case, RETURN_LOOP, f"{mode.label} long")
    return case


def long_vs_fresh(modes: Sequence[Mode], returns: int, samples: int) -> list[LongFresh]:
    """Per mode: one more return loop (proponer + devolver) on the long case against the same two steps
    on a fresh case, ``samples`` times, interleaved over modes and long/fresh."""
    progress(f"long cases: {returns} visación returns in each of {len(modes)} modes")
    longs = {m.label: long_case(m, returns) for m in modes}
    progress(f"long vs fresh: {samples} samples")
    times: dict[str, dict[str, list[float]]] = {
        f"{m.label} {w}": {} for m in modes for w in ("long", "fresh")
    }
    fresh_state = {}
    for _ in range(samples):
        for mode in modes:
            fresh = mode.new_case()
            run_path(fresh, TO_PROPOSAL, f"{mode.label} fresh")
            for who, case in (("long", longs[mode.label]), ("fresh", fresh)):
                run = run_path(case, RETURN_LOOP, f"{mode.label} {who}")
                for step, seconds in zip(RETURN_LOOP, run.seconds, strict=True):
                    times[f"{mode.label} {who}"].setdefault(step.label, []).append(seconds * 1e3)
            fresh_state[mode.label] = fresh.state_bytes()
    return [
        LongFresh(
            m,
            returns,
            {k: statistics.median(v) for k, v in times[f"{m.label} long"].items()},
            {k: statistics.median(v) for k, v in times[f"{m.label} fresh"].items()},
            longs[m.label].state_bytes(),
            fresh_state[m.label],
        )
        for m in modes
    ]
