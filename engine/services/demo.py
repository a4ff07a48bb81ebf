"""Demo data for ``ventanilla demo``: staff accounts and a few hundred cases of clearly fictitious people,
lived through the real services on a simulated clock, so plazos, warnings and breaches happen (idempotent)."""

from __future__ import annotations

import heapq
import random
import unicodedata
from collections.abc import Callable, Mapping
from dataclasses import dataclass, field
from datetime import UTC, date, datetime, time, timedelta
from typing import Any

from sqlalchemy import func, select
from stdnum.cl import rut as stdrut

from .. import deadlines, refdata
from ..access import Actor
from ..clock import CHILE
from ..models import Case, HumanTask, Timer, User
from ..system import System
from . import cases, messages, tasks, transfers, users
from .timers import fire_due_timers

PASSWORD = "demo-ventanilla"  # noqa: S105 - printed on purpose: demo accounts only
USERS: list[tuple[str, str, str | None]] = [
    ("ejecutivo13", "ejecutivo", "DR13"),
    ("ejecutivo13b", "ejecutivo", "DR13"),
    ("ejecutivo05", "ejecutivo", "DR05"),
    ("ejecutivo08", "ejecutivo", "DR08"),
    ("callcenter", "ejecutivo", "CC"),
    ("supervisor13", "supervisor", "13"),
    ("supervisor05", "supervisor", "05"),
    ("abogado13", "abogado", "13"),
    ("director13", "director_regional", "13"),
    ("admin13", "admin_plataformas", "13"),
    ("central", "nivel_central", None),
    ("analista", "analista", None),
    ("integrador", "integrador", None),
]
DAYS = 120  # cases are opened over the last DAYS days before the ``now`` given to load_demo
FIRST_NAMES = (
    "Camila Javiera Sofía Martina Catalina Valentina Constanza Francisca Fernanda Antonia Isidora Daniela "
    "Carolina Paula Macarena Florencia Trinidad Rosa Gloria Marcela Patricia Claudia Ximena Benjamín Matías "
    "Vicente Tomás Agustín Joaquín Cristóbal Sebastián Diego Felipe Nicolás Ignacio Rodrigo Gonzalo Cristián "
    "Mauricio Luis Juan Jorge Pedro Héctor Manuel Alejandro"
).split()
SURNAMES = "Prueba Ejemplo Demo Ficticio Muestra Ensayo Modelo Simulado".split()

