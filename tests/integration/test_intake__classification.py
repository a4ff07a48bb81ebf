"""Intake classification on SQLite and PostgreSQL: the case and its open tasks carry the mercado, motivo and
categoría codes projected by the step path; a consulta or reclamo without them, or with a motivo of another
mercado, is refused and stores nothing; a no consumo needs none."""

from __future__ import annotations

import pytest
from sqlalchemy import func, select

from engine.errors import FormInvalid
from engine.models import Case, HumanTask
from tests.conftest import ACTORS, Clock, complaint
from tests.integration.helpers import open_case

EJE = ACTORS["eje13"]


def _case(sys_, folio: str) -> Case:
    with sys_.db.reading() as s:
        found: Case = s.execute(select(Case).where(Case.folio == folio)).scalar_one()
        return found


def _cases(sys_) -> int:
    with sys_.db.reading() as s:
        return int(s.execute(select(func.count(Case.id))).scalar_one())


def test_intake_projects_the_classification_on_the_case_and_its_tasks(sys_, clock: Clock) -> None:
    folio = open_case(sys_, complaint(), EJE, clock.now, process="caso").folio
    case = _case(sys_, folio)
    assert (case.market, case.motive, case.category) == ("comercio", "cobro_indebido", "doble_cobro")
    with sys_.db.reading() as s:
        copies = s.execute(
            select(HumanTask.market, HumanTask.motive).where(
                HumanTask.case_id == case.id, HumanTask.status == "open"
            )
        ).all()
    assert copies and set(copies) == {("comercio", "cobro_indebido")}


@pytest.mark.parametrize("kind", ["inquiry", "complaint"])
def test_a_consulta_or_reclamo_without_mercado_and_motivo_is_refused(sys_, clock: Clock, kind: str) -> None:
    data = complaint(kind=kind)
    for name in ("market", "motive", "category"):
        del data[name]
    with pytest.raises(FormInvalid) as err:
        open_case(sys_, data, EJE, clock.now, process="caso")
    assert {(e.field, e.message) for e in err.value.errors} == {
        ("market", "Este campo es obligatorio."),
        ("motive", "Este campo es obligatorio."),
    }
    assert _cases(sys_) == 0


def test_a_motivo_of_another_mercado_is_refused(sys_, clock: Clock) -> None:
    data = complaint(market="salud", motive="velocidad_internet", category=None)
    del data["category"]
    with pytest.raises(FormInvalid) as err:
        open_case(sys_, data, EJE, clock.now, process="caso")
    assert [(e.field, e.message) for e in err.value.errors] == [
        ("motive", "Este motivo no corresponde al mercado Salud (isapres, clínicas y farmacias).")
    ]
    bad_category = complaint(category="filtraciones")
    with pytest.raises(FormInvalid) as err:
        open_case(sys_, bad_category, EJE, clock.now, process="caso")
    assert [e.field for e in err.value.errors] == ["category"]
    assert _cases(sys_) == 0


def test_a_no_consumo_needs_no_classification(sys_, clock: Clock) -> None:
    data = complaint(kind="out_of_scope")
    for name in ("market", "motive", "category"):
        del data[name]
    folio = open_case(sys_, data, EJE, clock.now, process="caso").folio
    case = _case(sys_, folio)
    assert (case.kind, case.market, case.motive) == ("out_of_scope", None, None)
