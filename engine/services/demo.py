"""Demo data for ``ventanilla demo``: staff accounts and a few hundred cases of clearly fictitious people,
driven through the real services on a simulated clock so that plazos, warnings and breaches happen (idempotent)."""

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
# market | subject | what the consumer says ({monto}: an amount in pesos)
_SUBJECTS = """
telecomunicaciones | Cobro indebido en boleta | En la boleta del mes aparece un cobro de {monto} por servicios adicionales que nunca contraté.
telecomunicaciones | Cortes reiterados de internet | El internet se ha cortado varias veces este mes y la empresa no descuenta los días sin servicio.
telecomunicaciones | Portabilidad no realizada | Pedí la portabilidad de mi número hace más de dos semanas y la empresa todavía no la ejecuta.
telecomunicaciones | Incumplimiento de oferta | Contraté un plan según la oferta publicada, pero me cobran {monto} más cada mes.
financiero | Repactación no informada | El banco repactó mi deuda sin mi autorización y ahora me cobra intereses por {monto}.
financiero | Cobro de seguro no contratado | En el estado de cuenta de la tarjeta aparece un seguro que nunca contraté, de {monto} mensuales.
financiero | Compras no reconocidas con tarjeta | Desconozco compras por {monto} hechas con mi tarjeta y no me restituyen el dinero.
financiero | Cobranza extrajudicial abusiva | Me llaman varias veces al día, también los fines de semana, por una deuda que ya pagué.
comercio | Producto defectuoso y garantía legal | El refrigerador que compré falló al mes y la tienda se niega a cambiarlo dentro de la garantía legal.
comercio | Despacho no realizado | Pagué {monto} por una compra con despacho a domicilio y nunca llegó.
comercio | Incumplimiento de oferta | La tienda publicó un televisor en oferta y al pagar me cobró {monto}, el precio normal.
comercio | Derecho a retracto en compra por internet | Quise ejercer el retracto de una compra por internet dentro de plazo y la tienda no lo acepta.
transporte | Cancelación de vuelo sin reembolso | Me cancelaron el vuelo y la empresa no devuelve el valor del pasaje ({monto}).
transporte | Pérdida de equipaje | Mi equipaje no llegó a destino y la empresa no responde por la indemnización.
servicios básicos | Corte de suministro sin aviso | Cortaron el suministro por dos días sin aviso previo y sin compensación.
servicios básicos | Cobro excesivo en la boleta | La boleta del mes llegó por {monto}, el triple de mi consumo habitual.
salud | Cobro de prestación cubierta | Me cobraron {monto} por una prestación que debía estar cubierta por mi plan.
inmobiliario | Defectos de construcción en vivienda nueva | El departamento tiene filtraciones y la inmobiliaria no responde por la garantía.
turismo | Paquete turístico no prestado | Pagué un paquete turístico de {monto} y la agencia canceló el viaje sin devolver el dinero.
educación | Cobro de mensualidades tras el retiro | Me retiré dentro de plazo y el instituto sigue cobrando {monto} de mensualidad.
"""
# institution | subject | what the person says (not a consumer matter: orient and close)
_OUT_OF_SCOPE = """
Dirección del Trabajo | Despido sin pago de finiquito | Mi empleador me despidió y no me ha pagado el finiquito.
Municipalidad | Ruidos molestos de un vecino | Un vecino hace fiestas todas las noches y no me deja dormir.
Corporación de Asistencia Judicial | Deuda entre particulares | Le presté dinero a un conocido y no me lo devuelve.
Servicio de Impuestos Internos | Cobro de contribuciones | Me llegó un cobro de contribuciones que creo que no corresponde.
Superintendencia de Pensiones | Error en la cotización previsional | Mi AFP no registra las cotizaciones de varios meses.
"""
ANSWERS = {
    "telecomunicaciones": "Puede exigir el descuento por los días sin servicio y reclamar por escrito a la empresa; "
    "si no responde, puede presentar un reclamo.",
    "financiero": "Todo seguro o servicio asociado requiere su aceptación expresa (Ley 19.496, art. 17 B); "
    "puede pedir su anulación y la devolución de lo cobrado.",
    "comercio": "La garantía legal es de seis meses y permite elegir entre reparación, cambio o devolución "
    "del dinero (Ley 19.496, arts. 20 y 21).",
    "transporte": "Si la cancelación es imputable a la empresa, tiene derecho a la devolución del pasaje "
    "o a un viaje alternativo, además de una compensación.",
    "servicios básicos": "La interrupción del suministro da derecho a compensación; reclame primero a la "
    "empresa y luego ante la Superintendencia.",
    "salud": "Reclame primero ante la institución de salud y, si no responde, ante la Superintendencia de Salud.",
    "inmobiliario": "La inmobiliaria responde por las fallas de construcción; reclame por escrito y guarde "
    "fotografías de los daños.",
    "turismo": "Si el servicio no se prestó, tiene derecho a la devolución íntegra de lo pagado.",
    "educación": "El contrato de servicios educacionales admite retracto dentro de 10 días desde la matrícula.",
}
COMPANY = {
    "acoge": "Revisamos el caso y acogemos lo solicitado: devolveremos {monto} dentro de 10 días hábiles.",
    "acoge_parcialmente": "Ofrecemos un abono de {monto} como solución parcial; el resto corresponde al contrato.",
    "no_acoge": "Según nuestros registros el cobro corresponde a lo contratado; no acogemos la solicitud.",
}
OUTCOMES = {
    "acoge": "PROVEEDOR ACOGE",
    "acoge_parcialmente": "ACOGE PARCIALMENTE",
    "no_acoge": "PROVEEDOR NO ACOGE",
}
SUMMARIES = {
    "PROVEEDOR ACOGE": "El proveedor acogió el reclamo y devolverá {monto}; se informó a la persona consumidora.",
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
OBSERVATIONS = [
    "Falta indicar el monto que devolverá el proveedor.",
    "Precisar el plazo que comprometió la empresa.",
    "El resumen no coincide con la respuesta del proveedor; revisar.",
    "Completar la orientación entregada a la persona consumidora.",
]
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
    "consulta": Arc(33, "inquiry"),
    "consulta_escalada": Arc(4, "inquiry"),
    "consulta_pendiente": Arc(3, "inquiry", ("proponer_cierre",)),
    "reclamo_digital": Arc(17, "complaint"),
    "reclamo_carta": Arc(14, "complaint"),
    "reclamo_recordatorio": Arc(5, "complaint"),
    "reclamo_sin_respuesta": Arc(7, "complaint"),
    "reclamo_desiste": Arc(2, "complaint"),
    "reclamo_judicial": Arc(3, "complaint", window=(DAYS, 95)),
    "reclamo_judicial_pendiente": Arc(2, "complaint", ("registrar_audiencia",), window=(100, 45)),
    "reclamo_pendiente": Arc(5, "complaint", ("trasladar", "proponer_cierre")),
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
    "visar_cierre": (0.05, 2.0),
    "preparar_denuncia": (1.0, 5.0),
    "registrar_audiencia": (10.0, 20.0),
    "revisar_atraso": (0.2, 3.0),
    "traspaso": (0.3, 2.0),
}
SLOWED = frozenset({"trasladar", "proponer_cierre:consulta", "proponer_cierre:reclamo", "proponer_cierre:no_consumo"})


