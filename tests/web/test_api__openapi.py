"""The OpenAPI document describes every API v1 route the app serves (and nothing it does not)."""

from __future__ import annotations

import re

import pytest
from flask import Flask

from tests.web.openapi_document import document


@pytest.mark.parametrize("database_url", ["sqlite"], indirect=True)
def test_every_api_route_is_documented(app: Flask) -> None:
    served = set()
    for rule in app.url_map.iter_rules():
        if rule.rule.startswith("/api/v1/"):
            served.add(re.sub(r"<(?:[a-z]+:)?([a-z_]+)>", r"{\1}", rule.rule))
    documented = set(document()["paths"])
    assert served == documented


@pytest.mark.parametrize("database_url", ["sqlite"], indirect=True)
def test_every_api_method_has_an_operation(app: Flask) -> None:
    served = set()
    for rule in app.url_map.iter_rules():
        if rule.rule.startswith("/api/v1/"):
            path = re.sub(r"<(?:[a-z]+:)?([a-z_]+)>", r"{\1}", rule.rule)
            served |= {(path, m.lower()) for m in (rule.methods or set()) - {"HEAD", "OPTIONS"}}
    documented = {(path, method) for path, ops in document()["paths"].items() for method in ops}
    assert served == documented
