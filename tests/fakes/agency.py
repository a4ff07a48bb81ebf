"""A fake partner agency: a real HTTP server on loopback that receives signed derivations and calls back the
app's real HTTP server with acknowledgements and answers, signed as docs/integrators.md says (derivation id,
timestamp and body). It can be told to fail (HTTP 500), hang past the client's timeout, answer twice, sign
with a wrong secret, sign at another time, or send a body captured from another derivation."""

from __future__ import annotations

import hashlib
import hmac
import json
import threading
import uuid
from collections.abc import Callable
from dataclasses import dataclass, field
from datetime import datetime
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from typing import Any

import requests


@dataclass
class Received:
    """One derivation as the agency got it."""

    body: bytes
    headers: dict[str, str]
    signature_ok: bool

    @property
    def document(self) -> dict[str, Any]:
        return json.loads(self.body)  # type: ignore[no-any-return]


@dataclass
class FakeAgency:
    """Start with ``start()``; ``url`` is its endpoint; ``app_url`` is where it calls back."""

    secret: str
    app_url: str = ""
    fail_next: int = 0  # answer HTTP 500 to this many deliveries
    down: bool = False  # answer HTTP 500 to every delivery
    hang: bool = False  # hold the request until released (the client times out)
    received: list[Received] = field(default_factory=list)
    attempts: int = 0
    clock: Callable[[], datetime] | None = None  # the app's clock when a test moves it (else real time)
    _release: threading.Event = field(default_factory=threading.Event)
    _server: Any = None

    @property
    def url(self) -> str:
        return f"http://127.0.0.1:{self._server.server_address[1]}/derivaciones"

    def start(self) -> FakeAgency:
        agency = self

        class Handler(BaseHTTPRequestHandler):
            def do_POST(self) -> None:
                length = int(self.headers.get("Content-Length", "0"))
                body = self.rfile.read(length)
                agency.attempts += 1
                if agency.hang:
                    agency._release.wait(10)
                if agency.down or agency.fail_next > 0:
                    agency.fail_next = max(agency.fail_next - 1, 0)
                    self._reply(500, {"error": "servicio no disponible"})
                    return
                expected = "sha256=" + hmac.new(agency.secret.encode(), body, hashlib.sha256).hexdigest()
                ok = hmac.compare_digest(expected, self.headers.get("X-Ventanilla-Signature", ""))
                agency.received.append(Received(body, dict(self.headers.items()), ok))
                self._reply(202 if ok else 401, {"accepted": ok})

            def _reply(self, status: int, doc: dict[str, Any]) -> None:
                data = json.dumps(doc).encode()
                self.send_response(status)
                self.send_header("Content-Type", "application/json")
                self.send_header("Content-Length", str(len(data)))
                self.end_headers()
                self.wfile.write(data)

            def log_message(self, *args: Any) -> None:
                pass

        self._server = ThreadingHTTPServer(("127.0.0.1", 0), Handler)
        threading.Thread(target=self._server.serve_forever, daemon=True).start()
        return self

    def stop(self) -> None:
        self._release.set()
        self._server.shutdown()
        self._server.server_close()

    def release(self) -> None:
        """Let a hanging request finish (after the client gave up)."""
        self._release.set()

    # --- callbacks to the app ---

    def signed(
        self, derivation_id: str, body: bytes, secret: str | None = None, at: datetime | None = None
    ) -> dict[str, str]:
        """The headers of a callback for ``derivation_id``: timestamp and signature of id, time and body."""
        when = at or (self.clock() if self.clock else datetime.now().astimezone())
        stamp = str(int(when.timestamp()))
        signed = f"{derivation_id}.{stamp}.".encode() + body
        signature = "sha256=" + hmac.new((secret or self.secret).encode(), signed, hashlib.sha256).hexdigest()
        return {
            "Content-Type": "application/json",
            "X-Ventanilla-Signature": signature,
            "X-Ventanilla-Timestamp": stamp,
        }

    def post(self, derivation_id: str, body: bytes, headers: dict[str, str]) -> requests.Response:
        """POST raw bytes with these headers to the derivation's callback URL (replays, forgeries)."""
        url = f"{self.app_url}/api/v1/derivations/{derivation_id}/events"
        return requests.post(url, data=body, headers=headers, timeout=30)

    def call_back(
        self, derivation_id: str, event: dict[str, Any], secret: str | None = None, at: datetime | None = None
    ) -> requests.Response:
        """POST one event of ``derivation_id`` (named in the body), signed with our secret now (or ``secret``
        to forge a bad signature, ``at`` to sign at another time)."""
        body = json.dumps({"derivation_id": derivation_id, **event}).encode()
        return self.post(derivation_id, body, self.signed(derivation_id, body, secret, at))

    def acknowledge(self, derivation_id: str, event_id: str | None = None) -> requests.Response:
        event = {
            "event_id": event_id or str(uuid.uuid4()),
            "type": "acknowledged",
            "reference": "ING-2024-77",
        }
        return self.call_back(derivation_id, event)

    def answer(
        self,
        derivation_id: str,
        text: str = "",
        reason: str = "",
        event_id: str | None = None,
        twice: bool = False,
    ) -> list[requests.Response]:
        """Answer (``text``: resolved) or return the case (``reason``); ``twice`` repeats the same event."""
        event: dict[str, Any] = {"event_id": event_id or str(uuid.uuid4()), "type": "answered"}
        event.update(
            {"result": "resolved", "text": text} if text else {"result": "returned", "reason": reason}
        )
        first = self.call_back(derivation_id, event)
        return [first, self.call_back(derivation_id, event)] if twice else [first]
