"""Content validation: each broken or hostile file gives one clear line naming file and element."""

from __future__ import annotations

import shutil
from pathlib import Path

import pytest
from click.testing import CliRunner

from engine import catalog
from engine.errors import InvalidContent
from tests.conftest import ROOT
from web.cli import main

HEADER = """<?xml version="1.0" encoding="UTF-8"?>
<bpmn:definitions xmlns:bpmn="http://www.omg.org/spec/BPMN/20100524/MODEL"
  xmlns:spiffworkflow="http://spiffworkflow.org/bpmn/schema/1.0/core" id="d" targetNamespace="t">"""


def process(body: str, lanes: str = "") -> str:
    return f"""{HEADER}
  <bpmn:process id="prueba" isExecutable="true">{lanes}
    <bpmn:startEvent id="inicio"><bpmn:outgoing>f1</bpmn:outgoing></bpmn:startEvent>
    <bpmn:sequenceFlow id="f1" sourceRef="inicio" targetRef="paso"/>
    {body}
    <bpmn:sequenceFlow id="f2" sourceRef="paso" targetRef="fin"/>
    <bpmn:endEvent id="fin"><bpmn:incoming>f2</bpmn:incoming></bpmn:endEvent>
  </bpmn:process>
</bpmn:definitions>"""


LANE = """<bpmn:laneSet id="ls"><bpmn:lane id="carril" name="{name}">
  <bpmn:flowNodeRef>paso</bpmn:flowNodeRef></bpmn:lane></bpmn:laneSet>"""


def user_task(form: str) -> str:
    return f"""<bpmn:userTask id="paso" name="Paso"><bpmn:extensionElements><spiffworkflow:properties>
      <spiffworkflow:property name="form" value="{form}"/></spiffworkflow:properties></bpmn:extensionElements>
      <bpmn:incoming>f1</bpmn:incoming><bpmn:outgoing>f2</bpmn:outgoing></bpmn:userTask>"""


def script_task(script: str) -> str:
    return f"""<bpmn:scriptTask id="paso"><bpmn:incoming>f1</bpmn:incoming><bpmn:outgoing>f2</bpmn:outgoing>
      <bpmn:script>{script}</bpmn:script></bpmn:scriptTask>"""


def timer_event(expression: str) -> str:
    return f"""<bpmn:intermediateCatchEvent id="paso">
      <bpmn:incoming>f1</bpmn:incoming><bpmn:outgoing>f2</bpmn:outgoing>
      <bpmn:timerEventDefinition id="t">
        <bpmn:timeDate>{expression}</bpmn:timeDate>
      </bpmn:timerEventDefinition>
      </bpmn:intermediateCatchEvent>"""


@pytest.fixture
def content(tmp_path: Path) -> Path:
    """A copy of the shipped content to break on purpose."""
    for folder in ("processes", "forms", "letter_templates", "lists"):
        shutil.copytree(ROOT / folder, tmp_path / folder)
    return tmp_path


def validate(content: Path, name: str, text: str) -> list[str]:
    (content / "processes" / name).write_text(text, encoding="utf-8")
    result = CliRunner().invoke(main, ["validate", str(content / "processes" / name)])
    assert result.exit_code == (1 if result.stdout.strip() else 0), result.output
    return result.stdout.strip().splitlines()


def test_shipped_content_is_valid() -> None:
    result = CliRunner().invoke(
        main, ["validate", str(ROOT / "processes"), str(ROOT / "forms"), str(ROOT / "letter_templates")]
    )
    assert result.exit_code == 0, result.output
    assert result.stdout == ""


def test_broken_form_reference(content: Path) -> None:
    lines = validate(content, "p.bpmn", process(user_task("no_existe"), LANE.format(name="ejecutivo")))
    assert lines == ["processes/p.bpmn: paso: el formulario 'no_existe' no existe en forms/"]


def test_unknown_lane_role(content: Path) -> None:
    lines = validate(content, "p.bpmn", process(user_task("gestion_caso"), LANE.format(name="Astronauta")))
    assert len(lines) == 1 and lines[0].startswith(
        "processes/p.bpmn: carril: el carril 'Astronauta' no es un rol"
    )


def test_user_task_outside_any_lane(content: Path) -> None:
    lines = validate(content, "p.bpmn", process(user_task("gestion_caso")))
    assert lines == ["processes/p.bpmn: paso: la tarea de usuario no está en ningún carril (rol)"]


@pytest.mark.parametrize("literal", ["2024-09-20T12:00:00", "P5D", "R3/PT1H"])
def test_unquoted_timer_literal(content: Path, literal: str) -> None:
    lines = validate(content, "p.bpmn", process(timer_event(literal)))
    assert len(lines) == 1 and lines[0].startswith("processes/p.bpmn: paso: el temporizador")
    assert "entre comillas" in lines[0]


def test_quoted_timer_and_business_day_expression_are_fine(content: Path) -> None:
    assert validate(content, "p.bpmn", process(timer_event("'2024-09-20T12:00:00-03:00'"))) == []
    assert (
        validate(
            content,
            "q.bpmn",
            process(timer_event("end_of_day(add_business_days(today(), 5, '13'))")).replace(
                'id="prueba"', 'id="prueba2"'
            ),
        )
        == []
    )


@pytest.mark.parametrize(
    "script",
    ["import os", "x = __import__('os')", "x = ().__class__.__bases__", "x = open('/etc/passwd').read()"],
)
def test_scripts_that_escape_are_refused(content: Path, script: str) -> None:
    lines = validate(content, "p.bpmn", process(script_task(script)))
    assert len(lines) == 1 and lines[0].startswith("processes/p.bpmn: paso: script:")


