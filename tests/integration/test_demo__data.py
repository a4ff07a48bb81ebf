"""``ventanilla demo``'s data: a reproducible population of clearly fictitious cases lived through the
services, covering every stage, channel and kind of closure, with late cases, returns and a transfer."""

from __future__ import annotations

from collections import Counter
from collections.abc import Iterator
from datetime import UTC, datetime
from pathlib import Path

import pytest
from sqlalchemy import func, select
from stdnum.cl import rut as stdrut

from engine.models import Case, Document, HumanTask, LogEntry, Timer, User
from engine.services import cases, demo
from engine.system import System
from tests.conftest import prepare

NOW = datetime(2024, 11, 29, 18, 0, tzinfo=UTC)  # a Friday afternoon in Santiago
COUNT = 60


@pytest.fixture(scope="module")
def demo_sys(tmp_path_factory: pytest.TempPathFactory) -> Iterator[System]:
    """One SQLite database filled once with the demo (it takes a few seconds) for every test here."""
    built = prepare(f"sqlite:///{tmp_path_factory.mktemp('demo')}/d.db")
    assert demo.load_demo(built, NOW, count=COUNT) == COUNT
    yield built
    built.db.engine.dispose()


def all_cases(sys_: System) -> list[Case]:
    with sys_.db.reading() as s:
        return list(s.execute(select(Case).order_by(Case.id)).scalars())


def events(sys_: System, event: str) -> list[LogEntry]:
    with sys_.db.reading() as s:
        return list(s.execute(select(LogEntry).where(LogEntry.event == event)).scalars())


def test_a_second_load_creates_nothing(demo_sys: System) -> None:
    assert demo.load_demo(demo_sys, NOW, count=COUNT) == 0
    assert len(all_cases(demo_sys)) == COUNT


def test_the_staff_accounts_exist_with_the_printed_roles(demo_sys: System) -> None:
    with demo_sys.db.reading() as s:
        accounts = {
            u.username: (u.role, u.platform_code, u.region_code) for u in s.execute(select(User)).scalars()
        }
    for region in ("01", "05", "13", "16"):
        assert accounts[f"ejecutivo{region}"] == ("ejecutivo", f"DR{region}", region)
        assert accounts[f"supervisor{region}"] == ("supervisor", None, region)
    assert accounts["callcenter"] == ("ejecutivo", "CC", "13")
    assert (accounts["ejecutivo13b"][1], accounts["ejecutivo05b"][1]) == ("DR13", "DR05")
    for username, role, _where in demo.USERS:
        assert accounts[username][0] == role


def test_every_stage_channel_and_several_regions(demo_sys: System) -> None:
    population = all_cases(demo_sys)
    assert {c.stage for c in population} == {"consulta", "reclamo", "judicial", "no_consumo", "cerrado"}
    assert {c.channel for c in population} == {"in_person", "web", "phone", "written", "mailbox"}
    assert len({c.region_code for c in population}) >= 5
    assert Counter(c.region_code for c in population).most_common(1)[0][0] == "13"  # by population
    phoned = [c for c in population if c.channel == "phone"]
    assert all(c.platform_code == "CC" for c in phoned)
    assert {c.kind for c in phoned} == {"inquiry"}  # the call center takes consultas only


def test_most_cases_are_closed_with_varied_outcomes_and_some_stay_open(demo_sys: System) -> None:
    population = all_cases(demo_sys)
    closed = [c for c in population if c.status == "closed"]
    assert 0.55 <= len(closed) / COUNT <= 0.9
    outcomes = Counter(c.outcome for c in closed)
    assert {"CONSULTA RESPONDIDA", "PROVEEDOR NO RESPONDE", "NO CONSUMO"} <= set(outcomes)
    assert len(outcomes) >= 5 and None not in outcomes
    assert all(c.closed_at is not None and c.opened_at < c.closed_at <= NOW for c in closed)
    assert all(c.opened_at <= NOW for c in population)


