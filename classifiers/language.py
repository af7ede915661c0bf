"""Seeded, deterministic language identification that never raises.

langdetect costs ~1.5 ms a call on a few hundred characters, so callers pass a
bounded sample (the document's longest lines), never every line.
"""
from __future__ import annotations

import threading

from langdetect import detector_factory
from langdetect.lang_detect_exception import LangDetectException

UNDETERMINED = "und"
SAMPLE_CHARS = 300  # enough for a confident guess on prose; cost grows with length
_TRIALS = 2  # langdetect's default of 7 random trials costs 3x more for the same answer on prose
_MIN_CHARS = 20
_MIN_PROBABILITY = 0.7
_SEED = 0
_init_lock = threading.Lock()


def _factory() -> detector_factory.DetectorFactory:
    # langdetect keeps its profiles in a module-level factory; load it once, under a lock.
    with _init_lock:
        detector_factory.init_factory()
        return detector_factory._factory


def detect(sample: str) -> str:
    """ISO 639-1 code of `sample`, or "und" when too short or not confident."""
    sample = sample[:SAMPLE_CHARS]
    if sum(ch.isalpha() for ch in sample) < _MIN_CHARS:
        return UNDETERMINED
    detector = _factory().create()
    detector.n_trial = _TRIALS
    detector.seed = _SEED  # each detector reseeds its own Random: deterministic, thread-safe
    try:
        detector.append(sample)
        best = detector.get_probabilities()
    except LangDetectException:
        return UNDETERMINED
    if not best or best[0].prob < _MIN_PROBABILITY:
        return UNDETERMINED
    return best[0].lang.split("-")[0]


def document_sample(texts: list[str], limit: int = SAMPLE_CHARS) -> str:
    """The longest lines of a document, in order, up to `limit` characters: prose, not menus."""
    order = sorted(range(len(texts)), key=lambda i: -len(texts[i]))
    chosen, total = [], 0
    for i in order:
        if total >= limit:
            break
        chosen.append(i)
        total += len(texts[i]) + 1
    return " ".join(texts[i] for i in sorted(chosen))[:limit]
