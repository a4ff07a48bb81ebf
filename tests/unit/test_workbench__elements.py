"""Element hashes for change summaries and migration: layout, whitespace and attribute order do not count;
a script, a property or a name does; a subprocess's children are elements of their own."""

from __future__ import annotations

from engine.services.workbench import archive, elements
from engine.services.workbench.versions import changes_between

HEAD = (
    b'<bpmn:definitions xmlns:bpmn="http://www.omg.org/spec/BPMN/20100524/MODEL" '
    b'xmlns:bpmndi="http://www.omg.org/spec/BPMN/20100524/DI" id="d">'
)
BODY = b"""<bpmn:process id="p">
  <bpmn:scriptTask id="a" name="Fijar plazo"><bpmn:incoming>f0</bpmn:incoming>
    <bpmn:script>plazo = 25</bpmn:script></bpmn:scriptTask>
  <bpmn:subProcess id="sub"><bpmn:userTask id="u" name="Tarea"/></bpmn:subProcess>
</bpmn:process>"""
DI = b'<bpmndi:BPMNDiagram id="di"><bpmndi:BPMNPlane id="pl" bpmnElement="p"/></bpmndi:BPMNDiagram>'


def files(body: bytes, di: bytes = DI) -> dict[str, bytes]:
    return {"processes/p.bpmn": HEAD + body + di + b"</bpmn:definitions>"}


def test_layout_whitespace_wiring_and_attribute_order_do_not_count() -> None:
    moved = BODY.replace(b'id="a" name="Fijar plazo"', b'name="Fijar plazo"  id="a"').replace(b"\n  ", b"\n")
    rewired = moved.replace(b"<bpmn:incoming>f0</bpmn:incoming>", b"<bpmn:incoming>f9</bpmn:incoming>")
    other_di = DI.replace(b'id="pl"', b'id="plano"')
    assert changes_between(files(BODY), files(rewired, other_di)).elements == {}


def test_script_and_nested_changes_are_named_per_element() -> None:
    changed = BODY.replace(b"plazo = 25", b"plazo = 20").replace(b'name="Tarea"', b'name="Otra"')
    diff = changes_between(files(BODY), files(changed))
    assert diff.files.changed == ["processes/p.bpmn"]
    assert diff.elements["p"].changed == ["a", "u"]  # the subprocess itself did not change
    index = elements.containers(files(BODY))
    assert set(index) == {"p", "sub"} and set(index["sub"]) == {"u"}


def test_export_is_stable_and_reads_back() -> None:
    content = {**files(BODY), "forms/f.json": b"{}"}
    zipped = archive.export_zip(content)
    assert zipped == archive.export_zip(dict(reversed(list(content.items()))))
    assert archive.read_zip(zipped) == content
