"""Which staff roles open which pages (the engine checks the same again on every write)."""

from __future__ import annotations

REGISTRY_EDITORS = ("integrador", "admin_plataformas")  # the agency and provider registries
INCIDENT_ROLES = ("supervisor", "abogado", "integrador", "admin_plataformas")  # derivation incidents
APPROVERS = ("supervisor", "abogado")  # the visación queue
INTAKE_ROLES = ("ejecutivo", "supervisor", "abogado")  # new cases from a staff channel
CASE_HANDLERS = ("ejecutivo", "supervisor", "abogado")  # cancel or redirect a case's derivation
# The call center's knowledge base: who reads it, who edits it, who reads its report, who uses it on a case.
KNOWLEDGE_READERS = (
    "ejecutivo",
    "supervisor",
    "abogado",
    "analista",
    "nivel_central",
    "director_regional",
    "admin_plataformas",
)
KNOWLEDGE_EDITORS = ("supervisor", "analista")
KNOWLEDGE_REPORTS = ("supervisor", "analista", "nivel_central", "director_regional")
KNOWLEDGE_USERS = ("ejecutivo", "supervisor", "abogado")
NETWORK_READERS = ("admin_plataformas", "nivel_central")  # platforms, staff accounts, audit (central: read)
NETWORK_ADMINS = ("admin_plataformas",)  # manage their region's platforms, accounts and back-entry
