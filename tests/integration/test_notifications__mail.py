"""Urgent notifications (a case fuera de plazo) reach the staff member's e-mail after the commit, and the
daily digest goes once a day to whoever asked for it. Real SMTP on loopback; SQLite and PostgreSQL."""

from __future__ import annotations

from datetime import datetime

from sqlalchemy import select, update

from engine.clock import CHILE
from engine.models import Notification, User
from engine.services import notifications
from engine.services.timers import fire_due_timers
from tests.conftest import ACTORS, Clock, complaint
from tests.integration.lifecycle import Scenario
from tests.smtp import Inbox


def _email(sys_, username: str, address: str, digest: bool = False) -> None:
    with sys_.db.writing() as s:
        s.execute(update(User).where(User.username == username).values(email=address, daily_digest=digest))


def test_a_case_out_of_time_emails_the_supervisor_at_once(
    sys_, clock: Clock, smtp: tuple[object, Inbox]
) -> None:
    settings, inbox = smtp
    sys_.mail = settings
    _email(sys_, "sup13", "sup13@sernac.cl")
    _email(sys_, "eje13", "eje13@sernac.cl")
    scn = Scenario(sys_, clock, complaint(kind="inquiry"))
    fire_due_timers(sys_.db, sys_.store, datetime(2024, 9, 24, 9, 0, tzinfo=CHILE))  # por vencer: not urgent
    assert inbox.received == []
    fire_due_timers(sys_.db, sys_.store, datetime(2024, 9, 26, 9, 0, tzinfo=CHILE))  # fuera de plazo
    assert [to for to, _ in inbox.received] == [["sup13@sernac.cl"]]
    message = inbox.received[0][1]
    assert "fuera de plazo" in str(message["Subject"]) and scn.folio in str(message["Subject"])
    with sys_.db.reading() as s:
        urgent = s.execute(select(Notification.username).where(Notification.urgent.is_(True))).scalars().all()
    assert urgent == ["sup13"]


def test_the_daily_digest_goes_once_a_day_with_the_unread(
    sys_, clock: Clock, smtp: tuple[object, Inbox]
) -> None:
    settings, inbox = smtp
    _email(sys_, "eje13", "eje13@sernac.cl", digest=True)
    _email(sys_, "eje13b", "eje13b@sernac.cl", digest=False)
    Scenario(sys_, clock, complaint(kind="inquiry"))
    fire_due_timers(sys_.db, sys_.store, datetime(2024, 9, 24, 9, 0, tzinfo=CHILE))  # warns eje13 and eje13b
    early = datetime(2024, 9, 25, 7, 0, tzinfo=CHILE)
    assert notifications.send_digests(sys_.db, early, settings) == 0  # before 08:00
    morning = datetime(2024, 9, 25, 9, 0, tzinfo=CHILE)
    assert notifications.send_digests(sys_.db, morning, settings) == 1
    assert notifications.send_digests(sys_.db, morning.replace(hour=15), settings) == 0  # once a day
    assert [to for to, _ in inbox.received] == [["eje13@sernac.cl"]]
    assert "por vencer" in inbox.received[0][1].get_content()
    with sys_.db.writing() as s:
        notifications.mark_read(s, ACTORS["eje13"], morning)
    assert notifications.send_digests(sys_.db, datetime(2024, 9, 26, 9, 0, tzinfo=CHILE), settings) == 0
