"""Server-side sessions for Flask: the cookie carries only a random id; the data lives in ``web_sessions``
(engine/services/sessions.py), so "Cerrar sesión" revokes the session everywhere and a copied cookie opens
nothing afterwards.

Timeouts: ``SESSION_IDLE_TIMEOUT`` (seconds without activity, 30 min) and ``SESSION_ABSOLUTE_TIMEOUT``
(seconds from sign-in, 12 h). A shorter idle timeout applies by path prefix — ``SESSION_IDLE_BY_PATH``,
e.g. ``{"/kiosco/": 180}`` for library kiosks — or from a view, with ``set_idle_timeout(seconds)``. Once a
session has had a shorter timeout it keeps it (a kiosk session stays a kiosk session on any page).
"""

from __future__ import annotations

from datetime import datetime, timedelta
from typing import Any, cast

from flask import Flask, Request, Response, session
from flask.sessions import SessionInterface, SessionMixin
from werkzeug.datastructures import CallbackDict

from engine.services import sessions

from . import context

USER_KEY = "_user_id"  # where Flask-Login keeps the signed-in account's id


class ServerSession(CallbackDict[str, Any], SessionMixin):
    """The session's data; ``token`` is the cookie's id (None until first stored)."""

    def __init__(
        self,
        data: dict[str, Any] | None = None,
        token: str | None = None,
        idle: int | None = None,
        last_seen: datetime | None = None,
    ) -> None:
        def changed(_: CallbackDict[str, Any]) -> None:
            self.modified = True

        super().__init__(data or {}, changed)
        self.token, self.idle, self.last_seen = token, idle, last_seen
        self.stored_idle = idle  # what the table holds: a shorter timeout asked for now must be written
        self.modified = False
        self.revoked: list[str] = []  # ids to delete when the request ends
        self.expired = False  # the cookie named a session that timed out or was revoked
        self.skip = False  # static files: never stored

    def rotate(self) -> None:
        """A new id for this session (sign-in, sign-out): the old cookie stops working."""
        if self.token is not None:
            self.revoked.append(self.token)
        self.token, self.modified = None, True


def rotate() -> None:
    """Give the current session a new id (the old one is revoked when the request ends)."""
    cast(ServerSession, session).rotate()


def set_idle_timeout(seconds: int) -> None:
    """Shorten the current session's idle timeout (kiosk pages call this, or use SESSION_IDLE_BY_PATH)."""
    current = cast(ServerSession, session)
    current.idle = min(seconds, current.idle or seconds)
    current.modified = True


def expired() -> bool:
    """Whether this request came with the cookie of a session that timed out or was revoked."""
    return getattr(session, "expired", False) is True


def _idle_for(app: Flask, path: str) -> int:
    """The idle timeout a request path asks for: the longest matching SESSION_IDLE_BY_PATH prefix, else
    SESSION_IDLE_TIMEOUT."""
    by_path: dict[str, int] = app.config.get("SESSION_IDLE_BY_PATH") or {}
    matches = [prefix for prefix in by_path if path.startswith(prefix)]
    if matches:
        return int(by_path[max(matches, key=len)])
    return int(app.config["SESSION_IDLE_TIMEOUT"])


class ServerSessionInterface(SessionInterface):
    """Flask's session interface over the ``web_sessions`` table."""

    def open_session(self, app: Flask, request: Request) -> ServerSession:
        if any(request.path.startswith(p) for p in app.config["SESSION_SKIP_PATHS"]):
            found = ServerSession()
            found.skip = True
            return found
        idle = _idle_for(app, request.path)
        token = request.cookies.get(self.get_cookie_name(app))
        if not token:
            return ServerSession(idle=idle)
        with context.system().db.reading() as s:
            stored = sessions.load(s, token, context.now())
        if stored is None:
            fresh = ServerSession(idle=idle)
            fresh.revoked.append(token)
            fresh.expired = True
            return fresh
        found = ServerSession(stored.data, token, min(idle, stored.idle_seconds), stored.last_seen_at)
        found.stored_idle = stored.idle_seconds
        return found

    def save_session(self, app: Flask, sess: SessionMixin, response: Response) -> None:
        current = cast(ServerSession, sess)
        if current.skip:
            return
        now = context.now()
        timeouts = sessions.Timeouts(
            timedelta(seconds=current.idle or _idle_for(app, "")),
            timedelta(seconds=int(app.config["SESSION_ABSOLUTE_TIMEOUT"])),
        )
        new_cookie = current.token is None and bool(current)
        store = bool(current) and (current.token is None or current.modified)
        touch = bool(current) and not store and self._touch_due(current, timeouts.idle, now)
        if current.token is not None and not current:  # emptied (signed out): nothing to keep
            current.revoked.append(current.token)
        if current.revoked or store or touch:
            with context.system().db.writing() as s:
                for old in current.revoked:
                    sessions.revoke(s, old)
                if store:
                    current.token = current.token or sessions.new_token()
                    sessions.save(s, current.token, dict(current), _user_id(current), timeouts, now)
                elif touch and current.token is not None:
                    sessions.touch(s, current.token, timeouts.idle, now)
        self._cookie(app, current, response, new_cookie)

    @staticmethod
    def _touch_due(current: ServerSession, idle: timedelta, now: datetime) -> bool:
        """Activity is written at most every tenth of the idle timeout (one write per request would queue),
        and at once when the request shortened the timeout (a kiosk page)."""
        if current.idle != current.stored_idle:
            return True
        return current.last_seen is None or now - current.last_seen >= idle / 10

    def _cookie(self, app: Flask, current: ServerSession, response: Response, new_cookie: bool) -> None:
        name, domain, path = self.get_cookie_name(app), self.get_cookie_domain(app), self.get_cookie_path(app)
        if not current and (current.revoked or current.token):
            response.delete_cookie(name, domain=domain, path=path)
            return
        if current.token and (new_cookie or current.revoked):
            response.set_cookie(
                name,
                current.token,
                httponly=self.get_cookie_httponly(app),
                secure=self.get_cookie_secure(app),
                samesite=self.get_cookie_samesite(app),
                domain=domain,
                path=path,
            )
            response.vary.add("Cookie")


def _user_id(current: ServerSession) -> int | None:
    value = str(current.get(USER_KEY, ""))
    return int(value) if value.isdigit() else None


def init_app(app: Flask) -> None:
    """Use server-side sessions for this app."""
    app.session_interface = ServerSessionInterface()
