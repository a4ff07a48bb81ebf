"""The request's own text checked before any view runs (engine/inputs.py says why): the path, the query,
form fields and a JSON body; files and raw bodies are left to the views that read them. Ids in the path are
numbers a row can have (the ``id`` converter), anything larger names nothing: 404."""

from __future__ import annotations

from typing import Any

from flask import Flask, request
from werkzeug.datastructures import MultiDict
from werkzeug.routing import IntegerConverter, Map

from engine import inputs
from engine.errors import InputRefused


class IdConverter(IntegerConverter):
    """``<id:name>``: a non-negative integer no larger than a row's id may be; else no route matches."""

    def __init__(self, url_map: Map, *args: Any, **kwargs: Any) -> None:
        super().__init__(url_map, max=inputs.MAX_ID)


def init_app(app: Flask) -> None:
    """Check every request: after the hooks that raise the body limit for uploads (they would come too
    late once the form is parsed), before the CSRF check."""
    app.before_request(_check_request)


def _check_request() -> None:
    if found := inputs.text_problem(request.path):
        raise InputRefused(f"la dirección {found}")
    for source, values in (("los parámetros de la dirección", request.args), ("el formulario", _form())):
        for name, value in values.items(multi=True):
            if found := inputs.problem({name: value}):
                raise InputRefused(f"{source}: {found}")
    if request.is_json and (found := inputs.problem(_json_body())):
        raise InputRefused(f"el cuerpo JSON: {found}")


def _form() -> MultiDict[str, str]:
    """The fields of a form post (a multipart's files stay apart); none for other bodies."""
    if request.mimetype in ("multipart/form-data", "application/x-www-form-urlencoded"):
        return request.form
    return MultiDict()


def _json_body() -> Any:
    """The parsed JSON body (cached for the view); None when it is not JSON at all (the view says so)."""
    try:
        return request.get_json(silent=True)
    except RecursionError:
        raise InputRefused(f"el cuerpo JSON: {inputs.too_deep()}") from None
