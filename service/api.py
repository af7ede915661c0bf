"""Routes: parse the request, call the library, render the answer."""
from __future__ import annotations

from flask import Blueprint, current_app, jsonify, request

from classifiers import clean

blueprint = Blueprint("boilercut", __name__)
MAX_BODY_BYTES = 8 * 1024 * 1024


def _error(status: int, code: str, message: str):
    return jsonify({"error": {"code": code, "message": message}}), status


def _read_body(limit: int) -> bytes | None:
    """The request body, or None once it exceeds `limit` (read in chunks: chunked uploads have no length)."""
    parts, size = [], 0
    while True:
        chunk = request.stream.read(64 * 1024)
        if not chunk:
            return b"".join(parts)
        size += len(chunk)
        if size > limit:
            return None
        parts.append(chunk)


@blueprint.post("/v1/clean")
def clean_text():
    if request.mimetype != "text/plain":
        return _error(415, "unsupported_media_type", "send the scraped text as text/plain")
    if (request.content_length or 0) > MAX_BODY_BYTES:
        return _error(413, "too_large", f"body larger than {MAX_BODY_BYTES} bytes")
    body = _read_body(MAX_BODY_BYTES)
    if body is None:
        return _error(413, "too_large", f"body larger than {MAX_BODY_BYTES} bytes")
    charset = request.mimetype_params.get("charset", "utf-8")
    try:
        text = body.decode(charset)
    except LookupError:
        return _error(400, "bad_charset", f"unknown charset {charset!r}")
    except UnicodeDecodeError as exc:
        return _error(400, "bad_encoding", f"body is not valid {charset}: {exc.reason} at byte {exc.start}")
    except (UnicodeError, ValueError) as exc:  # codecs such as idna or punycode raise their own errors
        return _error(400, "bad_encoding", f"body cannot be decoded as {charset}: {exc}")
    result = clean(text, model=current_app.extensions["boilercut.model"])
    return jsonify(result.to_dict())


@blueprint.app_errorhandler(413)
def too_large(_exc):
    # Raised by Werkzeug while reading a body past MAX_CONTENT_LENGTH, chunked uploads included.
    return _error(413, "too_large", f"body larger than {MAX_BODY_BYTES} bytes")


@blueprint.get("/healthz")
def healthz():
    return jsonify({"status": "ok"})
