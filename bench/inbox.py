"""Inbox (bandeja) benchmark: server time of `inbox()` over varied filters at 10,000 and 200,000 cases in
PostgreSQL (optionally a million), and how it grows with the size of the database. See bench/README.md.

Cases and tasks are bulk-loaded with set-based SQL, not through the services: the inbox reads only the
projections `human_tasks` ⋈ `cases`, so this is a read benchmark of those two tables.

Run: ``.venv/bin/python bench/inbox.py [--cases 10000,200000] [--million] [--explain N] [--postgres-url URL]``
"""

from __future__ import annotations

import argparse
import random
import statistics
import sys
import time
from collections.abc import Sequence
from dataclasses import dataclass
from datetime import UTC, datetime
from itertools import accumulate
from pathlib import Path
from typing import Any

# Run as `python bench/inbox.py`, this file's folder comes first on sys.path: bench/engine.py would shadow
# the `engine` package. The repository root goes in front of it.
sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

import psycopg
from sqlalchemy import event
from stdnum.cl import rut as stdrut

from bench.engine import first_line, p95, postgres_schema
from engine import deadlines, refdata, rut, schema
from engine.access import Actor
from engine.db import Database, connect
from engine.services.inbox import InboxQuery, inbox
from engine.services.reference import load_reference

PG_URL = "postgresql://postgres@127.0.0.1:5432/test"
REQUESTS = 200  # timed inbox() calls per database size
WARMUP = 40  # untimed calls first (caches, prepared statements)
TARGET_P95_MS = 100.0
TARGET_GROWTH = 1.5
SEED = 20261122
NOW = datetime.now(UTC).replace(microsecond=0)
TODAY = deadlines.local_date(NOW)

SUPERVISOR = Actor("sup_13_1", "supervisor", region_code="13")
EJECUTIVO = Actor("eje_DR13_1", "ejecutivo", platform_code="DR13", region_code="13")

# ~300 fictitious companies: every sector with every place name; interleaved so that the skewed pick
# (low indexes are the big providers) spreads over sectors.
SECTORS = (
    "Banco Telefónica Multitienda Aerolínea Farmacias Supermercados Inmobiliaria Isapre Automotora "
    "Seguros Financiera Eléctrica Aguas Clínica Electro Muebles Viajes Instituto Cable Tarjetas"
).split()
PLACES = (
    "Andes|Pacífico|Austral|Cordillera|Central|del Sur|Norte Grande|Araucanía|Costa|Valle|Horizonte|"
    "Cóndor|Copihue|Litoral|Maule"
).split("|")
LEGAL = ("S.A.", "SpA", "Ltda.")
FIRST_NAMES = (
    "Camila Sofía Martina Valentina Francisca Daniela Benjamín Matías Vicente Tomás Diego Luis".split()
)
SURNAMES = "Prueba Ejemplo Demo Ficticio Muestra Ensayo Modelo Simulado".split()
SUBJECTS = (
    "Cobro indebido",
    "Producto defectuoso",
    "Despacho no realizado",
    "Incumplimiento de oferta",
    "Seguro no contratado",
)
OUTCOMES = ("PROVEEDOR ACOGE", "ACOGE PARCIALMENTE", "PROVEEDOR NO ACOGE", "CONSUMIDOR DESISTE")
CHANNELS = {"in_person": 60, "web": 15, "phone": 10, "written": 10, "mailbox": 5}  # at the DR offices


