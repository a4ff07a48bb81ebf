"""Configuration defaults; environment variables override them."""

from __future__ import annotations

import os
import secrets
from collections.abc import Callable, Mapping
from datetime import datetime, timedelta
from pathlib import Path

from engine.clock import CHILE, utcnow
from engine.db import DEFAULT_URL

KEY_FILE_NAME = "secret_key"


def env_flag(name: str, default: bool) -> bool:
    """A boolean environment variable: 0/false/no/off (any case) is False, anything else True."""
    raw = os.environ.get(name)
    if raw is None or not raw.strip():
        return default
    return raw.strip().lower() not in {"0", "false", "no", "off"}


def stored_secret_key(folder: Path) -> str:
    """The key kept in ``folder/secret_key``: created once (mode 0600) and shared by every process and
    restart, so sessions and CSRF tokens stay valid across them. Creation is atomic (link, never replace):
    when two processes race, both end up reading the same file."""
    path = folder / KEY_FILE_NAME
    if not path.exists():
        folder.mkdir(parents=True, exist_ok=True)
        draft = folder / f".{KEY_FILE_NAME}.{os.getpid()}.{secrets.token_hex(4)}"
        fd = os.open(draft, os.O_WRONLY | os.O_CREAT | os.O_EXCL, 0o600)
        with os.fdopen(fd, "w") as out:
            out.write(secrets.token_hex(32))
        try:
            os.link(draft, path)
        except FileExistsError:
            pass  # another process won the race: use its key
        finally:
            draft.unlink()
    key = path.read_text().strip()
    if not key:
        raise RuntimeError(f"{path} está vacío: bórrelo para generar una clave nueva o defina SECRET_KEY")
    return key


def is_production(env: Mapping[str, str]) -> bool:
    """``ENV=production``: the deployment where time may not be moved."""
    return env.get("ENV", "").strip().lower() == "production"


def demo_instant(text: str, env: Mapping[str, str]) -> datetime:
    """The instant of ``--clock``/``--now`` (ISO 8601; without an offset it is Chilean local time).
    Refused in production: there the app runs on the real clock."""
    if is_production(env):
        raise ValueError("no se puede mover el reloj en producción (ENV=production)")
    try:
        instant = datetime.fromisoformat(text.strip())
    except ValueError:
        raise ValueError(f"'{text}' no es una fecha y hora ISO, p. ej. 2027-03-01T09:00") from None
    return instant.replace(tzinfo=CHILE) if instant.tzinfo is None else instant


def moved_clock(start: datetime, real: Callable[[], datetime] = utcnow) -> Callable[[], datetime]:
    """A clock that reads ``start`` now and advances with real time from there (demos, acceptance tests)."""
    offset = start - real()
    return lambda: real() + offset


class Default:
    DATABASE_URL = os.environ.get("DATABASE_URL", DEFAULT_URL)
    # None: web.auth.init_app takes the one stored under instance/ (see stored_secret_key).
    SECRET_KEY = os.environ.get("SECRET_KEY") or None
    JSON_SORT_KEYS = False
    MAX_CONTENT_LENGTH = 10 * 1024 * 1024
    # Status lookups ("estado de su caso"): per client address on the API, per account on the staff page.
    STATUS_LOOKUPS_PER_MINUTE = int(os.environ.get("STATUS_LOOKUPS_PER_MINUTE", "20"))
    # The citizen pages (web/public): per address and minute; a public form sent faster than this is refused.
    PUBLIC_INTAKE_PER_MINUTE = int(os.environ.get("PUBLIC_INTAKE_PER_MINUTE", "6"))
    PUBLIC_STATUS_PER_MINUTE = int(os.environ.get("PUBLIC_STATUS_PER_MINUTE", "20"))
    PUBLIC_FEEDBACK_PER_MINUTE = int(os.environ.get("PUBLIC_FEEDBACK_PER_MINUTE", "6"))
    PUBLIC_MIN_FILL_SECONDS = float(os.environ.get("PUBLIC_MIN_FILL_SECONDS", "3"))
    STAFF_STATUS_LOOKUPS_PER_MINUTE = int(os.environ.get("STAFF_STATUS_LOOKUPS_PER_MINUTE", "30"))
    # Cookies: Secure by default; SESSION_COOKIE_SECURE=0 only for plain-http development on another host
    # (browsers treat http://127.0.0.1 and http://localhost as secure contexts, so Secure works there).
    SESSION_COOKIE_SECURE = env_flag("SESSION_COOKIE_SECURE", True)
    SESSION_COOKIE_HTTPONLY = True
    SESSION_COOKIE_SAMESITE = "Lax"
    REMEMBER_COOKIE_SECURE = SESSION_COOKIE_SECURE
    REMEMBER_COOKIE_HTTPONLY = True
    REMEMBER_COOKIE_SAMESITE = "Lax"
    REMEMBER_COOKIE_DURATION = timedelta(hours=12)
    # Server-side sessions (web/sessions.py): closed after this many seconds without activity, and at most
    # this long after sign-in. Kiosks (shared library PCs) get a shorter idle timeout by path prefix; a view
    # may also call web.sessions.set_idle_timeout(seconds).
    SESSION_IDLE_TIMEOUT = int(os.environ.get("SESSION_IDLE_TIMEOUT", str(30 * 60)))
    SESSION_ABSOLUTE_TIMEOUT = int(os.environ.get("SESSION_ABSOLUTE_TIMEOUT", str(12 * 3600)))
    SESSION_IDLE_BY_PATH = {"/kiosco/": 3 * 60}  # noqa: RUF012 (a config value, replaced, never mutated)
    SESSION_SKIP_PATHS = ("/static/", "/vendor/")  # files: no session read or written
    # CSRF tokens live as long as the session (a working day at most), not Flask-WTF's default hour:
    # a long intake form must not expire while it is being typed.
    WTF_CSRF_TIME_LIMIT = 12 * 3600
    # How many reverse proxies stand in front of the app (0: none). With N > 0 the client address, scheme and
    # host come from the last N X-Forwarded-* entries (werkzeug's ProxyFix), so the per-address sign-in limit
    # and the status-lookup rate limit count citizens, not the proxy. Leave 0 when clients reach the app
    # directly: otherwise anyone could choose their address by sending the header.
    TRUSTED_PROXIES = os.environ.get("TRUSTED_PROXIES", "0")
    # Parse the published content at start-up (engine.system.warm) rather than on the first request.
    WARM_CATALOG = env_flag("WARM_CATALOG", True)
    # The injectable clock (tests move it by hand): a callable returning a tz-aware datetime.
    CLOCK = utcnow
    # Blueprints reachable without signing in (everything else redirects to the login page); the APIs
    # answer 401 themselves.
    PUBLIC_BLUEPRINTS = frozenset(
        {"api", "provider_api", "workbench_api", "assets", "auth", "citizen", "kiosk"}
    )
    # What a company's account (role proveedor) may open: its portal, signing in and out, assets, its API.
    PROVIDER_BLUEPRINTS = frozenset({"portal", "provider_api", "api", "assets", "auth"})
