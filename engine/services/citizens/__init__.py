"""The citizen side as use cases: public intake, estado de su caso, kiosks, SONI, verdicts, their e-mails."""

from __future__ import annotations

from ...access import Actor

# Who acts when a citizen files, answers or gives an opinion on the web (the bitácora's "ciudadano").
CITIZEN = Actor("ciudadano", "sistema", channel="web")
