"""Form ``pattern``s matched in linear time: RE2 (google-re2), never Python's backtracking ``re``.

A pattern such as ``^(a+)+$`` takes Python's ``re`` exponential time on a short input, and as it holds the
GIL the whole server stalls. RE2 matches in time linear in the input, whatever the pattern; what it cannot
do in linear time (back-references, look-around) it refuses to compile, and so the form is refused at
publish time with that reason (ADR 0013)."""

from __future__ import annotations

from functools import lru_cache
from typing import Any

import re2

_OPTIONS = re2.Options()
_OPTIONS.log_errors = False  # the reason comes back in the exception; nothing on stderr


@lru_cache(maxsize=512)
def compiled(pattern: str) -> Any:
    """The pattern compiled by RE2 (cached); raises re2.error when RE2 cannot match it in linear time."""
    return re2.compile(pattern, _OPTIONS)


def problem(pattern: Any) -> str | None:
    """Why a form may not use ``pattern`` (Spanish), or None when RE2 compiles it."""
    if not isinstance(pattern, str):
        return "el patrón debe ser un texto"
    try:
        compiled(pattern)
    except re2.error as err:
        reason = err.args[0].decode() if err.args and isinstance(err.args[0], bytes) else str(err)
        return (
            f'el patrón "{pattern[:80]}" no se puede usar ({reason[:120]}): se admiten expresiones sin '
            "referencias hacia atrás (\\1) ni búsquedas hacia adelante o atrás ((?=, (?!, (?<=)"
        )
    return None


def search(pattern: str, text: str) -> bool:
    """Whether ``pattern`` matches somewhere in ``text`` (JSON Schema's ``pattern``), in linear time."""
    return compiled(pattern).search(text) is not None
