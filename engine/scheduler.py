"""APScheduler jobs: every process may poll the timers table; the database decides who fires each timer."""

from __future__ import annotations

import logging
from collections.abc import Callable
from datetime import datetime

from apscheduler.schedulers.background import BackgroundScheduler
from apscheduler.schedulers.blocking import BlockingScheduler

from .clock import utcnow
from .services import effects, logins
from .services.derivation_outbox import send_due
from .services.timers import fire_due_timers
from .system import System

log = logging.getLogger(__name__)
POLL_SECONDS = 5
HOUSEKEEPING_HOURS = 6


def _job(system: System, clock: Callable[[], datetime]) -> None:
    report = fire_due_timers(system.db, system.store, clock())
    if report.fired or report.failed:
        log.info("temporizadores: %s disparados, %s con error", report.fired, report.failed)
    done = effects.run_due(system.db, clock())  # what a step's kick left (a crash, a failure): before sends
    if done.done or done.failed:
        log.info("efectos: %s realizados, %s con error", done.done, done.failed)
    sent = send_due(system.db, clock())  # the derivation outbox: sends happen here, never in a request
    if sent.sent or sent.failed:
        log.info("derivaciones: %s enviadas, %s con error", sent.sent, sent.failed)


def _housekeeping(system: System, clock: Callable[[], datetime]) -> None:
    with system.db.writing() as s:
        pruned = logins.prune_attempts(s, clock())
    if pruned:
        log.info("intentos de ingreso antiguos borrados: %s", pruned)


def _add_jobs(
    sched: BackgroundScheduler | BlockingScheduler, system: System, clock: Callable[[], datetime]
) -> None:
    sched.add_job(
        _job, "interval", seconds=POLL_SECONDS, args=(system, clock), max_instances=1, coalesce=True
    )
    sched.add_job(
        _housekeeping,
        "interval",
        hours=HOUSEKEEPING_HOURS,
        args=(system, clock),
        max_instances=1,
        coalesce=True,
        next_run_time=utcnow(),  # APScheduler plans on the wall clock; the job itself reads ``clock``
    )


def start_background(system: System, clock: Callable[[], datetime] = utcnow) -> BackgroundScheduler:
    """Start polling in a background thread (used by ``ventanilla run``)."""
    sched = BackgroundScheduler(timezone="UTC")
    _add_jobs(sched, system, clock)
    sched.start()
    return sched


def run_blocking(system: System, clock: Callable[[], datetime] = utcnow) -> None:
    """Poll in the foreground until interrupted (``ventanilla worker``)."""
    sched = BlockingScheduler(timezone="UTC")
    _add_jobs(sched, system, clock)
    sched.start()
