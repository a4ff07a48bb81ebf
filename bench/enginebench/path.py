"""The path the benchmark drives: a reclamo on `processes/caso.bpmn` from intake to the approved closure,
and the visación return loop of the long case (data as in tests/integration/test_lifecycle__scenarios.py)."""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass
from datetime import UTC, datetime
from typing import Any

from engine.access import Actor

PROCESS = "caso"
# Fixed for every mode: the platform gets it as `now`, bare SpiffWorkflow as its script engine's clock (the
# platform's clocked timers never fire on their own, so no deadline changes the path).
NOW = datetime(2024, 9, 13, 15, 0, tzinfo=UTC)  # Friday 13-09-2024, 12:00 in Santiago

EJECUTIVO = Actor("bench_eje", "ejecutivo", "DR13", "13", "in_person")
SUPERVISOR = Actor("bench_sup", "supervisor", None, "13", "in_person")  # four eyes: not the proposer
EMPRESA = Actor("bench_empresa", "proveedor")
STAFF = ((EJECUTIVO, "DR13", None), (SUPERVISOR, None, "13"))

INTAKE: Mapping[str, Any] = {
    "kind": "complaint",
    "channel": "in_person",
    "platform": "DR13",
    "consumer": {
        "rut": "12.345.678-5",
        "name": "Ana Prueba Ejemplo",
        "comuna": "13101",
        "email": "ana@ejemplo.cl",
        "phone": "+56 9 1234 5678",
    },
    "provider": {"rut": "76.086.428-5", "name": "Tienda Demo Ltda."},
    "market": "comercio",
    "motive": "cobro_indebido",
    "subject": "Cobro duplicado",
    "description": "Me cobraron dos veces la misma compra en la tienda.",
}


@dataclass(frozen=True)
class Step:
    """One timed step: open the case, complete the open user task ``element``, or deliver ``message``."""

    label: str
    kind: str  # "open" | "task" | "message"
    data: Mapping[str, Any]
    by: Actor
    form: str  # the form its data satisfies (validated once, untimed, for the bare modes)
    expect: tuple[str, ...]  # open user tasks (element ids) right after the step
    element: str = ""
    message: str = ""


OPEN = Step("abrir", "open", INTAKE, EJECUTIVO, "ingreso_caso", ("trasladar",))
TRASLADAR = Step(
    "trasladar",
    "task",
    {"medio_traslado": "correo", "contacto_proveedor": "reclamos@tienda.cl"},
    EJECUTIVO,
    "traslado_proveedor",
    ("registrar_respuesta",),  # the company may still answer by message (boundary event on it)
    element="trasladar",
)
RESPUESTA = Step(
    "respuesta",
    "message",
    {"resultado": "acoge", "texto": "Devolveremos el cobro duplicado."},
    EMPRESA,
    "respuesta_empresa",
    ("proponer_cierre",),
    message="respuesta_proveedor",
)
PROPONER = Step(
    "proponer",
    "task",
    {"accion": "cerrar", "outcome": "PROVEEDOR ACOGE", "resumen_cierre": "El proveedor devolverá el cobro."},
    EJECUTIVO,
    "cierre_reclamo",
    ("visar_cierre",),
    element="proponer_cierre",
)
VISAR = Step("visar", "task", {"decision": "aprobar"}, SUPERVISOR, "visacion", (), element="visar_cierre")
DEVOLVER = Step(
    "devolver",
    "task",
    {"decision": "devolver", "observaciones_visacion": "Falta indicar el monto."},
    SUPERVISOR,
    "visacion",
    ("proponer_cierre",),
    element="visar_cierre",
)

RECLAMO = (OPEN, TRASLADAR, RESPUESTA, PROPONER, VISAR)
TO_PROPOSAL = (OPEN, TRASLADAR, RESPUESTA)  # a fresh case up to "proponer_cierre"
RETURN_LOOP = (PROPONER, DEVOLVER)  # one visación return through the `visacion` call activity
EXPECTED_LETTERS = ("comprobante_ingreso", "traslado_proveedor", "respuesta_consumidor")
DESCRIPTION = (
    f"process '{PROCESS}' (processes/caso.bpmn → etapa_reclamo.bpmn → visacion.bpmn), reclamo path: "
    "abrir (intake, letter comprobante_ingreso) → trasladar (correo, letter traslado_proveedor) → "
    "respuesta (message respuesta_proveedor from the company) → proponer (proponer_cierre: cerrar, "
    "letter respuesta_consumidor) → visar (visar_cierre: aprobar, another user: four eyes) → closed"
)
