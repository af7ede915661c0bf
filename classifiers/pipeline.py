"""clean(): input → segments → features → model → decision → result."""
from __future__ import annotations

import functools
import threading

import numpy as np

from . import language
from .features import DocumentFeatures, featurize
from .kinds import assign_kinds
from .model import SegmentModel, load
from .segment_text import segment_text
from .types import Label, Result, Segment, SegmentResult

_load_lock = threading.Lock()


@functools.cache
def _cached_default() -> SegmentModel:
    return load()


def default_model() -> SegmentModel:
    """The shipped model, loaded once per process and shared read-only by all threads."""
    with _load_lock:
        return _cached_default()


def analyse(text: str) -> tuple[list[Segment], DocumentFeatures]:
    """The model-independent stages: segments and their features (shared with training)."""
    segments = segment_text(text)
    texts = [s.text for s in segments]
    lang = language.detect(language.document_sample(texts))
    return segments, featurize(texts, lang)


def clean(text: str, *, threshold: float | None = None, include_segments: bool = True,
          model: SegmentModel | None = None) -> Result:
    """Return the main article of scraped `text`, with every segment's label, score and kind."""
    if not isinstance(text, str):
        raise TypeError(f"text must be str, not {type(text).__name__}")
    if threshold is not None and not 0.0 <= threshold <= 1.0:
        raise ValueError(f"threshold must be within [0, 1], got {threshold}")
    model = model or default_model()
    segments, doc = analyse(text)
    texts = [s.text for s in segments]
    lang = doc.lang
    scores = model.score(doc)
    keep = scores >= (model.threshold if threshold is None else threshold)
    return Result(
        article="\n\n".join(t for t, k in zip(texts, keep) if k),
        lang=lang,
        segments=tuple(_results(segments, scores, keep, assign_kinds(doc.matrix, keep))) if include_segments else (),
        model={"name": model.name, "version": model.version},
    )


def _results(segments: list[Segment], scores: np.ndarray, keep: np.ndarray, kinds) -> list[SegmentResult]:
    return [
        SegmentResult(s.text, s.start, s.end, Label.ARTICLE if k else Label.BOILERPLATE, float(p), kind)
        for s, p, k, kind in zip(segments, scores, keep, kinds)
    ]
