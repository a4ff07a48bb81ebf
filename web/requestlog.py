"""One log line per request (method, path, status, duration, client address) for ``ventanilla run``. The
query string is left out: it may carry a RUT (estado de su caso) or a search."""

from __future__ import annotations

import logging
import time
from collections.abc import Callable, Iterable
from typing import Any

log = logging.getLogger("ventanilla.requests")
WSGIApp = Callable[[dict[str, Any], Callable[..., Any]], Iterable[bytes]]


def wrap(app: WSGIApp) -> WSGIApp:
    """The WSGI app, logging each request once its status is known."""

    def logged(environ: dict[str, Any], start_response: Callable[..., Any]) -> Iterable[bytes]:
        started = time.perf_counter()
        status: list[str] = []

        def recording_start(code: str, headers: Any, *args: Any) -> Any:
            status.append(code.split(" ", 1)[0])
            return start_response(code, headers, *args)

        try:
            return app(environ, recording_start)
        finally:
            log.info(
                "%s %s %s %.0f ms %s",
                environ.get("REQUEST_METHOD", "-"),
                environ.get("PATH_INFO", "-"),
                status[0] if status else "-",
                (time.perf_counter() - started) * 1000,
                environ.get("REMOTE_ADDR", "-"),
            )

    return logged
