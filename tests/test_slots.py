"""The worker's admission control (`service.slots`): cleaning slots (a bound, first come first served, timeouts) and the body budget."""
from __future__ import annotations

import threading
import time

import pytest

from service.slots import ByteBudget, FairSlots


def test_at_most_n_holders_and_a_timeout_when_none_frees_up():
    slots = FairSlots(2)
    assert slots.acquire(0) and slots.acquire(0)
    started = time.monotonic()
    assert slots.acquire(0.05) is False
    assert time.monotonic() - started >= 0.04
    slots.release()
    assert slots.acquire(0)


def test_waiters_get_the_slot_in_arrival_order_and_a_newcomer_cannot_overtake():
    slots = FairSlots(1)
    assert slots.acquire()
    order: list[int] = []
    go = threading.Event()

    def wait_for_turn(i: int) -> None:
        assert slots.acquire(5)
        order.append(i)
        go.wait(5)  # hold the slot until the newcomer has tried
        slots.release()

    threads = []
    for i in range(5):
        t = threading.Thread(target=wait_for_turn, args=(i,))
        t.start()
        threads.append(t)
        while len(slots._waiters) < i + 1:  # each one queued before the next arrives
            time.sleep(0.001)
    slots.release()  # handed to the first waiter: never free, so a newcomer finds none
    assert slots.acquire(0) is False
    go.set()
    for t in threads:
        t.join(5)
    assert order == [0, 1, 2, 3, 4]


def test_a_timed_out_waiter_leaves_the_queue():
    slots = FairSlots(1)
    assert slots.acquire()
    assert slots.acquire(0.01) is False
    assert not slots._waiters
    slots.release()
    assert slots.acquire(0)


def test_needs_a_slot():
    with pytest.raises(ValueError):
        FairSlots(0)


def test_byte_budget_refuses_past_its_limit_and_takes_back_what_is_given_back():
    budget = ByteBudget(100)
    assert budget.take(60) and budget.take(40)
    assert not budget.take(1)  # full: refused, nothing taken
    budget.give_back(40)
    assert not budget.take(41) and budget.take(40)
