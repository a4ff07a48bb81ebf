"""A message event may name the form of its payload (a company's digital answer): it must exist."""

from __future__ import annotations

from pathlib import Path

from tests.unit.test_catalog__validate import content, process, validate

__all__ = ["content"]  # the fixture, shared with the catalog tests


def message_event(form: str) -> str:
    return f"""<bpmn:intermediateCatchEvent id="paso" name="Respuesta">
      <bpmn:extensionElements><spiffworkflow:properties>
        <spiffworkflow:property name="form" value="{form}"/>
      </spiffworkflow:properties></bpmn:extensionElements>
      <bpmn:incoming>f1</bpmn:incoming><bpmn:outgoing>f2</bpmn:outgoing>
      <bpmn:messageEventDefinition id="med" messageRef="msg"/>
      </bpmn:intermediateCatchEvent>"""


def with_message(text: str) -> str:
    return text.replace(
        'targetNamespace="t">', 'targetNamespace="t">\n  <bpmn:message id="msg" name="respuesta"/>'
    )


def test_a_message_event_naming_a_missing_form_is_refused(content: Path) -> None:
    lines = validate(content, "p.bpmn", with_message(process(message_event("no_existe"))))
    assert lines == ["processes/p.bpmn: paso: el formulario 'no_existe' no existe en forms/"]


def test_a_message_event_naming_an_existing_form_is_fine(content: Path) -> None:
    assert validate(content, "p.bpmn", with_message(process(message_event("respuesta_empresa")))) == []
