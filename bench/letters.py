"""Letter benchmark: each shipped template rendered by docxtpl alone (a fresh DocxTemplate per letter, the
path before the cache) against the prepared, cached template. See bench/README.md.

Run: ``.venv/bin/python bench/letters.py [--rounds N]``
"""

from __future__ import annotations

import argparse
import io
import os
import statistics
import sys
import time
import zipfile
from collections.abc import Callable, Mapping, Sequence
from pathlib import Path
from typing import Any

# Run as `python bench/letters.py`, this file's folder comes first on sys.path: the repository root goes
# in front so that `engine` is the package, not bench/engine.py.
sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

from engine import letters

ROOT = Path(__file__).resolve().parent.parent
TEMPLATES = ROOT / "letter_templates"
WARMUP = 3
TARGET_MS = 25.0

Render = Callable[[bytes, Mapping[str, Any]], bytes]
MODES: dict[str, Render] = {"uncached": letters.render_uncached, "cached": letters.render}


def timed(render: Render, body: bytes) -> float:
    """Milliseconds for one letter."""
    start = time.perf_counter()
    render(body, letters.SAMPLE_CONTEXT)
    return (time.perf_counter() - start) * 1000


def members(docx: bytes) -> list[tuple[str, bytes]]:
    with zipfile.ZipFile(io.BytesIO(docx)) as zf:
        return [(info.filename, zf.read(info)) for info in zf.infolist()]


def p95(samples: Sequence[float]) -> float:
    return statistics.quantiles(samples, n=20)[18]


def load() -> str:
    return " ".join(f"{x:.2f}" for x in os.getloadavg())


def measure(templates: Mapping[str, bytes], rounds: int) -> dict[str, dict[str, list[float]]]:
    """Samples per letter and mode; the modes alternate pair by pair, and which goes first each round."""
    samples: dict[str, dict[str, list[float]]] = {name: {m: [] for m in MODES} for name in templates}
    for n in range(WARMUP + rounds):
        order = list(MODES) if n % 2 == 0 else list(reversed(MODES))
        for name, body in templates.items():
            for mode in order:
                ms = timed(MODES[mode], body)
                if n >= WARMUP:
                    samples[name][mode].append(ms)
    return samples


def row(label: str, first: str, unc: Sequence[float], cac: Sequence[float]) -> str:
    u, c = statistics.median(unc), statistics.median(cac)
    return f"{label:<24}{first:>8}{u:>10.2f}{p95(unc):>8.2f}{c:>9.2f}{p95(cac):>8.2f}{u / c:>7.1f}x"


def report(samples: Mapping[str, Mapping[str, list[float]]], first: Mapping[str, float]) -> None:
    print(f"{'letter':<24}{'first':>8}{'uncached':>10}{'p95':>8}{'cached':>9}{'p95':>8}{'ratio':>8}")
    for name, by_mode in samples.items():
        print(row(name, f"{first[name]:.1f}", by_mode["uncached"], by_mode["cached"]))
    unc = [ms for by_mode in samples.values() for ms in by_mode["uncached"]]
    cac = [ms for by_mode in samples.values() for ms in by_mode["cached"]]
    print(row("all letters", "", unc, cac))
    u, c = statistics.median(unc), statistics.median(cac)
    verdict = "OK" if c <= TARGET_MS else "ABOVE TARGET"
    print(f"\nletters: uncached {u:.2f} ms, cached {c:.2f} ms per letter (target ≤ 25 ms) {verdict}")


def main(argv: Sequence[str] | None = None) -> None:
    ap = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    ap.add_argument("--rounds", type=int, default=30, help="measured rounds after the warm-up (at least 30)")
    rounds = max(ap.parse_args(argv).rounds, 30)
    templates = {p.stem: p.read_bytes() for p in sorted(TEMPLATES.glob("*.docx"))}
    print(f"{len(templates)} templates: {', '.join(templates)}")
    print(f"load average before: {load()}  (cores: {os.cpu_count()})")
    first = {name: timed(letters.render, body) for name, body in templates.items()}  # prepares each one
    for name, body in templates.items():  # not timed: the cached letter must be docxtpl's letter
        same = members(letters.render(body, letters.SAMPLE_CONTEXT)) == members(
            letters.render_uncached(body, letters.SAMPLE_CONTEXT)
        )
        if not same:
            print(f"WARNING: {name}: the cached letter differs from docxtpl's")
    samples = measure(templates, rounds)
    print(f"load average after: {load()}\n")
    print(f"ms per letter, {rounds} rounds after {WARMUP} warm-up; first = first cached render,")
    print("which prepares the template (open, patch, compile, deflate); ratio = uncached / cached median\n")
    report(samples, first)


if __name__ == "__main__":
    main()
