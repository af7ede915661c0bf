"""Routes: parse the request, call the library, render the answer."""
from __future__ import annotations

from flask import Blueprint, current_app, jsonify, request

from classifiers import clean

blueprint = Blueprint("boilercut", __name__)
MAX_BODY_BYTES = 8 * 1024 * 1024


def _error(status: int, code: str, message: str):
    return jsonify({"error": {"code": code, "message": message}}), status


@blueprint.post("/v1/clean")
def clean_text():
    if request.mimetype != "text/plain":
        return _error(415, "unsupported_media_type", "send the scraped text as text/plain")
    if (request.content_length or 0) > MAX_BODY_BYTES:
        return _error(413, "too_large", f"body larger than {MAX_BODY_BYTES} bytes")
    body = request.get_data(cache=False)
    if len(body) > MAX_BODY_BYTES:
        return _error(413, "too_large", f"body larger than {MAX_BODY_BYTES} bytes")
    charset = request.mimetype_params.get("charset", "utf-8")
    try:
        text = body.decode(charset)
    except LookupError:
        return _error(400, "bad_charset", f"unknown charset {charset!r}")
    except UnicodeDecodeError as exc:
        return _error(400, "bad_encoding", f"body is not valid {charset}: {exc.reason} at byte {exc.start}")
    result = clean(text, model=current_app.extensions["boilercut.model"])
    return jsonify(result.to_dict())


@blueprint.get("/healthz")
def healthz():
    return jsonify({"status": "ok"})
