"""The call center's knowledge base (SPEC §7): articles with history, Spanish full-text search, uses on
cases, reports, and CSV import/export."""