# name | market | how it answers complaints (portal: digital mediation; carta: by letter) | weight
_PROVIDERS = """
Telefonía Ejemplo SpA          | telecomunicaciones | portal | 9
Móvil Ficticia S.A.            | telecomunicaciones | portal | 7
Cable Demo Chile Ltda.         | telecomunicaciones | carta  | 5
Banco Ficticio S.A.            | financiero         | portal | 9
Tarjetas Muestra S.A.          | financiero         | portal | 7
Financiera Ejemplo SpA         | financiero         | carta  | 5
Multitienda Ficticia S.A.      | comercio           | portal | 9
Electro Demo SpA               | comercio           | carta  | 6
Muebles Muestra Ltda.          | comercio           | carta  | 4
Aerolínea Muestra S.A.         | transporte         | portal | 5
Buses Ejemplo Ltda.            | transporte         | carta  | 3
Eléctrica Ejemplo S.A.         | servicios básicos  | portal | 4
Aguas Ficticias S.A.           | servicios básicos  | carta  | 3
Isapre Demo S.A.               | salud              | portal | 3
Clínica Ficticia SpA           | salud              | carta  | 2
Inmobiliaria Ejemplo SpA       | inmobiliario       | carta  | 2
Viajes Muestra Ltda.           | turismo            | carta  | 2
Instituto Ficticio SpA         | educación          | carta  | 1
"""
# [market], then: subject | what the consumer says ({monto}: an amount in pesos)
_SUBJECTS = """
[telecomunicaciones]
Cobro indebido en boleta | En la boleta aparece un cobro de {monto} por servicios que nunca contraté.
Cortes reiterados de internet | El internet se corta seguido y no descuentan los días sin servicio.
Portabilidad no realizada | Pedí la portabilidad hace más de dos semanas y la empresa no la ejecuta.
Incumplimiento de oferta | Contraté un plan según la oferta publicada, pero me cobran {monto} más al mes.
[financiero]
Repactación no informada | El banco repactó mi deuda sin mi autorización y me cobra intereses por {monto}.
Cobro de seguro no contratado | En la tarjeta aparece un seguro que nunca contraté, de {monto} mensuales.
Compras no reconocidas con tarjeta | Desconozco compras por {monto} con mi tarjeta y no me las devuelven.
Cobranza extrajudicial abusiva | Me llaman varias veces al día, también los domingos, por una deuda ya pagada.
[comercio]
Producto defectuoso y garantía legal | El refrigerador falló al mes y la tienda no lo cambia en garantía.
Despacho no realizado | Pagué {monto} por una compra con despacho a domicilio y nunca llegó.
Incumplimiento de oferta | Publicaron un televisor en oferta y al pagar me cobraron {monto}, el precio normal.
Derecho a retracto en compra por internet | Ejercí el retracto de una compra web a tiempo y no lo aceptan.
[transporte]
Cancelación de vuelo sin reembolso | Me cancelaron el vuelo y no devuelven el valor del pasaje ({monto}).
Pérdida de equipaje | Mi equipaje no llegó a destino y la empresa no responde por la indemnización.
[servicios básicos]
Corte de suministro sin aviso | Cortaron el suministro por dos días sin aviso previo y sin compensación.
Cobro excesivo en la boleta | La boleta del mes llegó por {monto}, el triple de mi consumo habitual.
[salud]
Cobro de prestación cubierta | Me cobraron {monto} por una prestación que debía cubrir mi plan de salud.
[inmobiliario]
Defectos de construcción en vivienda nueva | El departamento tiene filtraciones y no responden la garantía.
[turismo]
Paquete turístico no prestado | Pagué un paquete de {monto}; la agencia canceló el viaje y no lo devuelve.
[educación]
Cobro de mensualidades tras el retiro | Me retiré a tiempo y el instituto sigue cobrando {monto} al mes.
"""
# institution, then: subject | what the person says (not a consumer matter: orient and close)
_OUT_OF_SCOPE = """
[la Dirección del Trabajo]
Despido sin pago de finiquito | Mi empleador me despidió y no me ha pagado el finiquito.
[la municipalidad de su comuna]
Ruidos molestos de un vecino | Un vecino hace fiestas todas las noches y no me deja dormir.
[la Corporación de Asistencia Judicial]
Deuda entre particulares | Le presté dinero a un conocido y no me lo devuelve.
[el Servicio de Impuestos Internos]
Cobro de contribuciones | Me llegó un cobro de contribuciones que creo que no corresponde.
[la Superintendencia de Pensiones]
Error en la cotización previsional | Mi AFP no registra las cotizaciones de varios meses.
"""
ANSWERS = {
    "telecomunicaciones": "Puede exigir el descuento por los días sin servicio y reclamar por escrito a "
    "la empresa; si no responde, puede presentar un reclamo.",
    "financiero": "Todo seguro o servicio asociado requiere su aceptación expresa (Ley 19.496, art. 17 B); "
    "puede pedir su anulación y la devolución de lo cobrado.",
    "comercio": "La garantía legal es de seis meses y permite elegir entre reparación, cambio o devolución "
    "del dinero (Ley 19.496, arts. 20 y 21).",
    "transporte": "Si la cancelación es imputable a la empresa, tiene derecho a la devolución del pasaje "
    "o a un viaje alternativo, además de una compensación.",
    "servicios básicos": "La interrupción del suministro da derecho a compensación; reclame primero a la "
    "empresa y luego ante la Superintendencia.",
    "salud": "Reclame primero ante la institución de salud y, si no responde, ante la Superintendencia.",
    "inmobiliario": "La inmobiliaria responde por las fallas de construcción; reclame por escrito y guarde "
    "fotografías de los daños.",
    "turismo": "Si el servicio no se prestó, tiene derecho a la devolución íntegra de lo pagado.",
    "educación": "El contrato de servicios educacionales admite retracto hasta 10 días tras la matrícula.",
}
COMPANY = {
    "acoge": "Revisamos el caso y acogemos lo solicitado: devolveremos {monto} dentro de 10 días hábiles.",
    "acoge_parcialmente": "Ofrecemos un abono de {monto} como solución parcial; el resto es lo pactado.",
    "no_acoge": "Según nuestros registros el cobro corresponde a lo contratado; no acogemos la solicitud.",
}
OUTCOMES = {
    "acoge": "PROVEEDOR ACOGE",
    "acoge_parcialmente": "ACOGE PARCIALMENTE",
    "no_acoge": "PROVEEDOR NO ACOGE",
}
SUMMARIES = {
    "PROVEEDOR ACOGE": "El proveedor acogió el reclamo y devolverá {monto}; se informó a la persona "
    "consumidora.",
    "ACOGE PARCIALMENTE": "El proveedor ofreció una solución parcial ({monto}); se informó a la persona "
    "consumidora de sus opciones.",
    "PROVEEDOR NO ACOGE": "El proveedor no acogió el reclamo; se orientó a la persona consumidora sobre la "
    "vía judicial.",
    "CONSUMIDOR DESISTE": "La persona consumidora desiste: llegó a un acuerdo directo con la empresa.",
}
RULINGS = {
    "SENTENCIA FAVORABLE": "El juzgado condena al proveedor a restituir {monto} y le aplica una multa.",
    "AVENIMIENTO": "Las partes llegan a un avenimiento: el proveedor paga {monto}.",
    "SENTENCIA DESFAVORABLE": "El juzgado rechaza la denuncia por falta de prueba del cobro.",
    "CONSUMIDOR DESISTE": "La persona consumidora se desiste de la acción.",
}
OBSERVATIONS = {  # what a supervisor asks to correct before approving a closure, by stage
    "consulta": [
        "Citar el artículo de la Ley 19.496 en que se funda la respuesta.",
        "Completar la orientación: indicar cómo reclamar si la empresa no responde.",
    ],
    "reclamo": [
        "Falta indicar el monto que devolverá el proveedor.",
        "Precisar el plazo que comprometió la empresa.",
        "El resumen no coincide con la respuesta del proveedor; revisar.",
    ],
    "judicial": ["Indicar el rol de la causa y el monto de la multa."],
    "no_consumo": ["Agregar la dirección y el horario de la institución sugerida."],
}
REVIEWS = [
    ("contactar_ejecutivo", "Se conversó con el ejecutivo: alta demanda en la oficina; responderá hoy."),
    ("contactar_ejecutivo", "Se pidió priorizar el caso en la bandeja."),
    ("sin_accion", "Atraso justificado: se esperaban antecedentes de la persona consumidora."),
]


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
# Business days from a task's creation until its person completes it (uniform between the two).
DELAYS: Mapping[str, tuple[float, float]] = {
    "trasladar": (0.05, 1.5),
    "enviar_recordatorio": (0.1, 2.0),
    "proponer_cierre:consulta": (0.1, 3.5),
    "proponer_cierre:callcenter": (0.005, 0.03),
    "proponer_cierre:reclamo": (0.3, 3.0),
    "proponer_cierre:no_consumo": (0.1, 2.5),
    "proponer_cierre:judicial": (5.0, 15.0),
    "proponer_cierre_nr": (0.3, 3.0),
    "corregir": (0.1, 1.5),
    "visar_cierre": (0.1, 2.5),
    "preparar_denuncia": (1.0, 5.0),
    "registrar_audiencia": (10.0, 20.0),
    "revisar_atraso": (0.2, 3.0),
    "traspaso": (0.3, 2.0),
    "toma": (0.02, 0.4),
}
CLAIMED = frozenset({"trasladar", "proponer_cierre"})  # a web case's first task, which its ejecutivo takes
SLOWED = frozenset(
    {"trasladar", "proponer_cierre:consulta", "proponer_cierre:reclamo", "proponer_cierre:no_consumo"}
)


