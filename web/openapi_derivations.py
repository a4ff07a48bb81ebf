"""OpenAPI paths and schemas of derivation (merged into web/openapi.py's document)."""

from __future__ import annotations

from typing import Any

from engine.inputs import MAX_ID

_STR = {"type": "string"}
_ID = {"type": "integer", "minimum": 0, "maximum": MAX_ID}  # a row id in the path (<id:...> routes)
_TEXT = {"type": "string", "pattern": r"\S"}  # trimmed by the endpoint: something besides white space
_BASE64 = {
    "type": "string",
    "contentEncoding": "base64",
    "pattern": r"^(?:[A-Za-z0-9+/]{4})*(?:[A-Za-z0-9+/]{2}==|[A-Za-z0-9+/]{3}=)?$",
}


def _ref(name: str) -> dict[str, str]:
    return {"$ref": f"#/components/schemas/{name}"}


def _problem(description: str) -> dict[str, Any]:
    return {"description": description, "content": {"application/problem+json": {"schema": _ref("Problem")}}}


def _ok(schema: str, description: str = "OK") -> dict[str, Any]:
    return {"description": description, "content": {"application/json": {"schema": _ref(schema)}}}


def schemas() -> dict[str, Any]:
    """Derivation event (callback), its answer, incidents."""
    return {
        "DerivationEvent": {
            "type": "object",
            "description": "Acuse o respuesta de una institución. Firme el cuerpo exacto con HMAC-SHA256 y "
            "el secreto compartido: X-Ventanilla-Signature: sha256=<hex>. event_id es único por evento: "
            "reenviar el mismo evento no tiene un segundo efecto.",
            "required": ["event_id", "type"],
            "properties": {
                "event_id": {**_TEXT, "maxLength": 120},
                "type": {"type": "string", "enum": ["acknowledged", "answered"]},
                "reference": {
                    "type": "string",
                    "maxLength": 120,
                    "description": "N° de ingreso en la institución",
                },
                "result": {
                    "type": "string",
                    "enum": ["resolved", "returned"],
                    "description": "en answered: resolved cierra el caso (DERIVADO); returned lo devuelve",
                },
                "text": {
                    "type": "string",
                    "maxLength": 8000,
                    "description": "respuesta al consumidor/a (resolved)",
                },
                "reason": {
                    "type": "string",
                    "maxLength": 4000,
                    "description": "motivo de la devolución (returned)",
                },
                "attachments": {
                    "type": "array",
                    "maxItems": 5,
                    "description": "en answered: documentos de la respuesta (PDF, imágenes, Word; 10 MB c/u)",
                    "items": {
                        "type": "object",
                        "required": ["filename", "content_base64"],
                        "properties": {"filename": _STR, "content_base64": _BASE64},
                    },
                },
            },
            # answered names its result; resolved carries the text, returned the reason
            "if": {"properties": {"type": {"const": "answered"}}},
            "then": {
                "required": ["result"],
                "if": {"properties": {"result": {"const": "resolved"}}},
                "then": {"required": ["text"], "properties": {"text": _TEXT}},
                "else": {"required": ["reason"], "properties": {"reason": _TEXT}},
            },
        },
        "DerivationEventResult": {
            "type": "object",
            "properties": {
                "derivation_id": _STR,
                "event_id": _STR,
                "result": {"type": "string", "enum": ["accepted", "already_received"]},
                "derivation_status": {
                    "type": "string",
                    "enum": ["sent", "acknowledged", "answered", "returned", "cancelled"],
                },
                "detail": {"type": "string", "description": "'recibido' o 'ya recibido'"},
            },
        },
        "DerivationIncident": {
            "type": "object",
            "properties": {
                "delivery_id": {"type": "integer"},
                "derivation_id": _STR,
                "folio": _STR,
                "agency_code": _STR,
                "kind": {"type": "string", "enum": ["webservice", "email"]},
                "attempts": {"type": "integer"},
                "last_error": {"type": ["string", "null"]},
                "failed_at": {"type": ["string", "null"], "format": "date-time"},
            },
        },
    }


def paths() -> dict[str, Any]:
    """The derivation routes of API v1."""
    return {
        "/api/v1/derivations/{derivation_id}/events": {
            "post": {
                "summary": "Callback de una institución: acuse de recibo o respuesta de una derivación",
                "description": "Autenticación: firma X-Ventanilla-Signature (HMAC-SHA256 del cuerpo con el "
                "secreto del registro) o el token Bearer de la cuenta integradora asociada a la institución.",
                "security": [{}, {"bearer": []}],
                "parameters": [
                    {"name": "derivation_id", "in": "path", "required": True, "schema": _STR},
                    {"name": "X-Ventanilla-Signature", "in": "header", "required": False, "schema": _STR},
                ],
                "requestBody": {
                    "required": True,
                    "content": {"application/json": {"schema": _ref("DerivationEvent")}},
                },
                "responses": {
                    "200": _ok("DerivationEventResult", "Recibido, o ya recibido (mismo event_id)"),
                    "400": _problem("Cuerpo mal formado"),
                    "401": _problem("Firma o token inválido: nada cambió"),
                    "404": _problem("Derivación desconocida"),
                    "409": _problem("Derivación ya cerrada o ya acusada: nada cambió"),
                },
            }
        },
        "/api/v1/derivations/incidents": {
            "get": {
                "summary": "Derivaciones que no se pudieron enviar tras todos los intentos",
                "responses": {
                    "200": {
                        "description": "OK",
                        "content": {
                            "application/json": {
                                "schema": {
                                    "type": "object",
                                    "properties": {
                                        "incidents": {"type": "array", "items": _ref("DerivationIncident")}
                                    },
                                }
                            }
                        },
                    },
                    "401": _problem("Sin token"),
                    "403": _problem("Perfil sin acceso"),
                },
            }
        },
        "/api/v1/derivations/deliveries/{delivery_id}/retry": {
            "post": {
                "summary": "Reintentar ahora un envío fallido",
                "parameters": [{"name": "delivery_id", "in": "path", "required": True, "schema": _ID}],
                "responses": {
                    "200": {"description": "Reencolado; sent indica si salió en este intento"},
                    "401": _problem("Sin token"),
                    "403": _problem("Perfil sin acceso"),
                    "404": _problem("Envío desconocido o fuera de su alcance"),
                    "409": _problem("El envío no está fallido"),
                },
            }
        },
    }
