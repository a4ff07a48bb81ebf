"""The shipped processes behave the same whether a workflow stays in memory or is saved and restored (with
its history pruned) after every step: the guarantee persistence relies on. No database involved."""

from __future__ import annotations

from collections.abc import Callable
from datetime import UTC, datetime
from functools import cache
from typing import Any

import pytest

from engine import catalog, runtime
from tests.conftest import ROOT

NOW = datetime(2024, 9, 13, 15, 0, tzinfo=UTC)
START = {
    "kind": "complaint",
    "channel": "in_person",
    "platform": "DR13",
    "folio": "2024-000001",
    "opened_on": "2024-09-13",
    "region": "13",
    "subject": "Cobro",
    "consumer": {"name": "Ana"},
}

Step = tuple[str, str, dict[str, Any]]  # (kind, element or message, data)
RECLAMO_RETURNED: list[Step] = [
    ("task", "trasladar", {"medio_traslado": "correo"}),
    ("message", "respuesta_proveedor", {"resultado": "acoge", "texto": "Devolvemos."}),
    (
        "task",
        "proponer_cierre",
        {"accion": "cerrar", "outcome": "PROVEEDOR ACOGE", "resumen_cierre": "Acoge."},
    ),
    ("task", "visar_cierre", {"decision": "devolver", "observaciones_visacion": "Falta el monto."}),
    (
        "task",
        "proponer_cierre",
        {"accion": "cerrar", "outcome": "PROVEEDOR ACOGE", "resumen_cierre": "$9.990"},
    ),
    ("task", "visar_cierre", {"decision": "aprobar"}),
]
CONSULTA_TO_JUDICIAL: list[Step] = [
    ("task", "proponer_cierre", {"accion": "escalar_reclamo", "respuesta": "Requiere mediación."}),
    ("task", "trasladar", {"medio_traslado": "portal"}),
    ("task", "registrar_respuesta", {"resultado_proveedor": "no_acoge", "respuesta_proveedor_texto": "No."}),
    ("task", "proponer_cierre", {"accion": "etapa_judicial", "resumen_cierre": "A tribunales."}),
    (
        "task",
        "preparar_denuncia",
        {"juzgado": "1er JPL", "hechos_denuncia": "Cobro indebido.", "fecha_presentacion": "2024-09-20"},
    ),
    ("task", "registrar_audiencia", {"fecha_audiencia": "2024-10-01", "resumen_audiencia": "Ambas partes."}),
    (
        "task",
        "proponer_cierre",
        {"outcome": "AVENIMIENTO", "fecha_sentencia": "2024-10-02", "resumen_sentencia": "Avenimiento."},
    ),
    ("task", "visar_cierre", {"decision": "aprobar"}),
]
AGENCY = {"code": "SEC", "name": "SEC", "channel": "webservice", "process": "derivacion", "ack_days": 2}
DERIVED_RETURNED_THEN_ANSWERED: list[Step] = [
    (
        "task",
        "proponer_cierre",
        {
            "accion": "derivar",
            "agencia": "SEC",
            "respuesta": "Es de la SEC.",
            "agencia_datos": {**AGENCY, "answer_days": 10},
        },
    ),
    ("message", "derivacion_evento", {"type": "acknowledged", "event_id": "1", "reference": "X-1"}),
    ("message", "derivacion_evento", {"type": "answered", "result": "returned", "reason": "No es nuestro."}),
    (
        "task",
        "proponer_cierre",
        {
            "accion": "derivar",
            "agencia": "SEC",
            "respuesta": "Otra vez.",
            "agencia_datos": {**AGENCY, "answer_days": 5},
        },
    ),
    ("message", "derivacion_evento", {"type": "answered", "result": "resolved", "text": "Resuelto."}),
]


@cache
def definition() -> runtime.Definition:
    return catalog.build(catalog.read_dir(ROOT)).process("caso").definition


def run(steps: list[Step], kind: str, between: Callable[[Any], Any]) -> list[tuple[str, ...]]:
    """Run a scenario; ``between`` maps the workflow after each step (identity, or save + restore)."""
    wf = between(runtime.start(definition(), {**START, "kind": kind}, NOW, runtime.Trail()))
    seen = []
    for what, name, data in steps:
        if what == "task":
            task = next(t for t in runtime.human_tasks(wf) if t.element_id == name)
            runtime.complete(wf, runtime.ready_human_task(wf, task.id), data, runtime.Trail())
        else:
            assert runtime.catch_message(wf, name, data, runtime.Trail()) == 1
        wf = between(wf)
        seen.append(tuple(sorted(t.element_id for t in runtime.human_tasks(wf))))
    assert runtime.is_completed(wf) or seen[-1] == ()
    variables = runtime.variables(wf)
    seen.append((str(variables.get("status")), str(variables.get("outcome")), str(variables.get("stage"))))
    return seen


def save_and_restore(wf: Any) -> Any:
    return runtime.restore(definition(), runtime.dump(wf), NOW)


@pytest.mark.parametrize(
    ("steps", "kind"),
    [
        (RECLAMO_RETURNED, "complaint"),
        (CONSULTA_TO_JUDICIAL, "inquiry"),
        (DERIVED_RETURNED_THEN_ANSWERED, "inquiry"),
    ],
)
def test_same_behaviour_straight_and_through_save_restore(steps: list[Step], kind: str) -> None:
    straight = run(steps, kind, lambda wf: wf)
    restored = run(steps, kind, save_and_restore)
    assert straight == restored
    assert straight[-1][0] == "closed"
