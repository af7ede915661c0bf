"""`boilercut serve`: gunicorn with event-loop (or threaded) workers, recycling, graceful shutdown and JSON logs.

The app (and both models) is built once in the master before forking, so
workers share the model arrays copy-on-write and start instantly. Metrics of
all workers are aggregated through prometheus-client's multiprocess directory.
"""
from __future__ import annotations

import gc
import os
import shutil
import tempfile
from functools import partial

from gunicorn.app.base import BaseApplication
from gunicorn.glogging import Logger

from classifiers.allocator import reuse_freed_memory

from .config import Settings


class _Server(BaseApplication):
    def __init__(self, app, options: dict):
        self.application, self.options = app, options
        super().__init__()

    def load_config(self) -> None:
        for key, value in self.options.items():
            self.cfg.set(key, value)

    def load(self):
        return self.application


class _NoAccessLogger(Logger):
    """gunicorn's logger without its access log: the app already logs every request as JSON with its
    request id, and gunicorn would otherwise build the access-log fields of every request for nothing
    (it enables them whenever a logging config is given)."""

    def access(self, resp, req, environ, request_time) -> None:
        return None


def _child_exit(server, worker) -> None:
    from .observability import archive_dead_worker

    try:
        if not archive_dead_worker(os.environ["PROMETHEUS_MULTIPROC_DIR"], worker.pid):
            server.log.warning("metrics of worker %s not archived (busy or full metrics directory)", worker.pid)
    except Exception:  # metrics bookkeeping must never take the master down; the files just stay
        server.log.exception("could not archive the metrics of worker %s", worker.pid)


def _event_loop_worker_init(worker) -> None:
    """A gevent worker, once it has patched the standard library: cleaning slots whose waiters yield
    to the event loop, and `clean()` in native threads, one per slot. Cleaning is CPU-bound and never
    yields: run inside the loop, it would stall every other connection of the worker for its whole
    length, and the requests that came meanwhile would be served in whatever order the loop picks
    (p99 0.94 s against 39 ms at 8 connections). In its own thread it leaves the loop to read uploads,
    answer probes and queue requests in arrival order, as threads do, without the threads' GIL
    contention between requests. Body reads are bounded by gevent timeouts (`read_limits`)."""
    from gevent.threadpool import ThreadPool

    from . import admission_control
    from .read_limits import event_loop_limit

    app = worker.wsgi
    settings = app.extensions["boilercut.settings"]
    app.extensions.update(admission_control(settings))  # rebuilt now, after gevent's monkey patching
    app.extensions["boilercut.execute"] = partial(_in_pool, ThreadPool(settings.max_in_flight))
    app.extensions["boilercut.read_limit"] = event_loop_limit


def _in_pool(pool, fn, *args):
    """`fn(*args)` in a pool thread. Its exception is carried back and raised here, in the request:
    one escaping the pool thread would also be printed by gevent's hub as a plain-text traceback,
    for every 400 or 422 of a client's bad input."""
    outcome = pool.apply(_outcome, (fn, args))
    if not isinstance(outcome, _Raised):
        return outcome
    exception, outcome = outcome.exception, None
    try:
        raise exception
    finally:  # no reference cycle through this frame: the job's body is freed with the exception
        del exception


class _Raised:
    def __init__(self, exception: BaseException):
        self.exception = exception


def _outcome(fn, args):
    try:
        return fn(*args)
    except Exception as exc:  # noqa: BLE001  (re-raised in the request's greenlet by _in_pool)
        return _Raised(exc)


def gunicorn_options(settings: Settings) -> dict:
    if settings.worker_class == "gevent":
        from .worker import EventLoopWorker

        worker_class = {"worker_class": EventLoopWorker, "worker_connections": settings.connections,
                        "post_worker_init": _event_loop_worker_init}
    else:
        worker_class = {"worker_class": "gthread", "threads": settings.threads}
    return {
        "bind": f"{settings.host}:{settings.port}",
        "workers": settings.workers,
        **worker_class,
        "timeout": settings.timeout,
        "graceful_timeout": settings.graceful_timeout,
        "max_requests": settings.max_requests,
        "max_requests_jitter": settings.max_requests // 10,
        "preload_app": True,
        "control_socket_disable": True,  # no admin socket: nothing to write in a read-only container
        "accesslog": None,  # the app logs every request as JSON with its request id
        "logger_class": _NoAccessLogger,
        "loglevel": settings.log_level,
        "child_exit": _child_exit,
        "logconfig_dict": {"version": 1, "disable_existing_loggers": False,
                           "formatters": {"json": {"()": "service.observability.JsonFormatter"}},
                           "handlers": {"console": {"class": "logging.StreamHandler", "formatter": "json"}},
                           "loggers": {"gunicorn.error": {"handlers": ["console"], "level": settings.log_level.upper(),
                                                          "propagate": False}}},
    }


def run(settings: Settings) -> None:
    metrics_dir = tempfile.mkdtemp(prefix="boilercut-metrics-")
    os.environ["PROMETHEUS_MULTIPROC_DIR"] = metrics_dir  # before prometheus-client creates any metric file
    master = os.getpid()
    reuse_freed_memory()  # before the fork: the workers inherit it (classifiers/allocator.py)
    try:
        from . import create_app
        from .observability import configure_logging  # metrics are created on import: after the env var

        configure_logging(settings.log_level)

        app = create_app(settings)
        # Everything built so far (Flask, the models, imported modules) lives as long as the server:
        # move it out of the collector's reach, so collections in the workers only walk what requests
        # allocate, and copy-on-write pages shared with the workers are not dirtied by the collector.
        gc.freeze()
        _Server(app, gunicorn_options(settings)).run()
    finally:
        # Workers leave through sys.exit() and pass through here too: only the master may clean up,
        # or a recycled worker would delete the directory the others (and its successor) write to.
        if os.getpid() == master:
            shutil.rmtree(metrics_dir, ignore_errors=True)
