"""Citizen pages under load: p95 of the public intake (form post + receipt, the comprobante rendered after the
commit) and of "estado de su caso", with 50 concurrent citizens against one process (waitress, one Python
process, SQLite), interleaved request by request with a fair baseline: the portal's start page through the
same server (template, session, headers; no database). Prints the load average before and after.

    .venv/bin/python bench/public.py [--citizens 50] [--rounds 4]
"""

from __future__ import annotations

import argparse
import os
import re
import statistics
import sys
import tempfile
import threading
import time
from collections import defaultdict
from collections.abc import Sequence
from pathlib import Path

import requests

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))

from engine import (  # noqa: E402
    catalog,
    schema,
    store,
    system,
)
from engine.clock import utcnow  # noqa: E402
from engine.services import reference  # noqa: E402
from engine.services.citizens import intake  # noqa: E402
from web import create_app  # noqa: E402

TOKEN = re.compile(r'name="csrf_token" value="([^"]+)"')
STAMP = re.compile(r'name="desde" value="([^"]+)"')
FOLIO = re.compile(r'id="folio">([^<]+)<')
COMUNAS = ("13101", "05101", "08101", "13110", "09101")


def load() -> str:
    one, five, fifteen = os.getloadavg()
    return f"{one:.2f} {five:.2f} {fifteen:.2f}"


def app_on(url: str):  # type: ignore[no-untyped-def]
    wired = system.build(url)
    schema.upgrade(wired.db)
    with wired.db.writing() as s:
        reference.load_reference(s)
        store.publish(s, catalog.read_dir(ROOT), "bench", "bench público", utcnow())
    wired.db.engine.dispose()
    limits = {f"PUBLIC_{k}_PER_MINUTE": 1_000_000 for k in ("INTAKE", "STATUS", "FEEDBACK")}
    return create_app(
        {
            "DATABASE_URL": url,
            "SECRET_KEY": "bench",
            "SESSION_COOKIE_SECURE": False,
            **limits,
            "PUBLIC_MIN_FILL_SECONDS": 0,
        }
    )


class Citizen(threading.Thread):
    """One citizen: each round files a reclamo, looks up its estado, and opens the start page (baseline),
    the order rotating from round to round."""

    def __init__(self, base: str, n: int, rounds: int, times: dict[str, list[float]], lock: threading.Lock):
        super().__init__(daemon=True)
        self.base, self.n, self.rounds, self.times, self.lock = base, n, rounds, times, lock
        self.http = requests.Session()
        self.folio = ""
        self.errors = 0

    def timed(self, name: str, call) -> None:  # type: ignore[no-untyped-def]
        t0 = time.perf_counter()
        ok = call()
        spent = (time.perf_counter() - t0) * 1000
        with self.lock:
            if ok:
                self.times[name].append(spent)
            else:
                self.errors += 1

    def file(self) -> bool:
        page = self.http.get(f"{self.base}/portal/reclamo").text  # the form itself is not timed
        data = {
            "csrf_token": TOKEN.search(page).group(1),  # type: ignore[union-attr]
            "desde": STAMP.search(page).group(1),  # type: ignore[union-attr]
            "consumer.rut": "12.345.678-5",
            "consumer.name": f"Persona de prueba {self.n}",
            "consumer.comuna": COMUNAS[self.n % len(COMUNAS)],
            "provider.name": "Tienda Demo Ltda.",
            "market": "comercio",
            "motive": "cobro_indebido",
            "subject": "Cobro duplicado",
            "description": "Me cobraron dos veces la misma compra en la tienda.",
            intake.CONSENT_FIELD: "si",
        }
        self.csrf = data["csrf_token"]
        t0 = time.perf_counter()
        receipt = self.http.post(f"{self.base}/portal/reclamo", data=data)  # follows to the receipt
        spent = (time.perf_counter() - t0) * 1000
        found = FOLIO.search(receipt.text)
        if receipt.status_code != 200 or not found:
            return False
        self.folio = found.group(1)
        with self.lock:
            self.times["intake"].append(spent)
        return True

    def status(self) -> bool:
        if not self.folio:
            return True
        resp = self.http.post(
            f"{self.base}/portal/estado",
            data={"csrf_token": self.csrf, "folio": self.folio, "rut": "12345678-5"},
        )
        return resp.status_code == 200 and self.folio in resp.text

    def baseline(self) -> bool:
        return self.http.get(f"{self.base}/portal").status_code == 200

    def run(self) -> None:
        steps = [("intake", None), ("status", self.status), ("baseline", self.baseline)]
        for r in range(self.rounds):
            k = (r + self.n) % 3
            for name, call in steps[k:] + steps[:k]:
                if name == "intake":
                    if not self.file():
                        self.errors += 1
                else:
                    self.timed(name, call)


def pct(values: Sequence[float], q: float) -> float:
    ordered = sorted(values)
    return ordered[min(len(ordered) - 1, round(q * (len(ordered) - 1)))]


def main(argv: Sequence[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--citizens", type=int, default=50)
    parser.add_argument("--rounds", type=int, default=4)
    parser.add_argument("--threads", type=int, default=8, help="waitress worker threads (default 8)")
    args = parser.parse_args(argv)
    from waitress.server import create_server

    print(f"public pages benchmark; nproc {os.cpu_count()}; load before {load()} (1, 5, 15 min)")
    with tempfile.TemporaryDirectory(prefix="bench-public-") as tmp:
        app = app_on(f"sqlite:///{tmp}/bench.db")
        # One process as deployed: waitress with a few worker threads (within the database pool); the 50
        # citizens' requests queue at the server, as they would in front of one process.
        server = create_server(app, host="127.0.0.1", port=0, threads=args.threads)
        threading.Thread(target=server.run, daemon=True).start()
        base = f"http://127.0.0.1:{server.effective_port}"
        requests.get(f"{base}/portal/reclamo", timeout=120)  # content loaded once, before timing
        times: dict[str, list[float]] = defaultdict(list)
        lock = threading.Lock()
        citizens = [Citizen(base, n, args.rounds, times, lock) for n in range(args.citizens)]
        t0 = time.perf_counter()
        for c in citizens:
            c.start()
        for c in citizens:
            c.join()
        wall = time.perf_counter() - t0
        server.close()
        app.extensions["ventanilla"].db.engine.dispose()
    shape = f"{args.citizens} concurrent citizens x {args.rounds} rounds"
    print(f"{shape}, one process (waitress, {args.threads} threads, SQLite)")
    print(f"wall time {wall:.1f} s")
    print(f"{'page':<10}{'n':>6}{'p50 ms':>10}{'p95 ms':>10}{'max ms':>10}")
    for name in ("intake", "status", "baseline"):
        got = times[name]
        if got:
            print(
                f"{name:<10}{len(got):>6}{statistics.median(got):>10.0f}"
                f"{pct(got, 0.95):>10.0f}{max(got):>10.0f}"
            )
    print(f"errors {sum(c.errors for c in citizens)}; load after {load()}")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
