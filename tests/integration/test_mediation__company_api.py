"""Digital mediation end to end over real HTTP (waitress on loopback), on SQLite and PostgreSQL: a company
lists the reclamos forwarded to it and answers; the reclamo continues with the ejecutivo. Another company
gets 404; a second answer, a late answer or a bad body changes nothing."""

from __future__ import annotations

import threading
from collections.abc import Iterator
from dataclasses import dataclass
from datetime import timedelta

import pytest
import requests
from sqlalchemy import select

from engine.clock import utcnow
from engine.models import Attachment, Case, LogEntry
from engine.services import providers, timers, users
from engine.system import System
from tests.conftest import ACTORS, complaint, prepare
from tests.fakes.company import FakeCompany, serve
from tests.files import PDF
from tests.integration.helpers import complete, detail, only_task, open_case, open_tasks, snapshot
from web import create_app

TIENDA = "76.086.428-5"  # the provider of tests.conftest.complaint()
OTRA = "96.806.980-2"


@dataclass
class World:
    sys: System
    tienda: FakeCompany
    otra: FakeCompany
    staff_token: str


@pytest.fixture
def world(database_url: str) -> Iterator[World]:
    """Two digital companies with their accounts and tokens, and the app served on a loopback port."""
    prepared = prepare(database_url)
    now = utcnow()
    with prepared.db.writing() as s:
        providers.add_provider(s, TIENDA, "Tienda Demo Ltda.", now, market="comercio", digital=True)
        providers.add_provider(s, OTRA, "Otra Empresa S.A.", now, market="comercio", digital=True)
        users.add_user(s, "tienda", "clave-segura-1", "proveedor", now, provider=TIENDA)
        users.add_user(s, "otra", "clave-segura-1", "proveedor", now, provider=OTRA)
        tokens = {name: users.create_token(s, name, now) for name in ("tienda", "otra", "eje13")}
    app = create_app({"TESTING": True, "DATABASE_URL": database_url})
    with serve(app) as url:
        yield World(
            app.extensions["ventanilla"],
            FakeCompany(url, tokens["tienda"]),
            FakeCompany(url, tokens["otra"]),
            tokens["eje13"],
        )
    app.extensions["ventanilla"].db.engine.dispose()
    prepared.db.engine.dispose()


def forwarded(w: World, medium: str = "portal") -> str:
    """A reclamo registered at DR13 and forwarded to Tienda Demo by the ejecutivo; its folio."""
    folio = open_case(w.sys, complaint(), ACTORS["eje13"], utcnow(), process="caso").folio
    task = only_task(w.sys, folio, "trasladar")
    complete(
        w.sys,
        task.id,
        {"medio_traslado": medium, "nota_traslado": "Nota interna: cliente VIP"},
        ACTORS["eje13"],
        utcnow(),
    )
    return folio


def log_of(w: World, folio: str, event: str) -> list[LogEntry]:
    with w.sys.db.reading() as s:
        return list(
            s.execute(
                select(LogEntry)
                .join(Case, Case.id == LogEntry.case_id)
                .where(Case.folio == folio, LogEntry.event == event)
            ).scalars()
        )


def test_a_company_answers_over_http_and_the_reclamo_continues(world: World) -> None:
    folio = forwarded(world)
    waiting = only_task(world.sys, folio, "registrar_respuesta")
    listed = world.tienda.complaints()
    assert listed.status == 200
    [item] = listed.body["complaints"]
    assert (item["folio"], item["state"], item["answerable"]) == (folio, "pendiente", True)
    assert item["consumer_name"] == "Ana Prueba Ejemplo" and item["subject"] == "Cobro duplicado"
    assert item["due_on"] == waiting.context["vencimiento_proveedor"]  # the plazo staff see, from the BPMN
    text = str(listed.body)
    assert "eje13" not in text and "VIP" not in text and "ana@ejemplo.cl" not in text

    reply = world.tienda.answer(
        folio, "acoge_parcialmente", "Devolveremos la mitad del cobro.", files=[("nota-credito.pdf", PDF)]
    )
    assert reply.status == 200, reply.body
    assert (reply.body["state"], reply.body["answerable"]) == ("respondido", False)
    assert reply.body["answer"]["texto"] == "Devolveremos la mitad del cobro."

    assert [t.element_id for t in open_tasks(world.sys, folio)] == ["proponer_cierre"]
    [next_task] = open_tasks(world.sys, folio)
    assert next_task.context["respuesta_proveedor_texto"] == "Devolveremos la mitad del cobro."
    [answered] = log_of(world, folio, "provider_answered")
    assert answered.summary == "Respuesta digital del proveedor: acoge parcialmente" and answered.public
    [received] = log_of(world, folio, "message_received")
    assert (received.actor, received.role, received.channel) == ("tienda", "proveedor", None)
    with world.sys.db.reading() as s:
        [attached] = s.execute(select(Attachment).join(Case).where(Case.folio == folio)).scalars().all()
        assert (attached.filename, attached.uploaded_by) == ("nota-credito.pdf", "tienda")
    assert received.data["adjuntos"] == [attached.id]
    assert world.tienda.complaints(pending=True).body["complaints"] == []


