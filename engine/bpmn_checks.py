"""BPMN validation: hardened XML, our rules (forms, letters, lanes, expressions), Spiff's parser."""

from __future__ import annotations

import re
from collections.abc import Iterator, Mapping
from dataclasses import dataclass, replace
from typing import Any

from lxml import etree
from SpiffWorkflow.bpmn.parser.ValidationException import ValidationException
from SpiffWorkflow.spiff.parser.process import VALIDATOR, SpiffBpmnParser

from . import sandbox, spiff_adapter, xmlsafe
from .errors import ContentProblem, EngineError, InvalidContent
from .roles import NOTIFY_PEOPLE, ROLES, role_for_lane

BPMN = "http://www.omg.org/spec/BPMN/20100524/MODEL"
SPIFF = "http://spiffworkflow.org/bpmn/schema/1.0/core"
NS = {"bpmn": BPMN, "spiffworkflow": SPIFF}

UNSUPPORTED: Mapping[str, str] = {
    "complexGateway": "la compuerta compleja (complexGateway) no está soportada",
    "businessRuleTask": "la tarea de reglas de negocio (DMN) no está soportada",
    "serviceTask": "la tarea de servicio no está soportada; use una tarea de script o un mensaje",
    "transaction": "el subproceso de transacción no está soportado",
    "adHocSubProcess": "el subproceso ad hoc no está soportado",
    "dataStoreReference": "los almacenes de datos no están soportados",
    "conditionalEventDefinition": "los eventos condicionales no están soportados",
    "compensateEventDefinition": "los eventos de compensación no están soportados",
    "linkEventDefinition": "los eventos de enlace no están soportados",
    "timeCycle": "los temporizadores cíclicos no están soportados; use timeDate o timeDuration",
}
_UNQUOTED_LITERAL = re.compile(
    r"^\s*(R\d*/)?P[0-9YMWDTHS.,]+\s*$|^\s*\d{4}-\d{2}-\d{2}([T ][0-9:.+\-Z]*)?\s*$"
)


@dataclass(frozen=True)
class References:
    """The ids a BPMN file may name."""

    forms: frozenset[str]
    letters: frozenset[str]


@dataclass(frozen=True)
class ParsedProcess:
    id: str
    name: str
    file: str
    spec: Any
    subprocess_specs: Mapping[str, Any]
    start_form: str | None


def _local(el: Any) -> str:
    return etree.QName(el).localname if isinstance(el.tag, str) else ""


def _owner_id(el: Any) -> str:
    """The id of the nearest element (self or ancestor) that has one: what the analyst clicks on."""
    while el is not None:
        if el.get("id") and not _local(el).endswith("EventDefinition"):
            return str(el.get("id"))
        el = el.getparent()
    return ""


def _props(el: Any) -> dict[str, str]:
    found = el.findall("bpmn:extensionElements/spiffworkflow:properties/spiffworkflow:property", NS)
    return {p.get("name", ""): p.get("value", "") for p in found}


def _code_checks(file: str, root: Any) -> Iterator[ContentProblem]:
    """Every script and expression parses in the sandbox; timers are expressions, not bare literals."""
    checks = [
        (".//bpmn:conditionExpression", sandbox.check_expression),
        (".//bpmn:scriptTask/bpmn:script", sandbox.check_script),
        (".//spiffworkflow:preScript", sandbox.check_script),
        (".//spiffworkflow:postScript", sandbox.check_script),
        (".//bpmn:loopCardinality", sandbox.check_expression),
        (".//bpmn:completionCondition", sandbox.check_expression),
        (".//bpmn:timeDate", sandbox.check_expression),
        (".//bpmn:timeDuration", sandbox.check_expression),
    ]
    for xpath, check in checks:
        for el in root.iterfind(xpath, NS):
            text = (el.text or "").strip()
            if not text:
                yield ContentProblem(file, _owner_id(el), f"{_local(el)} vacío")
            elif _local(el).startswith("time") and _UNQUOTED_LITERAL.match(text):
                yield ContentProblem(
                    file,
                    _owner_id(el),
                    f"el temporizador '{text}' debe ir entre comillas (p. ej. \"'P5D'\") "
                    "o ser una expresión como add_business_days(...)",
                )
            else:
                try:
                    check(text)
                except EngineError as err:
                    yield ContentProblem(file, _owner_id(el), f"{_local(el)}: {err.detail}")


