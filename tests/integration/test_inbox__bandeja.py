"""The bandeja reads tasks alone: the case fields copied onto each open task follow the case (escalation,
new plazo, transfer), and its counts are exact up to the cap and say "more than" above it."""

from __future__ import annotations

from typing import Any

import pytest
from sqlalchemy import select

from engine.access import Actor
from engine.models import Case, HumanTask
from engine.services import inbox as bandeja
from engine.services import transfers
from engine.services.inbox import InboxPage, InboxQuery
from engine.system import System
from tests.conftest import ACTORS, Clock, complaint
from tests.integration.helpers import open_case
from tests.integration.lifecycle import Scenario


def look(sys_: System, actor: Actor, now: Any, **query: Any) -> InboxPage:
    with sys_.db.reading() as s:
        return bandeja.inbox(s, actor, InboxQuery(**query), now)


def folios(page: InboxPage) -> list[str]:
    return [row.folio for row in page.rows]


def assert_copies_follow_the_case(sys_: System, folio: str) -> None:
    """Every open task of the case carries the case's current kind, stage, channel, plazo and provider."""
    with sys_.db.reading() as s:
        case = s.execute(select(Case).where(Case.folio == folio)).scalar_one()
        tasks = s.execute(
            select(HumanTask).where(HumanTask.case_id == case.id, HumanTask.status == "open")
        ).scalars()
        for task in tasks:
            copied = (task.kind, task.stage, task.channel, task.due_on, task.warn_on, task.provider_rut)
            assert copied == (
                case.kind,
                case.stage,
                case.channel,
                case.due_on,
                case.warn_on,
                case.provider_rut,
            )
            assert (task.platform_code, task.region_code) == (case.platform_code, case.region_code)
            assert task.provider_key == (case.provider_name or "").lower()
            if case.due_on and case.warn_on:
                assert task.warn_days == (case.due_on - case.warn_on).days


def test_escalation_moves_the_task_to_the_new_kind_stage_and_plazo(sys_: System, clock: Clock) -> None:
    scn = Scenario(sys_, clock, complaint(kind="inquiry"))
    sup = ACTORS["sup13"]
    assert folios(look(sys_, sup, clock.now, kind="inquiry", stage="consulta")) == [scn.folio]
    assert_copies_follow_the_case(sys_, scn.folio)
    scn.do("proponer_cierre", {"accion": "escalar_reclamo", "respuesta": "Requiere mediación."}, days=4)
    assert folios(look(sys_, sup, clock.now, kind="complaint", stage="reclamo")) == [scn.folio]
    assert look(sys_, sup, clock.now, kind="inquiry").total == 0
    page = look(sys_, sup, clock.now)
    assert page.counts["kind"] == {"complaint": 1}
    assert page.rows[0].due_on == scn.case().due_on  # the new 25-day plazo, not the consulta's
    assert_copies_follow_the_case(sys_, scn.folio)


def test_a_transfer_moves_the_tasks_to_the_other_bandeja(sys_: System, clock: Clock) -> None:
    folio = open_case(sys_, complaint(), ACTORS["eje13"], clock.now, process="caso").folio
    assert folios(look(sys_, ACTORS["sup13"], clock.now)) == [folio]
    with sys_.db.writing() as s:
        transfers.transfer_case(
            s, sys_.store, folio, ACTORS["sup13"], "Domicilio del consumidor", clock.now, to_platform="DR05"
        )
    assert look(sys_, ACTORS["sup13"], clock.now).total == 0
    moved = look(sys_, ACTORS["eje05"], clock.now, search="tienda demo")
    assert folios(moved) == [folio] and moved.rows[0].platform_code == "DR05"
    assert_copies_follow_the_case(sys_, folio)


def open_several(sys_: System, clock: Clock, complaints: int, inquiries: int) -> list[str]:
    out = []
    for i in range(complaints + inquiries):
        data = complaint(kind="complaint" if i < complaints else "inquiry")
        out.append(open_case(sys_, data, ACTORS["eje13"], clock.advance(hours=1)).folio)
    return out


