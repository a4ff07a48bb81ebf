"""Inbox (bandeja) benchmark: server time of `inbox()` over varied filters at 10,000 and 200,000 cases in
PostgreSQL (optionally a million), and how it grows with the size of the database.

Each size gets its own schema `bench_<hex>` (migrated, reference data loaded, always dropped). Cases and
tasks are bulk-loaded with set-based SQL, not through the services (each task gets the case fields that
persistence copies onto it): the inbox reads only the projections `human_tasks` (filters, order, counts,
search) and `cases` (the page's rows, folio and consumer-RUT search), so this is a read benchmark of
them. No `instances` rows (nor a published content version) are needed: no foreign key points from the
projections to engine state.

The 200 requests alternate a supervisor of region 13 and an ejecutivo of DR13 and cycle through the tabs,
each due status, kind, stage, channel, platform and a search by folio, RUT, provider RUT and provider-name
prefix, on pages 1-5. They are timed on every size in turn, so machine noise hits all sizes alike, and
each request keeps its best of --repeat calls. Targets: p95 < 100 ms at 200,000 cases and
p95(200,000) / p95(10,000) < 1.5. By default 25 % of the cases are open, so a bandeja holds 20 times more
tasks at 200,000 cases than at 10,000; --open-cases N keeps the backlog fixed instead.

Run: ``.venv/bin/python bench/inbox.py [--cases 10000,200000] [--million] [--open-cases N] [--repeat K]
[--explain N] [--postgres-url URL]``
"""

from __future__ import annotations

import argparse
import hashlib
import inspect
import random
import statistics
import sys
import time
from collections.abc import Callable, Sequence
from contextlib import ExitStack
from dataclasses import dataclass, field
from datetime import UTC, datetime
from itertools import accumulate
from pathlib import Path
from typing import Any

# Run as `python bench/inbox.py`, this file's folder comes first on sys.path: bench/engine.py would shadow
# the `engine` package. The repository root goes in front of it.
sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

import psycopg
from sqlalchemy import event, func, select
from stdnum.cl import rut as stdrut

from bench.engine import first_line, p95, postgres_schema
from engine import deadlines, refdata, rut, schema
from engine.access import Actor, task_scope
from engine.db import Database, connect
from engine.models import HumanTask
from engine.roles import WORKERS
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
# (some web and call-center cases, which belong to region 13 as open_case does), kinds ~40/55/5, a share
# open (25 % by default) due within ±40 days of today (3 % without a date), warned 2-5 days before.
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
  SELECT c.id AS case_id, k, c.platform_code, c.region_code, c.due_on, c.opened_at, c.kind, c.stage,
    c.channel, c.warn_on, c.provider_rut, c.provider_name,
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
  assignee, platform_code, region_code, due_on, created_at, kind, stage, channel, warn_on, warn_days,
  provider_rut, provider_key)
SELECT md5('open-' || case_id || '-' || k)::uuid::text, case_id, element_id, name, 'caso', lane, role,
  element_id, '[]', 'open',
  CASE WHEN role = 'ejecutivo' AND held < 0.6 THEN 'eje_' || platform_code || '_' || (1 + floor(who * 6))
       WHEN role = 'supervisor' AND held < 0.4 THEN 'sup_' || region_code || '_' || (1 + floor(who * 2))
       WHEN role = 'abogado' AND held < 0.8 THEN 'abo_' || region_code || '_1' END,
  platform_code, region_code, due_on,
  least(opened_at + make_interval(hours => k * 20 + floor(held * 20)::int), %(now)s - interval '1 hour'),
  kind, stage, channel, warn_on, due_on - warn_on, provider_rut, lower(provider_name)
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
  assignee, platform_code, region_code, due_on, created_at, closed_at, closed_by, kind, stage, channel,
  warn_on, warn_days, provider_rut, provider_key)
SELECT md5('done-' || c.id || '-' || k)::uuid::text, c.id, 'registrar_gestion', 'Gestionar caso', 'caso',
  'Ejecutivo/a', 'ejecutivo', 'gestion', '[]', 'completed', 'eje_' || c.platform_code || '_1',
  c.platform_code, c.region_code, c.due_on, c.opened_at + make_interval(hours => k - 1),
  c.opened_at + make_interval(hours => k), 'eje_' || c.platform_code || '_1', c.kind, c.stage, c.channel,
  c.warn_on, c.due_on - c.warn_on, c.provider_rut, lower(c.provider_name)
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


