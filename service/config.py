"""Service settings: defaults, overridden by `BOILERCUT_*` environment variables, overridden by flags.

One table (`SETTINGS`) is the single source of the names, types, defaults and
descriptions; the README's configuration table is generated from the same text.
"""
from __future__ import annotations

import os
from collections.abc import Mapping
from dataclasses import dataclass, fields


@dataclass(frozen=True)
class Settings:
    host: str = "0.0.0.0"
    port: int = 8080
    workers: int = 2
    worker_class: str = "gevent"
    connections: int = 1000
    threads: int = 4
    timeout: int = 60
    graceful_timeout: int = 30
    max_requests: int = 20000
    max_body_bytes: int = 8 * 1024 * 1024
    max_batch_records: int = 100
    max_batch_bytes: int = 64 * 1024 * 1024
    doc_time_budget: float = 10.0
    max_in_flight: int = 1
    queue_timeout: float = 5.0
    body_timeout: float = 30.0
    log_level: str = "info"

    def __post_init__(self) -> None:
        for name in ("port", "workers", "connections", "threads", "timeout", "max_body_bytes", "max_batch_records",
                     "max_batch_bytes", "max_in_flight"):
            if getattr(self, name) < 1:
                raise ValueError(f"{name} must be at least 1")
        for name in ("doc_time_budget", "body_timeout", "queue_timeout"):
            if not 0 <= getattr(self, name) <= MAX_SECONDS:  # also refuses nan; inf would overflow socket timeouts
                raise ValueError(f"{name} must be between 0 and {MAX_SECONDS} seconds")
        if self.doc_time_budget == 0 or self.body_timeout == 0:
            raise ValueError("doc_time_budget and body_timeout must be positive")
        if self.worker_class not in WORKER_CLASSES:
            raise ValueError(f"worker_class must be one of {', '.join(WORKER_CLASSES)}")
        if self.log_level.lower() not in ("debug", "info", "warning", "error"):
            raise ValueError("log_level must be debug, info, warning or error")


WORKER_CLASSES = ("gevent", "gthread")
MAX_SECONDS = 86400  # a day: longer waits are a misconfiguration (and `inf` is no way to switch one off)

DESCRIPTIONS = {
    "host": "interface to listen on",
    "port": "TCP port",
    "workers": "worker processes (each holds one copy of the models, ~150 MB)",
    "worker_class": "gevent (an event loop reads requests, a thread cleans) or gthread (threads)",
    "connections": "open connections per gevent worker (more wait in the listen queue)",
    "threads": "threads per gthread worker (one cleans, the others read slow uploads and queue)",
    "timeout": "seconds a worker may spend on one request before it is restarted",
    "graceful_timeout": "seconds to finish in-flight requests after SIGTERM",
    "max_requests": "requests after which a worker is recycled (0 = never; jittered by 10%)",
    "max_body_bytes": "largest request body for /v1/clean (413 above)",
    "max_batch_records": "most records in a JSON-array batch (413 above; NDJSON batches are streamed, unbounded)",
    "max_batch_bytes": "largest NDJSON batch body",
    "doc_time_budget": "seconds one document may take (422 above)",
    "max_in_flight": "documents one worker cleans at once (the work is CPU-bound: more threads only queue)",
    "queue_timeout": "seconds a request waits for a free slot before 503 with Retry-After",
    "body_timeout": "seconds a request body may take to arrive (a streamed batch: each record); 408 after",
    "log_level": "debug, info, warning or error",
}


def env_name(field_name: str) -> str:
    return "BOILERCUT_" + field_name.upper()


def from_env(environ: Mapping[str, str] | None = None, **overrides) -> Settings:
    """Defaults ← `BOILERCUT_*` variables ← explicit overrides (flags; None means "not given")."""
    environ = os.environ if environ is None else environ
    values = {}
    for f in fields(Settings):
        raw = environ.get(env_name(f.name))
        if raw is not None and raw.strip():
            values[f.name] = _parse(f.name, raw.strip(), type(f.default))
    values.update({k: v for k, v in overrides.items() if v is not None})
    return Settings(**values)


def _parse(name: str, raw: str, kind: type):
    try:
        return kind(raw)
    except ValueError:
        raise ValueError(f"{env_name(name)}={raw!r} is not a valid {kind.__name__}") from None
