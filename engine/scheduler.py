"""APScheduler jobs: every process may poll the timers table; the database decides who fires each timer."""

from __future__ import annotations

import logging
from collections.abc import Callable
from dataclasses import dataclass
from datetime import datetime

from apscheduler.schedulers.background import BackgroundScheduler
from apscheduler.schedulers.blocking import BlockingScheduler

from .clock import utcnow
from .services import effects, logins, notifications
from .services.derivation_outbox import OutboxReport, send_due
from .services.effects import EffectsReport
from .services.timers import FireReport, fire_due_timers
from .system import System

log = logging.getLogger(__name__)
POLL_SECONDS = 5
HOUSEKEEPING_HOURS = 6
DIGEST_MINUTES = 15  # how often the daily digest looks for whom it is due (once a day each)


@dataclass(frozen=True)
class PollReport:
    """What one poll of the due work did: timers fired, effects carried out, derivations sent."""

    timers: FireReport
    effects: EffectsReport
    derivations: OutboxReport


def poll_once(system: System, now: datetime) -> PollReport:
    """Everything due at ``now``, once: timers, then the effects a step's process left (a crash, a failure),
    then the derivation outbox (an oficio is attached only once its letter is rendered)."""
    timers = fire_due_timers(system.db, system.store, now)
    done = effects.run_due(system.db, now, settings=system.mail)
    sent = send_due(system.db, now)  # sends happen here, never in a request
    return PollReport(timers, done, sent)


def _job(system: System, clock: Callable[[], datetime]) -> None:
    report = poll_once(system, clock())
    if report.timers.fired or report.timers.failed:
        log.info("temporizadores: %s disparados, %s con error", report.timers.fired, report.timers.failed)
    if report.effects.done or report.effects.failed:
        log.info("efectos: %s realizados, %s con error", report.effects.done, report.effects.failed)
    if report.derivations.sent or report.derivations.failed:
        log.info(
            "derivaciones: %s enviadas, %s con error", report.derivations.sent, report.derivations.failed
        )


def _digests(system: System, clock: Callable[[], datetime]) -> None:
    sent = notifications.send_digests(system.db, clock(), system.mail)
    if sent:
        log.info("resúmenes diarios enviados: %s", sent)


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
        _digests, "interval", minutes=DIGEST_MINUTES, args=(system, clock), max_instances=1, coalesce=True
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
