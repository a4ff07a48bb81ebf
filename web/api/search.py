"""API v1 case search: GET /api/v1/cases with the same filters as /casos, within the token's scope."""

from __future__ import annotations

from datetime import date
from typing import Annotated

from flask import Response
from pydantic import Field
from typing_extensions import TypedDict

from engine.access import Actor
from engine.deadlines import local_date
from engine.labels import STAGES, STATUSES
from engine.services.monitoring.filters import CaseFilter, parse_filter
from engine.services.monitoring.search import SORTS, CaseRow, search_cases

from .. import context
from .common import DIGITS, STAFF, Channel, Kind, bp, json_response
from .contract import Labels, Query, Refusal, operation


class CaseQuery(Query):
    """The filters of the case search (every one optional; words are accent-insensitive)."""

    refusal = "revise los filtros de la búsqueda"
    folio: str | None = None
    rut: Annotated[str | None, Field(description="RUT del consumidor, con dígito verificador")] = None
    name: Annotated[str | None, Field(description="palabras del nombre del consumidor")] = None
    company: Annotated[str | None, Field(description="RUT o palabras del nombre de la empresa")] = None
    text: Annotated[str | None, Field(description="palabras de la materia o la descripción")] = None
    kind: Kind | None = None
    stage: Annotated[str | None, Labels("Stage", STAGES)] = None
    status: Annotated[str | None, Labels("Status", STATUSES)] = None
    state: Annotated[str | None, Labels("CaseState", ("abiertos", "cerrados"))] = None
    due: Annotated[str | None, Labels("DueState", ("en_plazo", "por_vencer", "fuera_de_plazo"))] = None
    outcome: str | None = None
    channel: Channel | None = None
    platform: str | None = None
    region: str | None = None
    comuna: str | None = None
    subject: str | None = None
    provider: Annotated[str | None, Field(description="RUT exacto de la empresa")] = None
    agency: Annotated[str | None, Field(description="código de la institución a la que se derivó")] = None
    opened_from: date | None = None
    opened_to: date | None = None
    closed_from: date | None = None
    closed_to: date | None = None
    sort: Annotated[str, Labels("CaseSort", SORTS)] = "recientes"
    after: Annotated[str | None, Field(description="el cursor next_after de la página anterior")] = None
    limit: Annotated[
        int, Field(ge=1, le=200), DIGITS, Refusal("'limit' debe ser un entero entre 1 y 200")
    ] = 25

    def case_filter(self) -> CaseFilter:
        """The engine's filter (RUTs checked and made canonical; FilterInvalid names the field)."""
        raw = self.model_dump(exclude={"sort", "after", "limit"}, exclude_none=True)
        return parse_filter({k: v.isoformat() if isinstance(v, date) else str(v) for k, v in raw.items()})


class CaseList(TypedDict):
    cases: list[CaseRow]
    total: int
    next_after: str | None


@bp.get("/v1/cases")
@operation(
    "Buscar casos abiertos y cerrados a su alcance",
    {200: CaseList, 400: "Solicitud mal formada", 422: "Filtro inválido (el detalle nombra el campo)"},
    auth=STAFF,
    query=CaseQuery,
)
def search(actor: Actor, query: CaseQuery) -> Response:
    f = query.case_filter()
    with context.system().db.reading() as s:
        page = search_cases(
            s, actor, f, local_date(context.now()), sort=query.sort, after=query.after, limit=query.limit
        )
    return json_response(CaseList(cases=page.rows, total=page.total, next_after=page.next_after))
