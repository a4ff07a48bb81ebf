"""Processes that are not consumer cases (an internal request such as the staff help desk): their intake
form asks no consumer, provider, kind or platform, and the platform copes — the case belongs to whoever
files it, goes by the process's name, and can notify whoever opened it. SQLite and PostgreSQL."""

from __future__ import annotations

import pytest
from sqlalchemy import select

from engine import catalog, store
from engine.access import Actor
from engine.errors import FormInvalid, InvalidContent
from engine.models import Case, Notification, User
from engine.services import cases
from tests.business_changes import mesa_ayuda_files
from tests.conftest import ACTORS, ROOT, Clock
from tests.integration.helpers import complete, detail, only_task, open_case

REQUEST = {
    "categoria": "sistema",
    "subject": "No puedo adjuntar boletas",
    "description": "Al adjuntar un PDF en el ingreso aparece un error.",
}


def _publish_help_desk(sys_, clock: Clock) -> None:
    with sys_.db.writing() as s:
        store.publish(s, {**catalog.read_dir(ROOT), **mesa_ayuda_files()}, "analista", "mesa", clock.now)


def _case(sys_, folio: str) -> Case:
    with sys_.db.reading() as s:
        return s.execute(select(Case).where(Case.folio == folio)).scalar_one()


def test_an_internal_request_belongs_to_the_platform_of_whoever_files_it(sys_, clock: Clock) -> None:
    _publish_help_desk(sys_, clock)
    summary = open_case(sys_, REQUEST, ACTORS["eje13"], clock.now, process="mesa_ayuda")
    assert (summary.kind, summary.platform_code, summary.region_code) == ("mesa_ayuda", "DR13", "13")
    assert summary.stage == "triage" and summary.due_on is not None
    case = _case(sys_, summary.folio)
    assert case.consumer_rut is None and case.provider_name is None and case.channel == "in_person"
    log = detail(sys_, summary.folio, ACTORS["eje13"], clock.now).log
    assert log[0].summary == "Ingreso de Mesa de ayuda interna por canal presencial"


def test_regional_staff_file_at_their_regional_office(sys_, clock: Clock) -> None:
    _publish_help_desk(sys_, clock)
    summary = open_case(sys_, REQUEST, ACTORS["sup05"], clock.now, process="mesa_ayuda")
    assert (summary.platform_code, summary.region_code) == ("DR05", "05")


def test_a_platform_named_in_the_data_still_has_to_be_in_scope(sys_, clock: Clock) -> None:
    """The default applies only when the form asks no platform; a consumer intake keeps its checks."""
    from tests.conftest import complaint

    with pytest.raises(FormInvalid) as err:
        open_case(sys_, complaint(platform="XX99"), ACTORS["eje13"], clock.now, process="caso")
    assert [e.field for e in err.value.errors] == ["platform"]


def test_the_request_is_triaged_answered_and_the_opener_is_notified(sys_, clock: Clock) -> None:
    _publish_help_desk(sys_, clock)
    folio = open_case(sys_, REQUEST, ACTORS["eje13"], clock.now, process="mesa_ayuda").folio
    triage = only_task(sys_, folio, "clasificar")
    assert (triage.role, triage.context) == ("supervisor", {"categoria": "sistema"})
    complete(sys_, triage.id, {"prioridad": "alta", "responde": "supervisor"}, ACTORS["sup13"], clock.now)
    answer = only_task(sys_, folio, "responder_supervisor")
    complete(sys_, answer.id, {"respuesta": "Use archivos de hasta 10 MB."}, ACTORS["sup13"], clock.now)
    case = _case(sys_, folio)
    assert (case.status, case.outcome) == ("closed", "RESPONDIDA")
    with sys_.db.reading() as s:
        sent = s.execute(select(Notification.username, Notification.message)).all()
    assert [tuple(n) for n in sent] == [
        ("eje13", f"Mesa de ayuda, solicitud {folio}: Use archivos de hasta 10 MB.")
    ]


def test_an_inactive_opener_is_not_notified(sys_, clock: Clock) -> None:
    _publish_help_desk(sys_, clock)
    folio = open_case(sys_, REQUEST, ACTORS["eje13b"], clock.now, process="mesa_ayuda").folio
    with sys_.db.writing() as s:
        s.execute(select(User).where(User.username == "eje13b")).scalar_one().active = False
    triage = only_task(sys_, folio, "clasificar")
    complete(sys_, triage.id, {"prioridad": "baja", "responde": "abogado"}, ACTORS["sup13"], clock.now)
    answer = only_task(sys_, folio, "responder_abogado")
    complete(sys_, answer.id, {"respuesta": "Corresponde el art. 21."}, ACTORS["abo13"], clock.now)
    with sys_.db.reading() as s:
        assert s.execute(select(Notification)).first() is None
    log = detail(sys_, folio, ACTORS["sup13"], clock.now).log
    assert any("Aviso a nadie" in entry.summary for entry in log)


def test_notify_accepts_opener_and_still_refuses_unknown_recipients() -> None:
    files = {**catalog.read_dir(ROOT), **mesa_ayuda_files()}
    catalog.build(files)  # 'opener' is a known recipient
    path = "processes/mesa_ayuda.bpmn"
    files[path] = files[path].replace(b'value="opener"', b'value="opener,jefatura"')
    with pytest.raises(InvalidContent) as err:
        catalog.build(files)
    assert [(p.file, p.element) for p in err.value.problems] == [(path, "cerrar_solicitud")]
    assert "jefatura" in err.value.problems[0].message


def test_kinds_in_words_include_processes_that_are_not_consumer_cases() -> None:
    cat = catalog.build({**catalog.read_dir(ROOT), **mesa_ayuda_files()})
    labels = cases.kind_labels(cat)
    assert labels["complaint"] == "reclamo" and labels["mesa_ayuda"] == "Mesa de ayuda interna"
    assert "caso" not in labels and "etapa_reclamo" not in labels  # consumer intake / no intake


def test_the_actor_channel_is_used_only_when_it_is_a_known_channel(sys_, clock: Clock) -> None:
    _publish_help_desk(sys_, clock)
    odd = Actor("eje13", "ejecutivo", "DR13", "13", "x" * 40)
    assert open_case(sys_, REQUEST, odd, clock.now, process="mesa_ayuda").channel == "web"


def test_a_process_id_too_long_to_be_its_cases_kind_is_refused_at_publish() -> None:
    files = {**catalog.read_dir(ROOT), **mesa_ayuda_files()}
    path, long_id = "processes/mesa_ayuda.bpmn", "mesa_de_ayuda_interna_del_personal"
    files[path] = files[path].replace(b'process id="mesa_ayuda"', f'process id="{long_id}"'.encode())
    with pytest.raises(InvalidContent) as err:
        catalog.build(files)
    assert [(p.file, p.element) for p in err.value.problems] == [(path, long_id)]
    assert "30 caracteres" in err.value.problems[0].message