# Elements that may name a form: human tasks, the start event (intake) and message events (the payload a
# party sends, e.g. a company's digital answer).
FORM_HOLDERS = frozenset({"userTask", "manualTask", "startEvent", "boundaryEvent", "intermediateCatchEvent"})


def _task_checks(file: str, root: Any, refs: References) -> Iterator[ContentProblem]:
    """Forms and letters exist, human tasks sit in a lane that names a role, called processes exist."""
    for lane in root.iterfind(".//bpmn:lane", NS):
        if role_for_lane(lane.get("name")) is None:
            yield ContentProblem(
                file,
                lane.get("id", ""),
                f"el carril '{lane.get('name', '')}' no es un rol conocido ({', '.join(ROLES)})",
            )
    for el in root.iter():
        kind = _local(el)
        if kind in UNSUPPORTED:
            yield ContentProblem(file, _owner_id(el), UNSUPPORTED[kind])
        props = _props(el) if isinstance(el.tag, str) else {}
        for letter in _letters(props):  # a letter may hang on any element (docs/content.md)
            if letter not in refs.letters:
                yield ContentProblem(
                    file, el.get("id", ""), f"la carta '{letter}' no existe en letter_templates/"
                )
        if kind not in FORM_HOLDERS:
            continue
        form = props.get("form")
        if kind == "userTask" and not form:
            yield ContentProblem(
                file, el.get("id", ""), "la tarea de usuario no indica su formulario (propiedad 'form')"
            )
        if form and form not in refs.forms:
            yield ContentProblem(file, el.get("id", ""), f"el formulario '{form}' no existe en forms/")


EXPRESSION_PROPERTIES = frozenset(
    {
        "log_event",
        "log_summary",
        "notify_message",
        "letter_when",
        "derivation",
        "derivation_status",
        spiff_adapter.CALLED_ELEMENT,
    }
)


def _property_checks(file: str, root: Any) -> Iterator[ContentProblem]:
    """Expression-valued properties parse in the sandbox; notify names 'holder', 'opener' or roles."""
    for el in root.iter():
        if not isinstance(el.tag, str) or el.find("bpmn:extensionElements", NS) is None:
            continue
        for name, value in _props(el).items():
            if name in EXPRESSION_PROPERTIES:
                try:
                    sandbox.check_expression(value)
                except EngineError as err:
                    yield ContentProblem(file, el.get("id", ""), f"propiedad '{name}': {err.detail}")
            elif name in LETTER_DECLARATIONS:
                yield from _letter_declaration(file, el, name, value)
            elif name == "notify":
                unknown = [t for t in _split(value) if t not in NOTIFY_PEOPLE and t not in ROLES]
                if unknown:
                    yield ContentProblem(
                        file,
                        el.get("id", ""),
                        f"'notify' nombra destinatarios desconocidos: "
                        f"{', '.join(unknown)} (use 'holder', 'opener' o un rol)",
                    )


LETTER_AUDIENCES = ("consumidor", "proveedor", "institucion")
LETTER_DECLARATIONS = {
    "letter_audience": LETTER_AUDIENCES,
    "letter_closing": ("true", "false"),
    "notify_urgent": ("true", "false"),
}
_NEEDS = {"letter_audience": "letter", "letter_closing": "letter", "notify_urgent": "notify"}


def _letter_declaration(file: str, el: Any, name: str, value: str) -> Iterator[ContentProblem]:
    """``letter_audience`` / ``letter_closing`` stand beside a letter, ``notify_urgent`` beside notify,
    each with one of its known values."""
    allowed = LETTER_DECLARATIONS[name]
    if value.strip().lower() not in allowed:
        yield ContentProblem(
            file, el.get("id", ""), f"'{name}' vale '{value}': use {', '.join(repr(a) for a in allowed)}"
        )
    props = _props(el)
    needed = _NEEDS[name]
    if not (props.get(needed) or (needed == "letter" and props.get("letters"))):
        yield ContentProblem(
            file, el.get("id", ""), f"'{name}' necesita la propiedad '{needed}' en el elemento"
        )


def _split(value: str) -> list[str]:
    return [x.strip() for x in value.split(",") if x.strip()]


