"""Dependency audit for `make test`: pip-audit (the venv) and `npm audit --omit=dev` (the browser assets).

Fails (exit 1) on a known vulnerability that has a fix (upgrade it); one without a fix yet is listed, not
fatal. Each audit is bounded in time; when a registry or advisory service cannot be reached the audit did not
happen: in CI (CI=1) that fails loudly, elsewhere it is reported loudly and skipped (like sysdeps).
"""

from __future__ import annotations

import json
import os
import subprocess
import sys
from dataclasses import dataclass
from pathlib import Path
from typing import Any

ROOT = Path(__file__).resolve().parent.parent
PIP_AUDIT = Path(sys.executable).parent / "pip-audit"
PIP_TIMEOUT = 300  # seconds for the whole pip-audit run (each request has its own 30 s timeout)
NPM_TIMEOUT = 120


@dataclass(frozen=True)
class Finding:
    package: str
    version: str
    advisory: str
    fixed_in: str  # "" when no fix exists yet


class Unavailable(Exception):
    """The audit could not run (registry or advisory service down, tool failed)."""


def pip_findings(document: dict[str, Any]) -> list[Finding]:
    """Findings in pip-audit's JSON (``-f json``)."""
    found = []
    for dep in document.get("dependencies", []):
        for vuln in dep.get("vulns", []):
            fixes = ", ".join(vuln.get("fix_versions") or [])
            found.append(Finding(dep["name"], dep.get("version", "?"), vuln["id"], fixes))
    return found


def npm_findings(document: dict[str, Any]) -> list[Finding]:
    """Findings in `npm audit --json` (v7+); Unavailable when npm reports an error instead."""
    if "vulnerabilities" not in document:
        raise Unavailable(str(document.get("message") or document.get("error") or "respuesta inesperada"))
    found = []
    for name, vuln in document["vulnerabilities"].items():
        fix = vuln.get("fixAvailable")
        fixed_in = "sí" if fix is True else (fix.get("version", "sí") if isinstance(fix, dict) else "")
        advisories = [v.get("url") or v.get("title", "") for v in vuln.get("via", []) if isinstance(v, dict)]
        found.append(Finding(name, vuln.get("range", "?"), ", ".join(advisories) or "?", fixed_in))
    return found


def _run(args: list[str], timeout: int) -> dict[str, Any]:
    try:
        done = subprocess.run(args, capture_output=True, text=True, timeout=timeout, cwd=ROOT, check=False)
    except (OSError, subprocess.TimeoutExpired) as err:
        raise Unavailable(f"{args[0]}: {err}") from None
    try:
        document = json.loads(done.stdout)
    except json.JSONDecodeError:
        raise Unavailable((done.stderr.strip() or done.stdout.strip() or "sin salida")[-500:]) from None
    if not isinstance(document, dict):
        raise Unavailable("respuesta inesperada")
    return document


def audit_python() -> list[Finding]:
    args = [str(PIP_AUDIT), "-f", "json", "--progress-spinner", "off", "--timeout", "30", "-l"]
    return pip_findings(_run([*args, "--skip-editable"], PIP_TIMEOUT))


class NotOffered(Exception):
    """The registry answers but offers no audit service (a GET-only mirror answers 405): nothing to wait
    for or retry, so it is reported loudly and skipped, in CI too; an outage stays an Unavailable."""


def audit_npm() -> list[Finding]:
    document = _run(["npm", "audit", "--omit=dev", "--json"], NPM_TIMEOUT)
    message = str(document.get("message", "")) if "vulnerabilities" not in document else ""
    if message.startswith(("405 ", "404 ", "501 ")):
        raise NotOffered(message)
    return npm_findings(document)


def main() -> int:
    in_ci = os.environ.get("CI", "").lower() in ("1", "true", "yes")
    failed = False
    for name, audit in (("Python (pip-audit)", audit_python), ("npm (npm audit --omit=dev)", audit_npm)):
        try:
            findings = audit()
        except Unavailable as err:
            print(f"!!! AUDITORÍA DE DEPENDENCIAS NO REALIZADA — {name}: {err}", file=sys.stderr)
            failed = failed or in_ci
            continue
        except NotOffered as err:
            print(f"!!! {name}: el registro no ofrece auditoría ({err}); no se auditó", file=sys.stderr)
            continue
        for f in findings:
            verdict = f"corregida en {f.fixed_in}: ACTUALICE" if f.fixed_in else "sin corrección aún"
            print(f"{name}: {f.package} {f.version} — {f.advisory} ({verdict})", file=sys.stderr)
        fixable = [f for f in findings if f.fixed_in]
        failed = failed or bool(fixable)
        print(f"{name}: {len(findings)} vulnerabilidades conocidas, {len(fixable)} con corrección")
    return 1 if failed else 0


if __name__ == "__main__":
    sys.exit(main())
