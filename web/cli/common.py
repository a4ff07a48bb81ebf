"""What every ``ventanilla`` command shares: the system from DATABASE_URL, the clock, error output."""

from __future__ import annotations

import os
import sys
from datetime import datetime
from typing import NoReturn

import click

from engine import system as system_
from engine.errors import EngineError, FormInvalid

from .. import config


def system() -> system_.System:
    """The platform wired to DATABASE_URL (or the default SQLite file)."""
    return system_.build(os.environ.get("DATABASE_URL"))


def now() -> datetime:
    """The command's clock: the configured default (``run --clock`` and ``fire-timers --now`` move it)."""
    return config.Default.CLOCK()


def fail(err: EngineError) -> NoReturn:
    """Print the refusal (one line per field for invalid input) and exit with status 1."""
    if isinstance(err, FormInvalid) and err.errors:
        for e in err.errors:
            click.echo(f"error: {e.field}: {e.message}", err=True)
    else:
        click.echo(f"error: {err.detail}", err=True)
    sys.exit(1)


def instant(option: str, text: str | None) -> datetime | None:
    """``--clock``/``--now``: an ISO instant (naive → America/Santiago); refused (exit 2) in production."""
    if text is None or not text.strip():
        return None
    try:
        return config.demo_instant(text, os.environ)
    except ValueError as err:
        click.echo(f"error: {option}: {err}", err=True)
        sys.exit(2)
