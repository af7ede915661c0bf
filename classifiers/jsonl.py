"""The streaming JSON Lines contract of `boilercut clean --jsonl`.

Input: one JSON object per line, `{"id": ..., "text": ...}` or `{"id": ..., "html": ...}`.
Output: one line per input line, in order: `{"id", "article", "lang", "segments", "model"}`
(HTML records add `title`, and each segment its `path`), or
`{"id": ... or null, "error": "..."}` for a line that cannot be processed.
The stream never stops on a bad record, and memory stays bounded: input is read
one line at a time and at most a fixed number of records are in flight.
"""
from __future__ import annotations

import json
import multiprocessing
from collections import deque
from typing import IO, Any, Iterator

from .allocator import reuse_freed_memory
from .pipeline import clean

MAX_RECORD_BYTES = 64 * 1024 * 1024  # a longer line is reported and skipped, never buffered whole
_CHUNK = 1 << 20


def read_lines(stream: IO[bytes], max_bytes: int = MAX_RECORD_BYTES) -> Iterator[bytes | None]:
    """Yield raw lines (without the newline); None for a line longer than `max_bytes`."""
    while True:
        line = stream.readline(max_bytes + 1)
        if not line:
            return
        if len(line) > max_bytes and not line.endswith(b"\n"):
            while True:  # drain the oversized line in chunks so memory stays flat
                rest = stream.readline(_CHUNK)
                if not rest or rest.endswith(b"\n"):
                    break
            yield None
            continue
        yield line.rstrip(b"\r\n")


def process_line(raw: bytes | None, threshold: float | None, include_segments: bool,
                 fmt: str = "text") -> dict[str, Any] | None:
    """One input line → one output record (None for a blank line, which is skipped)."""
    if raw is None:
        return {"id": None, "error": f"record longer than {MAX_RECORD_BYTES} bytes"}
    if not raw.strip():
        return None
    try:
        line = raw.decode("utf-8")
    except UnicodeDecodeError as exc:
        return {"id": None, "error": f"line is not valid UTF-8: {exc.reason} at byte {exc.start}"}
    try:
        record = json.loads(line, parse_constant=reject_constant)
    except json.JSONDecodeError as exc:
        return {"id": None, "error": f"invalid JSON: {exc.msg} at column {exc.colno}"}
    except (ValueError, RecursionError) as exc:  # NaN/Infinity, huge integers, absurd nesting
        return {"id": None, "error": f"invalid JSON: {exc}"[:300]}
    if not isinstance(record, dict):
        return {"id": None, "error": f"record must be a JSON object, got {type(record).__name__}"}
    rid = record.get("id")
    if isinstance(rid, (dict, list)):
        return {"id": None, "error": "id must be a string, number or null"}
    text, html = record.get("text"), record.get("html")
    if (text is None) == (html is None):
        return {"id": rid, "error": "record needs exactly one string field, \"text\" or \"html\""}
    if not isinstance(text if html is None else html, str):
        return {"id": rid, "error": f"field \"{'text' if html is None else 'html'}\" must be a string"}
    try:
        result = clean(text, html=html, threshold=threshold, include_segments=include_segments, format=fmt)
    except Exception as exc:  # one bad document must never stop the stream
        return {"id": rid, "error": f"{type(exc).__name__}: {exc}"}
    return {"id": rid, **result.to_dict(include_segments=include_segments)}


def reject_constant(name: str) -> None:
    """`parse_constant` hook: NaN and Infinity are not JSON."""
    raise ValueError(f"{name} is not a JSON value")


def dump_line(record: dict[str, Any]) -> str:
    """One output record as a JSON line (without the newline)."""
    line = json.dumps(record, ensure_ascii=False)
    try:
        line.encode("utf-8")
    except UnicodeEncodeError:  # lone surrogates (from \ud83d-style escapes) can only travel escaped
        line = json.dumps(record, ensure_ascii=True)
    return line


def _process_for_pool(args: tuple[bytes | None, float | None, bool, str]) -> tuple[str, bool] | None:
    try:
        out = process_line(*args)
    except Exception as exc:  # last line of defence: the stream outlives any single record
        out = {"id": None, "error": f"{type(exc).__name__}: {exc}"[:300]}
    return None if out is None else (dump_line(out), "error" in out)


def run(stream_in: IO[bytes], stream_out: IO[str], *, workers: int = 1, threshold: float | None = None,
        include_segments: bool = True, fmt: str = "text") -> int:
    """Process a whole stream; returns the number of error records written."""
    errors = 0

    def emit(done: tuple[str, bool] | None) -> None:
        nonlocal errors
        if done is None:
            return
        line, is_error = done
        errors += is_error
        stream_out.write(line + "\n")
        stream_out.flush()

    lines = read_lines(stream_in)
    if workers <= 1:
        for raw in lines:
            emit(_process_for_pool((raw, threshold, include_segments, fmt)))
        return errors
    in_flight = 4 * workers  # bounded look-ahead keeps memory flat and output in order
    # Spawned children start a fresh C library: they take the parent's allocator settings themselves.
    with multiprocessing.get_context("spawn").Pool(workers, initializer=reuse_freed_memory) as pool:
        pending: deque = deque()
        for raw in lines:
            pending.append(pool.apply_async(_process_for_pool, ((raw, threshold, include_segments, fmt),)))
            if len(pending) >= in_flight:
                emit(pending.popleft().get())
        while pending:
            emit(pending.popleft().get())
    return errors
