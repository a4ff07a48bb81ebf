"""CPU time and memory bounds for analyst code run in this process: BPMN scripts and letter templates.

A ``sys.settrace`` watchdog sees every line of the analyst's code (and nothing else: other frames are not
traced) and stops it with ScriptFailed once it has used ``time_limit`` seconds of this thread's CPU, or
once this process holds MAX_MEMORY bytes more than when the code started (resident memory, read from
/proc every CHECK_EVERY seconds of CPU: a cheap read, so a step costs about the same). The size guards
(guards.py) stop in advance what a single operation could blow up in C (9 ** 10**7, "x" * 10**10); this
catches what grows line by line (appending megabytes in a loop, a comprehension building a huge value).
ADR 0013 says why a guard in the process rather than a worker process per step."""

from __future__ import annotations

import os
import sys
import time
from collections.abc import Iterator
from contextlib import contextmanager
from types import FrameType
from typing import Any

from ..errors import ScriptFailed

MAX_MEMORY = 256 * 1024 * 1024  # bytes analyst code may add to the process
CHECK_EVERY = 0.002  # seconds of CPU between two memory readings
_PAGE = os.sysconf("SC_PAGE_SIZE") if hasattr(os, "sysconf") else 4096
_statm: list[int] = []  # the open /proc/self/statm, or -1 where there is none


def resident_bytes() -> int:
    """This process's resident memory now (0 where the system does not say: only the time limit holds)."""
    if not _statm:
        try:
            _statm.append(os.open("/proc/self/statm", os.O_RDONLY))
        except OSError:
            _statm.append(-1)
    if _statm[0] < 0:
        return 0
    return int(os.pread(_statm[0], 128, 0).split()[1]) * _PAGE


def _mb(size: int) -> str:
    return f"{size // (1024 * 1024)} MB"


@contextmanager
def bounded(filename: str, time_limit: float, what: str) -> Iterator[None]:
    """Run the block with the code compiled under ``filename`` bounded in CPU time and memory; ``what``
    names it in the Spanish message of the ScriptFailed raised from its current line."""
    if time_limit <= 0:
        raise ValueError("time_limit debe ser positivo")
    start = time.thread_time()
    deadline, baseline = start + time_limit, resident_bytes()
    next_check = start + CHECK_EVERY

    def watchdog(frame: FrameType, event: str, arg: Any) -> Any:
        nonlocal next_check
        if frame.f_code.co_filename != filename:
            return None  # helpers and libraries run untraced; the analyst's next line checks again
        now = time.thread_time()
        if now > deadline:
            seconds = f"{time_limit:g}".replace(".", ",")
            raise ScriptFailed(f"{what} superó el tiempo máximo de {seconds} s")
        if now > next_check:
            next_check = now + CHECK_EVERY
            if resident_bytes() - baseline > MAX_MEMORY:
                raise ScriptFailed(f"{what} superó la memoria máxima de {_mb(MAX_MEMORY)}")
        return watchdog

    previous = sys.gettrace()
    sys.settrace(watchdog)
    try:
        yield
    finally:
        sys.settrace(previous)