@dataclass(frozen=True)
class Provider:
    """A fictitious company: portal (answers digitally) or letter."""

    name: str
    market: str
    digital: bool
    weight: int
    rut: str
    email: str


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


@dataclass(frozen=True)
class OpenTask:
    """What a person sees of an open task in their bandeja."""

    id: str
    element_id: str
    created_at: datetime
    context: Mapping[str, Any]


@dataclass
class Sim:
    """The simulation's fixed parts: the system, the seeded dice, the final instant, the staff."""

    system: System
    rng: random.Random
    end: datetime
    staff: dict[str, Actor]


def _rows(table: str) -> list[list[str]]:
    """A ``|`` table's rows; a ``[section]`` line puts its name first in the rows below it."""
    rows, section = [], ""
    for line in table.strip().splitlines():
        if line.startswith("["):
            section = line.strip("[]")
        else:
            rows.append(
                [section, *(cell.strip() for cell in line.split("|"))] if section else line.split("|")
            )
    return [[cell.strip() for cell in row] for row in rows]


def _ascii(text: str) -> str:
    return unicodedata.normalize("NFKD", text).encode("ascii", "ignore").decode()


def _rut(number: int) -> str:
    return str(stdrut.format(f"{number}{stdrut.calc_check_digit(str(number))}"))


