"""The OpenAPI 3.1 description of API v1 (served at /api/openapi.json)."""

from __future__ import annotations

from functools import cache
from typing import Any

from engine.inputs import MAX_ID
from engine.labels import CHANNELS, KINDS

from . import openapi_derivations, openapi_provider, openapi_workbench

_STR = {"type": "string"}
_DATE = {"type": "string", "format": "date"}
_DATETIME = {"type": "string", "format": "date-time"}
_NULL_DATE = {"type": ["string", "null"], "format": "date"}
# Text the endpoint trims before using it: at least one character that is not white space.
_TEXT = {"type": "string", "pattern": r"\S"}
_ID = {"type": "integer", "minimum": 0, "maximum": MAX_ID}  # a row id in the path (<id:...> routes)
_UPLOAD = {
    "required": True,
    "content": {
        "multipart/form-data": {
            "schema": {
                "type": "object",
                "required": ["file"],
                "properties": {"file": {"type": "string", "format": "binary"}},
            }
        }
    },
}


def _ref(name: str) -> dict[str, str]:
    return {"$ref": f"#/components/schemas/{name}"}


def _schemas() -> dict[str, Any]:
    return {
        "Problem": {
            "type": "object",
            "description": "RFC 9457 problem details",
            "properties": {
                "type": _STR,
                "title": _STR,
                "status": {"type": "integer"},
                "detail": _STR,
                "instance": _STR,
                "errors": {
                    "type": "array",
                    "items": {"type": "object", "properties": {"field": _STR, "message": _STR}},
                },
            },
        },
        "Kind": {
            "type": "string",
            "enum": list(KINDS),
            "description": "inquiry = consulta, complaint = reclamo",
        },
        "Channel": {"type": "string", "enum": list(CHANNELS)},
        "CaseCreate": {
            "type": "object",
            "required": ["kind", "channel", "consumer", "subject", "description", "platform"],
            "properties": {
                "kind": _ref("Kind"),
                "channel": _ref("Channel"),
                "platform": _STR,
                "subject": _STR,
                "description": _STR,
                "process": {"type": "string", "default": "caso"},
                "consumer": {
                    "type": "object",
                    "required": ["rut", "name", "comuna"],
                    "properties": {
                        "rut": {"type": "string", "description": "RUT con dígito verificador"},
                        "name": _STR,
                        "email": {"type": "string", "format": "email"},
                        "phone": _STR,
                        "comuna": {"type": "string", "description": "código CUT de la comuna, p. ej. 13101"},
                    },
                },
                "provider": {
                    "type": "object",
                    "required": ["name"],
                    "properties": {"rut": _STR, "name": _STR},
                },
            },
        },
        "CaseSummary": {
            "type": "object",
            "properties": {
                "folio": _STR,
                "kind": _ref("Kind"),
                "stage": _STR,
                "status": _STR,
                "channel": _ref("Channel"),
                "platform_code": _STR,
                "region_code": _STR,
                "opened_at": _DATETIME,
                "due_on": _NULL_DATE,
                "due_status": {
                    "type": ["string", "null"],
                    "enum": ["en_plazo", "por_vencer", "fuera_de_plazo", None],
                },
                "business_days_elapsed": {"type": "integer"},
                "calendar_days_elapsed": {"type": "integer"},
                "outcome": {"type": ["string", "null"]},
            },
        },
        "CaseDetail": {
            "type": "object",
            "properties": {
                "summary": _ref("CaseSummary"),
                "consumer": {"type": "object"},
                "provider": {
                    "type": "object",
                    "properties": {
                        "rut": {"type": ["string", "null"]},
                        "name": {"type": ["string", "null"]},
                        "registry": {
                            "type": ["object", "null"],
                            "description": "la empresa en el registro de proveedores (null si no está)",
                            "properties": {
                                "legal_name": _STR,
                                "trade_name": _STR,
                                "market": _STR,
                                "email": {"type": ["string", "null"]},
                                "digital": {"type": "boolean", "description": "mediación digital"},
                            },
                        },
                    },
                },
                "subject": _STR,
                "description": _STR,
                "open_tasks": {"type": "array", "items": {"type": "object"}},
                "timers": {"type": "array", "items": {"type": "object"}},
                "log": {
                    "type": "array",
                    "items": {
                        "type": "object",
                        "properties": {"at": _DATETIME, "actor": _STR, "event": _STR, "summary": _STR},
                    },
                },
            },
        },
        "Task": {
            "type": "object",
            "properties": {
                "id": _STR,
                "folio": _STR,
                "name": _STR,
                "element_id": _STR,
                "role": _STR,
                "assignee": {"type": ["string", "null"]},
                "form_id": {"type": ["string", "null"]},
                "due_on": _NULL_DATE,
                "status": {"type": "string", "enum": ["open", "completed", "cancelled"]},
            },
        },
        "TaskDetail": {
            "type": "object",
            "properties": {
                "task": _ref("Task"),
                "form_schema": {"type": ["object", "null"], "description": "JSON Schema"},
                "prefill": {
                    "type": "object",
                    "description": "valores que el formulario propone (x-prefill), p. ej. el medio de "
                    "traslado según el registro de proveedores; la persona puede cambiarlos",
                },
            },
        },
        "TaskCompletion": {
            "type": "object",
            "required": ["data"],
            "properties": {"data": {"type": "object"}},
        },
        "PublicStatus": {
            "type": "object",
            "properties": {
                "folio": _STR,
                "kind": _ref("Kind"),
                "stage": _STR,
                "status": _STR,
                "opened_on": _DATE,
                "due_on": _NULL_DATE,
                "due_status": {"type": ["string", "null"]},
                "outcome": {"type": ["string", "null"]},
                "events": {"type": "array", "items": {"type": "array"}},
            },
        },
    }


