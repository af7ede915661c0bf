"""Admission control of a worker: cleaning slots (at most `n` documents cleaned at once, first come,
first served) and a budget of request-body bytes held at once.

`threading.Semaphore` lets a thread that arrives just as a slot frees up take it ahead of threads
that have waited for it: the thread that releases the slot is often handed its next request at once
and reaches `acquire()` before the woken waiter gets the GIL back. Under load that turns the queue
into a lottery, and the tail latency grows with it. Here a released slot is handed directly to the
longest waiter.
"""
from __future__ import annotations

import threading
from collections import deque


class FairSlots:
    def __init__(self, n: int):
        if n < 1:
            raise ValueError("at least one slot")
        self._free = n
        self._waiters: deque[threading.Event] = deque()
        self._lock = threading.Lock()

    def acquire(self, timeout: float | None = None) -> bool:
        """Take a slot, waiting at most `timeout` seconds (None: as long as it takes); False on timeout."""
        with self._lock:
            if self._free:
                self._free -= 1
                return True
            turn = threading.Event()
            self._waiters.append(turn)
        if turn.wait(timeout):
            return True
        with self._lock:
            if turn.is_set():  # handed over just as the wait timed out: it is ours
                return True
            self._waiters.remove(turn)
            return False

    def release(self) -> None:
        with self._lock:
            if self._waiters:
                self._waiters.popleft().set()  # the slot passes on without ever being free
            else:
                self._free += 1


class ByteBudget:
    """Bytes of request bodies a worker holds at once. An event-loop worker reads every connection's
    upload while earlier documents are cleaned: 150 concurrent 5 MB uploads took one worker to 1.9 GB.
    Bodies are counted as they arrive (a stalled upload holds what it sent), and a request whose body
    crosses the budget is refused at once (503)."""

    def __init__(self, limit: int):
        self.limit = limit
        self._used = 0
        self._lock = threading.Lock()

    def take(self, n: int) -> bool:
        with self._lock:
            if self._used + n > self.limit:
                return False
            self._used += n
            return True

    def give_back(self, n: int) -> None:
        with self._lock:
            self._used -= n