def _providers() -> list[Provider]:
    """The fictitious companies, with valid company RUTs (76.xxx.xxx-x) and @ejemplo.cl contacts."""
    out = []
    for i, (name, market, mode, weight) in enumerate(_rows(_PROVIDERS)):
        slug = "-".join(_ascii(name).lower().replace(".", "").split()[:2])
        email = f"reclamos.{slug}@ejemplo.cl"
        out.append(
            Provider(name, market, mode == "portal", int(weight), _rut(76_010_000 + 52_631 * i), email)
        )
    return out


PROVIDERS = _providers()


def _staff() -> list[tuple[str, str, str | None, str | None]]:
    """Every demo account: (username, role, platform, region)."""
    codes = sorted(refdata.regions())
    staff: list[tuple[str, str, str | None, str | None]] = [
        (f"ejecutivo{c}", "ejecutivo", f"DR{c}", None) for c in codes
    ]
    staff += [("ejecutivo13b", "ejecutivo", "DR13", None), ("ejecutivo05b", "ejecutivo", "DR05", None)]
    staff += [(f"supervisor{c}", "supervisor", None, c) for c in codes]
    staff += [
        ("abogado13", "abogado", None, "13"),
        ("abogado05", "abogado", None, "05"),
        ("callcenter", "ejecutivo", "CC", None),
        ("central", "nivel_central", None, None),
        ("director13", "director_regional", None, "13"),
        ("analista", "analista", None, None),
        ("integrador", "integrador", None, None),
        ("admin13", "admin_plataformas", None, "13"),
    ]
    return staff


def _actors() -> dict[str, Actor]:
    """The Actor each demo account acts as (an ejecutivo's region is its platform's)."""
    out = {}
    for username, role, platform, region in _staff():
        if platform:
            region = "13" if platform == "CC" else platform[2:]
        out[username] = Actor(username, role, platform, region)
    return out


def _ensure_users(system: System, now: datetime) -> None:
    """Create the demo accounts that are missing (fictitious full names, since letters are signed)."""
    with system.db.writing() as s:
        have = set(s.execute(select(User.username)).scalars())
        for i, (username, role, platform, region) in enumerate(_staff()):
            if username not in have:
                name = f"{FIRST_NAMES[(i * 7) % len(FIRST_NAMES)]} {SURNAMES[i % len(SURNAMES)]}"
                users.add_user(s, username, PASSWORD, role, now, platform, region, full_name=name)


# --- time: business days and office hours (09:00-18:00 in Chile) ---


def _office(day: date, region: str, fraction: float) -> datetime:
    """The instant ``fraction`` of the way through office hours on the first business day from ``day``."""
    while not deadlines.is_business_day(day, region):
        day += timedelta(days=1)
    local = datetime.combine(day, time(9), tzinfo=CHILE) + timedelta(hours=9 * fraction)
    return local.astimezone(UTC)


def _later(start: datetime, days: float, region: str) -> datetime:
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
        "rut": _rut(rng.randint(6_000_000, 24_999_999)),
        "name": f"{first} {last} {second}",
        "comuna": comuna.code,
        "phone": f"+56 9 {rng.randint(2000, 9999)} {rng.randint(1000, 9999)}",
    }
    if rng.random() < 0.85:
        person["email"] = _ascii(f"{first}.{last}{rng.randint(1, 999)}@ejemplo.cl").lower()
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
        _, subject, text = rng.choice(_rows(_OUT_OF_SCOPE))
    else:
        data["provider"] = {"rut": plan.provider.rut, "name": plan.provider.name}
        _, subject, text = rng.choice([row for row in _rows(_SUBJECTS) if row[0] == plan.provider.market])
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


def _population(sim: Sim, count: int) -> list[Plan]:
    """``count`` plans: stories, channels and regions in realistic proportions, a few transfers."""
    arcs = _quota(sim.rng, {name: arc.share for name, arc in ARCS.items()}, count)
    plans = [_plan(sim, arc, channel) for arc, channel in zip(arcs, _channels(sim.rng, arcs), strict=True)]
    movable = [p for p in plans if p.arc in ("reclamo_digital", "reclamo_carta")]
    regions = list(refdata.regions().values())
    for plan in sim.rng.sample(movable, min(max(1, round(count * 0.02)), len(movable))):
        others = [r for r in regions if r.code != plan.region]
        plan.transfer_to = sim.rng.choices(others, weights=[r.population for r in others])[0].code
    return plans


