"""Escalating a consulta to reclamo obeys the published intake form as a reclamo: the company it lacks is
asked for (by its title), the call-center rule refuses it, and what is given reaches the case and its
traslado. SQLite and PostgreSQL, on the shipped content."""

from __future__ import annotations

import pytest

from engine.errors import FormInvalid
from tests.conftest import Clock, complaint
from tests.integration.helpers import snapshot
from tests.integration.lifecycle import Scenario

ESCALATE = {"accion": "escalar_reclamo", "respuesta": "Requiere mediación con la empresa."}


def _inquiry_without_company(**overrides: object) -> dict[str, object]:
    data = complaint(kind="inquiry", **overrides)
    data.pop("provider")
    return data


def test_escalation_asks_for_the_company_and_keeps_it(sys_, clock: Clock) -> None:
    scn = Scenario(sys_, clock, _inquiry_without_company())
    before = snapshot(sys_, scn.folio)
    with pytest.raises(FormInvalid) as refused:
        scn.do("proponer_cierre", ESCALATE)
    assert "Proveedor" in refused.value.detail and "provider" not in refused.value.detail
    assert snapshot(sys_, scn.folio) == before  # nothing of the step applied
    company = {"rut": "76.086.428-5", "name": "Tienda Demo Ltda."}
    scn.do("proponer_cierre", {**ESCALATE, "reclamo": {"provider": company}})
    case = scn.case()
    assert (case.kind, case.stage, case.provider_name, case.provider_rut) == (
        "complaint",
        "reclamo",
        "Tienda Demo Ltda.",
        "76086428-5",
    )
    scn.do("trasladar", {"medio_traslado": "carta"})
    assert "Tienda Demo Ltda." in scn.letter_texts()["traslado_proveedor"]


def test_the_call_center_cannot_escalate_to_reclamo(sys_, clock: Clock) -> None:
    scn = Scenario(sys_, clock, complaint(kind="inquiry", channel="phone"))
    before = snapshot(sys_, scn.folio)
    with pytest.raises(FormInvalid) as refused:
        scn.do("proponer_cierre", ESCALATE)
    assert "El call center registra solo consultas." in [e.message for e in refused.value.errors]
    assert snapshot(sys_, scn.folio) == before
    assert scn.case().kind == "inquiry"
