"""The consumer record on SQLite and PostgreSQL: one row per RUT, written in the intake's transaction and
updated by each new case (what a case leaves blank is kept); the history is the person's cases; a refused
intake leaves no record."""

from __future__ import annotations

import pytest
from sqlalchemy import func, select

from engine.errors import FormInvalid
from engine.models import Consumer
from engine.services import consumers
from tests.conftest import ACTORS, Clock, complaint
from tests.integration.helpers import open_case

EJE, EJE5 = ACTORS["eje13"], ACTORS["eje05"]


def _records(sys_) -> list[Consumer]:
    with sys_.db.reading() as s:
        return list(s.execute(select(Consumer)).scalars())


def test_each_intake_updates_the_one_record_of_its_rut(sys_, clock: Clock) -> None:
    first = open_case(sys_, complaint(), EJE, clock.now).folio
    person = complaint()["consumer"]
    changed = {**person, "rut": "12345678-5", "email": "ana.nueva@ejemplo.cl", "comuna": "05109"}
    del changed["phone"]
    second = open_case(sys_, complaint(consumer=changed, kind="inquiry"), EJE, clock.advance(days=2)).folio
    (record,) = _records(sys_)
    assert (record.rut, record.name, record.email, record.phone, record.comuna_code) == (
        "12345678-5",
        "Ana Prueba Ejemplo",
        "ana.nueva@ejemplo.cl",
        "+56 9 1234 5678",  # not given the second time: kept
        "05109",
    )
    assert record.updated_at == clock.now and record.created_at < record.updated_at
    with sys_.db.reading() as s:
        known = consumers.known_consumer(s, "12.345.678-5", EJE)
        seen_elsewhere = consumers.known_consumer(s, "12345678-5", EJE5)
    assert (known.known, known.count, known.region) == (True, 2, "05")
    assert [c.folio for c in known.cases] == [second, first]  # newest first
    assert [c.in_scope for c in seen_elsewhere.cases] == [False, False]


def test_a_refused_intake_leaves_no_record(sys_, clock: Clock) -> None:
    with pytest.raises(FormInvalid):
        open_case(sys_, complaint(motive="plan_salud"), EJE, clock.now)
    with sys_.db.reading() as s:
        assert s.execute(select(func.count()).select_from(Consumer)).scalar_one() == 0
        assert consumers.known_consumer(s, "12.345.678-5", EJE).known is False
