"""Migration benchmark: N open cases (half consultas, half reclamos) on version 1, a version 2 that changes
the reclamo plazo; prints the time of the dry run and of migrating the safe cases (SQLite).

Run: ``.venv/bin/python bench/migration.py [--cases N]``
"""

from __future__ import annotations

import argparse
import sys
import tempfile
import time
from pathlib import Path

# Run as `python bench/migration.py`, this file's folder comes first on sys.path: the repository root goes
# in front of it so `engine` is the package, not bench/engine.py.
sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

from engine.access import Actor
from engine.clock import utcnow
from engine.services import cases
from engine.services.workbench import drafts, migration, publishing
from tests.conftest import ACTORS, complaint, prepare

ANALYST = Actor("analista", "analista")


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--cases", type=int, default=200)
    args = parser.parse_args()
    with tempfile.TemporaryDirectory() as tmp:
        sys_ = prepare(f"sqlite:///{tmp}/bench.db")
        now = utcnow()
        for i in range(args.cases):
            with sys_.db.writing() as s:
                kind = "inquiry" if i % 2 else "complaint"
                cases.open_case(s, sys_.store, complaint(kind=kind), ACTORS["eje13"], now, process_id="caso")
        with sys_.db.writing() as s:
            files = drafts.draft_files(s, ANALYST.username, now)
            body = files["processes/caso.bpmn"].replace(b"plazo_dias = 25\n", b"plazo_dias = 20\n")
            drafts.put_file(s, ANALYST.username, "processes/caso.bpmn", body, now)
            target = publishing.publish_draft(s, ANALYST.username, "bench", now).version
        started = time.perf_counter()
        dry = migration.run_migration(sys_.db, sys_.store, 1, target, ANALYST, now, dry_run=True)
        checked = time.perf_counter() - started
        started = time.perf_counter()
        done = migration.run_migration(sys_.db, sys_.store, 1, target, ANALYST, now, dry_run=False)
        moved = time.perf_counter() - started
        safe = sum(v.safe for v in dry.verdicts)
        print(f"casos abiertos: {len(dry.verdicts)}, seguros: {safe}")
        print(f"simulación: {checked:.2f} s ({1000 * checked / len(dry.verdicts):.1f} ms por caso)")
        per_case = 1000 * moved / len(done.verdicts)
        print(f"migración: {done.migrated} casos en {moved:.2f} s ({per_case:.1f} ms por caso revisado)")
        sys_.db.engine.dispose()


if __name__ == "__main__":
    main()