def test_another_company_gets_404_and_changes_nothing(world: World) -> None:
    folio = forwarded(world)
    before = snapshot(world.sys, folio)
    assert world.otra.complaints().body["complaints"] == []
    for reply in (world.otra.complaint(folio), world.otra.answer(folio, "acoge", "Acogemos el reclamo.")):
        assert reply.status == 404 and reply.content_type == "application/problem+json"
    assert world.tienda.complaint("2024-999999").status == 404
    assert snapshot(world.sys, folio) == before
    assert world.tienda.complaint(folio).body["state"] == "pendiente"


def test_a_reclamo_not_yet_forwarded_is_not_the_company_s(world: World) -> None:
    folio = open_case(world.sys, complaint(), ACTORS["eje13"], utcnow(), process="caso").folio
    assert world.tienda.complaint(folio).status == 404
    assert world.tienda.complaints().body["complaints"] == []


def test_answering_twice_has_one_effect(world: World) -> None:
    folio = forwarded(world)
    first, second = world.tienda.answer_twice(folio, "acoge", "Anulamos el cargo duplicado.")
    assert first.status == 200
    assert second.status == 409 and second.content_type == "application/problem+json"
    assert second.body["type"] == "/problems/answer-closed"
    assert len(log_of(world, folio, "message_received")) == 1
    assert [t.element_id for t in open_tasks(world.sys, folio)] == ["proponer_cierre"]


def test_bad_bodies_are_refused_and_change_nothing(world: World) -> None:
    folio = forwarded(world)
    before = snapshot(world.sys, folio)
    raw = world.tienda._call("POST", f"/complaints/{folio}/answer", data=b"no es json")
    assert raw.status == 400 and raw.content_type == "application/problem+json"
    wrong = world.tienda.answer(folio, "quizas", "Ok")
    assert wrong.status == 422
    assert {e["field"] for e in wrong.body["errors"]} == {"resultado", "texto"}
    bad_file = world.tienda.answer(folio, "acoge", "Acogemos el reclamo.", files=[("virus.exe", b"MZ\x90")])
    assert bad_file.status == 422 and bad_file.body["errors"][0]["field"] == "adjuntos"
    assert snapshot(world.sys, folio) == before
    with world.sys.db.reading() as s:
        assert s.execute(select(Attachment)).first() is None


def test_staff_and_companies_keep_to_their_own_api(world: World) -> None:
    folio = forwarded(world)
    staff = FakeCompany(world.tienda.base_url, world.staff_token)
    assert staff.complaints().status == 403
    assert staff.answer(folio, "acoge", "Acogemos el reclamo.").status == 403
    case = requests.get(
        f"{world.tienda.base_url}/api/v1/cases/{folio}",
        headers={"Authorization": f"Bearer {world.tienda.token}"},
        timeout=30,
    )
    assert case.status_code == 404  # a company never reads the case file
    assert FakeCompany(world.tienda.base_url, "vt_falso").complaints().status == 401


def test_past_the_plazo_the_answer_is_late_and_a_reminder_opens_a_new_one(world: World) -> None:
    folio = forwarded(world)
    first_due = world.tienda.complaint(folio).body["due_on"]
    later = utcnow() + timedelta(days=40)
    report = timers.fire_due_timers(world.sys.db, world.sys.store, later)
    assert report.fired >= 1
    assert world.tienda.complaint(folio).body["state"] == "cerrado"
    assert world.tienda.answer(folio, "acoge", "Acogemos el reclamo.").status == 409
    reminder = only_task(world.sys, folio, "enviar_recordatorio")
    complete(world.sys, reminder.id, {"medio_recordatorio": "portal"}, ACTORS["eje13"], later)
    again = world.tienda.complaint(folio).body
    assert again["state"] == "pendiente" and again["due_on"] > first_due
    assert world.tienda.answer(folio, "no_acoge", "El cobro corresponde.").status == 200
    file = detail(world.sys, folio, ACTORS["eje13"], later)
    assert "proponer_cierre" in [t.element_id for t in file.open_tasks]  # (also: the case is late)


def test_five_simultaneous_answers_give_exactly_one_effect(world: World) -> None:
    """A company's back office firing the same answer from five workers at once: one 200, four 409."""
    folio = forwarded(world)
    barrier, codes, lock = threading.Barrier(5), [], threading.Lock()

    def worker(n: int) -> None:
        barrier.wait()
        reply = world.tienda.answer(folio, "acoge", f"Acogemos el reclamo (envío {n}).")
        with lock:
            codes.append(reply.status)

    threads = [threading.Thread(target=worker, args=(n,)) for n in range(5)]
    for t in threads:
        t.start()
    for t in threads:
        t.join()
    assert sorted(codes) == [200, 409, 409, 409, 409]
    assert len(log_of(world, folio, "message_received")) == 1
    assert len(log_of(world, folio, "provider_answered")) == 1
    assert [t.element_id for t in open_tasks(world.sys, folio)] == ["proponer_cierre"]
