"""OpenAPI paths of the workbench API (issue 6), merged into web/openapi.py's document."""

from __future__ import annotations

from typing import Any

from engine.inputs import MAX_ID

_STR = {"type": "string"}
_VERSION = {"minimum": 1, "maximum": MAX_ID}  # a version number (the id of its row)
_TEXT = {"type": "string", "pattern": r"\S"}  # trimmed by the endpoint: something besides white space
_PROBLEMS = {
    "type": "array",
    "items": {
        "type": "object",
        "properties": {"file": _STR, "element": {"type": ["string", "null"]}, "message": _STR},
    },
}
_VALIDATION = {"type": "object", "properties": {"ok": {"type": "boolean"}, "problems": _PROBLEMS}}
_CHANGES = {
    "type": "object",
    "properties": {
        "files": {"type": "object", "description": "added / removed / changed: rutas de archivo"},
        "elements": {"type": "object", "description": "por proceso: added / removed / changed (ids BPMN)"},
    },
}
_PUBLISHED = {"type": "object", "properties": {"version": {"type": "integer"}, "changes": _CHANGES}}
_WB = "/api/v1/workbench"
_FILE_FIELD = {
    "type": "object",
    "required": ["file"],
    "properties": {"file": {"type": "string", "format": "binary"}},
}


def _problem(description: str) -> dict[str, Any]:
    return {
        "description": description,
        "content": {"application/problem+json": {"schema": {"$ref": "#/components/schemas/Problem"}}},
    }


def _json(schema: dict[str, Any], description: str = "OK") -> dict[str, Any]:
    return {"description": description, "content": {"application/json": {"schema": schema}}}


def _body(schema: dict[str, Any]) -> dict[str, Any]:
    return {"required": True, "content": {"application/json": {"schema": schema}}}


def _path(name: str, schema: dict[str, Any] | None = None) -> dict[str, Any]:
    return {"name": name, "in": "path", "required": True, "schema": schema or _STR}


AUTH = {
    "401": _problem("Sin token ni sesión"),
    "403": _problem("Solo analistas de procesos e integradores"),
}
FILE_PATH = _path(
    "path", {"type": "string", "description": "processes/x.bpmn, forms/x.json o letter_templates/x.docx"}
)


def _draft_paths() -> dict[str, Any]:
    return {
        f"{_WB}/catalog": {
            "get": {
                "summary": "Formularios, cartas, procesos, roles, funciones del sandbox y fuentes de "
                "opciones del borrador",
                "responses": {"200": _json({"type": "object"}), **AUTH},
            }
        },
        f"{_WB}/draft": {
            "get": {
                "summary": "Mi borrador: versión base, archivos y cuáles cambiaron",
                "responses": {"200": _json({"type": "object"}), **AUTH},
            }
        },
        f"{_WB}/draft/files/{{path}}": {
            "get": {
                "summary": "Un archivo del borrador (XML, JSON o .docx)",
                "parameters": [FILE_PATH],
                "responses": {"200": {"description": "El archivo"}, "404": _problem("No existe"), **AUTH},
            },
            "put": {
                "summary": "Guardar un archivo en el borrador (el cuerpo es el archivo); valida el borrador",
                "parameters": [FILE_PATH],
                "requestBody": {"required": True, "content": {"application/octet-stream": {}}},
                "responses": {
                    "200": _json(_VALIDATION, "Guardado, con los problemas del borrador"),
                    "422": _problem("Archivo hostil o ilegible: no se guardó"),
                    **AUTH,
                },
            },
            "delete": {
                "summary": "Quitar un archivo del borrador",
                "parameters": [FILE_PATH],
                "responses": {"200": _json(_VALIDATION), "404": _problem("No existe"), **AUTH},
            },
        },
        f"{_WB}/draft/reset": {
            "post": {
                "summary": "Descartar el borrador: copia de una versión (por defecto la última)",
                "requestBody": _body(
                    {"type": "object", "properties": {"version": {"type": ["integer", "null"], **_VERSION}}}
                ),
                "responses": {
                    "200": _json({"type": "object"}),
                    "404": _problem("Versión inexistente"),
                    **AUTH,
                },
            }
        },
        f"{_WB}/draft/validate": {
            "post": {
                "summary": "Validar todo el borrador (el mismo validador que 'ventanilla validate')",
                "responses": {"200": _json(_VALIDATION), **AUTH},
            }
        },
        f"{_WB}/publish": {
            "post": {
                "summary": "Publicar el borrador como versión nueva con una nota",
                "requestBody": _body(
                    {
                        "type": "object",
                        "required": ["note"],
                        "properties": {"note": _TEXT, "replace_newer": {"type": "boolean", "default": False}},
                    }
                ),
                "responses": {
                    "201": _json(_PUBLISHED),
                    "409": _problem(
                        "El borrador es idéntico a una versión existente, o se publicó una versión más nueva "
                        "después de abrirlo (repita con replace_newer=true para reemplazarla)"
                    ),
                    "422": _problem("Contenido inválido: nada se publicó (lista 'problems')"),
                    **AUTH,
                },
            }
        },
    }