# --- the simulation: people act on their open tasks while the clock advances in daily ticks ---

Step = Callable[[Sim, Plan, OpenTask, str, datetime], tuple[Actor, dict[str, Any]]]


def _open_tasks(system: System, folio: str) -> tuple[str, list[OpenTask]]:
    """The case's stage and its open tasks, oldest first."""
    with system.db.reading() as s:
        case_id, stage = s.execute(select(Case.id, Case.stage).where(Case.folio == folio)).one()
        rows = s.execute(
            select(HumanTask)
            .where(HumanTask.case_id == case_id, HumanTask.status == "open")
            .order_by(HumanTask.created_at, HumanTask.element_id)
        ).scalars()
        return stage, [OpenTask(t.id, t.element_id, t.created_at, dict(t.context or {})) for t in rows]


def _delay_key(plan: Plan, task: OpenTask, stage: str) -> str:
    element = task.element_id
    if element.startswith("revisar_atraso"):
        return "revisar_atraso"
    if element.startswith("proponer_cierre") and task.context.get("observaciones_visacion"):
        return "corregir"
    if element == "proponer_cierre":
        return "proponer_cierre:" + ("callcenter" if plan.handler.platform_code == "CC" else stage)
    return element


def _answer_time(sim: Sim, plan: Plan, task: OpenTask) -> datetime | None:
    """When the company's answer arrives (by letter: when staff register it); some wait for the reminder."""
    if plan.arc == "reclamo_sin_respuesta" or (plan.arc == "reclamo_recordatorio" and not plan.reminded):
        return None
    low, high = (1.0, 6.0) if plan.reminded else (0.5, 8.0) if plan.provider.digital else (2.0, 10.5)
    return _later(task.created_at, sim.rng.uniform(low, high), plan.region)


def _act_time(sim: Sim, plan: Plan, task: OpenTask, stage: str) -> datetime | None:
    """When someone completes this task; None when nobody will (a stalled case, a silent company)."""
    if task.element_id == "registrar_respuesta":
        return _answer_time(sim, plan, task)
    key = _delay_key(plan, task, stage)
    if (key == "revisar_atraso" and not plan.reviews) or task.element_id == plan.stall:
        return None
    low, high = DELAYS[key]
    days = sim.rng.uniform(low, high) + (sim.rng.uniform(4.0, 8.0) if plan.slow and key in SLOWED else 0.0)
    return _later(task.created_at, days, plan.region)


Due = tuple[datetime, str, OpenTask]  # when, what ("traspaso", "toma" or the task's id), on which task


def _memo(sim: Sim, plan: Plan, key: str, task: OpenTask) -> datetime:
    """The time of a side action (transfer, claim), drawn once."""
    if key not in plan.act_at:
        plan.act_at[key] = _later(task.created_at, sim.rng.uniform(*DELAYS[key]), plan.region)
    return plan.act_at[key] or task.created_at


def _side_actions(sim: Sim, plan: Plan, task: OpenTask) -> list[Due]:
    """What people do around a task without completing it: a transfer, a web case taken into a bandeja."""
    out = []
    if task.element_id == "registrar_respuesta" and plan.transfer_to:
        out.append((_memo(sim, plan, "traspaso", task), "traspaso", task))
    if plan.intake["channel"] == "web" and not plan.claimed and task.element_id in CLAIMED:
        out.append((_memo(sim, plan, "toma", task), "toma", task))
    return out


def _due(sim: Sim, plan: Plan, stage: str, open_: list[OpenTask]) -> list[Due]:
    """Every pending action with its time, drawn once per task so that looking again changes nothing."""
    due: list[Due] = []
    for task in open_:
        if task.id not in plan.act_at:
            plan.act_at[task.id] = _act_time(sim, plan, task, stage)
        when = plan.act_at[task.id]
        if when is not None:
            due.append((when, task.id, task))
        due += _side_actions(sim, plan, task)
    return due


