"""BPMN elements by id with a normalised hash of their own definition, to tell what changed between two
versions (the versions page) and whether a case's completed path is still the same (migration)."""

from __future__ import annotations

import hashlib
from collections.abc import Mapping
from dataclasses import dataclass
from typing import Any

from lxml import etree

from ... import xmlsafe
from ...bpmn_checks import BPMN
from ...errors import InvalidContent

# Wiring is described by the sequence flows themselves (elements of their own), not by the nodes.
_WIRING = frozenset({f"{{{BPMN}}}incoming", f"{{{BPMN}}}outgoing"})
_CONTAINERS = frozenset({f"{{{BPMN}}}process", f"{{{BPMN}}}subProcess"})


@dataclass(frozen=True)
class ElementChanges:
    """Element ids of one process added, removed and changed between two versions."""

    added: list[str]
    removed: list[str]
    changed: list[str]


def _canonical(el: Any, out: list[str]) -> None:
    """The element's tag, sorted attributes and text, and its children's, except children that are
    elements of their own (they carry an id) and the incoming/outgoing wiring."""
    if not isinstance(el.tag, str):
        return
    attrs = ",".join(f"{k}={v}" for k, v in sorted(el.attrib.items()))
    out.append(f"<{el.tag} {attrs}>{(el.text or '').strip()}")
    for child in el:
        if not isinstance(child.tag, str) or child.tag in _WIRING or child.get("id"):
            continue
        _canonical(child, out)
    out.append("</>")


def element_hash(el: Any) -> str:
    """SHA-256 of the element's own normalised definition (whitespace, attribute order ignored)."""
    parts: list[str] = []
    _canonical(el, parts)
    return hashlib.sha256("\n".join(parts).encode()).hexdigest()


def _kind(el: Any) -> str:
    return str(etree.QName(el).localname)


def containers(files: Mapping[str, bytes]) -> dict[str, dict[str, tuple[str, str]]]:
    """Every bpmn:process and bpmn:subProcess id → {element id: (element type, hash)} of all the elements
    inside it (nested ones too). Unreadable files are skipped (they were refused at publish)."""
    found: dict[str, dict[str, tuple[str, str]]] = {}
    for path, body in sorted(files.items()):
        if not path.startswith("processes/"):
            continue
        try:
            root = xmlsafe.parse(body, path).getroot()
        except InvalidContent:
            continue
        for box in root.iter(*_CONTAINERS):
            found[str(box.get("id", ""))] = {
                str(el.get("id")): (_kind(el), element_hash(el))
                for el in box.iterdescendants()
                if isinstance(el.tag, str) and el.get("id")
            }
    return found


def processes(files: Mapping[str, bytes]) -> dict[str, dict[str, tuple[str, str]]]:
    """Like :func:`containers`, for top-level bpmn:process elements only."""
    only = {p: b for p, b in files.items() if p.startswith("processes/")}
    ids: set[str] = set()
    for path, body in only.items():
        try:
            root = xmlsafe.parse(body, path).getroot()
        except InvalidContent:
            continue
        ids |= {str(p.get("id", "")) for p in root.iterfind(f"{{{BPMN}}}process")}
    return {k: v for k, v in containers(only).items() if k in ids}


def compare(old: Mapping[str, tuple[str, str]], new: Mapping[str, tuple[str, str]]) -> ElementChanges:
    """Added, removed and changed element ids between two element maps."""
    return ElementChanges(
        added=sorted(new.keys() - old.keys()),
        removed=sorted(old.keys() - new.keys()),
        changed=sorted(k for k in old.keys() & new.keys() if old[k] != new[k]),
    )
