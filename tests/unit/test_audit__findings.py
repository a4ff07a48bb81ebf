"""The dependency audit (scripts/audit.py) reads pip-audit's and npm's JSON: a vulnerability with a fix fails
`make test`, one without a fix is listed, an npm error (registry down) is "not audited", never "clean"."""

from __future__ import annotations

import importlib.util
import sys
from pathlib import Path
from types import ModuleType

import pytest

ROOT = Path(__file__).resolve().parents[2]


def _audit() -> ModuleType:
    spec = importlib.util.spec_from_file_location("audit", ROOT / "scripts" / "audit.py")
    assert spec and spec.loader
    module = importlib.util.module_from_spec(spec)
    sys.modules["audit"] = module  # dataclasses look their module up while the class is made
    spec.loader.exec_module(module)
    return module


def test_pip_audit_findings_tell_fixable_from_unfixed() -> None:
    audit = _audit()
    document = {
        "dependencies": [
            {"name": "jinja2", "version": "3.1.2", "vulns": [{"id": "GHSA-h5c8", "fix_versions": ["3.1.3"]}]},
            {"name": "ecdsa", "version": "0.19.0", "vulns": [{"id": "PYSEC-2024-1", "fix_versions": []}]},
            {"name": "flask", "version": "3.1.0", "vulns": []},
        ]
    }
    found = audit.pip_findings(document)
    assert [(f.package, f.fixed_in) for f in found] == [("jinja2", "3.1.3"), ("ecdsa", "")]


def test_npm_findings_and_an_unreachable_registry() -> None:
    audit = _audit()
    report = {
        "vulnerabilities": {
            "bootstrap": {"range": "<5.3.3", "fixAvailable": True, "via": [{"url": "https://ghsa/1"}]},
            "htmx.org": {"range": "<2.0.1", "fixAvailable": False, "via": ["otro"]},
        }
    }
    assert [(f.package, f.fixed_in) for f in audit.npm_findings(report)] == [
        ("bootstrap", "sí"),
        ("htmx.org", ""),
    ]
    with pytest.raises(audit.Unavailable, match="405"):
        audit.npm_findings(
            {"message": "405 Method Not Allowed - POST https://registry.npmjs.org/-/npm/v1/security"}
        )


def test_a_registry_without_an_audit_service_is_skipped_but_an_outage_is_not(
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    """A GET-only mirror answers 405 to the audit request: nothing to retry: skipped, in CI too."""
    audit = _audit()
    refused = {"message": "405 Method Not Allowed - POST https://registry.npmjs.org/-/npm/v1/security"}
    monkeypatch.setattr(audit, "_run", lambda args, timeout: refused)
    with pytest.raises(audit.NotOffered):
        audit.audit_npm()
    monkeypatch.setattr(audit, "_run", lambda args, timeout: {"message": "ETIMEDOUT request to registry"})
    with pytest.raises(audit.Unavailable):
        audit.audit_npm()
