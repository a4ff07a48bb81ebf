"""Every error becomes RFC 9457 problem+json on the API (a message page elsewhere); never a bare 500."""

from __future__ import annotations

import logging
from typing import Any

from flask import Flask, Response, jsonify, render_template, request
from werkzeug.exceptions import HTTPException

from engine.errors import EngineError, FormInvalid, InvalidContent

log = logging.getLogger(__name__)


def problem(status: int, title: str, detail: str, type_: str = "about:blank", **extra: Any) -> Response:
    """An application/problem+json response."""
    body = {
        "type": type_,
        "title": title,
        "status": status,
        "detail": detail,
        "instance": request.path,
        **extra,
    }
    resp = jsonify(body)
    resp.status_code = status
    resp.mimetype = "application/problem+json"
    return resp


def _wants_json() -> bool:
    return request.path.startswith("/api/")


def _engine_error(err: EngineError) -> Any:
    extra: dict[str, Any] = err.extensions()
    if isinstance(err, FormInvalid):
        extra["errors"] = [{"field": e.field, "message": e.message} for e in err.errors]
    if isinstance(err, InvalidContent):
        extra["problems"] = [
            {"file": p.file, "element": p.element, "message": p.message} for p in err.problems
        ]
    if _wants_json():
        resp = problem(err.status, err.title, err.detail, err.type, **extra)
        if err.status == 401:
            resp.headers["WWW-Authenticate"] = 'Bearer realm="ventanilla"'
        return resp
    return render_template("error.html", title=err.title, detail=err.detail), err.status


# Werkzeug's own errors (no route, method not allowed, body too large ...) in the users' language.
_HTTP_SPANISH = {
    400: ("Solicitud mal formada", "El servidor no pudo leer la solicitud."),
    404: ("No encontrado", "No existe nada en esta dirección."),
    405: ("Método no permitido", "Esta dirección no admite el método {method}."),
    413: ("Solicitud demasiado grande", "El contenido enviado supera el tamaño máximo admitido."),
    415: ("Tipo de contenido no admitido", "El servidor no admite el tipo de contenido enviado."),
}


def _http_error(err: HTTPException) -> Any:
    status = err.code or 500
    title, detail = err.name, err.description or err.name
    if status in _HTTP_SPANISH and err.description == type(err).description:  # not a message of ours
        title, detail = _HTTP_SPANISH[status]
        detail = detail.format(method=request.method)
    kept = {k: v for k, v in err.get_headers() if k.lower() != "content-type"}  # e.g. Allow on a 405
    if _wants_json():
        resp = problem(status, title, detail)
        resp.headers.update(kept)
        return resp
    return render_template("error.html", title=title, detail=detail), status, kept


def _unexpected(err: Exception) -> Any:
    log.exception("error inesperado en %s", request.path)
    detail = "Ocurrió un error inesperado; el equipo fue notificado. Nada de su solicitud quedó a medias."
    if _wants_json():
        return problem(500, "Error interno", detail)
    return render_template("error.html", title="Error interno", detail=detail), 500


def init_app(app: Flask) -> None:
    app.register_error_handler(EngineError, _engine_error)
    app.register_error_handler(HTTPException, _http_error)
    app.register_error_handler(Exception, _unexpected)