def _letters(props: Mapping[str, str]) -> list[str]:
    raw = ",".join(v for k, v in props.items() if k in ("letter", "letters"))
    return [x.strip() for x in raw.split(",") if x.strip()]


def _lane_checks(file: str, root: Any, called: set[str]) -> Iterator[ContentProblem]:
    """Human tasks must be in a lane (directly or through their subprocess): the lane is who works them.
    A process without lanes that is only called from others inherits the caller's lane."""
    for proc in root.iterfind("bpmn:process", NS):
        in_lane = {ref.text.strip() for ref in proc.iterfind(".//bpmn:lane/bpmn:flowNodeRef", NS) if ref.text}
        if not in_lane and proc.get("id") in called:
            continue
        for el in proc.iterfind(".//bpmn:userTask", NS):
            ids = {a.get("id") for a in (el, *el.iterancestors())}
            if not ids & in_lane:
                yield ContentProblem(
                    file, el.get("id", ""), "la tarea de usuario no está en ningún carril (rol)"
                )


def _call_checks(file: str, root: Any, process_ids: set[str]) -> Iterator[ContentProblem]:
    for el in root.iterfind(".//bpmn:callActivity", NS):
        called = el.get("calledElement", "")
        if called not in process_ids:
            yield ContentProblem(file, el.get("id", ""), f"el proceso llamado '{called}' no existe")


ACTIVITIES = frozenset({"task", "subProcess", "callActivity", "transaction", "adHocSubProcess"})
CONTAINERS = ("process", "subProcess", "transaction", "adHocSubProcess")
# Event definitions whose reference names a root element of the file (bpmn:message, bpmn:signal...).
ROOT_REFERENCES = {"signalRef": "signal", "errorRef": "error", "escalationRef": "escalation"}


def _is_activity(kind: str) -> bool:
    return kind in ACTIVITIES or kind.endswith("Task")


def _is_flow_node(kind: str) -> bool:
    return _is_activity(kind) or kind.endswith(("Event", "Gateway"))


def _container_checks(file: str, container: Any) -> Iterator[ContentProblem]:
    """Within one process or subprocess: flows join its own nodes, boundary events sit on its own
    activities, and a default flow leaves the element that names it (BPMN 2.0 §10.5, §10.4.6, §10.6.2)."""
    children = [c for c in container if isinstance(c.tag, str)]
    kinds = {c.get("id"): _local(c) for c in children if c.get("id")}
    nodes = {i for i, k in kinds.items() if _is_flow_node(k)}
    flows = {c.get("id"): c for c in children if _local(c) == "sequenceFlow"}
    for fid, flow in flows.items():
        for end, word in (("sourceRef", "sale de"), ("targetRef", "llega a")):
            ref = flow.get(end, "")
            if ref not in nodes:
                yield ContentProblem(
                    file, fid or "", f"el flujo {word} '{ref}', que no existe en este proceso"
                )
    for el in children:
        kind, eid = _local(el), el.get("id", "")
        if kind == "boundaryEvent" and not _is_activity(kinds.get(el.get("attachedToRef", ""), "")):
            yield ContentProblem(
                file,
                eid,
                f"el evento de borde está adosado a '{el.get('attachedToRef', '')}', "
                "que no es una actividad de este proceso",
            )
        default = el.get("default")
        if default is not None and (default not in flows or flows[default].get("sourceRef") != eid):
            yield ContentProblem(
                file, eid, f"el flujo por defecto '{default}' no es un flujo que salga de este elemento"
            )


def _reference_checks(file: str, root: Any) -> Iterator[ContentProblem]:
    """Every id an element names exists where it must: what other modelers sometimes leave dangling."""
    for kind in CONTAINERS:
        for container in root.iterfind(f".//bpmn:{kind}", NS):
            yield from _container_checks(file, container)
    defined = {
        kind: {el.get("id") for el in root.iterfind(f"bpmn:{kind}", NS)}
        for kind in ("message", *ROOT_REFERENCES.values())
    }
    for el in root.iter():
        kind = _local(el)
        if kind in ("messageEventDefinition", "receiveTask", "sendTask"):
            ref = el.get("messageRef")
            if not ref:
                yield ContentProblem(
                    file, _owner_id(el), "el evento o tarea de mensaje no indica su mensaje (messageRef)"
                )
            elif ref not in defined["message"]:
                yield ContentProblem(
                    file, _owner_id(el), f"el mensaje '{ref}' no está definido en el archivo (bpmn:message)"
                )
        for attr, target in ROOT_REFERENCES.items():
            ref = el.get(attr) if isinstance(el.tag, str) else None
            if ref and ref not in defined[target]:
                yield ContentProblem(
                    file, _owner_id(el), f"'{ref}' no está definido en el archivo (bpmn:{target})"
                )


