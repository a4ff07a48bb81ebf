"""Which staff roles open which pages (the engine checks the same again on every write)."""

from __future__ import annotations

REGISTRY_EDITORS = ("integrador", "admin_plataformas")  # the agency and provider registries
INCIDENT_ROLES = ("supervisor", "abogado", "integrador", "admin_plataformas")  # derivation incidents
APPROVERS = ("supervisor", "abogado")  # the visación queue
INTAKE_ROLES = ("ejecutivo", "supervisor", "abogado")  # new cases from a staff channel
NETWORK_READERS = ("admin_plataformas", "nivel_central")  # platforms, staff accounts, audit (central: read)
NETWORK_ADMINS = ("admin_plataformas",)  # manage their region's platforms, accounts and back-entry
