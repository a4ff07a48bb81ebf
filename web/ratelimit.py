"""Rate limits shared by every process and restart (a database table): ``limiter.allow(key) -> bool``.

Make one per use at import time, e.g. ``STATUS = RateLimiter("estado", "STATUS_LOOKUPS_PER_MINUTE")``, and
call ``STATUS.allow(request.remote_addr or "?")`` in the view: False means refuse (429). The limit is a
number or the name of a config key read on every call (so tests and deployments set it per app)."""

from __future__ import annotations

from datetime import timedelta

from flask import current_app

from engine.services import ratelimits

from . import context


class RateLimiter:
    """At most ``limit`` hits per key in each fixed ``window`` (one minute unless said), in every process."""

    def __init__(self, name: str, limit: int | str, window: timedelta = timedelta(minutes=1)) -> None:
        self.name, self.limit, self.window = name, limit, window

    def per_window(self) -> int:
        """The limit now: the number given, or the app's config value it names."""
        return self.limit if isinstance(self.limit, int) else int(current_app.config[self.limit])

    def allow(self, key: str) -> bool:
        """Count a hit for ``key``; False when it already used its allowance in this window."""
        return self.check(key).allowed

    def check(self, key: str) -> ratelimits.Decision:
        """Like ``allow``, with the count and the time until the window ends (for Retry-After)."""
        with context.system().db.writing() as s:
            return ratelimits.hit(s, f"{self.name}:{key}", self.per_window(), self.window, context.now())
