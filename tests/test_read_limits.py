"""Time limits on body reads, on a real socket pair."""
from __future__ import annotations

import io
import socket
import threading
import time

import pytest

from service.read_limits import BodyTimeout, LimitedWaits, no_limit, socket_limit


def test_socket_limit_raises_body_timeout_and_restores_the_socket():
    ours, theirs = socket.socketpair()
    with ours, theirs:
        started = time.monotonic()
        with pytest.raises(BodyTimeout), socket_limit(ours)(0.2):
            ours.recv(10)  # nothing was sent
        assert 0.15 < time.monotonic() - started < 2
        assert ours.gettimeout() is None  # blocking again, as the worker left it


def test_socket_limit_passes_a_read_that_finishes_in_time():
    ours, theirs = socket.socketpair()
    with ours, theirs:
        theirs.sendall(b"in time")
        with socket_limit(ours)(1.0):
            assert ours.recv(10) == b"in time"
        time.sleep(1.2)  # the cancelled watchdog must not fire afterwards
        theirs.sendall(b"later")
        assert ours.recv(10) == b"later"


def test_socket_limit_cuts_a_trickle_that_keeps_each_recv_short():
    ours, theirs = socket.socketpair()
    with ours, theirs:
        body = ours.makefile("rb")  # a buffered read loops over recv() until it has all it asked for
        stop = threading.Event()

        def trickle():
            while not stop.wait(0.05):
                try:
                    theirs.sendall(b"a")
                except OSError:
                    return

        threading.Thread(target=trickle, daemon=True).start()
        started = time.monotonic()
        try:
            with pytest.raises(BodyTimeout), socket_limit(ours)(0.3):
                body.read(1000)  # a byte every 50 ms: never a 0.3 s gap, and never 1000 bytes in time
        finally:
            stop.set()
        assert time.monotonic() - started < 1.5


def test_limited_waits_bounds_each_read_not_the_stream():
    ours, theirs = socket.socketpair()
    with ours, theirs:
        stream = LimitedWaits(ours.makefile("rb", buffering=0), socket_limit(ours), 0.3)
        theirs.sendall(b"first line\n")
        assert stream.readline(100) == b"first line\n"
        time.sleep(0.4)  # longer than one read may wait: the pause between reads does not count
        theirs.sendall(b"second line\n")
        assert stream.readline(100) == b"second line\n"
        with pytest.raises(BodyTimeout):
            stream.read(5)


def test_no_limit_reads_as_is():
    stream = LimitedWaits(io.BytesIO(b"abc\ndef"), no_limit, 0.01)
    assert stream.readline() == b"abc\n" and stream.read() == b"def"
