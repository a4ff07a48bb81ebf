"""OpenAPI paths and schemas of the companies' API (digital mediation), merged into web/openapi.py's."""

from __future__ import annotations

from typing import Any

_STR = {"type": "string"}
_NULL_DATE = {"type": ["string", "null"], "format": "date"}
_RESULTS = ["acoge", "acoge_parcialmente", "no_acoge"]


def _ref(name: str) -> dict[str, str]:
    return {"$ref": f"#/components/schemas/{name}"}


def _problem(description: str) -> dict[str, Any]:
    return {"description": description, "content": {"application/problem+json": {"schema": _ref("Problem")}}}


def _ok(schema: dict[str, Any], description: str = "OK") -> dict[str, Any]:
    return {"description": description, "content": {"application/json": {"schema": schema}}}


def schemas() -> dict[str, Any]:
    """Complaint (what a company sees of a reclamo) and ProviderAnswer."""
    return {
        "Complaint": {
            "type": "object",
            "description": "Un reclamo trasladado a su empresa: sin nombres del personal ni notas internas",
            "properties": {
                "folio": _STR,
                "opened_on": {"type": "string", "format": "date", "description": "fecha de ingreso"},
                "subject": {"type": "string", "description": "materia"},
                "description": {"type": "string", "description": "descripción de los hechos"},
                "consumer_name": _STR,
                "consumer_rut": {"type": ["string", "null"]},
                "state": {"type": "string", "enum": ["pendiente", "respondido", "cerrado"]},
                "due_on": {**_NULL_DATE, "description": "último día para responder"},
                "answerable": {"type": "boolean"},
                "answer": {
                    "type": ["object", "null"],
                    "properties": {
                        "at": {"type": "string", "format": "date-time"},
                        "resultado": {"type": "string", "enum": _RESULTS},
                        "texto": _STR,
                    },
                },
            },
        },
        "ProviderAnswer": {
            "type": "object",
            "required": ["resultado", "texto"],
            "description": (
                "El formulario respuesta_empresa (forms/respuesta_empresa.json). En multipart/form-data "
                "los mismos campos y los archivos en 'adjuntos' (PDF, JPG, PNG, Word, Excel; 10 MB c/u)."
            ),
            "properties": {
                "resultado": {"type": "string", "enum": _RESULTS},
                "texto": {"type": "string", "minLength": 5, "maxLength": 4000},
            },
        },
    }


def paths() -> dict[str, Any]:
    """GET /complaints, GET /complaints/{folio}, POST /complaints/{folio}/answer (token of a proveedor)."""
    errors = {
        "401": _problem("Sin token o token inválido"),
        "403": _problem("La cuenta no es de una empresa con mediación digital"),
    }
    folio = [{"name": "folio", "in": "path", "required": True, "schema": _STR}]
    return {
        "/api/v1/provider/complaints": {
            "get": {
                "summary": "Reclamos trasladados a su empresa (pendientes primero)",
                "parameters": [
                    {"name": "pending", "in": "query", "schema": {"type": "string", "enum": ["1"]}}
                ],
                "responses": {
                    "200": _ok(
                        {
                            "type": "object",
                            "properties": {"complaints": {"type": "array", "items": _ref("Complaint")}},
                        }
                    ),
                    **errors,
                },
            }
        },
        "/api/v1/provider/complaints/{folio}": {
            "get": {
                "summary": "Un reclamo trasladado a su empresa",
                "parameters": folio,
                "responses": {
                    "200": _ok(_ref("Complaint")),
                    "404": _problem("No existe o no fue trasladado a su empresa"),
                    **errors,
                },
            }
        },
        "/api/v1/provider/complaints/{folio}/answer": {
            "post": {
                "summary": "Responder el reclamo: llega al proceso del caso, que sigue su curso",
                "parameters": folio,
                "requestBody": {
                    "required": True,
                    "content": {
                        "application/json": {"schema": _ref("ProviderAnswer")},
                        "multipart/form-data": {"schema": _ref("ProviderAnswer")},
                    },
                },
                "responses": {
                    "200": _ok(_ref("Complaint"), "Respuesta entregada"),
                    "400": _problem("Cuerpo mal formado"),
                    "404": _problem("No existe o no fue trasladado a su empresa"),
                    "409": _problem("Ya respondido o ya no espera respuesta: nada cambió"),
                    "422": _problem("Datos inválidos, con errores por campo"),
                    **errors,
                },
            }
        },
    }
