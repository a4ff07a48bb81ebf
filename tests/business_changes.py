"""The seven business changes of issue 6 as content edits, the way an analyst makes them in the workbench:
each takes the draft's file (bytes) and returns the edited file, or builds a new file. No Python of the
platform changes between them; the acceptance tests publish these edits and drive cases on both versions."""

from __future__ import annotations

import io
import json
from pathlib import Path
from typing import Any

from docx import Document
from lxml import etree

BPMN = "http://www.omg.org/spec/BPMN/20100524/MODEL"
SPIFF = "http://spiffworkflow.org/bpmn/schema/1.0/core"
NS = {"bpmn": BPMN, "spiffworkflow": SPIFF}
_PARSER = etree.XMLParser(resolve_entities=False, no_network=True, remove_blank_text=False)


def _tree(body: bytes) -> etree._Element:
    return etree.fromstring(body, parser=_PARSER)


def _bytes(root: etree._Element) -> bytes:
    return etree.tostring(root, xml_declaration=True, encoding="UTF-8")


def _by_id(root: etree._Element, element_id: str) -> etree._Element:
    found = root.xpath(f"//*[@id='{element_id}']")
    assert len(found) == 1, f"{element_id}: {len(found)} elements"
    return found[0]


def _el(tag: str, parent: etree._Element | None = None, text: str | None = None, **attrs: str) -> Any:
    prefix, _, name = tag.partition(":")
    qname = f"{{{NS[prefix]}}}{name}"
    node = etree.Element(qname, attrs) if parent is None else etree.SubElement(parent, qname, attrs)
    node.text = text
    return node


def _properties(parent: etree._Element, props: dict[str, str]) -> None:
    """spiffworkflow:properties as the modeler's properties panel writes them."""
    ext = _el("bpmn:extensionElements", parent)
    holder = _el("spiffworkflow:properties", ext)
    for name, value in props.items():
        _el("spiffworkflow:property", holder, name=name, value=value)


def _in_lane(root: etree._Element, lane_id: str, *element_ids: str) -> None:
    lane = _by_id(root, lane_id)
    for element_id in element_ids:
        _el("bpmn:flowNodeRef", lane, element_id)


def _ref(node: etree._Element, tag: str, flow_id: str) -> None:
    """Add an incoming/outgoing reference where BPMN's schema orders it: incoming, outgoing, the rest."""
    ref = _el(tag, None, flow_id)
    before = (
        ("extensionElements", "incoming", "outgoing")
        if tag.endswith("outgoing")
        else ("extensionElements", "incoming")
    )
    heads = [c for c in node if etree.QName(c).localname in before]
    node.insert(node.index(heads[-1]) + 1 if heads else 0, ref)


def _flow(process: etree._Element, flow_id: str, source: str, target: str) -> None:
    _el("bpmn:sequenceFlow", process, id=flow_id, sourceRef=source, targetRef=target)
    _ref(_by_id(process, source), "bpmn:outgoing", flow_id)
    _ref(_by_id(process, target), "bpmn:incoming", flow_id)


def _remove(root: etree._Element, *element_ids: str) -> None:
    """Delete elements and every reference to them (incoming/outgoing, lane membership)."""
    for element_id in element_ids:
        node = _by_id(root, element_id)
        node.getparent().remove(node)
        for ref in root.xpath("//bpmn:incoming|//bpmn:outgoing|//bpmn:flowNodeRef", namespaces=NS):
            if (ref.text or "").strip() == element_id:
                ref.getparent().remove(ref)


# 1. Reclamo plazo 25 → 20 días hábiles (caso.bpmn, script "Fijar plazo de reclamo").
def plazo_reclamo_20(caso_bpmn: bytes) -> bytes:
    root = _tree(caso_bpmn)
    task = _by_id(root, "plazo_reclamo")
    script = task.find("bpmn:script", NS)
    assert "plazo_dias = 25" in script.text
    script.text = script.text.replace("25 días hábiles", "20 días hábiles").replace(
        "plazo_dias = 25", "plazo_dias = 20"
    )
    task.set("name", "Fijar plazo de reclamo (20 días hábiles)")
    return _bytes(root)


# 2. A new mandatory field on the reclamo intake form (forms/ingreso_caso.json).
PETICION = "peticion"


def peticion_obligatoria(ingreso_json: bytes) -> bytes:
    form = json.loads(ingreso_json)
    form["properties"][PETICION] = {
        "type": "string",
        "title": "Petición concreta al proveedor",
        "minLength": 5,
        "maxLength": 2000,
        "x-widget": "textarea",
        "x-help": "Qué solicita el consumidor/a: devolución, cambio, reparación, anulación…",
    }
    order = form["x-order"]
    order.insert(order.index("description") + 1, PETICION)
    rule = next(r for r in form["allOf"] if r["if"]["properties"].get("kind", {}).get("const") == "complaint")
    rule["then"]["required"].append(PETICION)
    return json.dumps(form, ensure_ascii=False, indent=2).encode()


