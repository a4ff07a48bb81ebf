"""API v1 tasks and notifications: the staff's work queue."""

from __future__ import annotations

from typing import Annotated, Any

from flask import Response
from pydantic import Field
from typing_extensions import TypedDict

from engine.access import Actor
from engine.services import notifications, tasks

from .. import context
from .common import DIGITS, NOT_FOUND, STAFF, Flag, bp, json_response
from .contract import INVALID, Input, Query, Refusal, operation


class Page(Query):
    limit: Annotated[
        int, Field(ge=0, le=500), DIGITS, Refusal("'limit' debe ser un entero entre 0 y 500")
    ] = 100
    offset: Annotated[
        int, Field(ge=0, le=10_000_000), DIGITS, Refusal("'offset' debe ser un entero entre 0 y 10000000")
    ] = 0


class TaskList(TypedDict):
    tasks: list[tasks.TaskView]


@bp.get("/v1/tasks")
@operation("Tareas abiertas a su alcance", {200: TaskList}, auth=STAFF, query=Page)
def list_tasks(actor: Actor, query: Page) -> Response:
    with context.system().db.reading() as s:
        found = tasks.list_tasks(s, actor, limit=query.limit, offset=query.offset)
    return json_response(TaskList(tasks=found))


@bp.get("/v1/tasks/<task_id>")
@operation("Tarea con el JSON Schema de su formulario", {200: tasks.TaskDetail, 404: NOT_FOUND}, auth=STAFF)
def get_task(task_id: str, actor: Actor) -> Response:
    with context.system().db.reading() as s:
        return json_response(tasks.get_task(s, context.system().store, task_id, actor))


@bp.post("/v1/tasks/<task_id>/claim")
@operation(
    "Tomar la tarea",
    {200: tasks.TaskView, 404: NOT_FOUND, 409: "Tomada por otra persona"},
    auth=STAFF,
)
def claim_task(task_id: str, actor: Actor) -> Response:
    with context.system().db.writing() as s:
        return json_response(tasks.claim_task(s, task_id, actor, context.now()))


class Completion(Input):
    refusal = 'el cuerpo debe ser {"data": {...}} con los campos del formulario'
    data: dict[str, Any] = Field(
        description="los campos del formulario de la tarea: su JSON Schema es form_schema de GET "
        "/api/v1/tasks/{task_id} (422 con errores por campo si no lo cumplen)"
    )


@bp.post("/v1/tasks/<task_id>/complete")
@operation(
    "Completar la tarea con los datos de su formulario",
    {200: tasks.TaskView, 404: NOT_FOUND, 409: "La tarea ya no está abierta", 422: INVALID},
    auth=STAFF,
    body=Completion,
)
def complete_task(task_id: str, actor: Actor, body: Completion) -> Response:
    with context.system().db.writing() as s:
        view = tasks.complete_task(s, context.system().store, task_id, body.data, actor, context.now())
    return json_response(view)


class Unread(Query):
    unread: Flag = False


class NotificationList(TypedDict):
    notifications: list[notifications.NotificationView]


@bp.get("/v1/notifications")
@operation("Mis avisos", {200: NotificationList}, auth=STAFF, query=Unread)
def list_notifications(actor: Actor, query: Unread) -> Response:
    with context.system().db.reading() as s:
        found = notifications.list_notifications(s, actor, unread_only=query.unread)
    return json_response(NotificationList(notifications=found))


class Marked(TypedDict):
    marked: int


@bp.post("/v1/notifications/read")
@operation("Marcar mis avisos como leídos", {200: Marked}, auth=STAFF)
def read_notifications(actor: Actor) -> Response:
    with context.system().db.writing() as s:
        return json_response(Marked(marked=notifications.mark_read(s, actor, context.now())))
