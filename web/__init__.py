"""Ventanilla's web front: the JSON API (v1) and the staff and public pages."""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any

from flask import Flask

from engine import system

from . import (
    api,
    approvals,
    assets,
    auth,
    cases,
    errors,
    inbox,
    intake,
    lookup,
    pages,
    workbench,
    workbench_api,
)


def create_app(config: Mapping[str, Any] | None = None) -> Flask:
    """The application factory: config, the wired engine, error mapping, blueprints, sign-in and CSRF."""
    app = Flask(__name__, instance_relative_config=True)
    app.config.from_object("web.config.Default")
    app.config.update(config or {})
    app.extensions["ventanilla"] = system.build(app.config["DATABASE_URL"])
    errors.init_app(app)
    blueprints = (api.bp, workbench_api.bp, assets.bp, auth.bp, pages.bp, inbox.bp, cases.bp, intake.bp)
    for bp in (*blueprints, approvals.bp, lookup.bp, workbench.bp):
        app.register_blueprint(bp)
    auth.init_app(app, csrf_exempt=(api.bp, workbench_api.bp))  # the workbench API checks CSRF itself
    return app
