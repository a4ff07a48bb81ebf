"""Every route of the app as a request the tests can make: the URL built from sample path values."""

from __future__ import annotations

from collections.abc import Iterator, Mapping
from dataclasses import dataclass
from typing import Any

from flask import Flask, url_for

IGNORED_METHODS = frozenset({"HEAD", "OPTIONS"})
# Path values that reach a real object of the fixtures (a case of region 13, its task and letter …);
# the callers fill the ones that depend on the database.
SAMPLES: Mapping[str, Any] = {
    "attachment_id": 1,
    "delivery_id": 1,
    "derivation_id": "no-existe",
    "kind": "docx",
    "file": "caso.bpmn",
    "code": "SERNAC",
    "rut": "76086428-5",
    "letter_id": "respuesta_consumidor",
    "form_id": "visacion",
    "process_id": "caso",
    "list_id": "clasificacion",
    "path": "forms/visacion.json",
    "version_id": 1,
    "package": "htmx",
    "filename": "htmx.min.js",
    "article_id": 1,
    "fmt": "csv",
    "index": 0,
    "job_id": 1,
    "mail_id": "no-existe",
    "notification_id": 1,
    "tipo": "consulta",
    "token": "forjado",
    "token_id": 1,
    "username": "eje13",
}


@dataclass(frozen=True)
class Route:
    method: str
    endpoint: str
    rule: str
    url: str


def routes(app: Flask, values: Mapping[str, Any]) -> Iterator[Route]:
    """One Route per rule and method, its path arguments taken from ``values`` then SAMPLES."""
    samples = {**SAMPLES, **values}
    with app.test_request_context():
        for rule in sorted(app.url_map.iter_rules(), key=lambda r: (r.rule, r.endpoint)):
            args = {name: samples[name] for name in rule.arguments}
            if rule.endpoint == "static":
                args = {"filename": "ventanilla.css"}
            url = url_for(rule.endpoint, **args)
            for method in sorted((rule.methods or set()) - IGNORED_METHODS):
                yield Route(method, rule.endpoint, rule.rule, url)
