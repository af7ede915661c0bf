"""Worker recycling: after `max_requests` requests, or when one document has held a cleaning slot
longer than `timeout` seconds, a worker asks the server's master for a graceful respawn.

granian (the HTTP server, see `service.server`) recycles workers by age or memory but not by request
count, and it has no per-request watchdog. Both are asked for here, in the worker, the same way: a
SIGHUP to the master, which starts fresh workers (forked from the master, so they hold the models at
once), then stops the old ones, waiting `graceful_timeout` seconds for their in-flight requests before
it kills them. A document that never finishes (a bug; every stage is linear in the capped body, and
the per-document time budget is checked between stages) thus costs one worker, not the server.

State is per worker process: counters start afresh after the fork, and the watchdog thread is
started lazily in the worker (threads do not survive a fork).
"""
from __future__ import annotations

import logging
import os
import random
import signal
import threading
import time

log = logging.getLogger("boilercut.server")


class Recycler:
    """Counts a worker's requests and watches its documents; `master_pid=None` (tests, an embedded
    app) counts and watches but never signals."""

    def __init__(self, max_requests: int, timeout: float, master_pid: int | None):
        self.max_requests = max_requests
        self.timeout = timeout
        self.master_pid = master_pid
        self._lock = threading.Lock()
        self._pid: int | None = None
        self._reset()

    def _reset(self) -> None:
        self._requests = 0
        # Jittered by up to 10% per worker, so workers started together are not all recycled together.
        self._limit = self.max_requests + random.randint(0, self.max_requests // 10) if self.max_requests else 0
        self._running: dict[int, float] = {}  # document token -> monotonic start
        self._next_token = 0
        self.asked: str | None = None

    def _in_this_process(self) -> None:
        """Called with the lock held: start afresh (and start the watchdog) in a newly forked worker."""
        if self._pid != os.getpid():
            self._pid = os.getpid()
            self._reset()
            threading.Thread(target=self._watch, name="boilercut-watchdog", daemon=True).start()

    def document_started(self) -> int:
        with self._lock:
            self._in_this_process()
            self._next_token += 1
            self._running[self._next_token] = time.monotonic()
            return self._next_token

    def document_finished(self, token: int) -> None:
        with self._lock:
            self._running.pop(token, None)

    def request_finished(self) -> bool:
        """Count a request; True once this worker has asked to be replaced (its answers should then
        close their connections: see `service.server` for the drain window)."""
        with self._lock:
            self._in_this_process()
            self._requests += 1
            if self._limit and self._requests >= self._limit:
                self._ask(f"served {self._requests} requests (max_requests {self.max_requests})")
            return self.asked is not None

    def overdue(self, now: float) -> float | None:
        """Seconds the oldest running document has taken, when that is over `timeout`."""
        with self._lock:
            oldest = min(self._running.values(), default=None)
        if oldest is not None and now - oldest > self.timeout:
            return now - oldest
        return None

    def _watch(self) -> None:
        interval = min(1.0, self.timeout / 4)
        while self.asked is None:
            time.sleep(interval)
            seconds = self.overdue(time.monotonic())
            if seconds is not None:
                with self._lock:
                    self._ask(f"a document has run {seconds:.1f} s (timeout {self.timeout:g} s)")

    def _ask(self, reason: str) -> None:
        """Called with the lock held; asks once per worker."""
        if self.asked is not None:
            return
        self.asked = reason
        if self.master_pid is None or os.getppid() != self.master_pid:
            return
        log.warning("worker asks to be recycled", extra={"pid": os.getpid(), "reason": reason})
        os.kill(self.master_pid, signal.SIGHUP)
