"""The locked-down evaluator for BPMN scripts and expressions: allow-listed syntax, names and attributes."""

from .check import MAX_SOURCE, check_expression, check_script, names_used
from .check import _compile as _compile  # tests inspect the compile cache
from .functions import DEFAULT_FUNCTIONS, FUNCTION_HELP, SAFE_BUILTINS
from .guards import (
    ALLOWED_ATTRIBUTES,
    GUARDED_SYMBOLS,
    MAX_FORMAT_NUMBER,
    MAX_INT_BITS,
    MAX_ITEMS,
    MAX_LENGTH,
    check_binary,
)
from .limits import bounded
from .run import evaluate, execute

__all__ = [
    "ALLOWED_ATTRIBUTES",
    "DEFAULT_FUNCTIONS",
    "FUNCTION_HELP",
    "GUARDED_SYMBOLS",
    "MAX_FORMAT_NUMBER",
    "MAX_INT_BITS",
    "MAX_ITEMS",
    "MAX_LENGTH",
    "MAX_SOURCE",
    "SAFE_BUILTINS",
    "bounded",
    "check_binary",
    "check_expression",
    "check_script",
    "evaluate",
    "execute",
    "names_used",
]
