"""Structured JSON logs with a request id, and Prometheus metrics.

Under gunicorn every worker is a process, so metrics use prometheus-client's
multiprocess mode (`PROMETHEUS_MULTIPROC_DIR`, set by `service.server` before
the workers fork); a single-process server (tests, `flask run`) uses the
default registry.
"""
from __future__ import annotations

import fcntl
import json
import logging
import os
import re
import time
import uuid
from collections import defaultdict
from contextlib import contextmanager, suppress

import orjson
from prometheus_client import CollectorRegistry, Counter, Histogram, generate_latest, multiprocess
from prometheus_client.mmap_dict import MmapedDict

from classifiers.types import Label

_REQUEST_ID = re.compile(r"^[\w.:@/+=-]{1,128}$")
LATENCY_BUCKETS = (0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1.0, 2.5, 5.0, 10.0, 30.0)

REQUESTS = Counter("boilercut_http_requests_total", "HTTP requests", ["route", "method", "status"])
LATENCY = Histogram("boilercut_http_request_duration_seconds", "HTTP request latency", ["route"],
                    buckets=LATENCY_BUCKETS)
DOCUMENTS = Counter("boilercut_documents_total", "documents cleaned", ["input", "outcome"])
DOC_BYTES = Counter("boilercut_document_bytes_total", "bytes of documents received", ["input"])
SEGMENTS = Counter("boilercut_segments_total", "segments scored", ["label"])
ERRORS = Counter("boilercut_errors_total", "error answers and per-record errors", ["code"])
DOC_LATENCY = Histogram("boilercut_document_duration_seconds", "time to clean one document", ["input"],
                        buckets=LATENCY_BUCKETS)


def request_id(header_value: str | None) -> str:
    """The caller's X-Request-ID when it is a sane token, else a fresh one."""
    if header_value and _REQUEST_ID.match(header_value):
        return header_value
    return uuid.uuid4().hex


def metrics_text() -> tuple[bytes, str]:
    """The exposition text of all workers' metrics (or this process's, without multiprocess mode)."""
    from prometheus_client import CONTENT_TYPE_LATEST, REGISTRY

    if metrics_dir := os.environ.get("PROMETHEUS_MULTIPROC_DIR"):
        registry = CollectorRegistry()
        multiprocess.MultiProcessCollector(registry)
        with _directory_lock(metrics_dir, fcntl.LOCK_SH):  # never halfway through an archiving
            return generate_latest(registry), CONTENT_TYPE_LATEST
    return generate_latest(REGISTRY), CONTENT_TYPE_LATEST


ARCHIVE_LOCK_WAIT_S = 1.0  # the master waits at most this long for scrapes to finish reading
_ARCHIVE_HEADROOM = 4 * 1024 * 1024  # free bytes the metrics directory must have to write an archive


def archive_dead_worker(metrics_dir: str, pid: int) -> bool:
    """Fold a dead worker's metric files into one archive file per metric type, and delete them.

    prometheus-client keeps every worker's files for ever (its counters must not go down), and each
    scrape reads them all: with workers recycled every few minutes, the directory (on a size-capped
    tmpfs in the container) and the scrape time would grow without bound. Raw values simply add up
    across files, for counters and for histogram buckets alike (this service has no gauges).

    Runs in gunicorn's master, under the lock every scrape takes to read, so a scrape never sees a
    count twice or not at all. The master must never hang or die here: it waits for the lock at
    most `ARCHIVE_LOCK_WAIT_S`, and writes only with room to spare (the archive is written through
    an mmap, and a full tmpfs would kill the writer with SIGBUS). False when it gave up: the files
    then stay where they are, and every count stays right.
    """
    with _directory_lock(metrics_dir, fcntl.LOCK_EX, wait=ARCHIVE_LOCK_WAIT_S) as locked:
        if not locked:
            return False
        stats = os.statvfs(metrics_dir)
        if stats.f_bavail * stats.f_frsize < _ARCHIVE_HEADROOM:
            return False
        for kind in ("counter", "histogram"):
            dead = os.path.join(metrics_dir, f"{kind}_{pid}.db")
            if not os.path.exists(dead):
                continue
            archive = os.path.join(metrics_dir, f"{kind}_archive.db")
            totals: dict[str, float] = defaultdict(float)
            for path in (archive, dead):
                if os.path.exists(path):
                    for entry in MmapedDict.read_all_values_from_file(path):  # key, value, timestamp, position
                        totals[entry[0]] += entry[1]
            staged = os.path.join(metrics_dir, f"{kind}_archive.staged")  # not *.db: no scrape reads it
            with suppress(FileNotFoundError):
                os.remove(staged)  # left by an attempt that failed midway: MmapedDict would add to it
            merged = MmapedDict(staged)
            for key, value in totals.items():
                merged.write_value(key, value, 0.0)
            merged.close()
            os.replace(staged, archive)
            os.remove(dead)
    return True


@contextmanager
def _directory_lock(metrics_dir: str, mode: int, wait: float | None = None):
    """Yields whether the lock was taken: always when `wait` is None (block), else within `wait` seconds.

    Non-blocking attempts also keep a re-entrant call (an older gunicorn reaps workers in a signal
    handler, which can interrupt an archiving in progress) from waiting on its own process for ever."""
    with open(os.path.join(metrics_dir, ".lock"), "a") as handle:
        if wait is None:
            fcntl.flock(handle, mode)
        else:
            deadline = time.monotonic() + wait
            while True:
                try:
                    fcntl.flock(handle, mode | fcntl.LOCK_NB)
                    break
                except BlockingIOError:
                    if time.monotonic() >= deadline:
                        yield False
                        return
                    time.sleep(0.02)
        try:
            yield True
        finally:
            fcntl.flock(handle, fcntl.LOCK_UN)


def record_result(input_kind: str, result, seconds: float) -> None:
    DOCUMENTS.labels(input_kind, "ok").inc()
    DOC_LATENCY.labels(input_kind).observe(seconds)
    kept = sum(s.label is Label.ARTICLE for s in result.segments)
    if result.segments:
        SEGMENTS.labels("article").inc(kept)
        SEGMENTS.labels("boilerplate").inc(len(result.segments) - kept)


class JsonFormatter(logging.Formatter):
    """One JSON object per line: time, level, logger, message, and any `extra` fields."""

    _STANDARD = set(vars(logging.makeLogRecord({}))) | {"message", "asctime"}

    def format(self, record: logging.LogRecord) -> str:
        out = {"ts": time.strftime("%Y-%m-%dT%H:%M:%S", time.gmtime(record.created)) + f".{int(record.msecs):03d}Z",
               "level": record.levelname.lower(), "logger": record.name, "msg": record.getMessage()}
        out.update({k: v for k, v in vars(record).items() if k not in self._STANDARD})
        if record.exc_info:
            out["exc"] = self.formatException(record.exc_info)
        try:  # every request logs a line: orjson takes ~1/4 of the standard encoder's time
            return orjson.dumps(out, default=str).decode("utf-8")
        except (orjson.JSONEncodeError, TypeError):  # lone surrogates, odd keys: the standard encoder escapes them
            return json.dumps(out, default=str)


def configure_logging(level: str) -> None:
    handler = logging.StreamHandler()
    handler.setFormatter(JsonFormatter())
    root = logging.getLogger("boilercut")
    root.handlers[:] = [handler]
    root.setLevel(level.upper())
    root.propagate = False
