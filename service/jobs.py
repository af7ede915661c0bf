"""Requests → cleaning jobs → answers: validation, the library call, error mapping.

Pure functions over plain data (bytes, dicts), independent of Flask, so the
single-document route and both batch forms share one path and one set of
error codes.
"""
from __future__ import annotations

import json
import logging
import math
import time
from collections.abc import Callable
from dataclasses import dataclass
from typing import Any

from classifiers import DecodeError, ModelError, TimeBudgetExceeded, clean
from classifiers.decode import decode_text, decode_text_without_detection
from classifiers.jsonl import reject_constant

from . import observability

FORMATS = ("text", "markdown")
log = logging.getLogger("boilercut.jobs")


class ApiError(Exception):
    """An answer other than 200: HTTP status, a stable machine-readable code, a human message."""

    def __init__(self, status: int, code: str, message: str, headers: dict[str, str] | None = None):
        super().__init__(message)
        self.status, self.code, self.message = status, code, message
        self.headers = headers or {}

    def to_dict(self) -> dict[str, str]:
        return {"code": self.code, "message": self.message}


@dataclass(frozen=True)
class Options:
    format: str = "text"
    include_segments: bool = True
    threshold: float | None = None
    links: bool = False


@dataclass(frozen=True)
class Job:
    id: Any
    input: str  # "text" | "html"
    content: str | bytes  # bodies stay bytes until cleaned: decoding may mean detection, which is CPU work
    charset: str | None
    options: Options


def parse_json(body: bytes) -> Any:
    try:
        return json.loads(body.decode("utf-8"), parse_constant=reject_constant)
    except UnicodeDecodeError as exc:
        raise ApiError(400, "bad_encoding", f"JSON must be UTF-8: {exc.reason} at byte {exc.start}") from None
    except json.JSONDecodeError as exc:
        raise ApiError(400, "bad_json", f"invalid JSON: {exc.msg} at line {exc.lineno} column {exc.colno}") from None
    except (ValueError, RecursionError) as exc:  # NaN/Infinity, absurd nesting, huge integers
        raise ApiError(400, "bad_json", f"invalid JSON: {exc}"[:300]) from None


def options_from(values: dict[str, Any], from_query: bool = False) -> Options:
    """Validate `format`, `include_segments`, `threshold`, `links` (JSON values, or query-string strings)."""
    fmt = values.get("format", "text")
    if fmt not in FORMATS:
        raise ApiError(422, "invalid_option", f'"format" must be "text" or "markdown", got {fmt!r}')
    flags = {name: _flag(values.get(name), name, default, from_query)
             for name, default in (("include_segments", True), ("links", False))}
    threshold = values.get("threshold")
    if threshold is not None:
        if from_query:
            try:
                threshold = float(threshold)
            except ValueError:
                pass  # still a string: rejected below with the value the caller sent
        if isinstance(threshold, bool) or not isinstance(threshold, (int, float)) or math.isnan(threshold) \
                or not 0.0 <= threshold <= 1.0:
            raise ApiError(422, "invalid_option", f'"threshold" must be a number within [0, 1], got {threshold!r}')
        threshold = float(threshold)
    return Options(fmt, flags["include_segments"], threshold, flags["links"])


def _flag(value: Any, name: str, default: bool, from_query: bool) -> bool:
    if value is None:
        return default
    if from_query and isinstance(value, str) and value.lower() in ("true", "1", "false", "0"):
        return value.lower() in ("true", "1")
    if not isinstance(value, bool):
        raise ApiError(422, "invalid_option", f'"{name}" must be true or false, got {value!r}')
    return value


def job_from_record(record: Any, position: str = "body") -> Job:
    """A JSON object `{"id"?, "text"|"html", options...}` → a job."""
    if not isinstance(record, dict):
        raise ApiError(400, "bad_request", f"{position} must be a JSON object, got {type(record).__name__}")
    rid = record.get("id")
    if isinstance(rid, (dict, list)):
        raise ApiError(400, "bad_request", '"id" must be a string, number or null')
    has_text, has_html = "text" in record, "html" in record
    if has_text == has_html:
        raise ApiError(400, "bad_request", 'send exactly one of "text" or "html"')
    field = "text" if has_text else "html"
    if not isinstance(record[field], str):
        raise ApiError(400, "bad_request", f'"{field}" must be a string')
    return Job(rid, field, record[field], None, options_from(record))