# 3. A new letter bound to the "inform consumer" task (etapa_reclamo.bpmn, proponer_cierre).
NEW_LETTER = "invitacion_soni"


def carta_invitacion_soni() -> bytes:
    """A new .docx template: invites the consumer to rate the service (SONI) when the reclamo closes."""
    doc = Document()
    doc.add_paragraph("{{ plataforma.nombre }}, {{ fecha }}")
    doc.add_paragraph("Folio {{ folio }}")
    doc.add_paragraph("Estimado/a {{ consumidor.nombre }}:")
    doc.add_paragraph(
        "Su reclamo contra {{ proveedor.nombre }} terminó con el resultado {{ resultado }}. "
        "Le invitamos a contarnos su opinión sobre la atención recibida en «Su Opinión Nos Interesa»."
    )
    doc.add_paragraph("{{ firmante.nombre }}, {{ firmante.cargo }}")
    out = io.BytesIO()
    doc.save(out)
    return out.getvalue()


def carta_al_informar(etapa_reclamo_bpmn: bytes) -> bytes:
    root = _tree(etapa_reclamo_bpmn)
    task = _by_id(root, "proponer_cierre")
    letter = task.find(".//spiffworkflow:property[@name='letter']", NS)
    letter.set("value", f"{letter.get('value')},{NEW_LETTER}")
    return _bytes(root)


# 4. The call center may register reclamos (forms/ingreso_caso.json drops its if/then rule).
def call_center_registra_reclamos(ingreso_json: bytes) -> bytes:
    form = json.loads(ingreso_json)
    form["allOf"] = [
        r for r in form["allOf"] if r["if"]["properties"].get("channel", {}).get("const") != "phone"
    ]
    return json.dumps(form, ensure_ascii=False, indent=2).encode()


# 5. A supervisor reminder 3 días hábiles before a reclamo's deadline (caso.bpmn: a new non-interrupting
#    boundary timer on the reclamo stage that notifies the region's supervisors).
def recordatorio_supervisor(caso_bpmn: bytes) -> bytes:
    root = _tree(caso_bpmn)
    process = _by_id(root, "caso")
    timer = _el(
        "bpmn:boundaryEvent",
        process,
        id="recordatorio_supervisor_reclamo",
        name="3 días hábiles antes del vencimiento del reclamo",
        attachedToRef="etapa_reclamo",
        cancelActivity="false",
    )
    _properties(
        timer,
        {
            "log_event": "'deadline_reminder'",
            "log_summary": "'Recordatorio al supervisor: el reclamo vence el ' + format_date(due_date)",
            "notify": "supervisor",
            "notify_message": "'Caso ' + folio + ': el reclamo vence en 3 días hábiles, el '"
            " + format_date(due_date)",
        },
    )
    ted = _el("bpmn:timerEventDefinition", timer, id="ted_recordatorio_supervisor_reclamo")
    _el("bpmn:timeDate", ted, "start_of_day(add_business_days(due_date, -3, region))")
    _el("bpmn:endEvent", process, id="fin_recordatorio_supervisor_reclamo")
    _flow(
        process,
        "f_recordatorio_supervisor",
        "recordatorio_supervisor_reclamo",
        "fin_recordatorio_supervisor_reclamo",
    )
    _in_lane(
        root,
        "carril_caso_supervisor",
        "recordatorio_supervisor_reclamo",
        "fin_recordatorio_supervisor_reclamo",
    )
    return _bytes(root)


# 6. Visación only for reclamos, not for consultas (etapa_consulta.bpmn: the answer closes the consulta).
def consulta_sin_visacion(etapa_consulta_bpmn: bytes) -> bytes:
    root = _tree(etapa_consulta_bpmn)
    _remove(root, "fa4", "visar_consulta", "fa5", "gw_visado_consulta", "fa_devuelta", "fa_visado")
    sub = _by_id(root, "atencion_consulta")
    _flow(sub, "fa_cerrar", "proponer_resultado", "marcar_cierre_consulta")
    script = _by_id(root, "proponer_resultado").find("bpmn:script", NS)
    script.text = script.text.replace('status = "pending_approval"', "visado = True")
    _by_id(root, "proponer_resultado").set("name", "Cerrar como respondida (sin visación)")
    return _bytes(root)


# 7. A new process unrelated to complaints: the staff help desk (mesa de ayuda: request, triage, answer).
HELP_DESK = "mesa_ayuda"

HELP_DESK_DIR = Path(__file__).parent / "data" / "mesa_ayuda"


def mesa_ayuda_files() -> dict[str, bytes]:
    """The help desk as the analyst built it: its process and its three forms (tests/data/mesa_ayuda/)."""
    return {
        f"{folder}/{path.name}": path.read_bytes()
        for folder in ("processes", "forms")
        for path in sorted((HELP_DESK_DIR / folder).iterdir())
    }
