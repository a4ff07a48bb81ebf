"""One typed error hierarchy for the engine; web/errors.py maps it to HTTP in one place."""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from typing import Any


@dataclass(frozen=True)
class FieldError:
    """One problem with one submitted field (dotted path, e.g. ``consumer.rut``)."""

    field: str
    message: str


@dataclass(frozen=True)
class ContentProblem:
    """One problem in a content file: printed as ``FILE: ELEMENT_ID: message``."""

    file: str
    element: str
    message: str

    def __str__(self) -> str:
        return f"{self.file}: {self.element or '-'}: {self.message}"


class EngineError(Exception):
    """Base of every error the engine raises on purpose."""

    status = 400
    type = "about:blank"
    title = "Solicitud inválida"

    def __init__(self, detail: str = "") -> None:
        super().__init__(detail or self.title)
        self.detail = detail or self.title

    def extensions(self) -> dict[str, Any]:
        """Extra members of its problem+json (RFC 9457 extension members); none by default."""
        return {}


class InputRefused(EngineError):
    """Input no part of the platform can take: text with the NUL character, JSON nested too deeply, an
    unknown channel (see engine/inputs.py). Nothing was read or written."""

    status = 400
    type = "/problems/input-refused"
    title = "Solicitud no admitida"


class NotFound(EngineError):
    status = 404
    type = "/problems/not-found"
    title = "No encontrado"


class CaseNotFound(NotFound):
    type = "/problems/case-not-found"
    title = "Caso no encontrado"


class TaskNotFound(NotFound):
    type = "/problems/task-not-found"
    title = "Tarea no encontrada"


class Conflict(EngineError):
    """Another writer changed the case first; the caller's action was not applied."""

    status = 409
    type = "/problems/conflict"
    title = "Conflicto: el caso fue modificado por otra acción"


class PublishRace(EngineError):
    """Two publishes started from the same latest version: the second landed on nothing and is refused."""

    status = 409
    type = "/problems/publish-race"
    title = "Otra publicación llegó primero"


class TaskNotReady(Conflict):
    type = "/problems/task-not-open"
    title = "La tarea ya no está abierta"


class Forbidden(EngineError):
    status = 403
    type = "/problems/forbidden"
    title = "No autorizado para esta acción"


class Unauthenticated(EngineError):
    status = 401
    type = "/problems/unauthenticated"
    title = "Se requiere autenticación"


class FormInvalid(EngineError):
    """Submitted data does not satisfy the form's JSON Schema."""

    status = 422
    type = "/problems/form-invalid"
    title = "Los datos del formulario no son válidos"

    def __init__(self, errors: Sequence[FieldError], detail: str = "") -> None:
        self.errors = list(errors)
        fields = ", ".join(e.field for e in self.errors)
        super().__init__(detail or f"Revise los campos: {fields}")


class InvalidContent(EngineError):
    """A process, form or letter template was refused; each problem names file and element."""

    status = 422
    type = "/problems/invalid-content"
    title = "Contenido inválido"

    def __init__(self, problems: Sequence[ContentProblem]) -> None:
        self.problems = list(problems)
        super().__init__("; ".join(str(p) for p in self.problems[:20]))


class ExpressionRefused(EngineError):
    """A BPMN script or expression uses something the sandbox does not allow."""

    status = 422
    type = "/problems/expression-refused"
    title = "Expresión no permitida"


class ScriptFailed(EngineError):
    """A BPMN script or expression raised while running, or ran out of time (a content defect the analyst
    fixes; the step was not applied)."""

    status = 422
    type = "/problems/script-failed"
    title = "Falló un script del proceso"


class NoPublishedVersion(EngineError):
    status = 503
    type = "/problems/no-published-version"
    title = "No hay una versión publicada de los procesos"


class RateLimited(EngineError):
    status = 429
    type = "/problems/rate-limited"
    title = "Demasiadas solicitudes; intente más tarde"
