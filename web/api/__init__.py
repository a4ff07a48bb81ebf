"""JSON API v1: bearer tokens, problem+json errors, one service call per view; its OpenAPI 3.1 document is
generated from the contracts the views declare (web/api/contract.py, web/api/openapi.py)."""

from __future__ import annotations

from . import (
    cases,
    derivations,
    documents,
    health,
    platforms,
    public,
    reports,
    search,
    tasks,
    users,
    workbench_tools,
)
from .common import bp
from .provider import bp as provider_bp
from .workbench import bp as workbench_bp

# The area modules add their routes to these blueprints when imported.
AREAS = (
    cases,
    derivations,
    documents,
    health,
    platforms,
    public,
    reports,
    search,
    tasks,
    users,
    workbench_tools,
)
BLUEPRINTS = (bp, provider_bp, workbench_bp)
