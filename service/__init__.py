"""The HTTP service: a thin Flask layer over `classifiers.clean()`."""
from __future__ import annotations

from flask import Flask

from .api import MAX_BODY_BYTES, blueprint


def create_app(model=None) -> Flask:
    """Build the app; the model is loaded once here and shared read-only by all requests."""
    from classifiers import default_model

    app = Flask(__name__)
    app.config["MAX_CONTENT_LENGTH"] = MAX_BODY_BYTES  # enforced while streaming, not after buffering
    app.extensions["boilercut.model"] = model or default_model()
    app.register_blueprint(blueprint)
    return app


def serve(host: str = "127.0.0.1", port: int = 8080) -> None:
    from werkzeug.serving import run_simple

    run_simple(host, port, create_app(), threaded=True)
