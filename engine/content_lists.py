"""Content lists (lists/<id>.json): versioned JSON lists published with processes, forms and letters. The list
id is the file stem; each known id has its own checks (PARSERS), so an unknown or malformed list is refused at
publish time with problems naming file, entry and problem — never at run time."""

from __future__ import annotations

from collections.abc import Callable, Mapping
from typing import Any

from . import classification, forms
from .errors import ContentProblem, InvalidContent

FOLDER = "lists"
SUFFIX = ".json"
Parser = Callable[[Any, str], tuple[Any, list[ContentProblem]]]
# One entry per list the platform knows how to read; a later list (canales, calendarios ...) adds its own.
PARSERS: Mapping[str, Parser] = {classification.LIST_ID: classification.parse}


def known() -> list[str]:
    """The list ids the platform reads, sorted."""
    return sorted(PARSERS)


def load_list(list_id: str, body: bytes, file: str) -> Any:
    """The parsed, checked list; InvalidContent naming file and entry of every problem."""
    try:
        text = body.decode("utf-8")
    except UnicodeDecodeError:
        raise InvalidContent([ContentProblem(file, "", "el archivo no está en UTF-8")]) from None
    document = forms.parse_document(
        text, file, "la lista"
    )  # broken JSON, a repeated key, too deep, NUL: refused
    parser = PARSERS.get(list_id)
    if parser is None:
        message = f'lista desconocida "{list_id}": las listas que la plataforma lee son {", ".join(known())}'
        raise InvalidContent([ContentProblem(file, "", message)])
    parsed, problems = parser(document, file)
    if problems:
        raise InvalidContent(problems)
    return parsed


def load_lists(files: Mapping[str, bytes]) -> tuple[dict[str, Any], list[ContentProblem]]:
    """Every list of a content set by id, and the problems of those refused."""
    lists: dict[str, Any] = {}
    problems: list[ContentProblem] = []
    for path, body in sorted(files.items()):
        if path.startswith(f"{FOLDER}/") and path.endswith(SUFFIX):
            list_id = path[len(FOLDER) + 1 : -len(SUFFIX)]
            try:
                lists[list_id] = load_list(list_id, body, path)
            except InvalidContent as err:
                problems.extend(err.problems)
    return lists, problems
