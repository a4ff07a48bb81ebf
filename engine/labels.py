"""Spanish labels for the codes the API and the database use (SPEC §2 glossary)."""

from __future__ import annotations

from collections.abc import Mapping

KINDS: Mapping[str, str] = {"inquiry": "consulta", "complaint": "reclamo", "out_of_scope": "no consumo"}
CHANNELS: Mapping[str, str] = {
    "in_person": "presencial",
    "web": "internet",
    "phone": "telefónico",
    "written": "escrito",
    "mailbox": "buzón",
}
STAGES: Mapping[str, str] = {
    "ingreso": "ingreso",
    "consulta": "consulta",
    "reclamo": "reclamo",
    "judicial": "etapa judicial",
    "no_consumo": "no consumo",
    "derivacion": "derivación",
    "cerrado": "cerrado",
}
STATUSES: Mapping[str, str] = {"open": "en trámite", "pending_approval": "en visación", "closed": "cerrado"}


def label(table: Mapping[str, str], code: str | None) -> str:
    """The Spanish label of a code, or the code itself when unknown."""
    if code is None:
        return ""
    return table.get(code, code)