Draw = Callable[[random.Random, Terms], dict[str, Any]]
STAGES = ("ingreso", "consulta", "reclamo", "judicial", "no_consumo")
CHOICES: dict[str, Draw] = {
    "plain": lambda rng, t: {},
    "tab": lambda rng, t: {"tab": rng.choice(("mine", "unclaimed"))},
    "due": lambda rng, t: {"due": rng.choice(("en_plazo", "por_vencer", "fuera_de_plazo"))},
    "kind": lambda rng, t: {"kind": rng.choice(("inquiry", "complaint", "out_of_scope"))},
    "stage": lambda rng, t: {"stage": rng.choice(STAGES)},
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
    """n requests alternating supervisor/ejecutivo, cycling through the filters, each on a random page
    1-5 and, for 30 % of them, with a second filter."""
    rng = random.Random(seed)
    focus = list(CHOICES)
    out = []
    for i in range(n):
        fields = {"page": rng.randint(1, 5), **CHOICES[focus[(i // 2) % len(focus)]](rng, terms)}
        if rng.random() < 0.3:
            fields.update(CHOICES[rng.choice(EXTRAS)](rng, terms))
        out.append((SUPERVISOR if i % 2 == 0 else EJECUTIVO, InboxQuery(**fields)))
    return out


def describe(actor: Actor, q: InboxQuery) -> str:
    """`supervisor tab=mine due=por_vencer page=3`: the request's non-default fields."""
    changed = [f"{k}={v}" for k, v in vars(q).items() if v != getattr(InboxQuery(), k) or k == "page"]
    return " ".join([actor.role, *changed])


# --- measuring -----------------------------------------------------------------------------------------


def timed(db: Database, actor: Actor, q: InboxQuery) -> float:
    """Milliseconds spent in inbox() inside a reading session whose connection is already checked out
    (pool checkout and pre-ping are not the service's time)."""
    with db.reading() as s:
        s.connection()
        started = time.perf_counter()
        inbox(s, actor, q, NOW)
        return (time.perf_counter() - started) * 1e3


@dataclass
class Size:
    """One database size in its own schema: the loaded data and, once measured, each request's time."""

    cases: int
    url: str
    db: Database
    load_s: float
    terms: Terms
    requests: list[tuple[Actor, InboxQuery]]
    seen: tuple[int, int] = (0, 0)  # open tasks in the supervisor's and the ejecutivo's bandeja
    ms: list[float] = field(default_factory=list)

    def call(self, i: int) -> float:
        return timed(self.db, *self.requests[i])

    def visible(self, actor: Actor) -> int:
        """Open tasks in the actor's bandeja with no filter, counted exactly (not capped as the page)."""
        lanes = [lane for lane, workers in WORKERS.items() if actor.role in workers]
        query = select(func.count()).where(
            HumanTask.status == "open", HumanTask.role.in_(lanes), task_scope(actor)
        )
        with self.db.reading() as s:
            return int(s.execute(query).scalar_one())

    def open_tasks(self) -> int:
        with psycopg.connect(self.url) as conn:
            row = conn.execute("SELECT count(*) FROM human_tasks WHERE status = 'open'").fetchone()
        return row[0] if row else 0

    def slowest(self, n: int) -> list[int]:
        return sorted(range(len(self.ms)), key=lambda i: self.ms[i], reverse=True)[:n]


def load(stack: ExitStack, base_url: str, cases: int, open_cases: int | None) -> Size | None:
    """A throwaway schema with n cases (dropped when the stack closes); None if PostgreSQL is unreachable."""
    url = stack.enter_context(postgres_schema(base_url))
    if url is None:
        return None
    share = 0.25 if open_cases is None else min(1.0, open_cases / cases)
    db, load_s = prepare(url, cases, share)
    stack.callback(db.engine.dispose)  # runs before the schema is dropped
    terms = sample_terms(url)
    size = Size(cases, url, db, load_s, terms, plan(REQUESTS, terms, SEED))
    size.seen = (size.visible(SUPERVISOR), size.visible(EJECUTIVO))
    return size


def measure(sizes: Sequence[Size], repeat: int) -> None:
    """Warm up each size, then time request i on every size in turn (machine noise hits all sizes alike),
    keeping each request's best of `repeat` calls."""
    for size in sizes:
        for actor, q in plan(WARMUP, size.terms, SEED + 1):
            timed(size.db, actor, q)
    for i in range(REQUESTS):
        for size in sizes:
            size.ms.append(min(size.call(i) for _ in range(repeat)))


def explain(size: Size, i: int) -> None:
    """Print EXPLAIN (ANALYZE, BUFFERS) of every statement request i runs."""
    captured: list[tuple[str, Any]] = []

    def grab(_conn: Any, _cursor: Any, statement: str, parameters: Any, *_: Any) -> None:
        captured.append((statement, parameters))

    event.listen(size.db.engine, "before_cursor_execute", grab)
    try:
        size.call(i)
    finally:
        event.remove(size.db.engine, "before_cursor_execute", grab)
    print(f"\n=== {size.ms[i]:.1f} ms  {describe(*size.requests[i])}")
    with size.db.reading() as s:
        for statement, parameters in captured:
            print(f"--- {' '.join(statement.split())[:300]} ...\n    {parameters}")
            lines = s.connection().exec_driver_sql("EXPLAIN (ANALYZE, BUFFERS) " + statement, parameters)
            print("\n".join(f"    {line}" for (line,) in lines))


# --- reporting, main -----------------------------------------------------------------------------------


def measured(url: str) -> str:
    """Which service source (its edits change the figures) and which server were measured."""
    source = Path(inspect.getsourcefile(inbox) or "")
    digest = hashlib.sha256(source.read_bytes()).hexdigest()[:12] if source.is_file() else "?"
    with psycopg.connect(url) as conn:
        version = conn.execute("SHOW server_version").fetchone()
    return f"service {source.name} sha256:{digest}; PostgreSQL {version[0] if version else '?'}"


def print_sizes(sizes: Sequence[Size]) -> None:
    """One row per size: what was loaded, how many tasks each actor sees, median / p95 / max."""
    print(measured(sizes[0].url) + "\n")
    head = f"{'cases':>10}{'open tasks':>12}{'sup. 13':>9}{'eje. DR13':>10}{'load s':>8}"
    print(head + f"{'median ms':>11}{'p95 ms':>9}{'max ms':>9}")
    for size in sizes:
        row = f"{size.cases:>10,}{size.open_tasks():>12,}{size.seen[0]:>9,}"
        row += f"{size.seen[1]:>10,}{size.load_s:>8.1f}"
        print(row + f"{statistics.median(size.ms):>11.2f}{p95(size.ms):>9.2f}{max(size.ms):>9.2f}")


def verdict(name: str, value: float, target: float, unit: str = "") -> str:
    return f"{name}: {value:.2f}{unit}  target < {target:g}{unit}  {'OK' if value < target else 'MISS'}"


def print_verdicts(sizes: Sequence[Size]) -> None:
    """The slowest requests of the largest size, then the target checks."""
    largest, small = sizes[-1], sizes[0]
    print(f"\nslowest requests at {largest.cases:,} cases:")
    for i in largest.slowest(5):
        print(f"  {largest.ms[i]:8.2f} ms  {describe(*largest.requests[i])}")
    print()
    for size in sizes:
        if size.cases >= 200_000 or size is largest:
            print(verdict(f"p95 at {size.cases:,} cases", p95(size.ms), TARGET_P95_MS, " ms"))
    for size in sizes[1:]:
        growth = p95(size.ms) / p95(small.ms)
        print(verdict(f"growth p95({size.cases:,}) / p95({small.cases:,})", growth, TARGET_GROWTH), end="")
        print(f"   [supervisor's bandeja {size.seen[0] / max(1, small.seen[0]):.1f}x larger]")


def case_counts(text: str) -> list[int]:
    """`10000,200000` → [10000, 200000]."""
    try:
        out = sorted({int(part) for part in text.split(",") if part.strip()})
    except ValueError:
        raise argparse.ArgumentTypeError(f"not a list of integers: {text!r}") from None
    if not out or out[0] < 100:
        raise argparse.ArgumentTypeError("case counts must be at least 100")
    return out


def parse(argv: Sequence[str] | None) -> argparse.Namespace:
    ap = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    ap.add_argument("--cases", type=case_counts, default=[10_000, 200_000], help="default 10000,200000")
    ap.add_argument("--million", action="store_true", help="also 1,000,000 cases (a few more minutes)")
    ap.add_argument("--open-cases", type=int, metavar="N", help="open cases per size (default: 25 %%)")
    ap.add_argument("--repeat", type=int, default=3, metavar="K", help="best of K calls per request")
    ap.add_argument("--explain", type=int, default=0, metavar="N", help="EXPLAIN the N slowest requests")
    ap.add_argument("--postgres-url", default=PG_URL, help=f"server to use (default {PG_URL})")
    args = ap.parse_args(argv)
    if args.repeat < 1 or (args.open_cases is not None and args.open_cases < 1):
        ap.error("--repeat and --open-cases must be positive")
    return args


def main(argv: Sequence[str] | None = None) -> None:
    """Load every size in its own throwaway PostgreSQL schema, measure them interleaved, report."""
    args = parse(argv)
    counts = sorted({*args.cases, *([1_000_000] if args.million else [])})
    print(f"inbox(): server time, i.e. wall time around the call in a reading session; {REQUESTS} requests")
    print(f"per size (best of {args.repeat} calls each) after {WARMUP} warm-up ones; a supervisor of region")
    print("13 and an ejecutivo of DR13, alternating. Cases and tasks are bulk-loaded with set-based SQL,")
    print("not through the services: a read benchmark of the projections human_tasks and cases.")
    print(f"Today = {TODAY}; open cases: {args.open_cases or '25 %'} per size.\n")
    with ExitStack() as stack:
        sizes = []
        for n in counts:
            try:
                size = load(stack, args.postgres_url, n, args.open_cases)
            except psycopg.Error as err:
                sys.exit(f"PostgreSQL error while loading {n:,} cases: {first_line(err)}")
            if size is None:
                return
            sizes.append(size)
        measure(sizes, args.repeat)
        print_sizes(sizes)
        print_verdicts(sizes)
        for i in sizes[-1].slowest(args.explain):
            explain(sizes[-1], i)


if __name__ == "__main__":
    main()
