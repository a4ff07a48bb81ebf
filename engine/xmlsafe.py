"""Hardened XML parsing for content uploaded through a browser: no DTDs, entities or network, ever."""

from __future__ import annotations

import re

from lxml import etree

from .errors import ContentProblem, InvalidContent

_MAX_BYTES = 5 * 1024 * 1024
DECLARATION = re.compile(rb"<!\s*(DOCTYPE|ENTITY|ELEMENT|ATTLIST|NOTATION)", re.IGNORECASE)


def _parser() -> etree.XMLParser:
    return etree.XMLParser(
        resolve_entities=False,
        no_network=True,
        load_dtd=False,
        dtd_validation=False,
        huge_tree=False,
        remove_pis=True,
    )


def parse(data: bytes, file: str) -> etree._ElementTree:
    """Parse untrusted XML; DTDs and entity declarations are refused before parsing: nothing is expanded."""
    if len(data) > _MAX_BYTES:
        raise InvalidContent([ContentProblem(file, "", "el archivo supera el tamaño máximo de 5 MB")])
    if DECLARATION.search(data):
        raise InvalidContent(
            [ContentProblem(file, "", "XML rechazado: no se permiten DOCTYPE ni declaraciones de entidades")]
        )
    try:
        tree = etree.ElementTree(etree.fromstring(data, parser=_parser()))
    except etree.XMLSyntaxError as err:
        line = err.lineno if err.lineno else "?"
        raise InvalidContent(
            [ContentProblem(file, "", f"XML mal formado (línea {line}): {err.msg}")]
        ) from err
    if tree.docinfo.doctype:
        raise InvalidContent([ContentProblem(file, "", "XML rechazado: no se permite DOCTYPE")])
    return tree
