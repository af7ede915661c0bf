"""Worker recycling decisions (`service.recycle`), without a server: no master, so nothing is signalled."""
from __future__ import annotations

import time

from service.recycle import Recycler


def test_a_worker_asks_once_after_its_jittered_request_limit():
    recycler = Recycler(max_requests=20, timeout=60, master_pid=None)
    served = 0
    while recycler.asked is None:
        recycler.request_finished()
        served += 1
        assert served <= 22  # 20 plus at most 10% jitter
    assert served >= 20 and "max_requests 20" in recycler.asked
    assert recycler.request_finished() is True  # from now on, every answer closes its connection
    first = recycler.asked
    recycler.request_finished()
    assert recycler.asked == first


def test_zero_max_requests_never_asks():
    recycler = Recycler(max_requests=0, timeout=60, master_pid=None)
    for _ in range(1000):
        recycler.request_finished()
    assert recycler.asked is None


def test_only_a_running_document_over_the_timeout_is_overdue():
    recycler = Recycler(max_requests=0, timeout=5, master_pid=None)
    now = time.monotonic()
    assert recycler.overdue(now + 100) is None  # nothing running
    token = recycler.document_started()
    assert recycler.overdue(now + 1) is None
    assert recycler.overdue(now + 10) > 5
    recycler.document_finished(token)
    assert recycler.overdue(now + 100) is None


def test_the_watchdog_asks_when_a_document_runs_too_long():
    recycler = Recycler(max_requests=0, timeout=0.2, master_pid=None)
    token = recycler.document_started()
    deadline = time.monotonic() + 5
    while recycler.asked is None and time.monotonic() < deadline:
        time.sleep(0.05)
    recycler.document_finished(token)
    assert recycler.asked is not None and "a document has run" in recycler.asked