def _start_form(root: Any, process_id: str) -> str | None:
    for proc in root.iterfind("bpmn:process", NS):
        if proc.get("id") == process_id:
            for start in proc.iterfind("bpmn:startEvent", NS):
                form = _props(start).get("form")
                if form:
                    return form
    return None


def _parse_xml(files: Mapping[str, bytes]) -> tuple[dict[str, Any], list[ContentProblem]]:
    trees, problems = {}, []
    for path, body in sorted(files.items()):
        try:
            trees[path] = xmlsafe.parse(body, path)
        except InvalidContent as err:
            problems.extend(err.problems)
    return trees, problems


def _spiff_problem(path: str, err: ValidationException) -> ContentProblem:
    line = f" (línea {err.line_number})" if getattr(err, "line_number", "") else ""
    return ContentProblem(err.file_name or path, getattr(err, "id", "") or "", f"BPMN inválido{line}: {err}")


def _spiff_parse(trees: Mapping[str, Any]) -> tuple[list[ParsedProcess], list[ContentProblem]]:
    parser, problems, owner = SpiffBpmnParser(validator=VALIDATOR), [], {}
    for path, tree in trees.items():
        try:
            parser.add_bpmn_xml(tree, filename=path)
        except ValidationException as err:
            problems.append(_spiff_problem(path, err))
        for proc in tree.getroot().iterfind("bpmn:process", NS):
            owner[proc.get("id")] = (path, proc.get("name") or proc.get("id"), tree.getroot())
    parsed = []
    for pid in parser.get_process_ids() if not problems else []:
        path, name, root = owner[pid]
        try:
            spec = parser.get_spec(pid)
            subs = parser.get_subprocess_specs(pid)
        except ValidationException as err:
            problems.append(_spiff_problem(path, err))
            continue
        for s in (spec, *subs.values()):
            spiff_adapter.clock_timers(s)
        parsed.append(ParsedProcess(pid, name, path, spec, subs, _start_form(root, pid)))
    return _with_dynamic_calls(parsed), problems


def _with_dynamic_calls(parsed: list[ParsedProcess]) -> list[ParsedProcess]:
    """When a call activity chooses its process at run time (``called_element``), every process of the set
    may be called: each process then gets all the set's processes as its callable specs."""
    dynamic = False
    for p in parsed:
        for s in (p.spec, *p.subprocess_specs.values()):
            dynamic = spiff_adapter.dynamic_calls(s) or dynamic
    if not dynamic:
        return parsed
    everything: dict[str, Any] = {}
    for p in parsed:
        everything.update(p.subprocess_specs)
    everything.update({p.id: p.spec for p in parsed})
    return [replace(p, subprocess_specs={**p.subprocess_specs, **everything}) for p in parsed]


def check_and_parse(
    files: Mapping[str, bytes], refs: References
) -> tuple[list[ParsedProcess], list[ContentProblem]]:
    """All problems of a set of BPMN files, and (when there are none) the parsed processes."""
    trees, problems = _parse_xml(files)
    process_ids = {p.get("id") for t in trees.values() for p in t.getroot().iterfind("bpmn:process", NS)}
    called = {
        c.get("calledElement")
        for t in trees.values()
        for c in t.getroot().iterfind(".//bpmn:callActivity", NS)
    }
    for path, tree in trees.items():
        root = tree.getroot()
        problems.extend(_task_checks(path, root, refs))
        problems.extend(_lane_checks(path, root, called))
        problems.extend(_code_checks(path, root))
        problems.extend(_call_checks(path, root, process_ids))
        problems.extend(_property_checks(path, root))
        problems.extend(_reference_checks(path, root))
    if problems:
        return [], problems
    return _spiff_parse(trees)
