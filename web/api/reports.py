"""API v1 reports: the Cuadro de Monitoreo's indicators as JSON, XLSX or CSV, for the roles that see it."""

from __future__ import annotations

from datetime import date
from typing import Annotated

from flask import Response, send_file
from pydantic import Field

from engine.access import Actor
from engine.deadlines import local_date
from engine.errors import Forbidden
from engine.services.monitoring import exports, indicators
from engine.services.monitoring.filters import CaseFilter, parse_filter
from engine.services.monitoring.periods import Period, between, current_year, parse_period
from engine.services.monitoring.writers import CSV_MIME, XLSX_MIME

from .. import context
from ..staff.reportargs import MONITOR_ROLES
from .common import STAFF, Channel, Kind, bp, json_response, staff_actor
from .contract import Auth, Query, Reply, operation


def monitor_actor() -> Actor:
    """The token's owner, if their role reads the Cuadro de Monitoreo (else 403)."""
    actor = staff_actor()
    if actor.role not in MONITOR_ROLES:
        raise Forbidden("su rol no tiene acceso a los indicadores")
    return actor


MONITOR = Auth(
    monitor_actor, {401: "Sin token o token inválido", 403: "Rol sin acceso"}, headers=STAFF.headers
)


class IndicatorQuery(Query):
    """The period (a code, or two dates; this year by default) and the dashboard's filters."""

    refusal = "revise el período o los filtros"
    period: Annotated[
        str | None,
        Field(pattern=r"^\d{4}(-(\d{2}|T[1-4]|S[12]))?$", description="2024, 2024-09, 2024-T3 o 2024-S2"),
    ] = None
    opened_from: date | None = None
    opened_to: date | None = None
    region: str | None = None
    comuna: str | None = None
    platform: str | None = None
    channel: Channel | None = None
    kind: Kind | None = None
    subject: str | None = None
    company: Annotated[str | None, Field(description="RUT o palabras del nombre de la empresa")] = None
    table: Annotated[str | None, Field(description="solo esta tabla (xlsx, csv), p. ej. kind")] = None

    def parsed(self, today: date) -> tuple[CaseFilter, Period]:
        """The engine's filter and period (FilterInvalid names the field)."""
        raw = self.model_dump(exclude={"period", "table", "opened_from", "opened_to"}, exclude_none=True)
        found = parse_filter({k: str(v) for k, v in raw.items()})
        if self.period:
            return found, parse_period(self.period)
        if self.opened_from or self.opened_to:
            return found, between(self.opened_from or date(2000, 1, 1), self.opened_to or today)
        return found, current_year(today)


@bp.get("/v1/reports/indicators")
@operation(
    "Indicadores del Cuadro de Monitoreo (casos ingresados en el período, a su alcance)",
    {200: indicators.Dashboard, 400: "Solicitud mal formada", 422: "Período o filtro inválido"},
    auth=MONITOR,
    query=IndicatorQuery,
)
def indicators_json(actor: Actor, query: IndicatorQuery) -> Response:
    today = local_date(context.now())
    f, period = query.parsed(today)
    with context.system().db.reading() as s:
        return json_response(indicators.dashboard(s, actor, f, period, today, context.system().store))


def _file(actor: Actor, query: IndicatorQuery, fmt: str) -> Response:
    today, now = local_date(context.now()), context.now()
    f, period = query.parsed(today)
    with context.system().db.writing() as s:
        body = exports.dashboard_file(
            s, actor, f, period, today, now, fmt, query.table, context.system().store
        )
    mime = XLSX_MIME if fmt == "xlsx" else CSV_MIME
    return send_file(body, mimetype=mime, as_attachment=True, download_name=f"indicadores.{fmt}")


@bp.get("/v1/reports/indicators.xlsx")
@operation(
    "Indicadores en Excel (una hoja por tabla)",
    {
        200: Reply("Libro XLSX", media=XLSX_MIME),
        400: "Solicitud mal formada",
        422: "Período o filtro inválido",
    },
    auth=MONITOR,
    query=IndicatorQuery,
)
def indicators_xlsx(actor: Actor, query: IndicatorQuery) -> Response:
    return _file(actor, query, "xlsx")


@bp.get("/v1/reports/indicators.csv")
@operation(
    "Indicadores en CSV (UTF-8 con BOM)",
    {200: Reply("CSV", media="text/csv"), 400: "Solicitud mal formada", 422: "Período o filtro inválido"},
    auth=MONITOR,
    query=IndicatorQuery,
)
def indicators_csv(actor: Actor, query: IndicatorQuery) -> Response:
    return _file(actor, query, "csv")
