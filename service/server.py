"""`boilercut serve`: granian (an HTTP server in Rust with a WSGI interface) with worker processes,
threads, recycling, graceful shutdown and JSON logs.

Why granian and not gunicorn: a request's HTTP work (reading, parsing, writing, keep-alive) runs in
Rust outside the GIL, and the WSGI call goes to a Python thread directly. gunicorn's threaded worker
spent ~0.6 ms of Python per request on that; alternating the two servers on 10 KB documents, one
granian worker served 77-80% of in-process `clean()` throughput against gunicorn's 70-78% (README,
"Benchmarks"). Recycling by request count and the per-document watchdog, which granian does not
have, live in `service.recycle`.

The app (and both models) is built once in the master before the workers fork, so workers share the
model arrays copy-on-write and start at once, also when they are recycled. Metrics of all workers are
aggregated through prometheus-client's multiprocess directory.
"""
from __future__ import annotations

import gc
import os
import shutil
import tempfile

from .config import Settings


def granian_options(settings: Settings) -> dict:
    from granian.constants import HTTPModes, Interfaces
    from granian.http import HTTP1Settings
    from granian.log import LogLevels

    return {
        "address": settings.host,
        "port": settings.port,
        "interface": Interfaces.WSGI,
        "http": HTTPModes.http1,
        "websockets": False,
        "workers": settings.workers,
        "blocking_threads": settings.threads,
        # Headers must arrive within the timeout; a body may be slow: it only holds one of the threads.
        "http1_settings": HTTP1Settings(header_read_timeout=int(settings.timeout * 1000)),
        "respawn_failed_workers": True,  # a worker that crashed is replaced
        # On recycling, the master starts the fresh workers (ready at once: forked with the models
        # loaded), then waits this long before it stops the old ones. Meanwhile the old ones answer with
        # `Connection: close` (service.api), so their kept-alive clients move over between requests
        # rather than losing a request to a connection closed under it.
        "respawn_interval": 1.0,
        "workers_kill_timeout": settings.graceful_timeout,  # in-flight requests get this long on SIGTERM/recycling
        "log_enabled": True,
        "log_level": LogLevels(settings.log_level.lower()),
        "log_access": False,  # the app logs every request as JSON with its request id
        "log_dictconfig": {"version": 1, "disable_existing_loggers": False,
                           "formatters": {"json": {"()": "service.observability.JsonFormatter"}},
                           "handlers": {"console": {"class": "logging.StreamHandler", "formatter": "json",
                                                    "stream": "ext://sys.stderr"}},
                           "loggers": {"_granian": {"handlers": ["console"], "propagate": False}}},
    }


def run(settings: Settings) -> None:
    from granian.server import Server

    metrics_dir = tempfile.mkdtemp(prefix="boilercut-metrics-")
    os.environ["PROMETHEUS_MULTIPROC_DIR"] = metrics_dir  # before prometheus-client creates any metric file
    try:
        from . import create_app
        from .observability import configure_logging  # metrics are created on import: after the env var

        configure_logging(settings.log_level)
        app = create_app(settings, master_pid=os.getpid())
        # Everything built so far (Flask, the models, imported modules) lives as long as the server:
        # move it out of the collector's reach, so collections in the workers only walk what requests
        # allocate, and copy-on-write pages shared with the workers are not dirtied by the collector.
        gc.freeze()
        server = Server("service:app", **granian_options(settings))
        # Workers are forked: each calls this loader and gets the app built above, models loaded.
        server.serve(target_loader=lambda _target: app)
    finally:
        shutil.rmtree(metrics_dir, ignore_errors=True)  # only the master gets here; workers leave by os._exit
