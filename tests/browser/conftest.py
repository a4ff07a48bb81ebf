"""Browser fixtures: one headless Debian Chromium per session (Playwright), the app per test on SQLite
served by waitress on a loopback port, browser contexts with short timeouts, screenshots and sign-in."""

from __future__ import annotations

import os
import secrets
import shutil
import threading
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from pathlib import Path
from typing import Any

import pytest
from flask import Flask
from playwright.sync_api import Browser, BrowserContext, ConsoleMessage, Page, expect, sync_playwright

from engine import mail
from tests.conftest import ROOT, prepare, require
from tests.smtp import Inbox
from web import create_app

PASSWORD = "clave-segura-1"
SCREENSHOTS = ROOT / "test-artifacts" / "screenshots"
TIMEOUT_MS = 8_000
# No sandbox (containers run as root), no GPU, and nothing that phones home: the suite works offline.
CHROMIUM_ARGS = [
    "--no-sandbox",
    "--disable-gpu",
    "--disable-background-networking",
    "--disable-component-update",
    "--disable-sync",
    "--no-first-run",
    "--disable-quic",
]
expect.set_options(timeout=TIMEOUT_MS)


def chromium_path() -> str | None:
    """Debian's Chromium (scripts/sysdeps.sh installs it): Playwright never downloads a browser here."""
    for candidate in (os.environ.get("CHROMIUM"), "/usr/bin/chromium", shutil.which("chromium")):
        if candidate and Path(candidate).is_file() and os.access(candidate, os.X_OK):
            return candidate
    return None


@pytest.fixture(scope="session")
def browser() -> Iterator[Browser]:
    path = chromium_path()
    require("Chromium", None if path else "instale el paquete Debian chromium (make sysdeps)")
    with sync_playwright() as pw:
        launched = pw.chromium.launch(executable_path=path, headless=True, args=CHROMIUM_ARGS)
        yield launched
        launched.close()


@pytest.fixture(params=["sqlite"])
def database_url(request: pytest.FixtureRequest, tmp_path: Path) -> str:
    """SQLite only: the browser tests check the pages; the services run on PostgreSQL in integration/."""
    return f"sqlite:///{tmp_path}/ventanilla.db"


def staff_app(database_url: str) -> Flask:
    """The app as staff use it, on a prepared database: CSRF on, plain-http cookies (the test server has
    no TLS). The caller disposes of ``app.extensions["ventanilla"].db.engine`` when done."""
    prepared = prepare(database_url)
    prepared.db.engine.dispose()
    return create_app(
        {
            "TESTING": True,
            "DATABASE_URL": database_url,
            "SECRET_KEY": secrets.token_hex(32),
            "WTF_CSRF_ENABLED": True,
            "SESSION_COOKIE_SECURE": False,
            "REMEMBER_COOKIE_SECURE": False,
        }
    )


@contextmanager
def serving(app: Flask) -> Iterator[str]:
    """The app on a real HTTP server (waitress) on a loopback port; yields its base URL."""
    from waitress.server import create_server

    server: Any = create_server(app, host="127.0.0.1", port=0, threads=4)
    thread = threading.Thread(target=server.run, daemon=True)
    thread.start()
    try:
        yield f"http://127.0.0.1:{server.effective_port}"
    finally:
        server.close()
        thread.join(timeout=5)


@pytest.fixture
def app(database_url: str) -> Iterator[Flask]:
    flask_app = staff_app(database_url)
    yield flask_app
    flask_app.extensions["ventanilla"].db.engine.dispose()


@pytest.fixture
def mailbox(app: Flask, smtp: tuple[mail.MailSettings, Inbox]) -> Inbox:
    """Letters e-mailed from the pages go to the loopback SMTP server; its inbox keeps them."""
    settings, inbox = smtp
    app.config["MAIL_SETTINGS"] = settings  # read per request, so setting it after start-up is enough
    return inbox


@pytest.fixture
def live_server(app: Flask) -> Iterator[str]:
    with serving(app) as url:
        yield url


def new_context(browser: Browser, base_url: str, **options: Any) -> BrowserContext:
    """A browser context as a person in Chile at a desktop uses it (``options`` override), short timeouts."""
    settings: dict[str, Any] = {
        "base_url": base_url,
        "locale": "es-CL",
        "timezone_id": "America/Santiago",
        "viewport": {"width": 1280, "height": 900},
        "accept_downloads": True,
    }
    context = browser.new_context(**{**settings, **options})
    context.set_default_timeout(TIMEOUT_MS)
    context.set_default_navigation_timeout(TIMEOUT_MS)
    return context


@pytest.fixture
def open_page(browser: Browser, live_server: str) -> Iterator[Callable[[], Page]]:
    """A page in a fresh browser context (its own cookies: one person each); a script error or a CSP
    violation fails the test."""
    opened: list[BrowserContext] = []
    script_errors: list[str] = []

    def open_one() -> Page:
        context = new_context(browser, live_server)
        opened.append(context)
        new_page = context.new_page()
        new_page.on("pageerror", lambda err: script_errors.append(f"{new_page.url}: {err}"))
        new_page.on("console", lambda msg: _csp_violation(msg, new_page, script_errors))
        return new_page

    yield open_one
    for context in opened:
        context.close()
    assert not script_errors, f"errores de JavaScript en las páginas: {script_errors}"


def _csp_violation(msg: ConsoleMessage, page: Page, errors: list[str]) -> None:
    """What the Content-Security-Policy (web/security.py) blocked is a defect like a script error."""
    if "Content Security Policy" in msg.text:
        errors.append(f"{page.url}: {msg.text}")


@pytest.fixture
def page(open_page: Callable[[], Page]) -> Page:
    return open_page()


def sign_in(page: Page, username: str, password: str = PASSWORD) -> None:
    """Sign in through the login form and land on the account's start page (the bandeja for case staff,
    the Cuadro de Monitoreo for nivel central, the workbench for analysts ...)."""
    page.goto("/ingresar")
    page.get_by_label("Usuario").fill(username)
    page.get_by_label("Contraseña").fill(password)
    page.get_by_role("button", name="Ingresar").click()
    page.wait_for_url(lambda url: "/ingresar" not in url)


def screenshot(page: Page, name: str) -> Path:
    """A full-page screenshot under test-artifacts/screenshots/ (git-ignored), for people to look at."""
    SCREENSHOTS.mkdir(parents=True, exist_ok=True)
    path = SCREENSHOTS / f"{name}.png"
    page.screenshot(path=str(path), full_page=True)
    return path
