"""Engine benchmark: what the platform adds on top of SpiffWorkflow on the real reclamo path of
`processes/caso.bpmn`, against bare SpiffWorkflow in memory and with its state in one row per case, on
SQLite and PostgreSQL; and whether a long case's step costs more than a fresh one's. See bench/README.md.

Run: ``.venv/bin/python bench/engine.py [--rounds R] [--cases N] [--returns N] [--skip-postgres]``
"""

from __future__ import annotations

import argparse
import os
import platform as host
import sys
import tempfile
from collections.abc import Iterator, Sequence
from contextlib import ExitStack, contextmanager
from datetime import datetime
from importlib.metadata import version
from pathlib import Path

# Run as `python bench/engine.py`, this file's folder comes first on sys.path and this very file would
# shadow the `engine` package: the repository root goes in front of it.
sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

from enginebench import report
from enginebench.bare import BareContent, db_factory, lean_factory
from enginebench.databases import PG_URL, postgres_schema
from enginebench.measure import WARMUP, Mode, PathError, long_vs_fresh, measure_cases
from enginebench.path import DESCRIPTION, NOW
from enginebench.platform import PlatformDb, content_files


def parse(argv: Sequence[str] | None) -> argparse.Namespace:
    ap = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    ap.add_argument("--rounds", type=int, default=3, help="rounds over all modes (default 3)")
    ap.add_argument("--cases", type=int, default=10, help="full cases per mode and round (default 10)")
    ap.add_argument(
        "--returns", type=int, default=100, help="visación returns of the long case (default 100)"
    )
    ap.add_argument("--samples", type=int, default=15, help="timed long/fresh loops per mode (default 15)")
    ap.add_argument("--skip-postgres", action="store_true", help="SQLite and bare-lean only")
    ap.add_argument("--require-postgres", action="store_true", help="fail if PostgreSQL is unreachable")
    ap.add_argument("--postgres-url", default=PG_URL, help=f"server to use (default {PG_URL})")
    args = ap.parse_args(argv)
    if args.rounds * args.cases < 2 or args.samples < 1 or args.returns < 0:
        ap.error("need at least 2 cases per mode, 1 sample and 0 or more returns")
    return args


def load() -> str:
    one, five, fifteen = os.getloadavg()
    return f"{one:.2f} {five:.2f} {fifteen:.2f}"


def header() -> None:
    cpus = len(os.sched_getaffinity(0)) if hasattr(os, "sched_getaffinity") else os.cpu_count()
    print(f"engine benchmark {datetime.now().isoformat(timespec='seconds')}  {host.node()}")
    print(
        f"Python {host.python_version()}, SpiffWorkflow {version('SpiffWorkflow')}, SQLAlchemy "
        f"{version('SQLAlchemy')}; nproc {cpus}; load before {load()} (1, 5, 15 min)"
    )
    print(f"{DESCRIPTION}; now = {NOW.isoformat()} (injected)")


@contextmanager
def databases(args: argparse.Namespace) -> Iterator[list[PlatformDb]]:
    """Prepared SQLite (temporary file) and PostgreSQL (throwaway schema) databases, closed at the end."""
    with ExitStack() as stack:
        tmp = stack.enter_context(tempfile.TemporaryDirectory(prefix="bench_"))
        pg_url = None
        if args.skip_postgres:
            print("PostgreSQL skipped (--skip-postgres).")
        else:
            pg_url = stack.enter_context(postgres_schema(args.postgres_url, args.require_postgres))
        dbs = [PlatformDb.setup("SQLite", f"sqlite:///{Path(tmp) / 'bench.db'}")]
        stack.callback(close_all, dbs)  # before the schema is dropped
        if pg_url is not None:
            dbs.append(PlatformDb.setup("PostgreSQL", pg_url))
        yield dbs


def close_all(dbs: Sequence[PlatformDb]) -> None:
    for d in dbs:
        d.close()


def modes_for(dbs: Sequence[PlatformDb]) -> list[Mode]:
    """bare-lean once; bare-db and platform per database (bare-db shares the platform's engine)."""
    content = BareContent.load(content_files(), dbs[0].platform_name("DR13"))
    modes = [Mode("bare-lean", "", lean_factory(content))]
    for d in dbs:
        modes.append(Mode("bare-db", d.label, db_factory(content, d.system.db.engine)))
        modes.append(Mode("platform", d.label, d.factory()))
    return modes


def bench(args: argparse.Namespace, dbs: Sequence[PlatformDb]) -> str:
    """Measure every mode, print the tables and return the summary line."""
    modes = modes_for(dbs)
    runs = measure_cases(modes, args.rounds, args.cases)
    long_fresh = long_vs_fresh(modes, args.returns, args.samples) if args.returns else []
    print(
        f"\nfull case, ms: {args.rounds} rounds x {args.cases} cases per mode, interleaved case by case "
        f"(+{WARMUP} warm-up each); commit = ms per step inside COMMIT; after = ms per case in the\n"
        "effects a step's process carries out right after its commit (rendering and keeping its letters),\n"
        "outside the step's transaction but inside the timed block (the request waits for it)"
    )
    report.print_cases(modes, runs)
    letters = next((r.letters for r in runs[modes[-1].label] if r.letters), ())
    print(f"letters rendered per platform case: {len(letters)} ({', '.join(letters)})\n")
    ratios = report.platform_ratios(runs, [d.label for d in dbs])
    report.print_long_fresh(long_fresh, args.samples)
    return report.summary(ratios, long_fresh)


def main(argv: Sequence[str] | None = None) -> int:
    """Run the benchmark; 1 if a case left the expected path (the figures would be meaningless)."""
    args = parse(argv)
    header()
    try:
        with databases(args) as dbs:
            line = bench(args, dbs)
    except PathError as err:
        print(f"\nFAILED: {err}", file=sys.stderr)
        return 1
    print(f"\nload after {load()}")
    print(line)
    return 0


if __name__ == "__main__":
    sys.exit(main())