@dataclass(frozen=True)
class Provider:
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
    provider: Provider | None
    answer: str
    amount: str
    slow: bool
    returns: bool
    reviews: bool
    stall: str = ""
    transfer_to: str | None = None
    folio: str = ""
    reminded: bool = False
    returned: bool = False
    next_look: datetime | None = None
    act_at: dict[str, datetime | None] = field(default_factory=dict)


@dataclass(frozen=True)
class OpenTask:
    id: str
    element_id: str
    created_at: datetime
    context: Mapping[str, Any]


@dataclass
class Sim:
    system: System
    rng: random.Random
    end: datetime
    staff: dict[str, Actor]


def _rows(table: str) -> list[list[str]]:
    return [[cell.strip() for cell in line.split("|")] for line in table.strip().splitlines()]


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
        out.append(Provider(name, market, mode == "portal", int(weight), _rut(76_100_000 + 91_357 * i), email))
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
    """``n`` labels in proportion to ``weights`` (largest remainder; each at least once if n allows), shuffled."""
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
    if plan.provider is None:
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
        provider=None if ARCS[arc].kind == "out_of_scope" else _provider(rng, arc),
        answer="no_acoge" if "judicial" in arc else answer,
        amount=f"${rng.randrange(9_990, 899_990, 1_000):,}".replace(",", "."),
        slow=platform != "CC" and rng.random() < 0.12,
        returns=rng.random() < 0.15,
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