def _look(sim: Sim, plan: Plan, at: datetime) -> datetime | None:
    """Let the case's people do what is due by ``at``; returns when the case next needs someone."""
    if not plan.folio:
        with sim.system.db.writing() as s:
            plan.folio = cases.open_case(s, sim.system.store, plan.intake, plan.opener, at).folio
    for _ in range(8):
        stage, open_ = _open_tasks(sim.system, plan.folio)
        due = _due(sim, plan, stage, open_)
        if not due:
            return None
        when, key, task = min(due, key=lambda item: (item[0], item[1]))
        if when > at or at > sim.end:
            return max(when, at)
        _act(sim, plan, key, task, stage, at)
        at += timedelta(minutes=sim.rng.randint(3, 15))
    return at


def _act(sim: Sim, plan: Plan, key: str, task: OpenTask, stage: str, at: datetime) -> None:
    """One step through the services, in its own transaction."""
    if key == "traspaso":
        _transfer(sim, plan, at)
    elif key == "toma":
        with sim.system.db.writing() as s:
            tasks.claim_task(s, task.id, plan.handler, at)
        plan.claimed = True
    elif task.element_id == "registrar_respuesta":
        _company_answers(sim, plan, task, at)
    else:
        key = "revisar_atraso" if task.element_id.startswith("revisar_atraso") else task.element_id
        actor, data = STEPS[key](sim, plan, task, stage, at)
        with sim.system.db.writing() as s:
            tasks.complete_task(s, sim.system.store, task.id, data, actor, at)
        plan.reminded = plan.reminded or task.element_id == "enviar_recordatorio"
        plan.claimed = plan.claimed or actor == plan.handler


def _supervisor(sim: Sim, plan: Plan) -> Actor:
    return sim.staff[f"supervisor{plan.region}"]


def _lawyer(sim: Sim, plan: Plan) -> Actor:
    return sim.staff[f"abogado{plan.region}"]


def _transfer(sim: Sim, plan: Plan, at: datetime) -> None:
    """The supervisor moves the case to the region the consumer moved to."""
    dest = plan.transfer_to or plan.region
    town = refdata.comunas()[f"{dest}101"].name  # the region's capital
    reason = f"La persona consumidora se mudó a {town} y pide seguir el caso en esa región."
    with sim.system.db.writing() as s:
        transfers.transfer_case(
            s, sim.system.store, plan.folio, _supervisor(sim, plan), reason, at, to_user=f"ejecutivo{dest}"
        )
    plan.region, plan.handler, plan.transfer_to = dest, sim.staff[f"ejecutivo{dest}"], None


def _company_answers(sim: Sim, plan: Plan, task: OpenTask, at: datetime) -> None:
    """A portal company answers digitally (message); a letter is registered by the ejecutivo."""
    text = COMPANY[plan.answer].format(monto=plan.amount)
    with sim.system.db.writing() as s:
        if plan.provider.digital:
            company = Actor(
                plan.provider.email.split("@")[0].removeprefix("reclamos."), "proveedor", channel="web"
            )
            payload = {"resultado": plan.answer, "texto": text}
            messages.deliver_message(
                s, sim.system.store, plan.folio, "respuesta_proveedor", payload, company, at
            )
        else:
            data = {
                "resultado_proveedor": plan.answer,
                "respuesta_proveedor_texto": text,
                "fecha_respuesta": deadlines.local_date(at).isoformat(),
            }
            tasks.complete_task(s, sim.system.store, task.id, data, plan.handler, at)


def _reply_medium(rng: random.Random, plan: Plan) -> str:
    """How the answer reaches the person: as they came, by e-mail if they gave one, else by letter."""
    channel, email = plan.intake["channel"], plan.intake["consumer"].get("email")
    if channel == "phone":
        return "telefono"
    if channel == "in_person" and rng.random() < 0.6:
        return "presencial"
    return "correo" if email and channel != "written" else "carta"


def _forward(sim: Sim, plan: Plan, task: OpenTask, stage: str, at: datetime) -> tuple[Actor, dict[str, Any]]:
    medium = "portal" if plan.provider.digital else sim.rng.choice(["carta", "correo"])
    data = {"medio_traslado": medium, "contacto_proveedor": plan.provider.email}
    if medium == "carta":
        del data["contacto_proveedor"]
    return plan.handler, data


def _remind(sim: Sim, plan: Plan, task: OpenTask, stage: str, at: datetime) -> tuple[Actor, dict[str, Any]]:
    medium = "portal" if plan.provider.digital else "carta"
    note = "Venció el plazo de respuesta sin que la empresa respondiera el traslado."
    return plan.handler, {"medio_recordatorio": medium, "nota_recordatorio": note}


