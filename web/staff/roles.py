"""Which staff roles open which pages (the engine checks the same again on every write)."""

from __future__ import annotations

REGISTRY_EDITORS = ("integrador", "admin_plataformas")  # the agency and provider registries
# Derivation incidents: the page answers as the API does (engine: derivation_outbox.INCIDENT_VIEWERS).
INCIDENT_ROLES = ("supervisor", "abogado", "integrador", "admin_plataformas", "nivel_central")
INCIDENT_RETRIERS = ("supervisor", "abogado", "integrador", "admin_plataformas")  # "reintentar ahora"
APPROVERS = ("supervisor", "abogado")  # the visación queue
INTAKE_ROLES = ("ejecutivo", "supervisor", "abogado")  # new cases from a staff channel
