"""Routes: parse the request, call the library, render the answer."""
from __future__ import annotations

from functools import cache
from importlib import resources

from flask import Blueprint, Response, current_app, jsonify, request

from classifiers import ModelError, clean, default_model

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
    if request.mimetype == "application/json":
        return _clean_json()
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


# --- JSON requests and the demo page (interim, kept apart: the API is being restructured) ---------------------

def _clean_json():
    """`{"text"|"html", "format", "threshold", "include_segments"}` → the same answer as for text/plain."""
    body = request.get_json(silent=True)
    if not isinstance(body, dict):
        return _error(400, "bad_json", 'send a JSON object such as {"text": "..."} or {"html": "..."}')
    if ("text" in body) == ("html" in body):
        return _error(400, "bad_request", 'send exactly one of "text" or "html"')
    field = "text" if "text" in body else "html"
    if not isinstance(body[field], str):
        return _error(400, "bad_request", f'"{field}" must be a string')
    threshold, fmt = body.get("threshold"), body.get("format", "text")
    if threshold is not None and (isinstance(threshold, bool) or not isinstance(threshold, (int, float))
                                  or not 0.0 <= threshold <= 1.0):  # NaN fails too
        return _error(400, "bad_threshold", f'"threshold" must be a number within [0, 1], got {threshold!r}')
    if fmt not in ("text", "markdown"):
        return _error(400, "bad_format", f'"format" must be "text" or "markdown", got {fmt!r}')
    include_segments = body.get("include_segments", True)
    if not isinstance(include_segments, bool):
        return _error(400, "bad_request", '"include_segments" must be true or false')
    try:
        model = current_app.extensions["boilercut.model"] if field == "text" else default_model("html")
        result = clean(**{field: body[field]}, format=fmt, threshold=threshold,
                       include_segments=include_segments, model=model)
    except ModelError as exc:
        current_app.logger.warning("model unavailable: %s", exc)
        return _error(503, "model_unavailable", f"the {field} model is not available on this server")
    return jsonify(result.to_dict(include_segments=include_segments))


@cache
def _demo_page() -> bytes:
    return resources.files("service").joinpath("static/demo.html").read_bytes()


@blueprint.get("/")
def demo():
    return Response(_demo_page(), mimetype="text/html")