def job_from_body(mimetype: str, charset: str | None, body: bytes, query: dict[str, str]) -> Job:
    """A single-document request body of any supported content type → a job."""
    if mimetype == "application/json":
        return job_from_record(parse_json(body))
    options = options_from(query, from_query=True)
    rid = query.get("id")
    if mimetype == "text/plain":
        return Job(rid, "text", _text_now_or_later(body, charset), charset, options)
    if mimetype in ("text/html", "application/xhtml+xml"):
        return Job(rid, "html", body, charset, options)
    raise ApiError(415, "unsupported_media_type",
                   "send text/plain, text/html or application/json (see /openapi.json)")


def _text_now_or_later(body: bytes, charset: str | None) -> str | bytes:
    """A text body decoded now when that is cheap (a declared charset, a BOM, valid UTF-8; bad input is
    a 400 at once, without waiting for a cleaning slot), or left as bytes for `_clean_job` when its
    encoding has to be detected: seconds of CPU for a large body, which must not run in the loop."""
    try:
        text = decode_text_without_detection(body, charset)
    except DecodeError as exc:
        raise ApiError(400, "bad_encoding", str(exc)) from None
    return body if text is None else text


def call_inline(fn: Callable[..., Any], *args: Any) -> Any:
    """How a thread worker runs the cleaning: in the thread that handles the request."""
    return fn(*args)


def run(job: Job, models: dict[str, Any], time_budget: float, execute: Callable[..., Any] = call_inline) -> dict[str, Any]:
    """Clean one job; the answer as a JSON-ready dict, or ApiError.

    `execute(fn, *args)` runs the CPU-bound part (`_clean_job`): an event-loop worker hands it to a
    native thread, so the loop keeps reading uploads and answering probes meanwhile. Metrics and the
    answer are built back in the request's own context."""
    started = time.perf_counter()
    o = job.options
    try:
        result = execute(_clean_job, job, models.get(job.input), time_budget)
    except DecodeError as exc:
        raise ApiError(400, "bad_encoding", str(exc)) from None
    except TimeBudgetExceeded as exc:
        raise ApiError(422, "time_budget_exceeded", f"{exc} ({time_budget:g} s)") from None
    except ModelError:
        raise ApiError(503, "model_unavailable", f"the {job.input} model is not available on this server") from None
    seconds = time.perf_counter() - started
    observability.record_result(job.input, result, seconds)
    out = {"id": job.id, **result.to_dict(include_segments=o.include_segments)}
    out.setdefault("title", None)
    out["timing_ms"] = round(seconds * 1000, 2)
    return out


def _clean_job(job: Job, model: Any, time_budget: float):
    """The CPU-bound part of a job: decoding a text body (a large one without a declared charset takes
    seconds of detection) and cleaning it."""
    o = job.options
    if job.input == "html":
        source = {"html": job.content, "charset": job.charset}
    else:
        source = {"text": job.content if isinstance(job.content, str) else decode_text(job.content, job.charset)}
    return clean(**source, threshold=o.threshold, include_segments=o.include_segments, format=o.format,
                 links=o.links, model=model, time_budget=time_budget)


def run_record(record: Any, models: dict[str, Any], time_budget: float, position: str,
               execute: Callable[..., Any] = call_inline) -> dict[str, Any]:
    """One batch record → its answer or an inline error; never raises for bad input."""
    rid = record.get("id") if isinstance(record, dict) and not isinstance(record.get("id"), (dict, list)) else None
    try:
        return run(job_from_record(record, position), models, time_budget, execute)
    except ApiError as err:
        observability.ERRORS.labels(err.code).inc()
        return {"id": rid, "error": err.to_dict()}
    except Exception:  # a record the library chokes on must not end the batch: report it inline
        log.exception("record failed", extra={"record_id": str(rid)[:100]})
        observability.ERRORS.labels("internal").inc()
        return {"id": rid, "error": {"code": "internal", "message": "unexpected error on this record; logged"}}
