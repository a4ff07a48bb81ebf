"""A case's stored state does not grow with its history, and survives every save/restore with its data."""

from __future__ import annotations

import pytest
from sqlalchemy import select

from engine.models import Case, Instance
from tests.conftest import ACTORS, Clock, complaint
from tests.integration.helpers import complete, detail, only_task, open_case

EJE = ACTORS["eje13"]


def _state_size(sys_, folio: str) -> int:
    with sys_.db.reading() as s:
        case_id = s.execute(select(Case.id).where(Case.folio == folio)).scalar_one()
        inst = s.get(Instance, case_id)
        assert inst is not None
        return len(inst.state)


@pytest.mark.parametrize("database_url", ["sqlite"], indirect=True)
def test_state_stays_small_after_many_steps(sys_, clock: Clock) -> None:
    folio = open_case(sys_, complaint(), EJE, clock.now).folio
    sizes = []
    for n in range(60):
        task = only_task(sys_, folio, "gestionar_caso")
        complete(
            sys_,
            task.id,
            {"accion": "registrar_gestion", "nota": f"gestión {n}"},
            EJE,
            clock.advance(hours=1),
        )
        sizes.append(_state_size(sys_, folio))
    assert max(sizes[10:]) < sizes[5] * 1.2  # bounded: finished history is pruned from the tree
    task = only_task(sys_, folio, "gestionar_caso")
    complete(sys_, task.id, {"accion": "cerrar", "nota": "fin", "outcome": "PROVEEDOR ACOGE"}, EJE, clock.now)
    file = detail(sys_, folio, EJE, clock.now)
    assert file.summary.status == "closed" and file.summary.due_on is not None  # data set at intake survived
    assert [e.event for e in file.log].count("task_completed") == 61  # the log keeps the whole history
