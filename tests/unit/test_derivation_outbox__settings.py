"""Outbox settings from the environment: a typo never stops derivations from being sent."""

from __future__ import annotations

import logging

import pytest

from engine.services.derivation_outbox import OutboxSettings


def test_settings_read_the_environment() -> None:
    got = OutboxSettings.from_env({"DERIVATION_MAX_ATTEMPTS": "3", "DERIVATION_TIMEOUT_SECONDS": "2.5"})
    assert (got.max_attempts, got.timeout) == (3, 2.5)


@pytest.mark.parametrize("bad", ["cinco", "0", "-2", "nan", "inf"])
def test_a_bad_value_falls_back_to_the_default_and_is_logged(
    bad: str, caplog: pytest.LogCaptureFixture
) -> None:
    with caplog.at_level(logging.ERROR):
        got = OutboxSettings.from_env({"DERIVATION_MAX_ATTEMPTS": bad, "DERIVATION_TIMEOUT_SECONDS": bad})
    assert (got.max_attempts, got.timeout) == (5, 10)
    assert "DERIVATION_MAX_ATTEMPTS" in caplog.text and "DERIVATION_TIMEOUT_SECONDS" in caplog.text