def _inquiry(sim: Sim, plan: Plan, at: datetime) -> tuple[Actor, dict[str, Any]]:
    if plan.arc == "consulta_escalada":
        text = "La persona consumidora pide mediación con la empresa: pasa a reclamo."
        return plan.handler, {"accion": "escalar_reclamo", "respuesta": text}
    medium = _reply_medium(sim.rng, plan)
    return plan.handler, {
        "accion": "responder",
        "medio_respuesta": medium,
        "respuesta": ANSWERS[plan.provider.market],
    }


def _complaint(sim: Sim, plan: Plan, at: datetime) -> tuple[Actor, dict[str, Any]]:
    if "judicial" in plan.arc:
        text = "El proveedor no acogió el reclamo: pasa al abogado para denunciar ante el Juzgado de Policía."
        return plan.handler, {"accion": "etapa_judicial", "resumen_cierre": text}
    outcome = "CONSUMIDOR DESISTE" if plan.arc == "reclamo_desiste" else OUTCOMES[plan.answer]
    summary = SUMMARIES[outcome].format(monto=plan.amount)
    return plan.handler, {"accion": "cerrar", "outcome": outcome, "resumen_cierre": summary}


def _ruling(sim: Sim, plan: Plan, at: datetime) -> tuple[Actor, dict[str, Any]]:
    outcome = sim.rng.choices(list(RULINGS), weights=[50, 25, 15, 10])[0]
    return _lawyer(sim, plan), {
        "outcome": outcome,
        "fecha_sentencia": deadlines.local_date(at).isoformat(),
        "resumen_sentencia": RULINGS[outcome].format(monto=plan.amount),
    }


def _orientation(sim: Sim, plan: Plan, at: datetime) -> tuple[Actor, dict[str, Any]]:
    institution = next(row[0] for row in _rows(_OUT_OF_SCOPE) if row[1] == plan.intake["subject"])
    return plan.handler, {
        "orientacion": f"No es una relación de consumo: se orientó a dirigirse a {institution}.",
        "institucion_sugerida": institution,
        "medio_respuesta": _reply_medium(sim.rng, plan),
    }


SUMMARY_FIELD = {"consulta": "respuesta", "reclamo": "resumen_cierre", "judicial": "resumen_sentencia"}
PROPOSALS: Mapping[str, Callable[[Sim, Plan, datetime], tuple[Actor, dict[str, Any]]]] = {
    "consulta": _inquiry,
    "reclamo": _complaint,
    "judicial": _ruling,
    "no_consumo": _orientation,
}


def _propose(sim: Sim, plan: Plan, task: OpenTask, stage: str, at: datetime) -> tuple[Actor, dict[str, Any]]:
    """The stage's closing proposal; after a return, corrected as the observations ask."""
    actor, data = PROPOSALS[stage](sim, plan, at)
    observation = task.context.get("observaciones_visacion")
    if observation:
        text_field = SUMMARY_FIELD.get(stage, "orientacion")
        data[text_field] += f" Se corrige según la visación ({str(observation).rstrip('.')})."
    return actor, data


def _no_answer(
    sim: Sim, plan: Plan, task: OpenTask, stage: str, at: datetime
) -> tuple[Actor, dict[str, Any]]:
    text = "El proveedor no respondió el traslado ni el recordatorio; se orientó sobre la vía judicial."
    return plan.handler, {"accion": "cerrar", "resumen_cierre": text}


def _approve(sim: Sim, plan: Plan, task: OpenTask, stage: str, at: datetime) -> tuple[Actor, dict[str, Any]]:
    """Visación by the region's supervisor (never the proposer); some closures come back once."""
    if plan.returns and not plan.returned:
        plan.returned = True
        return _supervisor(sim, plan), {
            "decision": "devolver",
            "observaciones_visacion": sim.rng.choice(OBSERVATIONS[stage]),
        }
    return _supervisor(sim, plan), {"decision": "aprobar"}


def _review(sim: Sim, plan: Plan, task: OpenTask, stage: str, at: datetime) -> tuple[Actor, dict[str, Any]]:
    action, text = sim.rng.choice(REVIEWS)
    return _supervisor(sim, plan), {"accion_correctiva": action, "observacion": text}


