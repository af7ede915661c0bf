"""Routes: parse the request, call the library, render the answer.

Every error is JSON `{"error": {"code", "message"}}` with a 4xx/5xx status;
bad input never reaches a 500. Admission control: at most `max_in_flight`
documents are cleaned at once per worker; a single-document request that
cannot get a slot within `queue_timeout` seconds gets 503 with Retry-After
(batch records wait: their client is streaming anyway).
"""
from __future__ import annotations

import logging
import socket
import time
from contextlib import suppress
from dataclasses import replace
from functools import cache
from importlib import resources

from flask import Blueprint, Response, current_app, g, jsonify, request, stream_with_context

from classifiers.jsonl import read_lines

from . import observability
from .jobs import ApiError, call_inline, job_from_body, parse_json, run, run_record
from .jsonio import dumps_bytes
from .openapi import spec
from .read_limits import BodyTimeout, LimitedWaits, ReadLimit, no_limit, socket_limit
from .slots import FairSlots

blueprint = Blueprint("boilercut", __name__)
log = logging.getLogger("boilercut.http")
_CHUNK = 16 * 1024  # a read returns when this much has arrived (or the body ended)
# A body refused as too large is read on (and thrown away) up to this much more before the answer:
# closing on unread bytes makes the kernel reset the connection, and a client still sending then
# never reads its 413. Bounded, so a 50 MB upload still costs no more than this.
_DRAIN_BYTES = 256 * 1024


def _settings():
    return current_app.extensions["boilercut.settings"]


def _models():
    return current_app.extensions["boilercut.models"]


def _slots() -> FairSlots:
    return current_app.extensions["boilercut.slots"]


def _execute():
    """How the library call runs: inline (thread workers), or in a native thread (event-loop workers)."""
    return current_app.extensions.get("boilercut.execute", call_inline)


def error_response(err: ApiError):
    observability.ERRORS.labels(err.code).inc()
    response = jsonify({"error": err.to_dict()})
    response.status_code = err.status
    response.headers.update(err.headers)
    return response


def _read_limit() -> ReadLimit:
    """How long this request may wait for its body's bytes: set by the gevent worker, else the socket's."""
    if (limit := current_app.extensions.get("boilercut.read_limit")) is not None:
        return limit
    sock = request.environ.get("gunicorn.socket")
    return no_limit if sock is None else socket_limit(sock)


def _stop_reading() -> None:
    """Close the receiving half of a connection whose body is abandoned: gunicorn would otherwise read
    the rest of it before the next request, waiting on the same stalled client. Answers still go out."""
    if (sock := request.environ.get("gunicorn.socket")) is not None:
        with suppress(OSError):
            sock.shutdown(socket.SHUT_RD)


def _drain(limit: int) -> None:
    """Read and drop up to `limit` more bytes of a refused body (see `_DRAIN_BYTES`). A client that
    stalls or goes away meanwhile still gets (or misses) its 413, not another answer."""
    left = limit
    with suppress(BodyTimeout, OSError):
        while left > 0 and (chunk := request.stream.read(min(_CHUNK, left))):
            left -= len(chunk)


def _read_body(settings) -> bytes:
    """The request body, refused past `max_body_bytes` while reading (chunked uploads have no length),
    and 408 when it has not all arrived within `body_timeout` seconds. What is read counts against
    the worker's body budget until the request ends (`release_body_budget`); counted as it arrives,
    so that stalled uploads hold only what they sent."""
    max_bytes = settings.max_body_bytes
    declared = request.content_length
    parts, size = [], 0
    try:
        # One limit for the whole body: a chunk-by-chunk limit would arm a timer per 16 KB read.
        with _read_limit()(settings.body_timeout):
            if (declared or 0) > max_bytes:
                if declared <= max_bytes + _DRAIN_BYTES:
                    _drain(declared)
                raise ApiError(413, "too_large", f"body larger than {max_bytes} bytes")
            # With a declared length, no read after the last byte: it would only return b"".
            while (declared is None or size < declared) and (chunk := request.stream.read(_CHUNK)):
                size += len(chunk)
                if size > max_bytes:
                    _drain(_DRAIN_BYTES)
                    raise ApiError(413, "too_large", f"body larger than {max_bytes} bytes")
                _take_body_budget(len(chunk))
                parts.append(chunk)
            if declared is not None and size < declared:  # the client closed its side early: not the whole document
                raise ApiError(400, "incomplete_body", f"body ended after {size} of its {declared} bytes")
    except BodyTimeout:
        _stop_reading()
        raise ApiError(408, "body_timeout", f"the body did not arrive within {settings.body_timeout:g} s") from None
    except OSError as exc:  # the client went away mid-upload: its fault, answered (if it still listens) as such
        raise ApiError(400, "incomplete_body", f"connection lost while reading the body ({exc.strerror or exc})") from None
    observability.DOC_BYTES.labels(request.mimetype or "none").inc(size)
    return b"".join(parts)


