"""Attachments through the services on SQLite and PostgreSQL: store, list, download, limits, scope, and a
refused form leaving nothing stored."""

from __future__ import annotations

import hashlib
from typing import Any

import pytest
from sqlalchemy import func, select

from engine.errors import CaseNotFound, FieldError, FormInvalid, NotFound
from engine.models import Attachment, Case, LogEntry
from engine.services import attachments, tasks
from engine.services.attachments import MAX_BYTES, NOT_ALLOWED_TYPE, TOO_MANY, UNKNOWN
from engine.system import System
from tests.conftest import ACTORS, Clock, complaint
from tests.files import DOCX, EXE, PDF, PNG, TEXT
from tests.integration.helpers import complete, detail, only_task, open_case, snapshot

EJE, EJE05 = ACTORS["eje13"], ACTORS["eje05"]


def case_id(sys_: System, folio: str) -> int:
    with sys_.db.reading() as s:
        return int(s.execute(select(Case.id).where(Case.folio == folio)).scalar_one())


def store(sys_: System, folio: str, files: list[tuple[str, str, bytes]], now: Any) -> list[int]:
    with sys_.db.writing() as s:
        return attachments.store_files(s, case_id(sys_, folio), files, EJE, now, None, field="adjuntos")


def counts(sys_: System) -> tuple[int, int, int]:
    """(cases, attachments, attachment_added log entries) in the whole database."""
    with sys_.db.reading() as s:
        logged = select(func.count(LogEntry.id)).where(LogEntry.event == "attachment_added")
        return (
            int(s.execute(select(func.count(Case.id))).scalar_one()),
            int(s.execute(select(func.count(Attachment.id))).scalar_one()),
            int(s.execute(logged).scalar_one()),
        )


def at_provider_answer(sys_: System, clock: Clock) -> tuple[str, str]:
    """A reclamo on the real process, forwarded to the provider: (folio, id of "registrar_respuesta")."""
    folio = open_case(sys_, complaint(), EJE, clock.now, process="caso").folio
    complete(sys_, only_task(sys_, folio, "trasladar").id, {"medio_traslado": "correo"}, EJE, clock.now)
    return folio, only_task(sys_, folio, "registrar_respuesta").id


ANSWER = {"resultado_proveedor": "acoge", "respuesta_proveedor_texto": "Devolveremos el cobro duplicado."}


def test_files_are_stored_listed_and_downloaded_with_their_log(sys_: System, clock: Clock) -> None:
    folio = open_case(sys_, complaint(), EJE, clock.now).folio
    ids = store(
        sys_,
        folio,
        [("C:\\Fotos\\boleta.pdf", "application/x-anything", PDF), ("foto.png", "", PNG)],
        clock.now,
    )
    with sys_.db.reading() as s:
        listed = attachments.list_attachments(s, folio, EJE)
        name, mime, body = attachments.attachment_file(s, ids[0], EJE)
    assert [(a.id, a.filename, a.mime, a.size) for a in listed] == [
        (ids[0], "boleta.pdf", "application/pdf", len(PDF)),
        (ids[1], "foto.png", "image/png", len(PNG)),
    ]
    assert listed[0].sha256 == hashlib.sha256(PDF).hexdigest() and listed[0].uploaded_by == "eje13"
    assert (name, mime, body) == ("boleta.pdf", "application/pdf", PDF)
    logged = [e for e in detail(sys_, folio, EJE, clock.now).log if e.event == "attachment_added"]
    assert [e.summary for e in logged] == [
        f"Adjunto agregado: boleta.pdf ({len(PDF)} bytes)",
        f"Adjunto agregado: foto.png ({len(PNG)} bytes)",
    ]
    assert logged[0].data["attachment_id"] == ids[0] and logged[0].actor == "eje13"


def test_size_count_and_type_limits_refuse_the_whole_batch(sys_: System, clock: Clock) -> None:
    folio = open_case(sys_, complaint(), EJE, clock.now).folio
    refused: list[tuple[list[tuple[str, str, bytes]], str]] = [
        (
            [("ok.pdf", "", PDF), ("virus.pdf", "application/pdf", EXE)],
            f"{NOT_ALLOWED_TYPE} Revise «virus.pdf».",
        ),
        ([("grande.pdf", "", PDF + bytes(MAX_BYTES))], "El archivo «grande.pdf» supera el máximo de 10 MB."),
        ([("vacio.txt", "", b"")], "El archivo «vacio.txt» está vacío."),
        ([("programa.exe", "", EXE)], f"{NOT_ALLOWED_TYPE} Revise «programa.exe»."),
        ([(f"f{i}.pdf", "", PDF) for i in range(6)], TOO_MANY),
    ]
    for files, message in refused:
        with pytest.raises(FormInvalid) as err:
            store(sys_, folio, files, clock.now)
        assert err.value.errors == [FieldError("adjuntos", message)]
    assert counts(sys_)[1:] == (0, 0)
    accepted = [
        ("contrato.docx", "", DOCX),
        ("nota.txt", "", TEXT),
        ("grande.pdf", "", PDF + bytes(MAX_BYTES - len(PDF))),
    ]
    assert len(store(sys_, folio, accepted, clock.now)) == 3