def _version_paths() -> dict[str, Any]:
    return {
        f"{_WB}/versions": {
            "get": {
                "summary": "Versiones publicadas: quién, cuándo, nota, cambios y casos abiertos",
                "responses": {"200": _json({"type": "array", "items": {"type": "object"}}), **AUTH},
            }
        },
        f"{_WB}/versions/{{version_id}}/export": {
            "get": {
                "summary": "Exportar una versión como zip de processes/, forms/ y letter_templates/",
                "parameters": [_path("version_id", {"type": "integer", "minimum": 0, "maximum": MAX_ID})],
                "responses": {
                    "200": {"description": "El zip", "content": {"application/zip": {}}},
                    "404": _problem("Versión inexistente"),
                    **AUTH,
                },
            }
        },
        f"{_WB}/import": {
            "post": {
                "summary": "Importar un zip de contenido en mi borrador (reemplaza su contenido)",
                "requestBody": {
                    "required": True,
                    "content": {"multipart/form-data": {"schema": _FILE_FIELD}},
                },
                "responses": {
                    "200": _json(_VALIDATION),
                    "422": _problem("Zip rechazado (rutas, enlaces, tamaños o archivos no permitidos)"),
                    **AUTH,
                },
            }
        },
    }


_MIGRATION = {
    "type": "object",
    "required": ["from", "to"],
    "properties": {
        "from": {"type": "integer", **_VERSION},
        "to": {"type": "integer", **_VERSION},
        "dry_run": {"type": "boolean", "default": True},
        "folios": {"type": "array", "items": _STR},
    },
}
_VERDICTS = {
    "type": "object",
    "properties": {
        "verdicts": {
            "type": "array",
            "items": {
                "type": "object",
                "properties": {
                    "folio": _STR,
                    "safe": {"type": "boolean"},
                    "reason": {"type": ["string", "null"]},
                },
            },
        },
        "migrated": {"type": "integer"},
    },
}


def _migration_paths() -> dict[str, Any]:
    return {
        f"{_WB}/migrations": {
            "post": {
                "summary": "Migrar casos abiertos entre versiones (simulación por defecto)",
                "requestBody": _body(_MIGRATION),
                "responses": {
                    "200": _json(_VERDICTS),
                    "404": _problem("Versión inexistente"),
                    "422": _problem("Versiones iguales"),
                    **AUTH,
                },
            }
        }
    }


_FORM_ID = [_path("form_id")]
_SCHEMA = {"type": "object", "description": "JSON Schema (por defecto, el del borrador)"}


def _tool_paths() -> dict[str, Any]:
    return {
        f"{_WB}/forms/{{form_id}}/try": {
            "post": {
                "summary": "Probar datos de ejemplo contra un formulario",
                "parameters": _FORM_ID,
                "requestBody": _body(
                    {"type": "object", "properties": {"data": {"type": "object"}, "schema": _SCHEMA}}
                ),
                "responses": {
                    "200": _json(
                        {
                            "type": "object",
                            "properties": {"valid": {"type": "boolean"}, "errors": {"type": "array"}},
                        }
                    ),
                    "422": _problem("El JSON Schema no es válido"),
                    **AUTH,
                },
            }
        },
        f"{_WB}/forms/{{form_id}}/preview": {
            "post": {
                "summary": "Vista previa HTML del formulario",
                "parameters": _FORM_ID,
                "requestBody": _body({"type": "object", "properties": {"schema": _SCHEMA}}),
                "responses": {
                    "200": {"description": "Fragmento HTML", "content": {"text/html": {}}},
                    "422": _problem("El JSON Schema no es válido"),
                    **AUTH,
                },
            }
        },
        f"{_WB}/templates/inspect": {
            "post": {
                "summary": "Marcadores de una plantilla .docx (campo 'file', o ?id=<carta del borrador>)",
                "parameters": [{"name": "id", "in": "query", "schema": {"type": "string", "minLength": 1}}],
                "requestBody": {
                    "required": False,
                    "content": {"multipart/form-data": {"schema": _FILE_FIELD}},
                },
                "responses": {
                    "200": _json(
                        {
                            "type": "object",
                            "properties": {"placeholders": {"type": "array"}, "unknown": {"type": "array"}},
                        }
                    ),
                    "422": _problem("No es una plantilla .docx válida"),
                    **AUTH,
                },
            }
        },
        f"{_WB}/templates/{{letter_id}}/preview": {
            "get": {
                "summary": "La plantilla del borrador completada con los datos de un caso (.docx)",
                "parameters": [
                    _path("letter_id"),
                    {"name": "folio", "in": "query", "required": True, "schema": _TEXT},
                ],
                "responses": {
                    "200": {"description": "La carta de prueba (.docx)"},
                    "404": _problem("No existe la plantilla o el caso"),
                    "422": _problem("La plantilla no se pudo completar con los datos del caso"),
                    **AUTH,
                },
            }
        },
    }


def paths() -> dict[str, Any]:
    """Every workbench path."""
    return {**_draft_paths(), **_version_paths(), **_migration_paths(), **_tool_paths()}