def _take_body_budget(n: int) -> None:
    if n and not current_app.extensions["boilercut.body_budget"].take(n):
        raise ApiError(503, "overloaded", "the server holds too many uploads; retry shortly", {"Retry-After": "1"})
    g.body_bytes = g.get("body_bytes", 0) + n


class _Slot:
    """One of the worker's cleaning slots, or 503 when none frees up in time."""

    def __init__(self, timeout: float | None):
        self.timeout = timeout

    def __enter__(self):
        if not _slots().acquire(timeout=self.timeout):
            raise ApiError(503, "overloaded", "the server is busy; retry shortly", {"Retry-After": "1"})

    def __exit__(self, *exc):
        _slots().release()


@blueprint.post("/v1/clean")
def clean_one():
    settings = _settings()
    body = _read_body(settings)
    job = job_from_body(request.mimetype, request.mimetype_params.get("charset"), body, request.args.to_dict())
    wanted = request.accept_mimetypes.best_match(["application/json", "text/plain", "text/markdown"],
                                                 default="application/json")
    if wanted == "text/markdown" and job.options.format != "markdown":
        job = _with_format(job, "markdown")
    with _Slot(settings.queue_timeout):
        answer = run(job, _models(), settings.doc_time_budget, _execute())
    if wanted in ("text/plain", "text/markdown"):
        return Response(answer["article"], mimetype=wanted)
    return jsonify(answer)


def _with_format(job, fmt: str):
    return replace(job, options=replace(job.options, format=fmt))


@blueprint.post("/v1/clean/batch")
def clean_batch():
    settings = _settings()
    if request.mimetype == "application/json":
        return _batch_array(settings)
    if request.mimetype not in ("application/x-ndjson", "application/jsonl", "application/json-lines"):
        raise ApiError(415, "unsupported_media_type", "send application/x-ndjson (or a JSON array)")
    if (request.content_length or 0) > settings.max_batch_bytes:
        raise ApiError(413, "too_large", f"batch larger than {settings.max_batch_bytes} bytes")
    return Response(stream_with_context(_ndjson_answers(settings)), mimetype="application/x-ndjson")


def _batch_array(settings):
    body = _read_body(settings)
    records = parse_json(body)
    if not isinstance(records, list):
        raise ApiError(400, "bad_request", "a JSON batch is an array of records")
    if len(records) > settings.max_batch_records:
        raise ApiError(413, "too_many_records", f"at most {settings.max_batch_records} records per JSON batch; "
                       "stream larger batches as application/x-ndjson")
    answers = []
    for i, record in enumerate(records):
        with _Slot(None):
            answers.append(run_record(record, _models(), settings.doc_time_budget, f"record {i}", _execute()))
    return jsonify(answers)


def _ndjson_answers(settings):
    """One output line per non-blank input line, in order, errors inline; reads while it answers."""
    received = 0
    line_limit = settings.max_body_bytes
    for raw in _batch_lines(settings):
        if raw is None:
            yield _dump({"id": None, "error": {"code": "too_large", "message": f"record over {line_limit} bytes"}})
            continue
        if isinstance(raw, dict):  # the client stopped sending: the batch's last line
            yield _dump(raw)
            return
        received += len(raw)
        if received > settings.max_batch_bytes:
            yield _dump({"id": None, "error": {"code": "too_large",
                                               "message": f"batch over {settings.max_batch_bytes} bytes; stopped"}})
            return
        if not raw.strip():
            continue
        try:
            record = parse_json(raw)
        except ApiError as err:
            observability.ERRORS.labels(err.code).inc()
            yield _dump({"id": None, "error": err.to_dict()})
            continue
        with _Slot(None):
            answer = run_record(record, _models(), settings.doc_time_budget, "record", _execute())
        # Outside the slot: a client slow to read the answers must not keep other requests from cleaning.
        yield _dump(answer)


