"""The process analyst's workbench: drafts, versions, migration of open cases, form and letter tools."""