def providers() -> list[tuple[str, str]]:
    """(name, canonical RUT) of the ~300 companies, RUTs in the 76 million range of companies."""
    out = []
    for i in range(len(SECTORS) * len(PLACES)):
        sector, place = SECTORS[i % len(SECTORS)], PLACES[i // len(SECTORS)]
        number = str(76_000_000 + 7_919 * i)
        out.append(
            (f"{sector} {place} {LEGAL[i % len(LEGAL)]}", f"{number}-{stdrut.calc_check_digit(number)}")
        )
    return out


def bounds(weights: Sequence[float]) -> list[float]:
    """Lower bounds in [0, 1) of each weight's bucket, for SQL's width_bucket(random(), bounds)."""
    total = sum(weights)
    return [0.0, *(w / total for w in accumulate(weights))][: len(weights)]


# --- bulk load -----------------------------------------------------------------------------------------

RUT_DV = """
CREATE FUNCTION rut_dv(n bigint) RETURNS text LANGUAGE sql IMMUTABLE AS $$
  SELECT (ARRAY['1','2','3','4','5','6','7','8','9','K','0'])[11 - s % 11]
  FROM (SELECT sum((n / (10 ^ k)::bigint) % 10 * (2 + k % 6))::int AS s FROM generate_series(0, 8) k) t
$$"""

# One row per case from generate_series: a weighted region (by population), the region's DR platform
# (some web and call-center cases, which belong to region 13 as open_case does), kinds ~40/55/5, ~25 %
# open with a due date within ±40 days of today (3 % without one) and a warning 2-5 days before it.
CASES = """
WITH draw AS (
  SELECT g, random() r1, random() r2, random() r3, random() r4, random() r5, random() r6, random() r7,
    random() r8, random() r9, random() r10, random() r11, random() r12, random() r13, random() r14,
    random() r15, random() r16
  FROM generate_series(1, %(n)s::int) g
), picked AS (
  SELECT draw.*, (%(regions)s::text[])[width_bucket(r1, %(region_bounds)s::float8[])] AS region,
    r2 < %(open_share)s AS open,
    CASE WHEN r3 < 0.40 THEN 'inquiry' WHEN r3 < 0.95 THEN 'complaint' ELSE 'out_of_scope' END AS kind,
    CASE WHEN r4 < 0.05 THEN 'WEB' WHEN r4 < 0.09 THEN 'CC' END AS national,
    4000000 + floor(r5 * 21000000)::bigint AS consumer,
    1 + floor(%(n_providers)s * r6 * r6)::int AS provider
  FROM draw
), dated AS (
  SELECT picked.*, coalesce(national, 'DR' || region) AS platform_code,
    CASE WHEN national IS NULL THEN region ELSE '13' END AS region_code,
    CASE WHEN NOT open THEN %(today)s - (45 + floor(r7 * 685)::int)
         WHEN r8 < 0.03 THEN %(today)s - floor(r7 * 30)::int
         ELSE %(today)s + (floor(r8 * 81)::int - 40) - (42 + floor(r7 * 30)::int) END AS opened_on
  FROM picked
), timed AS (
  SELECT dated.*, (opened_on + make_interval(mins => 540 + floor(r9 * 540)::int))::timestamp
                   AT TIME ZONE 'America/Santiago' AS opened_at,
    CASE WHEN open AND r8 < 0.03 THEN NULL WHEN open THEN %(today)s + (floor(r8 * 81)::int - 40)
         ELSE opened_on + 35 END AS due_on
  FROM dated
), numbered AS (  -- ids (and folios) follow the opening date, as the serial key does
  SELECT timed.*, row_number() OVER (ORDER BY opened_at, g) AS id FROM timed
)
INSERT INTO cases (id, folio, kind, stage, status, channel, platform_code, region_code, comuna_code,
  consumer_rut, consumer_name, provider_rut, provider_name, subject, description, opened_at, opened_on,
  due_on, warn_on, closed_at, outcome, opened_by)
SELECT id, extract(year FROM opened_on)::int || '-' || lpad(id::text, greatest(6, length(id::text)), '0'),
  kind,
  CASE WHEN NOT open THEN 'cerrado' WHEN r10 < 0.1 THEN 'ingreso' WHEN kind = 'inquiry' THEN 'consulta'
       WHEN kind = 'out_of_scope' THEN 'no_consumo' WHEN r10 > 0.93 THEN 'judicial' ELSE 'reclamo' END,
  CASE WHEN NOT open THEN 'closed' WHEN r11 < 0.15 THEN 'pending_approval' ELSE 'open' END,
  CASE platform_code WHEN 'WEB' THEN 'web' WHEN 'CC' THEN 'phone'
       ELSE (%(channels)s::text[])[width_bucket(r12, %(channel_bounds)s::float8[])] END,
  platform_code, region_code, region || '101',
  consumer || '-' || rut_dv(consumer),
  (%(first_names)s::text[])[1 + floor(r13 * %(n_first)s)::int]
    || ' ' || (%(surnames)s::text[])[1 + floor(r14 * %(n_surnames)s)::int],
  CASE WHEN kind <> 'out_of_scope' AND r15 >= 0.2 THEN (%(provider_ruts)s::text[])[provider] END,
  CASE WHEN kind <> 'out_of_scope' THEN (%(provider_names)s::text[])[provider] END,
  (%(subjects)s::text[])[1 + floor(r16 * %(n_subjects)s)::int], '',
  opened_at, opened_on, due_on, due_on - (2 + floor(r14 * 4)::int),
  CASE WHEN NOT open THEN opened_at + make_interval(days => 5 + floor(r11 * 30)::int) END,
  CASE WHEN NOT open THEN (%(outcomes)s::text[])[1 + floor(r10 * %(n_outcomes)s)::int] END,
  'carga_bench'
FROM numbered
"""

# Open tasks of open cases: one, and a second for 30 % of them (a supervisor's review when overdue).
# Most ejecutivo tasks are held by one of six ejecutivos of the platform, some supervisor tasks by one of
# the region's two supervisors; the rest are unclaimed.
OPEN_TASKS = """
WITH task AS (
  SELECT c.id AS case_id, k, c.platform_code, c.region_code, c.due_on, c.opened_at,
    random() AS held, random() AS who,
    CASE WHEN k = 2 AND c.due_on < %(today)s THEN 'revisar_atraso'
         WHEN k = 2 THEN 'enviar_recordatorio'
         WHEN c.status = 'pending_approval' THEN 'visar_cierre'
         WHEN c.stage = 'judicial' THEN 'registrar_audiencia'
         WHEN c.stage = 'ingreso' THEN 'trasladar'
         ELSE 'proponer_cierre' END AS element_id
  FROM cases c CROSS JOIN LATERAL generate_series(1, 1 + (c.id %% 10 < 3)::int) AS k
  WHERE c.status <> 'closed'
)
INSERT INTO human_tasks (id, case_id, element_id, name, process_id, lane, role, form_id, letters, status,
  assignee, platform_code, region_code, due_on, created_at)
SELECT md5('open-' || case_id || '-' || k)::uuid::text, case_id, element_id, name, 'caso', lane, role,
  element_id, '[]',  'open',
  CASE WHEN role = 'ejecutivo' AND held < 0.6 THEN 'eje_' || platform_code || '_' || (1 + floor(who * 6))
       WHEN role = 'supervisor' AND held < 0.4 THEN 'sup_' || region_code || '_' || (1 + floor(who * 2))
       WHEN role = 'abogado' AND held < 0.8 THEN 'abo_' || region_code || '_1' END,
  platform_code, region_code, due_on,
  least(opened_at + make_interval(hours => k * 20 + floor(held * 20)::int), %(now)s - interval '1 hour')
FROM task JOIN (VALUES
  ('trasladar', 'Trasladar reclamo al proveedor', 'ejecutivo', 'Ejecutivo/a'),
  ('proponer_cierre', 'Proponer cierre', 'ejecutivo', 'Ejecutivo/a'),
  ('enviar_recordatorio', 'Enviar recordatorio', 'ejecutivo', 'Ejecutivo/a'),
  ('visar_cierre', 'Visar cierre', 'supervisor', 'Supervisor'),
  ('revisar_atraso', 'Revisar caso fuera de plazo', 'supervisor', 'Supervisor'),
  ('registrar_audiencia', 'Registrar audiencia', 'abogado', 'Abogado/a')
) AS kinds (element_id, name, role, lane) USING (element_id)
"""

# History: completed tasks (two per closed case, one per open case), which the inbox must skip over.
DONE_TASKS = """
INSERT INTO human_tasks (id, case_id, element_id, name, process_id, lane, role, form_id, letters, status,
  assignee, platform_code, region_code, due_on, created_at, closed_at, closed_by)
SELECT md5('done-' || c.id || '-' || k)::uuid::text, c.id, 'registrar_gestion', 'Gestionar caso', 'caso',
  'Ejecutivo/a', 'ejecutivo', 'gestion', '[]', 'completed', 'eje_' || c.platform_code || '_1',
  c.platform_code, c.region_code, c.due_on, c.opened_at + make_interval(hours => k - 1),
  c.opened_at + make_interval(hours => k), 'eje_' || c.platform_code || '_1'
FROM cases c CROSS JOIN LATERAL generate_series(1, CASE WHEN c.status = 'closed' THEN 2 ELSE 1 END) AS k
"""


def load_params() -> dict[str, Any]:
    """The lists and weights the loading SQL draws from."""
    regions = refdata.regions()
    names, ruts = zip(*providers(), strict=True)
    return {
        "today": TODAY,
        "now": NOW,
        "regions": list(regions),
        "region_bounds": bounds([r.population for r in regions.values()]),
        "channels": list(CHANNELS),
        "channel_bounds": bounds(list(CHANNELS.values())),
        "provider_names": list(names),
        "provider_ruts": list(ruts),
        "n_providers": len(names),
        "first_names": FIRST_NAMES,
        "n_first": len(FIRST_NAMES),
        "surnames": SURNAMES,
        "n_surnames": len(SURNAMES),
        "subjects": list(SUBJECTS),
        "n_subjects": len(SUBJECTS),
        "outcomes": list(OUTCOMES),
        "n_outcomes": len(OUTCOMES),
    }


def bulk_load(url: str, n: int, open_share: float) -> float:
    """Insert n cases and their tasks with set-based SQL (seeded), then VACUUM ANALYZE; returns seconds.
    History first, open tasks last: in a real database the open tasks are the newest rows."""
    params = {**load_params(), "n": n, "open_share": open_share}
    started = time.perf_counter()
    with psycopg.connect(url) as conn:
        conn.execute(RUT_DV)
        conn.execute("SELECT setseed(0.42)")
        for statement in (CASES, DONE_TASKS, OPEN_TASKS):
            conn.execute(statement, params)
        conn.commit()
        conn.autocommit = True
        conn.execute("VACUUM (ANALYZE) cases, human_tasks")
    return time.perf_counter() - started


def prepare(url: str, n: int, open_share: float = 0.25) -> tuple[Database, float]:
    """A migrated schema with reference data and n bulk-loaded cases; returns it and the load seconds."""
    db = connect(url)
    try:
        schema.upgrade(db)
        with db.writing() as s:
            load_reference(s)
        return db, bulk_load(url, n, open_share)
    except BaseException:
        db.engine.dispose()
        raise


# --- requests ------------------------------------------------------------------------------------------


@dataclass(frozen=True)
class Terms:
    """Search terms taken from cases with open tasks at DR13 (visible to both actors)."""

    folios: list[str]
    consumer_ruts: list[str]
    provider_ruts: list[str]
    provider_names: list[str]


def sample_terms(url: str) -> Terms:
    """A fixed sample (ordered by a hash, not by chance) of in-scope folios, RUTs and provider names."""
    with psycopg.connect(url) as conn:
        rows = conn.execute(
            "SELECT folio, consumer_rut, provider_rut, provider_name FROM cases c WHERE EXISTS"
            " (SELECT 1 FROM human_tasks t WHERE t.case_id = c.id AND t.status = 'open'"
            "  AND t.platform_code = 'DR13') ORDER BY md5(folio) LIMIT 40"
        ).fetchall()
    return Terms(
        folios=[r[0] for r in rows],
        consumer_ruts=[r[1] for r in rows],
        provider_ruts=[r[2] for r in rows if r[2]],
        provider_names=[r[3] for r in rows if r[3]],
    )


def provider_prefix(rng: random.Random, terms: Terms) -> str:
    """The first 3+ letters of a provider's name, in any case (the search is case-insensitive)."""
    name = rng.choice(terms.provider_names)
    cut = name[: rng.randint(3, len(name))]
    return rng.choice((cut, cut.lower(), cut.upper()))


Choice = dict[str, Any]
CHOICES: dict[str, Any] = {
    "plain": lambda rng, t: {},
    "tab": lambda rng, t: {"tab": rng.choice(("mine", "unclaimed"))},
    "due": lambda rng, t: {"due": rng.choice(("en_plazo", "por_vencer", "fuera_de_plazo"))},
    "kind": lambda rng, t: {"kind": rng.choice(("inquiry", "complaint", "out_of_scope"))},
    "stage": lambda rng, t: {
        "stage": rng.choice(("ingreso", "consulta", "reclamo", "judicial", "no_consumo"))
    },
    "channel": lambda rng, t: {"channel": rng.choice(tuple(CHANNELS))},
    "platform": lambda rng, t: {"platform": rng.choice(("DR13", "CC", "WEB", "DR05"))},
    "folio": lambda rng, t: {"search": rng.choice(t.folios)},
    "rut": lambda rng, t: {"search": rut.format_rut(rng.choice(t.consumer_ruts))},
    "provider_rut": lambda rng, t: {"search": rng.choice(t.provider_ruts)},
    "provider": lambda rng, t: {"search": provider_prefix(rng, t)},
    "missing": lambda rng, t: {"search": "2019-999999"},
}
EXTRAS = ("tab", "due", "kind", "stage", "channel", "platform")


def plan(n: int, terms: Terms, seed: int) -> list[tuple[Actor, InboxQuery]]:
    """n requests alternating supervisor/ejecutivo, cycling through the filters, a random page 1-5 and,
    for 30 % of them, a second filter."""
    rng = random.Random(seed)
    focus = list(CHOICES)
    out = []
    for i in range(n):
        fields: Choice = {"page": rng.randint(1, 5), **CHOICES[focus[(i // 2) % len(focus)]](rng, terms)}
        if rng.random() < 0.3:
            fields.update(CHOICES[rng.choice(EXTRAS)](rng, terms))
        out.append((SUPERVISOR if i % 2 == 0 else EJECUTIVO, InboxQuery(**fields)))
    return out


def describe(actor: Actor, q: InboxQuery) -> str:
    """`supervisor tab=mine due=por_vencer page=3`: the request's non-default fields."""
    changed = [f"{k}={v}" for k, v in vars(q).items() if v != getattr(InboxQuery(), k) or k == "page"]
    return " ".join([actor.role, *changed])


# --- measuring -----------------------------------------------------------------------------------------


@dataclass(frozen=True)
class Timing:
    label: str
    ms: float
    actor: Actor
    query: InboxQuery


def timed(db: Database, actor: Actor, q: InboxQuery) -> float:
    """Milliseconds spent in inbox() inside a reading session whose connection is already checked out."""
    with db.reading() as s:
        s.connection()  # pool checkout and pre-ping are not the service's time
        started = time.perf_counter()
        inbox(s, actor, q, NOW)
        return (time.perf_counter() - started) * 1e3


def measure(db: Database, terms: Terms) -> list[Timing]:
    """WARMUP untimed requests (another draw of the same mix), then the REQUESTS timed ones."""
    for actor, q in plan(WARMUP, terms, SEED + 1):
        timed(db, actor, q)
    return [Timing(describe(a, q), timed(db, a, q), a, q) for a, q in plan(REQUESTS, terms, SEED)]


def visible(db: Database, actor: Actor) -> int:
    """Open tasks in the actor's bandeja with no filter."""
    with db.reading() as s:
        return inbox(s, actor, InboxQuery(), NOW).total


def explain(db: Database, timing: Timing) -> None:
    """Print EXPLAIN (ANALYZE, BUFFERS) of every statement one request runs."""
    captured: list[tuple[str, Any]] = []

    def grab(_conn: Any, _cursor: Any, statement: str, parameters: Any, *_: Any) -> None:
        captured.append((statement, parameters))

    event.listen(db.engine, "before_cursor_execute", grab)
    try:
        timed(db, timing.actor, timing.query)
    finally:
        event.remove(db.engine, "before_cursor_execute", grab)
    print(f"\n=== {timing.ms:.1f} ms  {timing.label}")
    with db.reading() as s:
        for statement, parameters in captured:
            print(f"--- {' '.join(statement.split())[:400]}\n    {parameters}")
            plan_rows = s.connection().exec_driver_sql("EXPLAIN (ANALYZE, BUFFERS) " + statement, parameters)
            print("\n".join(f"    {line}" for (line,) in plan_rows))


# --- reporting, main -----------------------------------------------------------------------------------


@dataclass(frozen=True)
class Result:
    """One database size: what was loaded and how long each request took."""

    cases: int
    open_tasks: int
    visible: tuple[int, int]  # supervisor of region 13, ejecutivo of DR13
    load_s: float
    timings: list[Timing]

    @property
    def median(self) -> float:
        return statistics.median(t.ms for t in self.timings)

    @property
    def p95(self) -> float:
        return p95([t.ms for t in self.timings])

    def slowest(self, n: int) -> list[Timing]:
        return sorted(self.timings, key=lambda t: t.ms, reverse=True)[:n]


HEADER = f"{'cases':>10}{'open tasks':>12}{'sup. 13':>9}{'eje. DR13':>10}{'load s':>8}"
HEADER += f"{'median ms':>11}{'p95 ms':>9}{'max ms':>9}"


def print_result(r: Result) -> None:
    print(
        f"{r.cases:>10,}{r.open_tasks:>12,}{r.visible[0]:>9,}{r.visible[1]:>10,}{r.load_s:>8.1f}"
        f"{r.median:>11.2f}{r.p95:>9.2f}{r.slowest(1)[0].ms:>9.2f}",
        flush=True,
    )


def run_size(base_url: str, n: int, explain_n: int) -> Result | None:
    """Load n cases in a throwaway schema, time the requests, optionally explain the slowest."""
    with postgres_schema(base_url) as url:
        if url is None:
            return None
        db, load_s = prepare(url, n)
        try:
            terms = sample_terms(url)
            timings = measure(db, terms)
            with psycopg.connect(url) as conn:
                row = conn.execute("SELECT count(*) FROM human_tasks WHERE status = 'open'").fetchone()
            vis = (visible(db, SUPERVISOR), visible(db, EJECUTIVO))
            result = Result(n, row[0] if row else 0, vis, load_s, timings)
            print_result(result)
            for t in result.slowest(explain_n):
                explain(db, t)
            return result
        finally:
            db.engine.dispose()


def verdict(name: str, value: float, target: float, unit: str = "") -> str:
    return f"{name}: {value:.2f}{unit}  target < {target:g}{unit}  {'OK' if value < target else 'MISS'}"


def print_summary(results: Sequence[Result]) -> None:
    """Slowest requests of the largest size, then the target checks."""
    largest = results[-1]
    print(f"\nslowest requests at {largest.cases:,} cases:")
    for t in largest.slowest(5):
        print(f"  {t.ms:8.2f} ms  {t.label}")
    print()
    for r in results:
        if r.cases >= 200_000 or r is largest:
            print(verdict(f"p95 at {r.cases:,} cases", r.p95, TARGET_P95_MS, " ms"))
    small = results[0]
    for r in results[1:]:
        print(verdict(f"growth p95({r.cases:,}) / p95({small.cases:,})", r.p95 / small.p95, TARGET_GROWTH))


def sizes(text: str) -> list[int]:
    """`10000,200000` → [10000, 200000]."""
    try:
        out = sorted({int(part) for part in text.split(",") if part.strip()})
    except ValueError:
        raise argparse.ArgumentTypeError(f"not a list of integers: {text!r}") from None
    if not out or out[0] < 1:
        raise argparse.ArgumentTypeError("case counts must be positive")
    return out


def main(argv: Sequence[str] | None = None) -> None:
    """Parse the CLI, then load and measure each size in its own throwaway PostgreSQL schema."""
    ap = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    ap.add_argument("--cases", type=sizes, default=[10_000, 200_000], help="sizes (default 10000,200000)")
    ap.add_argument("--million", action="store_true", help="also 1,000,000 cases (several minutes)")
    ap.add_argument("--explain", type=int, default=0, metavar="N", help="EXPLAIN ANALYZE the N slowest")
    ap.add_argument("--postgres-url", default=PG_URL, help=f"server to use (default {PG_URL})")
    args = ap.parse_args(argv)
    counts = sorted({*args.cases, *([1_000_000] if args.million else [])})
    print(f"inbox(): server time (wall time around the call, in a reading session), {REQUESTS} requests")
    print(
        f"per size after {WARMUP} warm-up ones; supervisor of region 13 and ejecutivo of DR13, alternating."
    )
    print("Cases and tasks are bulk-loaded with set-based SQL, not through the services: this is a read")
    print(f"benchmark of the projections human_tasks ⋈ cases. Today = {TODAY}.\n")
    print(HEADER)
    results = []
    for n in counts:
        try:
            result = run_size(args.postgres_url, n, args.explain)
        except psycopg.Error as err:
            sys.exit(f"PostgreSQL error at {n:,} cases: {first_line(err)}")
        if result is None:
            return
        results.append(result)
    print_summary(results)


if __name__ == "__main__":
    main()
