"""The one place a request reaches the app's wiring: the system (database + content), the clock and settings.

Views call these instead of reading ``current_app`` themselves, so the injectable clock (``CLOCK``) reaches
every page and API route alike, and tests or a demo can run the whole app at a chosen time.
"""

from __future__ import annotations

from collections.abc import Callable
from datetime import datetime
from typing import cast

from flask import current_app

from engine import clock
from engine.mail import MailSettings
from engine.services import derivation_outbox
from engine.system import System


def system() -> System:
    """The wired platform of this app (database and catalog store)."""
    return cast(System, current_app.extensions["ventanilla"])


def now() -> datetime:
    """The app's clock: ``CLOCK`` from the configuration (tests and demos move it), tz-aware."""
    configured = cast(Callable[[], datetime], current_app.config["CLOCK"])
    return clock.resolve(configured())


def mail_settings() -> MailSettings:
    """The mail server the app sends through (tests inject ``MAIL_SETTINGS``; production reads SMTP_*)."""
    configured = current_app.config.get("MAIL_SETTINGS")
    return cast(MailSettings, configured) if configured else MailSettings.from_env()


def sync_mail_settings() -> None:
    """Before each request: e-mail sent after a commit (closing letters, urgent notices) goes where the app's
    mail goes (``MAIL_SETTINGS`` may be set after start-up, as tests do)."""
    configured = current_app.config.get("MAIL_SETTINGS")
    if configured:
        system().mail = cast(MailSettings, configured)


def outbox_settings() -> derivation_outbox.OutboxSettings:
    """The derivation outbox settings (tests inject ``OUTBOX_SETTINGS``; production reads the env)."""
    configured = current_app.config.get("OUTBOX_SETTINGS")
    return (
        cast(derivation_outbox.OutboxSettings, configured)
        if configured
        else derivation_outbox.OutboxSettings.from_env()
    )
