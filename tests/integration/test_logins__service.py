"""Sign-in service rules that a user of the login page cannot see directly: an unknown username costs the
same password work as a known one, and old attempts are pruned."""

from __future__ import annotations

from collections.abc import Iterator
from datetime import UTC, datetime, timedelta
from typing import Any

import pytest
from argon2 import PasswordHasher
from sqlalchemy import func, select

from engine import system
from engine.models import LoginAttempt
from engine.services import logins, users

NOW = datetime(2026, 12, 1, 12, 0, tzinfo=UTC)


class CountingHasher(PasswordHasher):
    """The tests' cheap argon2 profile, counting how many passwords it verifies."""

    def __init__(self) -> None:
        super().__init__(time_cost=1, memory_cost=1024, parallelism=1)
        self.verified = 0

    def verify(self, hash: str | bytes, password: str | bytes) -> bool:
        self.verified += 1
        return super().verify(hash, password)


@pytest.fixture
def hasher(monkeypatch: pytest.MonkeyPatch) -> Iterator[CountingHasher]:
    counting = CountingHasher()
    monkeypatch.setattr(users, "HASHER", counting)
    yield counting


def _sign_in(sys_: system.System, username: str, password: str, at: datetime = NOW) -> Any:
    return logins.sign_in(sys_.db, username, password, "10.0.0.1", at)


def test_an_unknown_username_costs_one_password_check_like_a_known_one(
    sys_: system.System, hasher: CountingHasher
) -> None:
    assert _sign_in(sys_, "eje13", "mala-clave") is None
    assert hasher.verified == 1
    assert _sign_in(sys_, "nadie-se-llama-asi", "clave-segura-1") is None  # not even with a real password
    assert hasher.verified == 2
    account = _sign_in(sys_, "eje13", "clave-segura-1")
    assert account is not None and account.username == "eje13"


def test_attempts_older_than_the_retention_are_pruned(sys_: system.System) -> None:
    old = NOW - logins.RETENTION - timedelta(minutes=1)
    recent = NOW - logins.RETENTION + timedelta(minutes=1)
    for at in (old, old, recent):
        _sign_in(sys_, "eje13", "mala-clave", at)
    with sys_.db.writing() as s:
        assert logins.prune_attempts(s, NOW) == 2
    with sys_.db.reading() as s:
        left = s.execute(select(LoginAttempt.at)).scalars().all()
    assert left == [recent]
    with sys_.db.writing() as s:
        assert logins.prune_attempts(s, NOW) == 0
        assert s.execute(select(func.count()).select_from(LoginAttempt)).scalar_one() == 1
