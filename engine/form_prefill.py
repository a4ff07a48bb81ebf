"""Suggested values of a form's fields (``"x-prefill"``): a sandbox expression over what the platform knows
about the case, evaluated when staff open the task. Only a suggestion: the person may change it, and the
submission is validated as any other. Today the platform offers ``proveedor``, the case's company as the
provider registry knows it (engine/services/providers.py ``registry_data``)."""

from __future__ import annotations

import logging
from collections.abc import Mapping
from typing import TYPE_CHECKING, Any

from . import sandbox
from .errors import ExpressionRefused, ScriptFailed

if TYPE_CHECKING:  # forms.py checks x-prefill at load time with names_problem: no import cycle at run time
    from .forms import Form

log = logging.getLogger(__name__)
NAMES = frozenset({"proveedor"})  # what an x-prefill expression may read (checked at publish time)
TIME_LIMIT = 0.5  # seconds: an expression that suggests a value has no reason to run longer


def names_problem(source: str) -> str | None:
    """Why an ``x-prefill`` expression is refused at publish time, or None when it is fine."""
    try:
        unknown = sorted(sandbox.names_used(source, "eval") - NAMES)
    except ExpressionRefused as err:
        return f'"x-prefill": {err.detail}'
    if unknown:
        allowed = ", ".join(sorted(NAMES))
        return f'"x-prefill" lee {", ".join(unknown)}, que no existe; puede leer: {allowed}'
    return None


def _put(data: dict[str, Any], path: str, value: Any) -> None:
    head, _, rest = path.partition(".")
    if not rest:
        data[head] = value
        return
    inner = data.setdefault(head, {})
    if isinstance(inner, dict):
        _put(inner, rest, value)


def suggested_values(form: Form, names: Mapping[str, Any]) -> dict[str, Any]:
    """The values the form's ``x-prefill`` expressions give (nested like a submission). An empty result
    means no suggestion; an expression that fails is logged and skipped: a suggestion never stops a task."""
    found: dict[str, Any] = {}
    for item in form.prefill_fields():
        try:
            value = sandbox.evaluate(item.prefill or "", names, time_limit=TIME_LIMIT)
        except (ExpressionRefused, ScriptFailed) as err:
            log.warning("x-prefill de %s.%s no se pudo evaluar: %s", form.id, item.path, err.detail)
            continue
        if isinstance(value, str | int | float | bool) and value != "":
            _put(found, item.path, value)
    return found
