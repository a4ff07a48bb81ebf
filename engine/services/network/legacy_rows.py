"""One row of the old system's export as a case: the column mapping (docs/network.md) and its checks. Pure."""

from __future__ import annotations

import functools
from collections.abc import Mapping
from dataclasses import dataclass
from datetime import datetime

from ... import deadlines, refdata, rut
from ...clock import CHILE
from .sheets import column_key, local_instant

COLUMNS = (
    *("caso_numero", "caso_creacion_fecha", "caso_cierre_fecha", "estado_caso_nombre", "cierre_corto"),
    *("motivo_legal_descripcion", "categoria_motivo_legal", "proveedor_mercado_nombre", "proveedor_rut"),
    *("proveedor_nombre_fantasia", "consumidor_comuna", "reclamo_descripcion"),
)
CLOSED_STATES = frozenset({"cerrado", "finalizado", "terminado", "archivado", "cerrado_con_respuesta"})
_COMUNAS = {column_key(c.name): c for c in refdata.comunas().values()}


@dataclass(frozen=True)
class LegacyCase:
    number: str
    opened_at: datetime
    closed_at: datetime | None
    state: str
    outcome: str | None
    kind: str  # inquiry when the old system closed it as an answered consulta, else complaint
    comuna_code: str
    region_code: str
    provider_rut: str | None
    provider_name: str
    market: str
    motive: str
    category: str
    description: str

    @property
    def closed(self) -> bool:
        return self.closed_at is not None

    @property
    def classification(self) -> dict[str, str]:
        """Mercado → motivo legal → categoría as the old system had them (kept in the case's data)."""
        return {"market": self.market, "motive": self.motive, "category": self.category}


def instant(text: str) -> datetime | None:
    """A date or date-time of the export (Chilean local time; a day alone at noon)."""
    text = text.strip()
    if len(text) == 19 and text[4] == "-":  # the export's own format, read fast (AAAA-MM-DD HH:MM:SS)
        try:
            return datetime.fromisoformat(text).replace(tzinfo=CHILE)
        except ValueError:
            pass
    return local_instant(text)


@functools.lru_cache(maxsize=4096)  # an export names the same companies over and over
def _provider_rut(text: str) -> str | None:
    try:
        return rut.normalize(text) if text.strip() else None
    except ValueError:
        return None


def parse(row: Mapping[str, str], now: datetime) -> LegacyCase | list[str]:
    """The case a row describes, or its problems, one per column ("columna: mensaje")."""
    problems = []
    number = row.get("caso_numero", "").strip()
    if not number or len(number) > 40:
        problems.append("caso_numero: falta o tiene más de 40 caracteres")
    opened = instant(row.get("caso_creacion_fecha", ""))
    if opened is None or opened > now:
        problems.append("caso_creacion_fecha: fecha inválida o futura (AAAA-MM-DD HH:MM:SS)")
    closed_text = row.get("caso_cierre_fecha", "").strip()
    closed = instant(closed_text) if closed_text else None
    if closed_text and (closed is None or (opened is not None and closed < opened)):
        problems.append("caso_cierre_fecha: fecha inválida o anterior a la creación")
    state = row.get("estado_caso_nombre", "").strip()
    if closed is None and column_key(state) in CLOSED_STATES:
        problems.append("caso_cierre_fecha: un caso cerrado necesita su fecha de cierre")
    comuna = _COMUNAS.get(column_key(row.get("consumidor_comuna", "")))
    if comuna is None:
        problems.append("consumidor_comuna: comuna desconocida")
    if problems or opened is None or comuna is None:
        return problems
    outcome = row.get("cierre_corto", "").strip().upper() or None
    return LegacyCase(
        number=number,
        opened_at=opened,
        closed_at=closed,
        state=state,
        outcome=outcome if closed else None,
        kind="inquiry"
        if outcome == "CONSULTA RESPONDIDA" or "consulta" in column_key(state)
        else "complaint",
        comuna_code=comuna.code,
        region_code=comuna.region_code,
        provider_rut=_provider_rut(row.get("proveedor_rut", "")),
        provider_name=row.get("proveedor_nombre_fantasia", "").strip()[:160],
        market=row.get("proveedor_mercado_nombre", "").strip()[:60],
        motive=row.get("motivo_legal_descripcion", "").strip()[:200],
        category=row.get("categoria_motivo_legal", "").strip()[:200],
        description=row.get("reclamo_descripcion", "").strip()[:20000],
    )


def history_row(
    case: LegacyCase, case_id: int, codes: tuple[str | None, str | None, str | None] = (None, None, None)
) -> dict[str, object]:
    """The cases row of a closed legacy case: read-only history, no process, its old number kept; ``codes``:
    its mercado, motivo and categoría in the published classification, where the old texts name them."""
    closed = case.closed_at or case.opened_at
    return {
        "id": case_id,
        "folio": f"{case.opened_at.year}-{case_id:06d}",
        "kind": case.kind,
        "stage": "cerrado",
        "status": "closed",
        "channel": "in_person",
        "platform_code": f"DR{case.region_code}",
        "region_code": case.region_code,
        "comuna_code": case.comuna_code,
        "consumer_name": "",
        "provider_rut": case.provider_rut,
        "provider_name": case.provider_name or None,
        "subject": case.motive,
        "market": codes[0],
        "motive": codes[1],
        "category": codes[2],
        "description": case.description,
        "opened_at": case.opened_at,
        "opened_on": deadlines.local_date(case.opened_at),
        "closed_at": closed,
        "outcome": case.outcome,
        "opened_by": "sistema_anterior",
        "legacy_ref": case.number,
    }
