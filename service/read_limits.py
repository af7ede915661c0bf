"""Time limits on reading request bodies: a client that stops sending gets 408, not a connection held for ever.

gunicorn bounds the wait for a request's headers (by its keep-alive timeout) but not for its body:
a client that announces 100 KB and sends ten bytes kept its connection, its greenlet or thread and
the bytes it sent, for as long as it kept the socket open. Each read of a body now runs under a
limit, enforced the way the worker waits for sockets:

- gevent worker: a `gevent.Timeout` around the whole read, however many `recv()`s it takes, so a
  client trickling a byte at a time cannot stretch it either;
- threaded worker: a timeout on the socket bounds each `recv()`, and a watchdog timer shuts the
  socket's receiving side when the whole read outlasts the limit (a trickle of a byte now and
  then resets the socket's timeout at every byte; it does not reset the watchdog);
- no gunicorn socket (the Flask test client, `flask run`): no limit.
"""
from __future__ import annotations

import socket
import threading
from collections.abc import Callable
from contextlib import AbstractContextManager, contextmanager, nullcontext
from typing import IO

ReadLimit = Callable[[float], AbstractContextManager]


class BodyTimeout(Exception):
    """The body did not arrive within the time allowed."""


def event_loop_limit(seconds: float) -> AbstractContextManager:
    """A limit for a gevent worker: the read, all of it, within `seconds`."""
    import gevent

    return gevent.Timeout(seconds, BodyTimeout)


def socket_limit(sock) -> ReadLimit:
    """A limit for a threaded worker: the read, all of it, within the given seconds."""

    @contextmanager
    def limit(seconds: float):
        expired = threading.Event()
        watchdog = threading.Timer(seconds, _stop_receiving, (sock, expired))
        watchdog.daemon = True
        previous = sock.gettimeout()
        sock.settimeout(seconds)
        watchdog.start()
        try:
            yield
        except TimeoutError:  # socket.timeout is TimeoutError
            raise BodyTimeout from None
        except Exception:  # the watchdog's shutdown ends a chunked body mid-chunk: gunicorn says no more data
            if expired.is_set():
                raise BodyTimeout from None
            raise
        finally:
            watchdog.cancel()
            sock.settimeout(previous)
        if expired.is_set():  # the read returned what had come when the watchdog fired: not the whole body
            raise BodyTimeout

    return limit


def _stop_receiving(sock, expired: threading.Event) -> None:
    expired.set()
    try:
        sock.shutdown(socket.SHUT_RD)  # wakes the blocked recv() with b""
    except OSError:
        pass


def no_limit(_seconds: float) -> AbstractContextManager:
    return nullcontext()


class LimitedWaits:
    """A body stream whose every `read`/`readline` must finish within `seconds` (a streamed batch:
    each record may take that long to arrive, the batch as long as records keep coming)."""

    def __init__(self, stream: IO[bytes], limit: ReadLimit, seconds: float):
        self._stream, self._limit, self._seconds = stream, limit, seconds

    def read(self, size: int = -1) -> bytes:
        with self._limit(self._seconds):
            return self._stream.read(size)

    def readline(self, size: int = -1) -> bytes:
        with self._limit(self._seconds):
            return self._stream.readline(size)
