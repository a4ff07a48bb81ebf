"""Ventanilla's web front: the JSON API (v1) and the pages by audience (staff, company, workbench)."""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any

from flask import Flask
from werkzeug.middleware.proxy_fix import ProxyFix

from engine import system

from . import api, assets, auth, context, dates, devmail, errors, inputs, staff, workbench
from .company import portal


def create_app(config: Mapping[str, Any] | None = None) -> Flask:
    """The application factory: config, the wired engine, error mapping, blueprints, sign-in and CSRF."""
    app = Flask(__name__, instance_relative_config=True)
    app.config.from_object("web.config.Default")
    app.config.update(config or {})
    proxies = _trusted_proxies(app.config.get("TRUSTED_PROXIES", 0))  # checked before anything is built
    app.extensions["ventanilla"] = system.build(app.config["DATABASE_URL"])
    app.before_request(context.sync_mail_settings)  # after-commit e-mail goes where the app's mail goes
    errors.init_app(app)
    app.url_map.converters["id"] = inputs.IdConverter  # before the blueprints: their routes use it
    dates.init_app(app)
    apis = api.BLUEPRINTS
    for bp in (*apis, assets.bp, auth.bp, portal.bp, *staff.BLUEPRINTS, *workbench.BLUEPRINTS, devmail.bp):
        app.register_blueprint(bp)
    inputs.init_app(app)  # after the blueprints' upload limits, before the CSRF check reads the body
    auth.init_app(app, csrf_exempt=apis)  # the workbench API checks CSRF itself for session requests
    if proxies:
        app.wsgi_app = ProxyFix(app.wsgi_app, x_for=proxies, x_proto=proxies, x_host=proxies)  # type: ignore[method-assign]
    return app


def _trusted_proxies(value: Any) -> int:
    try:
        count = int(str(value).strip() or 0)
    except ValueError:
        count = -1
    if not 0 <= count <= 5:
        raise ValueError(f"TRUSTED_PROXIES debe ser un número entero de 0 a 5, no {value!r}")
    return count
