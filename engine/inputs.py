"""What any input must be before the platform reads it, whatever the door (API, pages, callbacks, content
files): text without the NUL character or lone surrogates, JSON nested at most MAX_DEPTH levels, ids a row
can have.

PostgreSQL cannot store U+0000 in text (it fails the statement), and deep JSON exhausts Python's recursion
(in the JSON parser, the JSON Schema validator, the form renderer): both would end in a 500 instead of a
clear refusal. SQLite and PostgreSQL keep primary keys as INTEGER, so a larger id names no row; SQLite's
driver even fails on a Python int beyond 64 bits."""

from __future__ import annotations

import re
from collections.abc import Mapping
from typing import Any

MAX_DEPTH = 64  # a form with groups inside groups uses about a dozen
MAX_ID = 2**31 - 1  # INTEGER primary keys (PostgreSQL int4)
NUL = "\x00"
_SURROGATE = re.compile("[\ud800-\udfff]")


def is_id(value: int) -> bool:
    """Whether ``value`` can be a row's id (1 to MAX_ID)."""
    return 0 < value <= MAX_ID


def problem(value: Any, where: str = "") -> str | None:
    """The first reason ``value`` (parsed JSON, or a string) cannot be taken, in Spanish with the dotted path
    of the offending part; None when it is fine. Walks iteratively: depth is what it measures."""
    pending: list[tuple[Any, str, int]] = [(value, where, 1)]
    while pending:
        item, path, depth = pending.pop()
        if depth > MAX_DEPTH:
            return too_deep(path)
        if isinstance(item, str) and (found := text_problem(item)):
            return f"{_name(path)}{found}"
        if isinstance(item, Mapping):
            for key, sub in item.items():
                if found := text_problem(str(key)):
                    return f"{_name(path)}tiene un nombre de campo que {found}"
                pending.append((sub, f"{path}.{key}" if path else str(key), depth + 1))
        elif isinstance(item, list):
            pending.extend((sub, f"{path}[{i}]", depth + 1) for i, sub in enumerate(item))
    return None


def text_problem(text: str) -> str | None:
    """Why ``text`` cannot be stored (it ``contiene …``), or None: the NUL character, or a lone surrogate
    (U+D800 to U+DFFF, e.g. JSON's "\\ud800"), which is no character at all and no encoding can write."""
    if NUL in text:
        return "contiene el carácter nulo (U+0000), que no se puede guardar"
    if (found := _SURROGATE.search(text)) is not None:
        return f"contiene un código Unicode suelto (U+{ord(found.group()):04X}) que no es un carácter válido"
    return None


def too_deep(path: str = "") -> str:
    """The message for JSON nested beyond MAX_DEPTH (at ``path``)."""
    return f"{_name(path)}anida más de {MAX_DEPTH} niveles de objetos o listas"


def _name(path: str) -> str:
    return f"«{path[:120]}» " if path else "el contenido "
