"""Ventanilla's core: catalog, runtime, persistence and use cases. Never imports Flask."""