def _problem(description: str) -> dict[str, Any]:
    return {"description": description, "content": {"application/problem+json": {"schema": _ref("Problem")}}}


def _ok(schema: str, description: str = "OK") -> dict[str, Any]:
    return {"description": description, "content": {"application/json": {"schema": _ref(schema)}}}


def _path(name: str, schema: dict[str, Any] | None = None) -> dict[str, Any]:
    return {"name": name, "in": "path", "required": True, "schema": schema or _STR}


_CHANNEL_HEADER = {
    "name": "X-Channel",
    "in": "header",
    "required": False,
    "description": "canal por el que llegó la gestión, para la bitácora (por defecto, el de la cuenta)",
    "schema": _ref("Channel"),
}


def _with_channel_header(paths: dict[str, Any]) -> dict[str, Any]:
    """Every staff operation (bearer token) takes X-Channel."""
    for operations in paths.values():
        for operation in operations.values():
            if operation.get("security") != []:
                operation["parameters"] = [*operation.get("parameters", []), _CHANNEL_HEADER]
    return paths


def _paths() -> dict[str, Any]:
    auth_errors = {
        "401": _problem("Sin token o token inválido"),
        "404": _problem("No existe o fuera de su alcance"),
    }
    task_id = [{"name": "task_id", "in": "path", "required": True, "schema": _STR}]
    return {
        "/api/v1/health": {
            "get": {
                "summary": "Estado del servicio",
                "security": [],
                "responses": {"200": {"description": "OK"}},
            }
        },
        "/api/v1/cases": {
            "post": {
                "summary": "Registrar un caso",
                "requestBody": {
                    "required": True,
                    "content": {"application/json": {"schema": _ref("CaseCreate")}},
                },
                "responses": {
                    "201": _ok("CaseSummary", "Caso creado con su folio"),
                    "422": _problem("Datos inválidos, con errores por campo"),
                    **auth_errors,
                },
            }
        },
        "/api/v1/cases/{folio}": {
            "get": {
                "summary": "Ficha del caso",
                "parameters": [{"name": "folio", "in": "path", "required": True, "schema": _STR}],
                "responses": {"200": _ok("CaseDetail"), **auth_errors},
            }
        },
        "/api/v1/tasks": {
            "get": {
                "summary": "Tareas abiertas a su alcance",
                "parameters": [
                    {
                        "name": "limit",
                        "in": "query",
                        "schema": {"type": "integer", "minimum": 0, "maximum": 500},
                    },
                    {
                        "name": "offset",
                        "in": "query",
                        "schema": {"type": "integer", "minimum": 0, "maximum": 10_000_000},
                    },
                ],
                "responses": {
                    "200": {
                        "description": "OK",
                        "content": {
                            "application/json": {
                                "schema": {
                                    "type": "object",
                                    "properties": {"tasks": {"type": "array", "items": _ref("Task")}},
                                }
                            }
                        },
                    },
                    **auth_errors,
                },
            }
        },
        "/api/v1/tasks/{task_id}": {
            "get": {
                "summary": "Tarea con el JSON Schema de su formulario",
                "parameters": task_id,
                "responses": {"200": _ok("TaskDetail"), **auth_errors},
            }
        },
        "/api/v1/tasks/{task_id}/claim": {
            "post": {
                "summary": "Tomar la tarea",
                "parameters": task_id,
                "responses": {"200": _ok("Task"), "409": _problem("Tomada por otra persona"), **auth_errors},
            }
        },
        "/api/v1/tasks/{task_id}/complete": {
            "post": {
                "summary": "Completar la tarea con los datos de su formulario",
                "parameters": task_id,
                "requestBody": {
                    "required": True,
                    "content": {"application/json": {"schema": _ref("TaskCompletion")}},
                },
                "responses": {
                    "200": _ok("Task"),
                    "409": _problem("La tarea ya no está abierta"),
                    "422": _problem("Datos inválidos, con errores por campo"),
                    **auth_errors,
                },
            }
        },
        "/api/v1/cases/{folio}/documents": {
            "get": {
                "summary": "Cartas del caso",
                "parameters": [_path("folio")],
                "responses": {"200": {"description": "OK"}, **auth_errors},
            },
            "post": {
                "summary": "Generar (o regenerar) una carta",
                "parameters": [_path("folio")],
                "requestBody": {
                    "required": True,
                    "content": {
                        "application/json": {
                            "schema": {
                                "type": "object",
                                "required": ["letter"],
                                "properties": {"letter": {"type": "string", "minLength": 1}},
                            }
                        }
                    },
                },
                "responses": {"201": {"description": "Carta generada"}, **auth_errors},
            },
        },
        "/api/v1/documents/{doc_id}.{kind}": {
            "get": {
                "summary": "Descargar una carta (.docx o .pdf)",
                "parameters": [
                    _path("doc_id", _ID),
                    {
                        "name": "kind",
                        "in": "path",
                        "required": True,
                        "schema": {"type": "string", "enum": ["docx", "pdf"]},
                    },
                ],
                "responses": {"200": {"description": "El archivo"}, **auth_errors},
            }
        },
        "/api/v1/documents/{doc_id}/send": {
            "post": {
                "summary": "Enviar una carta por correo",
                "parameters": [_path("doc_id", _ID)],
                "requestBody": {
                    "required": True,
                    "content": {
                        "application/json": {
                            "schema": {
                                "type": "object",
                                "required": ["to"],
                                "properties": {
                                    "to": {
                                        "type": "array",
                                        "minItems": 1,
                                        "items": {"type": "string", "format": "email"},
                                    }
                                },
                            }
                        }
                    },
                },
                "responses": {
                    "200": {"description": "Enviada"},
                    "422": _problem("Destinatarios inválidos, o rechazados por el servidor de correo"),
                    "502": _problem("El servidor de correo no está disponible o falló: no se envió"),
                    **auth_errors,
                },
            }
        },
        "/api/v1/cases/{folio}/transfer": {
            "post": {
                "summary": "Traspasar el caso (plataforma, región o funcionario/a) con un motivo",
                "parameters": [_path("folio")],
                "requestBody": {
                    "required": True,
                    "content": {
                        "application/json": {
                            "schema": {
                                "type": "object",
                                "required": ["reason"],
                                "properties": {"reason": _STR, "to_platform": _STR, "to_user": _STR},
                            }
                        }
                    },
                },
                "responses": {"200": _ok("CaseSummary"), "422": _problem("Traspaso inválido"), **auth_errors},
            }
        },
        "/api/v1/cases/{folio}/attachments": {
            "get": {
                "summary": "Adjuntos del caso",
                "parameters": [_path("folio")],
                "responses": {"200": {"description": "OK"}, **auth_errors},
            },
            "post": {
                "summary": "Subir un adjunto (multipart, campo 'file')",
                "parameters": [_path("folio")],
                "requestBody": _UPLOAD,
                "responses": {
                    "201": {"description": "Adjunto guardado; use su id en los datos de una tarea"},
                    "422": _problem("Archivo no permitido"),
                    **auth_errors,
                },
            },
        },
        "/api/v1/attachments/{attachment_id}": {
            "get": {
                "summary": "Descargar un adjunto",
                "parameters": [_path("attachment_id", _ID)],
                "responses": {"200": {"description": "El archivo"}, **auth_errors},
            }
        },
        "/api/v1/notifications": {
            "get": {"summary": "Mis avisos", "responses": {"200": {"description": "OK"}, **auth_errors}}
        },
        "/api/v1/notifications/read": {
            "post": {
                "summary": "Marcar mis avisos como leídos",
                "responses": {"200": {"description": "OK"}, **auth_errors},
            }
        },
        "/api/v1/status": {
            "get": {
                "summary": "Estado de su caso (público)",
                "security": [],
                "parameters": [
                    {"name": "folio", "in": "query", "required": True, "schema": _TEXT},
                    {"name": "rut", "in": "query", "required": True, "schema": _TEXT},
                ],
                "responses": {
                    "200": _ok("PublicStatus"),
                    "404": _problem("Folio y RUT no coinciden"),
                    "429": _problem("Demasiadas consultas"),
                },
            }
        },
    }


@cache
def document() -> dict[str, Any]:
    """The whole OpenAPI 3.1 document."""
    return {
        "openapi": "3.1.0",
        "info": {
            "title": "Ventanilla API",
            "version": "1.0.0",
            "description": "API de la ventanilla única de atención de consumidores.",
        },
        "servers": [{"url": "/"}],
        "security": [{"bearer": []}],
        "components": {
            "securitySchemes": {"bearer": {"type": "http", "scheme": "bearer"}},
            "schemas": {**_schemas(), **openapi_provider.schemas(), **openapi_derivations.schemas()},
        },
        "paths": {
            **_with_channel_header(_paths()),
            **openapi_provider.paths(),
            **openapi_derivations.paths(),
            **openapi_workbench.paths(),
        },
    }