def test_counts_are_exact_below_the_cap(sys_: System, clock: Clock, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr(bandeja, "COUNT_CAP", 10)
    monkeypatch.setattr(bandeja, "PAGE_SIZE", 2)
    made = open_several(sys_, clock, complaints=3, inquiries=1)
    page = look(sys_, ACTORS["eje13"], clock.now)
    assert (page.total, page.capped, page.pages, page.has_next) == (4, False, 2, True)
    assert page.counts["kind"] == {"inquiry": 1, "complaint": 3}
    assert page.counts["due"] == {"en_plazo": 4, "por_vencer": 0, "fuera_de_plazo": 0}
    last = look(sys_, ACTORS["eje13"], clock.now, page=9)  # beyond the end: the last page
    assert (last.page, last.has_next, len(last.rows)) == (2, False, 2)
    assert sorted(folios(page) + folios(last)) == sorted(made)
    only = look(sys_, ACTORS["eje13"], clock.now, kind="inquiry")
    assert (only.total, only.counts["kind"], folios(only)) == (1, {"inquiry": 1, "complaint": 3}, made[3:])


def test_counts_above_the_cap_say_more_than_and_paging_goes_on(
    sys_: System, clock: Clock, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setattr(bandeja, "COUNT_CAP", 2)
    monkeypatch.setattr(bandeja, "PAGE_SIZE", 1)
    made = open_several(sys_, clock, complaints=3, inquiries=1)
    page = look(sys_, ACTORS["sup13"], clock.now)
    assert (page.total, page.capped) == (3, True)  # cap + 1: "más de 2"
    assert page.counts["kind"] == {"inquiry": 1, "complaint": 3}  # 1 exact, 3 = more than 2
    assert page.counts["due"]["en_plazo"] == 3 and page.counts["due"]["fuera_de_plazo"] == 0
    seen, n = [], 1
    while True:  # "Siguiente" until the end: every task once, in due order, beyond the counted pages
        step = look(sys_, ACTORS["sup13"], clock.now, page=n)
        seen += folios(step)
        assert step.pages >= n
        if not step.has_next:
            break
        n += 1
    assert sorted(seen) == sorted(made) and n == 4
    assert look(sys_, ACTORS["sup13"], clock.now, page=7).rows == []  # past the end, unknown: empty


def test_each_due_count_is_what_its_filter_shows(sys_: System, clock: Clock) -> None:
    """Cases opened a week apart, looked at 30 days later: some overdue, some warned, some in time."""
    start = clock.now
    for _ in range(6):
        open_case(sys_, complaint(), ACTORS["eje13"], clock.advance(days=7), process="caso")
    later = start.replace(month=start.month + 1, day=25)
    page = look(sys_, ACTORS["sup13"], later)
    shown = {due: folios(look(sys_, ACTORS["sup13"], later, due=due)) for due in bandeja.DUE_STATES}
    assert {due: len(rows) for due, rows in shown.items()} == page.counts["due"]
    assert sorted(f for rows in shown.values() for f in rows) == sorted(folios(page))
    assert sum(1 for rows in shown.values() if rows) >= 2


def test_migration_0007_backfills_the_copies_from_the_cases(sys_: System, clock: Clock) -> None:
    """Down to 0006 (the columns go) and up again: existing tasks get their case's values back."""

    from engine import schema

    provider = {"rut": "76.086.428-5", "name": "Óptica Ñuble"}
    scn = Scenario(sys_, clock, complaint(kind="inquiry", provider=provider))
    scn.do("proponer_cierre", {"accion": "escalar_reclamo", "respuesta": "Requiere mediación."}, days=4)
    schema.downgrade(sys_.db, "0006")
    schema.upgrade(sys_.db)
    assert_copies_follow_the_case(sys_, scn.folio)
    page = look(sys_, ACTORS["sup13"], clock.now, search="óptica ñ", kind="complaint")
    assert folios(page) == [scn.folio]
