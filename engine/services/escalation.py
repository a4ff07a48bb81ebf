"""Escalating a consulta to reclamo: the case must then satisfy the published intake form as a reclamo (its
mandatory data, e.g. the company, and its rules, e.g. the call center registers consultas only). What the
case lacks is asked for with the escalation; the form decides what that is, not Python."""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any

from .. import forms, runtime
from ..catalog import Catalog
from ..errors import FormInvalid
from ..forms import Form
from ..models import Case

COMPLAINT = "complaint"
EXTRA = "reclamo"  # the key of a task submission that carries the data a reclamo needs
RULES = ("kind", "channel")  # problems there are rules the escalation breaks, not data it can add


def intake_form(cat: Catalog, process_id: str) -> Form | None:
    """The intake (start) form of the case's process in its content version."""
    proc = cat.processes.get(process_id)
    return cat.forms.get(proc.start_form) if proc is not None and proc.start_form else None


def _intake(form: Form, variables: Mapping[str, Any], extra: Mapping[str, Any]) -> dict[str, Any]:
    """The case's intake as the form names it (from the process variables), with ``extra`` merged in and the
    kind a reclamo."""
    names = form.schema.get("properties", {})
    data = {k: v for k, v in variables.items() if k in names and v not in (None, "")}
    for key, value in extra.items():
        if isinstance(value, Mapping) and isinstance(data.get(key), Mapping):
            data[key] = {**data[key], **value}
        else:
            data[key] = value
    data["kind"] = COMPLAINT
    return data


def missing(form: Form, variables: Mapping[str, Any]) -> tuple[list[str], list[str]]:
    """(fields a reclamo needs that the case lacks, rules that refuse it whatever is added) — the second are
    the messages of problems with data the case already has (e.g. a phone case cannot be a reclamo)."""
    try:
        forms.validate(form, _intake(form, variables, {}))
    except FormInvalid as err:
        tops = dict.fromkeys(e.field.split(".")[0] for e in err.errors)
        blocks = [e.message for e in err.errors if e.field.split(".")[0] in RULES]
        return [t for t in tops if t not in RULES], blocks
    return [], []


def subform(form: Form, fields: list[str]) -> Form:
    """A form of the intake's ``fields`` alone, to ask for them with the escalation (prefix ``reclamo``)."""
    props = form.schema.get("properties", {})
    title = "Datos para el reclamo"
    schema = {
        "type": "object",
        "title": title,
        "properties": {f: props[f] for f in fields if f in props},
        "required": [f for f in fields if f in props],
    }
    return Form(id=f"{form.id}_{EXTRA}", schema=schema, title=title)


def check(cat: Catalog, case: Case, wf: runtime.Workflow, process_id: str, extra: Mapping[str, Any]) -> None:
    """The step turned the case into a reclamo: its intake with ``extra`` must pass the published intake
    form as a reclamo (FormInvalid naming the fields by title; the step is then not applied). The company
    given is kept on the case and in the process data."""
    form = intake_form(cat, process_id)
    if form is None:
        return
    clean = forms.validate(form, _intake(form, runtime.variables(wf), extra), cat.classification)
    provider = clean.get("provider") or {}
    if provider:
        case.provider_rut, case.provider_name = provider.get("rut"), provider.get("name")
        runtime.set_variables(wf, {"provider": provider})