def test_closures_are_returned_from_visacion_by_someone_else(demo_sys: System) -> None:
    returned = events(demo_sys, "approval_returned")
    approved = events(demo_sys, "approval_approved")
    assert returned and len(approved) > len(returned)
    for entry in returned + approved:
        assert entry.actor.startswith("supervisor") and entry.actor != entry.data["cierre_propuesto_por"]
    assert {e.case_id for e in returned} & {e.case_id for e in approved}  # corrected, then approved


def test_late_cases_are_warned_breached_and_reviewed(demo_sys: System) -> None:
    assert events(demo_sys, "deadline_warning") and events(demo_sys, "deadline_breach")
    assert events(demo_sys, "deadline_reviewed") and events(demo_sys, "provider_reminded")
    late = [c for c in all_cases(demo_sys) if cases.summarize(c, NOW).due_status == "fuera_de_plazo"]
    assert late and all(c.status != "closed" for c in late)
    with demo_sys.db.reading() as s:
        reviews = s.execute(
            select(func.count())
            .select_from(HumanTask)
            .where(HumanTask.status == "open", HumanTask.element_id.like("revisar_atraso_%"))
        ).scalar_one()
        failed = s.execute(select(func.count()).select_from(Timer).where(Timer.last_error.is_not(None)))
        assert reviews >= 1 and failed.scalar_one() == 0


def test_companies_answer_digitally_by_letter_and_a_case_is_transferred(demo_sys: System) -> None:
    assert events(demo_sys, "message_received")  # the company's portal answer
    assert any(e.element_id == "registrar_respuesta" for e in events(demo_sys, "task_completed"))
    transfer = events(demo_sys, "transfer")
    assert transfer and transfer[0].data["from"]["region"] != transfer[0].data["to"]["region"]
    assert events(demo_sys, "escalated") and events(demo_sys, "lawsuit_filed")
    with demo_sys.db.reading() as s:
        letters = Counter(s.execute(select(Document.letter_id)).scalars())
    assert letters["comprobante_ingreso"] == COUNT
    assert {"traslado_proveedor", "respuesta_consumidor", "recordatorio_proveedor"} <= set(letters)


def test_people_and_companies_are_clearly_fictitious(demo_sys: System) -> None:
    population = all_cases(demo_sys)
    for case in population:
        assert set(case.consumer_name.split()[1:]) <= set(demo.SURNAMES), case.consumer_name
        assert case.consumer_rut and stdrut.is_valid(case.consumer_rut)
        assert case.consumer_email is None or (
            case.consumer_email.endswith("@ejemplo.cl") and case.consumer_email.isascii()
        )
        assert (case.consumer_phone or "").startswith("+56 9 ")
    companies = {(c.provider_name, c.provider_rut) for c in population if c.provider_name}
    assert all(rut and rut.startswith("76") and stdrut.is_valid(rut) for _, rut in companies)
    fictitious = ("Ejemplo", "Ficticio", "Ficticia", "Demo", "Muestra")
    assert all(any(word in name for word in fictitious) for name, _ in companies if name)


def test_the_same_seed_gives_the_same_cases(tmp_path: Path) -> None:
    runs = []
    for name in ("a", "b"):
        built = prepare(f"sqlite:///{tmp_path}/{name}.db")
        demo.load_demo(built, NOW, count=12, seed=7)
        runs.append([(c.folio, c.consumer_name, c.stage, c.status, c.outcome) for c in all_cases(built)])
        built.db.engine.dispose()
    assert runs[0] == runs[1] and len(runs[0]) == 12


def test_every_consulta_and_reclamo_carries_a_classification_of_the_published_list(demo_sys: System) -> None:
    with demo_sys.db.reading() as s:
        found = demo_sys.store.latest(s).classification
    population = all_cases(demo_sys)
    classified = [c for c in population if c.kind != "out_of_scope"]
    assert classified and all(c.market and c.motive for c in classified)
    for c in classified:
        market = found.market(c.market)
        assert market is not None and c.motive in market.motives
        assert c.category is None or found.category(c.motive, c.category) is not None
    assert len({c.market for c in classified}) >= 4