def _lawsuit(sim: Sim, plan: Plan, task: OpenTask, stage: str, at: datetime) -> tuple[Actor, dict[str, Any]]:
    comuna = refdata.comunas()[plan.intake["consumer"]["comuna"]].name
    facts = (
        f"{plan.intake['subject']}: {plan.provider.name} no acogió el reclamo {plan.folio} en la mediación."
    )
    return _lawyer(sim, plan), {
        "juzgado": f"Juzgado de Policía Local de {comuna}",
        "hechos_denuncia": facts,
        "fecha_presentacion": deadlines.local_date(at).isoformat(),
    }


def _hearing(sim: Sim, plan: Plan, task: OpenTask, stage: str, at: datetime) -> tuple[Actor, dict[str, Any]]:
    return _lawyer(sim, plan), {
        "fecha_audiencia": deadlines.local_date(at).isoformat(),
        "resumen_audiencia": "Comparecen ambas partes; el tribunal cita a oír sentencia.",
    }


STEPS: Mapping[str, Step] = {
    "trasladar": _forward,
    "enviar_recordatorio": _remind,
    "proponer_cierre": _propose,
    "proponer_cierre_nr": _no_answer,
    "visar_cierre": _approve,
    "revisar_atraso": _review,
    "preparar_denuncia": _lawsuit,
    "registrar_audiencia": _hearing,
}


def _fire(sim: Sim, at: datetime) -> set[str]:
    """Fire every timer due at ``at``; returns the folios of the cases they moved."""
    report = fire_due_timers(sim.system.db, sim.system.store, at)
    while report.fired + report.failed + report.skipped >= 100:  # a full batch: there may be more
        report = fire_due_timers(sim.system.db, sim.system.store, at)
    with sim.system.db.reading() as s:
        moved = select(Case.folio).join(Timer, Timer.case_id == Case.id).where(Timer.fired_at >= at)
        return {folio for folio in s.execute(moved).scalars() if folio}


class Run:
    """The simulated clock: a queue of (when, plan) looks, and the timers fired at 08:30 every day."""

    def __init__(self, sim: Sim, plans: list[Plan]) -> None:
        self.sim, self.plans = sim, plans
        self.queue = [(p.opened_at, i) for i, p in enumerate(plans)]
        heapq.heapify(self.queue)
        self.by_folio: dict[str, int] = {}
        for plan in plans:
            plan.next_look = plan.opened_at

    def schedule(self, i: int, when: datetime | None) -> None:
        plan = self.plans[i]
        plan.next_look = when if when is not None and when <= self.sim.end else None
        if plan.next_look is not None:
            heapq.heappush(self.queue, (plan.next_look, i))

    def wake(self, at: datetime) -> None:
        """Fire the timers due at ``at`` and wake the cases they moved (a new task may need someone)."""
        soon = at + timedelta(minutes=1)
        for folio in _fire(self.sim, at):
            i = self.by_folio[folio]
            pending = self.plans[i].next_look
            if pending is None or soon < pending:
                self.schedule(i, soon)

    def run_until(self, until: datetime) -> None:
        """Let every case whose look falls before ``until`` act, in time order."""
        while self.queue and self.queue[0][0] < until:
            at, i = heapq.heappop(self.queue)
            plan = self.plans[i]
            if at != plan.next_look:
                continue  # superseded by an earlier wake-up
            when = _look(self.sim, plan, at)
            self.by_folio[plan.folio] = i
            self.schedule(i, when)

    def days(self) -> None:
        """Day by day from the first intake to ``end``: timers at 08:30, then the day's work."""
        day = deadlines.local_date(min(p.opened_at for p in self.plans))
        while (tick := datetime.combine(day, time(8, 30), tzinfo=CHILE).astimezone(UTC)) <= self.sim.end:
            self.run_until(tick)
            self.wake(tick)
            day += timedelta(days=1)
            self.run_until(min(datetime.combine(day, time(0), tzinfo=CHILE).astimezone(UTC), self.sim.end))
        self.run_until(self.sim.end)
        self.wake(self.sim.end)


def load_demo(system: System, now: datetime, count: int = 300, seed: int = 2026) -> int:
    """Create the demo accounts and, if there are no cases yet, ``count`` cases; returns how many."""
    end = now.astimezone(UTC)
    _ensure_users(system, end - timedelta(days=DAYS + 30))
    with system.db.reading() as s:
        if s.execute(select(func.count(Case.id))).scalar_one():
            return 0
    sim = Sim(system, random.Random(seed), end, _actors())
    plans = _population(sim, count)
    Run(sim, plans).days()
    return sum(1 for plan in plans if plan.folio)
