"""The territorial network: the platform registry, staff accounts managed by platform administrators, the
audit log of their actions, back-entry of manual platforms' cases and the import of legacy cases."""
