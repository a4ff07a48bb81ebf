"""A small population of cases for the monitoring tests: two regions, every kind, accents, one closed."""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

from engine.system import System
from tests.conftest import Clock, complaint
from tests.integration.lifecycle import Scenario

ANSWER = {"accion": "responder", "medio_respuesta": "carta", "respuesta": "Puede exigir la garantía."}


@dataclass(frozen=True)
class Population:
    closed: str  # a consulta of region 13, answered and approved (CONSULTA RESPONDIDA)
    open13: list[str]
    open05: list[str]


def _case(sys_: System, clock: Clock, by: str = "eje13", **overrides: Any) -> str:
    return Scenario(sys_, clock, complaint(**overrides), by=by).folio


def populate(sys_: System, clock: Clock) -> Population:
    """Three reclamos and a consulta in region 13 (one closed), two cases in region 05."""
    closed = Scenario(
        sys_,
        clock,
        complaint(kind="inquiry", description="Consulta por la garantía de un refrigerador que no enfría."),
    )
    closed.do("proponer_cierre", ANSWER, days=2)
    closed.do("visar_cierre", {"decision": "aprobar"}, by="sup13")
    open13 = [
        _case(sys_, clock, description="Me cobraron dos veces la cuota del crédito de consumo."),
        _case(
            sys_,
            clock,
            consumer={"rut": "11.111.111-1", "name": "José Núñez Ávila", "comuna": "13101"},
            provider={"rut": "96.806.980-2", "name": "Compañía Eléctrica Ejemplo"},
            subject="Corte de suministro",
            description="Cortaron la electricidad sin aviso durante tres días.",
            channel="written",
        ),
        _case(sys_, clock, kind="inquiry", channel="web", description="Pregunta sobre garantías legales."),
    ]
    five = complaint(platform="DR05", consumer={"rut": "22.222.222-2", "name": "Eva Sur", "comuna": "05101"})
    open05 = [
        Scenario(sys_, clock, five, by="eje05").folio,
        Scenario(sys_, clock, {**five, "kind": "inquiry"}, by="eje05").folio,
    ]
    return Population(closed.folio, open13, open05)
