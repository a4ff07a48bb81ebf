"""Run checked BPMN code over task data under a time watchdog: evaluate and execute."""

from __future__ import annotations

from collections.abc import Callable, Mapping, MutableMapping
from typing import Any

from ..errors import ScriptFailed
from . import limits
from .check import _FILENAME, _compile, _Program
from .functions import DEFAULT_FUNCTIONS
from .guards import _HELPERS, _Refused

_ERROR_REASONS: Mapping[str, str] = {
    "ZeroDivisionError": "división por cero",
    "KeyError": "no existe la clave",
    "IndexError": "índice fuera de rango",
    "TypeError": "tipo de dato incorrecto",
    "ValueError": "valor inválido",
    "AttributeError": "atributo inexistente",
    "OverflowError": "número demasiado grande",
    "MemoryError": "memoria insuficiente",
    "RecursionError": "anidamiento excesivo",
}


def _script_line(exc: BaseException) -> int | str:
    """The innermost line of the analyst's code in the traceback."""
    line: int | str = "?"
    tb = exc.__traceback__
    while tb is not None:
        if tb.tb_frame.f_code.co_filename == _FILENAME and tb.tb_lineno is not None:
            line = tb.tb_lineno
        tb = tb.tb_next
    return line


def _describe(exc: Exception) -> str:
    """A Spanish message with line and exception type for a failure inside analyst code."""
    line = _script_line(exc)
    if isinstance(exc, _Refused):
        return f"línea {line}: {exc}"
    if isinstance(exc, NameError) and exc.name:
        return f"línea {line}: la variable '{exc.name}' no está definida (NameError)"
    kind = type(exc).__name__
    return f"línea {line}: {_ERROR_REASONS.get(kind, 'error al ejecutar')} ({kind}: {str(exc)[:200]})"


def _run(program: _Program, namespace: dict[str, Any], time_limit: float) -> Any:
    """Run compiled code bounded in CPU time and memory (limits.py); every failure becomes ScriptFailed.
    CPU time of this thread, not wall time: a loaded machine must not fail a script that did little work
    (scripts cannot block: no I/O, no imports), while a runaway loop still hits the limit."""
    try:
        with limits.bounded(_FILENAME, time_limit, "el script"):
            return eval(program.code, namespace)  # noqa: S307 - allow-listed, guarded, empty __builtins__
    except ScriptFailed:
        raise
    except Exception as exc:
        raise ScriptFailed(_describe(exc)) from exc


def _namespace(names: Mapping[str, Any], functions: Mapping[str, Callable[..., Any]]) -> dict[str, Any]:
    """Task data plus allowed functions and guards, with no builtins; data may not shadow a function."""
    clashes = sorted(key for key in names if key in functions)
    if clashes:
        raise ScriptFailed(
            f"la variable '{clashes[0]}' tiene el nombre de una función permitida; cambie el nombre del dato"
        )
    namespace = dict(names)
    namespace.update(functions)
    namespace.update(_HELPERS)
    namespace["__builtins__"] = {}
    return namespace


def evaluate(
    source: str,
    names: Mapping[str, Any],
    *,
    functions: Mapping[str, Callable[..., Any]] | None = None,
    time_limit: float = 2.0,
) -> Any:
    """Value of a checked expression over task data; raises ExpressionRefused or ScriptFailed."""
    program = _compile(source, "eval")
    return _run(program, _namespace(names, DEFAULT_FUNCTIONS if functions is None else functions), time_limit)


def execute(
    source: str,
    names: MutableMapping[str, Any],
    *,
    functions: Mapping[str, Callable[..., Any]] | None = None,
    time_limit: float = 2.0,
) -> None:
    """Run a checked script over task data; on success `names` holds the script's variables."""
    program = _compile(source, "exec")
    allowed = DEFAULT_FUNCTIONS if functions is None else functions
    taken = sorted(program.stores & allowed.keys())
    if taken:
        raise ScriptFailed(f"el script asigna '{taken[0]}', que es el nombre de una función permitida")
    namespace = _namespace(names, allowed)
    _run(program, namespace, time_limit)
    internal = allowed.keys() | _HELPERS.keys()
    result = {k: v for k, v in namespace.items() if not k.startswith("_") and k not in internal}
    for gone in [k for k in names if not k.startswith("_") and k not in result]:
        del names[gone]
    names.update(result)
