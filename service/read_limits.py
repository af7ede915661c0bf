"""Time limits on reading request bodies: a client that stops sending gets 408, not a connection held for ever.

gunicorn bounds the wait for a request's headers (by its keep-alive timeout) but not for its body:
a client that announces 100 KB and sends ten bytes kept its connection, its greenlet or thread and
the bytes it sent, for as long as it kept the socket open. Each read of a body now runs under a
limit, enforced the way the worker waits for sockets:

- gevent worker: a `gevent.Timeout` around the whole read, however many `recv()`s it takes, so a
  client trickling a byte at a time cannot stretch it either;
- threaded worker: a timeout on the socket, which bounds each `recv()` (a trickle of a byte per
  interval can stretch a read; the body budget and size limits still bound what it holds);
- no gunicorn socket (the Flask test client, `flask run`): no limit.
"""
from __future__ import annotations

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
    """A limit for a threaded worker: every `recv()` on `sock` within the given seconds."""

    @contextmanager
    def limit(seconds: float):
        previous = sock.gettimeout()
        sock.settimeout(seconds)
        try:
            yield
        except TimeoutError:  # socket.timeout is TimeoutError
            raise BodyTimeout from None
        finally:
            sock.settimeout(previous)

    return limit


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