def test_malformed_xml(content: Path) -> None:
    lines = validate(content, "p.bpmn", process(user_task("gestion_caso")).replace("</bpmn:process>", ""))
    assert len(lines) == 1 and lines[0].startswith("processes/p.bpmn: -: XML mal formado (línea")


def test_entity_bomb_is_refused_without_expanding(content: Path) -> None:
    bomb = (
        '<?xml version="1.0"?>\n<!DOCTYPE lolz [<!ENTITY lol "lol">'
        + "".join(
            f'<!ENTITY lol{i} "{"&lol" + str(i - 1) + ";" if i > 1 else "&lol;"}' * 10 + '">'
            for i in range(1, 10)
        )
        + ']>\n<bpmn:definitions xmlns:bpmn="http://www.omg.org/spec/BPMN/20100524/MODEL">&lol9;'
        + "</bpmn:definitions>"
    )
    lines = validate(content, "bomb.bpmn", bomb)
    assert lines == [
        "processes/bomb.bpmn: -: XML rechazado: no se permiten DOCTYPE ni declaraciones de entidades"
    ]


def test_external_entity_never_reads_the_file(content: Path, tmp_path: Path) -> None:
    secret = tmp_path / "secreto.txt"
    secret.write_text("CONTENIDO-SECRETO-123", encoding="utf-8")
    xxe = f'<?xml version="1.0"?>\n<!DOCTYPE d [<!ENTITY x SYSTEM "file://{secret}">]>\n' + process(
        script_task("x = 1")
    ).split("\n", 1)[1].replace('targetNamespace="t">', 'targetNamespace="t">&x;')
    (content / "processes" / "xxe.bpmn").write_text(xxe, encoding="utf-8")
    result = CliRunner().invoke(main, ["validate", str(content / "processes" / "xxe.bpmn")])
    assert result.exit_code == 1
    assert "CONTENIDO-SECRETO" not in result.output
    assert "XML rechazado" in result.stdout


def test_unknown_called_process_and_unsupported_element(content: Path) -> None:
    body = (
        '<bpmn:callActivity id="paso" calledElement="fantasma"><bpmn:incoming>f1</bpmn:incoming>'
        '<bpmn:outgoing>f2</bpmn:outgoing></bpmn:callActivity><bpmn:complexGateway id="gc"/>'
    )
    lines = validate(content, "p.bpmn", process(body))
    assert "processes/p.bpmn: paso: el proceso llamado 'fantasma' no existe" in lines
    assert any(line.startswith("processes/p.bpmn: gc: la compuerta compleja") for line in lines)


def test_build_raises_with_every_problem(content: Path) -> None:
    (content / "forms" / "roto.json").write_text("{ no es json", encoding="utf-8")
    (content / "letter_templates" / "rota.docx").write_bytes(b"no soy un zip")
    with pytest.raises(InvalidContent) as err:
        catalog.build(catalog.read_dir(content))
    files = {p.file for p in err.value.problems}
    assert files == {"forms/roto.json", "letter_templates/rota.docx"}


def test_content_hash_ignores_order_and_sees_changes(content: Path) -> None:
    files = catalog.read_dir(content)
    assert catalog.content_hash(files) == catalog.content_hash(dict(reversed(list(files.items()))))
    changed = {**files, "forms/gestion_caso.json": files["forms/gestion_caso.json"] + b" "}
    assert catalog.content_hash(changed) != catalog.content_hash(files)


def test_dangling_references_are_named_element_by_element(content: Path) -> None:
    body = (
        '<bpmn:exclusiveGateway id="paso" default="f_fantasma"><bpmn:incoming>f1</bpmn:incoming>'
        "<bpmn:outgoing>f2</bpmn:outgoing></bpmn:exclusiveGateway>"
        '<bpmn:boundaryEvent id="borde" attachedToRef="nadie"><bpmn:timerEventDefinition id="t">'
        "<bpmn:timeDuration>'P1D'</bpmn:timeDuration></bpmn:timerEventDefinition></bpmn:boundaryEvent>"
        '<bpmn:sequenceFlow id="f3" sourceRef="paso" targetRef="perdido"/>'
    )
    lines = validate(content, "p.bpmn", process(body))
    assert sorted(lines) == [
        "processes/p.bpmn: borde: el evento de borde está adosado a 'nadie', que no es una actividad de "
        "este proceso",
        "processes/p.bpmn: f3: el flujo llega a 'perdido', que no existe en este proceso",
        "processes/p.bpmn: paso: el flujo por defecto 'f_fantasma' no es un flujo que salga de este elemento",
    ]


@pytest.mark.parametrize(
    ("reference", "expected"),
    [
        ("", "paso: el evento o tarea de mensaje no indica su mensaje (messageRef)"),
        ('messageRef="m_otro"', "paso: el mensaje 'm_otro' no está definido en el archivo (bpmn:message)"),
    ],
)
def test_message_events_name_a_defined_message(content: Path, reference: str, expected: str) -> None:
    body = f"""<bpmn:intermediateCatchEvent id="paso"><bpmn:incoming>f1</bpmn:incoming>
      <bpmn:outgoing>f2</bpmn:outgoing><bpmn:messageEventDefinition id="md" {reference}/>
      </bpmn:intermediateCatchEvent>"""
    text = process(body).replace("<bpmn:process ", '<bpmn:message id="m" name="aviso"/><bpmn:process ')
    assert validate(content, "p.bpmn", text) == [f"processes/p.bpmn: {expected}"]
    fixed = text.replace(
        f'<bpmn:messageEventDefinition id="md" {reference}/>',
        '<bpmn:messageEventDefinition id="md" messageRef="m"/>',
    )
    assert validate(content, "p.bpmn", fixed) == []
