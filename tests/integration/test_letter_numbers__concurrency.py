"""ORD. numbers under contention on PostgreSQL: letters recorded at once by many threads never share a number;
a step that rolls back takes its number back with it (no committed letter ever reuses another's)."""

from __future__ import annotations

import threading

from engine.services import letter_numbers
from tests.conftest import prepare

THREADS, EACH = 6, 5


class Rollback(Exception):
    """Raised inside a transaction to roll it back on purpose."""


def test_concurrent_letters_get_distinct_numbers_and_rollbacks_reuse_none(pg_url: str) -> None:
    sys_ = prepare(pg_url)
    committed: list[str] = []
    rolled_back: list[str] = []
    errors: list[BaseException] = []
    lock = threading.Lock()

    def work(worker: int) -> None:
        for i in range(EACH):
            try:
                with sys_.db.writing() as s:
                    number = letter_numbers.next_number(s, "13", 2026)
                    if (worker + i) % 3 == 0:  # this step fails after taking its number
                        with lock:
                            rolled_back.append(number)
                        raise Rollback
            except Rollback:
                continue
            except BaseException as err:  # pragma: no cover - reported below
                errors.append(err)
                return
            with lock:
                committed.append(number)

    threads = [threading.Thread(target=work, args=(w,)) for w in range(THREADS)]
    for t in threads:
        t.start()
    for t in threads:
        t.join(timeout=120)
    assert not errors
    assert len(committed) == len(set(committed))  # no two committed letters share a number
    assert len(committed) + len(rolled_back) == THREADS * EACH
    values = sorted(int(n.split("/")[0]) for n in committed)
    assert values == list(range(1, len(committed) + 1))  # rolled-back numbers were given to the next letter
    with sys_.db.writing() as s:
        assert letter_numbers.next_number(s, "13", 2026) == f"{len(committed) + 1}/2026"
        assert letter_numbers.next_number(s, "05", 2026) == "1/2026"
    sys_.db.engine.dispose()
