"""The modeler's bpmnlint review list speaks Spanish: every message the installed bpmnlint rules can report
is translated (web/modeler/lintmessages.js), so an upgrade that adds a message fails here."""

from __future__ import annotations

import json
import re
import shutil
import subprocess
from pathlib import Path

import pytest

from tests.conftest import ROOT

RULES = ROOT / "node_modules" / "bpmnlint" / "rules"
LITERAL = re.compile(r"report\(\s*[\w.]+\s*,\s*'([^']+)'\s*[,)]")  # whole literals, not 'a' + b
# Messages built from values, one example each (bpmnlint's own wording).
BUILT = [
    "Process is missing start event",
    "Sub process is missing end event",
    "Process has multiple blank start events",
    "Element type <bpmn:ComplexGateway> is discouraged",
    "Duplicate link catch event with link name <a> in scope",
    "Link catch event with link name <a> missing in scope",
    "Link throw event with link name <a> missing in scope",
    "Element has a non-standard width; expected width of 100",
    "Element has a non-standard height; expected height of 80",
    "Element has a non-standard size; expected 36x36",
]


def _translate(messages: list[str], tmp_path: Path) -> list[str]:
    module = tmp_path / "lintmessages.mjs"
    shutil.copyfile(ROOT / "web" / "modeler" / "lintmessages.js", module)
    script = (
        f"import {{ spanish }} from {json.dumps(module.as_uri())};"
        "const input = JSON.parse(process.argv[1]);"
        "console.log(JSON.stringify(input.map(spanish)));"
    )
    done = subprocess.run(
        ["node", "--input-type=module", "-e", script, json.dumps(messages)],  # noqa: S607
        capture_output=True,
        text=True,
        check=True,
        timeout=30,
    )
    return list(json.loads(done.stdout))


def test_every_bpmnlint_message_has_its_spanish(tmp_path: Path) -> None:
    if not RULES.is_dir():
        pytest.fail("node_modules/bpmnlint no está instalado: ejecute `make setup`")
    literal = sorted({m for rule in RULES.glob("*.js") for m in LITERAL.findall(rule.read_text("utf-8"))})
    assert "Element is not connected" in literal  # the extraction still reads bpmnlint's sources
    messages = literal + BUILT
    untranslated = [m for m, es in zip(messages, _translate(messages, tmp_path), strict=True) if es == m]
    assert untranslated == []


def test_values_survive_translation(tmp_path: Path) -> None:
    assert _translate(
        ["Process is missing start event", "Element has a non-standard size; expected 36x36"], tmp_path
    ) == [
        "El proceso: falta el evento de inicio",
        "El elemento no tiene el tamaño estándar (36 x 36)",
    ]
