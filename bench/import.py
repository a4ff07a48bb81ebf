"""Legacy import benchmark: cases/s of ``ventanilla import-legacy``'s service into PostgreSQL for a generated
export of the old system (default 100,000 rows, 1 % still open), against a fair baseline: the same parsed
rows inserted as history with one plain executemany per batch (no idempotency check, no id reservation, no
bitácora, no process for the open ones). Interleaved (the order alternates per round), repeated, each run
on a fresh schema, with the machine's load printed beside every figure. Target: >= 1,000 cases/s.

Run: ``.venv/bin/python bench/import.py [--rows N] [--rounds R] [--open-share F] [--postgres-url URL]``
"""

from __future__ import annotations

import argparse
import csv
import os
import sys
import tempfile
import time
from collections.abc import Iterator
from itertools import islice
from pathlib import Path

# Run as `python bench/import.py`: the repository root goes first (this folder would shadow `engine`).
sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

from enginebench.databases import PG_URL, postgres_schema
from sqlalchemy import insert

from engine import catalog, schema, store, system
from engine.clock import utcnow
from engine.models import Case, table
from engine.services import reference
from engine.services.demo.legacy_sample import write_sample_file
from engine.services.network import legacy, legacy_rows
from engine.services.network.legacy_rows import LegacyCase
from web.cli.legacy import BATCH

ROOT = Path(__file__).resolve().parent.parent
TARGET = 1000.0


def _rows(path: Path) -> Iterator[tuple[int, dict[str, str]]]:
    with path.open(encoding="utf-8", newline="") as handle:
        yield from enumerate(csv.DictReader(handle), start=2)


def _prepared(url: str) -> system.System:
    built = system.build(url)
    schema.upgrade(built.db)
    with built.db.writing() as s:
        reference.load_reference(s)
        store.publish(s, catalog.read_dir(ROOT), by="bench", note="", now=utcnow())
    return built


def ours(built: system.System, path: Path) -> tuple[int, float]:
    """The import as the command runs it: batches of BATCH rows, one transaction each."""
    rows, count, start = _rows(path), 0, time.perf_counter()
    while batch := list(islice(rows, BATCH)):
        with built.db.writing() as s:
            count += sum(
                1 for r in legacy.import_rows(s, built.store, batch, utcnow()) if r.status != "invalid"
            )
    return count, time.perf_counter() - start


def baseline(built: system.System, path: Path) -> tuple[int, float]:
    """The same rows, parsed the same way, inserted as history: one executemany per batch, nothing else."""
    rows, count, next_id, start = _rows(path), 0, 10_000_000, time.perf_counter()
    now = utcnow()
    while batch := list(islice(rows, BATCH)):
        parsed = [legacy_rows.parse(row, now) for _, row in batch]
        cases = [p for p in parsed if isinstance(p, LegacyCase)]
        values = [legacy_rows.history_row(c, next_id + i) for i, c in enumerate(cases)]
        next_id += len(cases)
        with built.db.writing() as s:
            s.execute(insert(table(Case)), values)
        count += len(values)
    return count, time.perf_counter() - start


def _load() -> str:
    one, five, _ = os.getloadavg()
    return f"load {one:.2f}/{five:.2f} on {os.cpu_count()} CPUs"


def main() -> int:
    ap = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    ap.add_argument("--rows", type=int, default=100_000)
    ap.add_argument("--rounds", type=int, default=3)
    ap.add_argument("--open-share", type=float, default=0.01, help="share of cases still open (default 0.01)")
    ap.add_argument("--postgres-url", default=PG_URL)
    args = ap.parse_args()
    with tempfile.TemporaryDirectory() as folder:
        path = write_sample_file(Path(folder) / "antiguo.csv", args.rows, open_share=args.open_share)
        print(
            f"export: {args.rows} rows, {args.open_share:.1%} open (started through the step path), "
            f"{path.stat().st_size / 1e6:.1f} MB"
        )
        results: dict[str, list[float]] = {"import-legacy": [], "baseline executemany": []}
        for round_ in range(1, args.rounds + 1):
            order = [("import-legacy", ours), ("baseline executemany", baseline)]
            for name, run in order if round_ % 2 else order[::-1]:
                with postgres_schema(args.postgres_url, required=True) as url:
                    assert url is not None
                    built = _prepared(url)
                    before = _load()
                    count, seconds = run(built, path)
                    built.db.engine.dispose()
                rate = count / seconds
                results[name].append(rate)
                print(
                    f"round {round_} {name:22s} {count:7d} cases in {seconds:6.1f} s = {rate:7.0f} cases/s  "
                    f"({before} -> {_load()})",
                    flush=True,
                )
        for name, rates in results.items():
            print(f"{name:22s} median {sorted(rates)[len(rates) // 2]:7.0f} cases/s over {len(rates)} run(s)")
        best = sorted(results["import-legacy"])[len(results["import-legacy"]) // 2]
        print(f"target >= {TARGET:.0f} cases/s: {'MET' if best >= TARGET else 'NOT MET'}")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