def test_files_outside_the_actors_scope_are_not_found(sys_: System, clock: Clock) -> None:
    folio = open_case(sys_, complaint(), EJE, clock.now).folio
    [attachment_id] = store(sys_, folio, [("boleta.pdf", "", PDF)], clock.now)
    with sys_.db.writing() as s:
        with pytest.raises(CaseNotFound):
            attachments.list_attachments(s, folio, EJE05)
        with pytest.raises(NotFound, match="no existe el adjunto"):
            attachments.attachment_file(s, attachment_id, EJE05)
        with pytest.raises(NotFound, match="no existe el adjunto"):
            attachments.attachment_file(s, attachment_id + 1000, EJE)
        with pytest.raises(CaseNotFound):
            attachments.add_to_case(s, folio, ("otra.pdf", "", PDF), EJE05, clock.now)


def test_ids_of_another_case_are_refused(sys_: System, clock: Clock) -> None:
    folio, task_id = at_provider_answer(sys_, clock)
    other, _ = at_provider_answer(sys_, clock)
    [foreign] = store(sys_, other, [("ajena.pdf", "", PDF)], clock.now)
    [own] = store(sys_, folio, [("propia.pdf", "", PDF)], clock.now)
    before = snapshot(sys_, folio)
    with pytest.raises(FormInvalid) as err:
        complete(sys_, task_id, {**ANSWER, "adjuntos": [own, foreign]}, EJE, clock.now)
    assert err.value.errors == [FieldError("adjuntos", UNKNOWN)]
    assert snapshot(sys_, folio) == before
    with pytest.raises(FormInvalid) as err:
        open_case(sys_, complaint(adjuntos=[own]), EJE, clock.now, process="caso")
    assert err.value.errors == [FieldError("adjuntos", UNKNOWN)]
    complete(sys_, task_id, {**ANSWER, "adjuntos": [own]}, EJE, clock.now)
    done = [e for e in detail(sys_, folio, EJE, clock.now).log if e.event == "task_completed"]
    assert done[-1].data["adjuntos"] == [own]


def test_a_refused_form_stores_nothing(sys_: System, clock: Clock) -> None:
    folio, task_id = at_provider_answer(sys_, clock)
    before, stored = snapshot(sys_, folio), counts(sys_)
    attempts: list[tuple[dict[str, Any], tuple[str, str, bytes], str]] = [
        ({"resultado_proveedor": "acoge"}, ("respuesta.pdf", "", PDF), "respuesta_proveedor_texto"),
        (ANSWER, ("respuesta.pdf", "", EXE), "adjuntos"),
    ]
    for data, upload, field in attempts:
        with pytest.raises(FormInvalid) as err, sys_.db.writing() as s:
            tasks.complete_task_with_files(
                s, sys_.store, task_id, data, {"adjuntos": [upload]}, EJE, clock.now
            )
        assert [e.field for e in err.value.errors] == [field]
        assert (snapshot(sys_, folio), counts(sys_)) == (before, stored)
    with sys_.db.writing() as s:
        tasks.complete_task_with_files(
            s, sys_.store, task_id, ANSWER, {"adjuntos": [("respuesta.pdf", "", PDF)]}, EJE, clock.now
        )
        [row] = s.execute(select(Attachment)).scalars()
        assert (row.filename, row.element_id) == ("respuesta.pdf", "registrar_respuesta")
    done = [e for e in detail(sys_, folio, EJE, clock.now).log if e.event == "task_completed"]
    assert done[-1].data["adjuntos"] == [row.id]


def test_intake_stores_its_files_only_when_the_case_is_registered(sys_: System, clock: Clock) -> None:
    def intake(data: dict[str, Any], files: list[tuple[str, str, bytes]]) -> str:
        with sys_.db.writing() as s:
            return attachments.open_case_with_files(
                s, sys_.store, data, {"adjuntos": files}, EJE, clock.now
            ).folio

    with pytest.raises(FormInvalid) as err:
        intake(complaint(subject=""), [("boleta.pdf", "", EXE)])
    assert {e.field for e in err.value.errors} == {"adjuntos", "subject"}
    with pytest.raises(FormInvalid):
        intake(complaint(subject=""), [("boleta.pdf", "", PDF)])
    assert counts(sys_) == (0, 0, 0)
    folio = intake(complaint(), [("boleta.pdf", "", PDF), ("foto.png", "", PNG)])
    with sys_.db.reading() as s:
        assert [(a.filename, a.element_id) for a in attachments.list_attachments(s, folio, EJE)] == [
            ("boleta.pdf", "ingreso"),
            ("foto.png", "ingreso"),
        ]
    events = [e.event for e in detail(sys_, folio, EJE, clock.now).log]
    assert events[0] == "intake" and events.count("attachment_added") == 2