def _batch_lines(settings):
    """The batch body's raw lines (None for one over the size limit); an error record last when a
    read waits `body_timeout` seconds. gunicorn reads a chunked body 1 KB at a time, so the records
    of a last, partial kilobyte are not seen before more data comes: the error says so."""
    stream = LimitedWaits(request.stream, _read_limit(), settings.body_timeout)
    try:
        yield from read_lines(stream, settings.max_body_bytes)
    except BodyTimeout:
        _stop_reading()
        observability.ERRORS.labels("body_timeout").inc()
        log.warning("batch stopped: no data within the body timeout", extra={"request_id": g.get("request_id")})
        yield {"id": None, "error": {"code": "body_timeout", "message": f"no data for {settings.body_timeout:g} s; "
                                     "stopped (records sent after the last answer were not cleaned)"}}


def _dump(record: dict) -> bytes:
    return dumps_bytes(record) + b"\n"


@blueprint.get("/healthz")
def healthz():
    return jsonify({"status": "ok"})


@blueprint.get("/readyz")
def readyz():
    models = _models()
    ready = all(m is not None for m in models.values())
    body = {"status": "ready" if ready else "loading",
            "models": {k: (None if m is None else {"name": m.name, "version": m.version}) for k, m in models.items()}}
    return jsonify(body), 200 if ready else 503


@blueprint.get("/metrics")
def metrics():
    payload, content_type = observability.metrics_text()
    return Response(payload, content_type=content_type)


@blueprint.get("/openapi.json")
def openapi():
    return jsonify(spec())


@cache
def _static(name: str) -> bytes:
    return resources.files("service").joinpath(f"static/{name}").read_bytes()


@blueprint.get("/")
def demo():
    return Response(_static("demo.html"), mimetype="text/html")


@blueprint.get("/docs")
def docs():
    return Response(_static("docs.html"), mimetype="text/html")


@blueprint.app_errorhandler(ApiError)
def api_error(err: ApiError):
    return error_response(err)


@blueprint.app_errorhandler(413)
def too_large(_exc):
    return error_response(ApiError(413, "too_large", "request body too large"))


@blueprint.app_errorhandler(404)
def not_found(_exc):
    return error_response(ApiError(404, "not_found", f"no route {request.path}; see /openapi.json"))


@blueprint.app_errorhandler(405)
def not_allowed(_exc):
    return error_response(ApiError(405, "method_not_allowed", f"{request.method} is not allowed on {request.path}"))


@blueprint.app_errorhandler(Exception)
def unexpected(exc: Exception):
    from werkzeug.exceptions import HTTPException

    if isinstance(exc, HTTPException):
        return error_response(ApiError(exc.code or 500, "http_error", exc.description or exc.name))
    log.exception("unexpected error", extra={"request_id": g.get("request_id")})
    return error_response(ApiError(500, "internal", "unexpected server error; it has been logged"))


@blueprint.before_app_request
def start_request():
    g.request_id = observability.request_id(request.headers.get("X-Request-ID"))
    g.started = time.perf_counter()


@blueprint.teardown_app_request
def release_body_budget(_exc) -> None:
    if g.get("body_bytes"):
        current_app.extensions["boilercut.body_budget"].give_back(g.body_bytes)
        g.body_bytes = 0


@blueprint.after_app_request
def finish_request(response: Response):
    route = request.url_rule.rule if request.url_rule else "unmatched"
    seconds = time.perf_counter() - g.get("started", time.perf_counter())
    observability.REQUESTS.labels(route, request.method, str(response.status_code)).inc()
    observability.LATENCY.labels(route).observe(seconds)
    response.headers["X-Request-ID"] = g.get("request_id", "")
    log.info("request", extra={"request_id": g.get("request_id"), "method": request.method, "path": request.path,
                               "status": response.status_code, "duration_ms": round(seconds * 1000, 2),
                               "bytes_in": request.content_length, "remote": request.remote_addr})
    return response
