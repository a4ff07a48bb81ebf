"""Case search (issue 14) on SQLite and PostgreSQL: open and closed cases within scope, by folio, RUT, name,
company and words of the description (accent-insensitive), codes and dates, in keyset pages."""

from __future__ import annotations

from datetime import date

import pytest

from engine.access import Actor
from engine.services.monitoring.filters import CaseFilter, FilterInvalid, parse_filter
from engine.services.monitoring.search import search_cases
from engine.system import System
from tests.conftest import ACTORS, Clock
from tests.integration.monitoring import Population, populate

TODAY = date(2024, 9, 20)


@pytest.fixture
def population(sys_: System, clock: Clock) -> Population:
    return populate(sys_, clock)


def folios(sys_: System, actor: Actor, **filters: object) -> list[str]:
    with sys_.db.reading() as s:
        page = search_cases(s, actor, CaseFilter(**filters), TODAY, limit=100)  # type: ignore[arg-type]
    assert page.total == len(page.rows)
    return [row.folio for row in page.rows]


def test_a_closed_case_is_found_by_the_consumers_rut(sys_: System, population: Population) -> None:
    found = folios(sys_, ACTORS["sup13"], rut="12345678-5", state="cerrados")
    assert found == [population.closed]
    assert population.closed in folios(sys_, ACTORS["central"], rut="12345678-5")


def test_scope_never_returns_a_case_of_another_region(sys_: System, population: Population) -> None:
    for folio in population.open05:
        assert folios(sys_, ACTORS["sup13"], folio=folio) == []
        assert folios(sys_, ACTORS["eje13"], folio=folio) == []
        assert folios(sys_, ACTORS["sup05"], folio=folio) == [folio]
    assert sorted(folios(sys_, ACTORS["sup05"])) == sorted(population.open05)
    assert len(folios(sys_, ACTORS["central"])) == 6


def test_words_ignore_accents_and_case(sys_: System, population: Population) -> None:
    eletric = population.open13[1]
    assert folios(sys_, ACTORS["sup13"], name="jose nunez") == [eletric]
    assert folios(sys_, ACTORS["sup13"], name="NÚÑEZ Jos") == [eletric]
    assert folios(sys_, ACTORS["sup13"], company="electrica") == [eletric]
    assert folios(sys_, ACTORS["sup13"], company="96.806.980-2") == [eletric]
    assert folios(sys_, ACTORS["sup13"], text="electricidad aviso") == [eletric]
    assert folios(sys_, ACTORS["sup13"], text="ELÉCTRICIDAD") == [eletric]
    assert set(folios(sys_, ACTORS["sup13"], text="garantía")) == {population.closed, population.open13[2]}
    assert folios(sys_, ACTORS["sup13"], text="'; DROP TABLE cases; --") == []


def test_codes_and_dates(sys_: System, population: Population) -> None:
    assert folios(sys_, ACTORS["sup13"], channel="written") == [population.open13[1]]
    assert len(folios(sys_, ACTORS["sup13"], kind="inquiry")) == 2
    assert folios(sys_, ACTORS["sup13"], outcome="CONSULTA RESPONDIDA") == [population.closed]
    assert len(folios(sys_, ACTORS["central"], opened_from=date(2024, 9, 14))) == 5  # after the consulta
    assert folios(sys_, ACTORS["central"], opened_to=date(2024, 9, 13)) == [population.closed]
    assert folios(sys_, ACTORS["central"], opened_from=date(2024, 9, 16)) == []
    closed_on = date(2024, 9, 15)
    assert folios(sys_, ACTORS["central"], closed_from=closed_on, closed_to=closed_on) == [population.closed]


def test_keyset_pages_cover_every_case_once_in_order(sys_: System, population: Population) -> None:
    seen: list[str] = []
    after = None
    with sys_.db.reading() as s:
        while True:
            page = search_cases(
                s, ACTORS["central"], CaseFilter(), TODAY, sort="antiguos", after=after, limit=4
            )
            assert page.total == 6
            seen += [r.folio for r in page.rows]
            after = page.next_after
            if after is None:
                break
    assert len(seen) == 6 == len(set(seen))
    newest_first = folios(sys_, ACTORS["central"])
    assert newest_first == list(reversed(seen))


def test_bad_filters_are_refused_with_the_field() -> None:
    with pytest.raises(FilterInvalid) as err:
        parse_filter({"rut": "12.345.678-9"})
    assert err.value.field == "rut"
    with pytest.raises(FilterInvalid) as err:
        parse_filter({"opened_from": "2024-13-01"})
    assert err.value.field == "opened_from"
    with pytest.raises(FilterInvalid):
        parse_filter({"opened_from": "2024-09-02", "opened_to": "2024-09-01"})
    assert parse_filter({"kind": "inquiry", "x": "y", "rut": "12.345.678-5"}).rut == "12345678-5"
