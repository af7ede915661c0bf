"""The HTTP service: a thin Flask layer over `classifiers.clean()`."""
from __future__ import annotations

import logging

from flask import Flask

from .config import Settings


def create_app(settings: Settings | None = None, models: dict | None = None) -> Flask:
    """Build the app; both models are loaded here, once, and shared read-only by all requests."""
    from .api import blueprint
    from .jsonio import OrjsonProvider

    settings = settings or Settings()
    app = Flask(__name__)
    app.json = OrjsonProvider(app)  # answers keep the documented field order (no key sorting)
    app.extensions["boilercut.settings"] = settings
    app.extensions["boilercut.models"] = models or {mode: _load(mode) for mode in ("text", "html")}
    app.extensions.update(admission_control(settings))
    app.register_blueprint(blueprint)
    _warm_up(app.extensions["boilercut.models"])
    return app


def admission_control(settings: Settings) -> dict:
    """A worker's cleaning slots, and its budget of request-body bytes: four bodies of the largest
    size, as many as the threaded worker's four threads could read. Built per app, and again in each
    gevent worker once gevent has patched the standard library, so their locks are the loop's."""
    from .slots import ByteBudget, FairSlots

    return {"boilercut.slots": FairSlots(settings.max_in_flight),
            "boilercut.body_budget": ByteBudget(4 * max(settings.max_body_bytes, 1))}


def _warm_up(models: dict) -> None:
    """Run each model once, so lazily loaded parts (langdetect's profiles, numpy kernels) load here —
    in gunicorn's master, before the fork — and not in every freshly recycled worker's first request."""
    import codecs

    from classifiers import clean
    from classifiers.decode import decode_text

    sample = "A warm-up sentence, long enough for the language detector to look at it properly.\nMenu"
    # English text is recognised by its function words without langdetect; this one needs its profiles.
    not_english = "Ein Satz zum Aufwärmen, lang genug, damit die Spracherkennung ihn wirklich prüft.\nMenü"
    if models.get("text") is not None:
        # With a BOM the decoder goes to bs4 (plain UTF-8 does not), which it imports lazily.
        clean(decode_text(codecs.BOM_UTF8 + sample.encode("utf-8")), model=models["text"])
        clean(not_english, model=models["text"])
    if models.get("html") is not None:
        clean(html=f"<body><nav>Menu</nav><p>{sample}</p></body>", model=models["html"])


def _load(mode: str):
    """The shipped model of `mode`, or None (reported by /readyz; its requests get 503) when it is missing."""
    from classifiers import ModelError, default_model

    try:
        return default_model(mode)
    except ModelError as exc:
        logging.getLogger("boilercut").error("model unavailable", extra={"mode": mode, "reason": str(exc)})
        return None


def serve(settings: Settings) -> None:
    """Run the production server (gunicorn) with `settings`."""
    from .server import run

    run(settings)
