"""The Cuadro de Monitoreo (SPEC §8): case search, indicators, coverage, exports and reports. Every figure and
the search share one filter (``filters.CaseFilter``), so a number's drill-down lists exactly its cases."""
