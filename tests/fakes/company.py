"""A fake company for tests and the demo: it uses its provider token over real HTTP against the app, lists
the reclamos forwarded to it and answers them. ``serve`` puts the app on a loopback port with waitress
(port 0: the system picks a free one), like the browser tests' live server.

It also misbehaves the way real clients do: it answers twice (a retry after a lost reply), holds a wrong or
revoked token (``with_token``, ``with_wrong_token``), answers a folio that is not its company's, and sends
malformed bodies (``answer_malformed`` with one of ``MALFORMED``)."""

from __future__ import annotations

import secrets
import threading
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from dataclasses import dataclass, field, replace
from typing import Any

import requests
from flask import Flask

TIMEOUT = 30  # seconds per call: generous for a loaded CI machine, never reached when all is well
JSON = {"Content-Type": "application/json"}
GOOD_TEXT = "Acogemos el reclamo y anulamos el cobro."

# Bodies a careless back office sends to POST .../answer: name → the request's keyword arguments.
MALFORMED: dict[str, Callable[[], dict[str, Any]]] = {
    "not_json": lambda: {"data": b'{"resultado": "acoge", "texto": ', "headers": JSON},  # cut off
    "json_array": lambda: {"json": [{"resultado": "acoge", "texto": GOOD_TEXT}]},
    "json_string": lambda: {"json": "acoge"},
    "form_urlencoded": lambda: {"data": {"resultado": "acoge", "texto": GOOD_TEXT}},
    "text_plain": lambda: {"data": GOOD_TEXT.encode(), "headers": {"Content-Type": "text/plain"}},
    "empty": lambda: {"data": b"", "headers": JSON},
    "missing_fields": lambda: {"json": {}},
    "wrong_types": lambda: {"json": {"resultado": 1, "texto": ["acogemos"]}},
    "unknown_value": lambda: {"json": {"resultado": "quizas", "texto": GOOD_TEXT}},
    "extra_field": lambda: {"json": {"resultado": "acoge", "texto": GOOD_TEXT, "monto": 15990}},
    "foreign_file_ids": lambda: {"json": {"resultado": "acoge", "texto": GOOD_TEXT, "adjuntos": [1, 2]}},
    "multipart_without_texto": lambda: {
        "data": {"resultado": "acoge"},
        "files": [("adjuntos", ("boleta.pdf", b"%PDF-1.4\n%%EOF\n"))],
    },
    "multipart_program": lambda: {
        "data": {"resultado": "acoge", "texto": GOOD_TEXT},
        "files": [("adjuntos", ("boleta.pdf", b"MZ\x90\x00" + bytes(64)))],  # a Windows program named .pdf
    },
}


@contextmanager
def serve(app: Flask, threads: int = 4) -> Iterator[str]:
    """The app on a real HTTP server on 127.0.0.1 (a free port); yields its base URL."""
    from waitress import wasyncore
    from waitress.server import create_server

    server: Any = create_server(app, host="127.0.0.1", port=0, threads=threads)
    thread = threading.Thread(target=server.run, daemon=True)
    thread.start()
    try:
        yield f"http://127.0.0.1:{server.effective_port}"
    finally:
        # Close from the server's own loop thread (closing from here races its select() on the sockets).
        try:
            server.trigger.pull_trigger(lambda: wasyncore.close_all(server._map))
        except OSError:  # the trigger is already closed (seen once under heavy load): close what is left
            wasyncore.close_all(server._map, ignore_all=True)
        thread.join(timeout=15)


@dataclass
class Reply:
    """One HTTP answer the company got: status and JSON body (problem+json on errors)."""

    status: int
    body: Any
    content_type: str


@dataclass
class FakeCompany:
    """A company's back office talking to the provider API with its bearer token."""

    base_url: str
    token: str
    answered: list[str] = field(default_factory=list)  # folios it answered successfully

    def _call(self, method: str, path: str, **kwargs: Any) -> Reply:
        headers = {"Authorization": f"Bearer {self.token}", **kwargs.pop("headers", {})}
        resp = requests.request(
            method, f"{self.base_url}/api/v1/provider{path}", headers=headers, timeout=TIMEOUT, **kwargs
        )
        is_json = "json" in resp.headers.get("Content-Type", "")
        return Reply(
            resp.status_code, resp.json() if is_json else resp.text, resp.headers.get("Content-Type", "")
        )

    def complaints(self, pending: bool = False) -> Reply:
        return self._call("GET", "/complaints" + ("?pending=1" if pending else ""))

    def complaint(self, folio: str) -> Reply:
        return self._call("GET", f"/complaints/{folio}")

    def answer(
        self, folio: str, resultado: str, texto: str, files: list[tuple[str, bytes]] | None = None
    ) -> Reply:
        """Answer one complaint: JSON, or multipart with the files in ``adjuntos`` when there are any."""
        if files:
            posted = [("adjuntos", (name, body)) for name, body in files]
            reply = self._call(
                "POST",
                f"/complaints/{folio}/answer",
                data={"resultado": resultado, "texto": texto},
                files=posted,
            )
        else:
            reply = self._call(
                "POST", f"/complaints/{folio}/answer", json={"resultado": resultado, "texto": texto}
            )
        if reply.status == 200:
            self.answered.append(folio)
        return reply

    def answer_twice(
        self, folio: str, resultado: str, texto: str, files: list[tuple[str, bytes]] | None = None
    ) -> tuple[Reply, Reply]:
        """A company whose back office retries a delivered answer (e.g. it lost the first reply)."""
        return self.answer(folio, resultado, texto, files), self.answer(folio, resultado, texto, files)

    def answer_malformed(self, folio: str, kind: str) -> Reply:
        """Send one of the ``MALFORMED`` bodies as the answer to a complaint."""
        return self._call("POST", f"/complaints/{folio}/answer", **MALFORMED[kind]())

    def with_token(self, token: str) -> FakeCompany:
        """The same back office holding another token (e.g. one its company has since revoked)."""
        return replace(self, token=token, answered=[])

    def with_wrong_token(self) -> FakeCompany:
        """The back office configured with a token that was never issued (well formed, unknown)."""
        return self.with_token("vt_" + secrets.token_urlsafe(32))

    def answer_pending(self, resultado: str, texto: str) -> list[Reply]:
        """Answer every complaint still waiting for the company, as a batch job would."""
        listed = self.complaints(pending=True)
        assert listed.status == 200, listed.body
        return [self.answer(c["folio"], resultado, texto) for c in listed.body["complaints"]]
