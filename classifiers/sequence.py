"""The sequence step: stage-two features from the first pass's scores of the neighbours.

A second model sees each segment's stage-one features plus what the first pass
thought of the segments around it, so that a short subheading between two
paragraphs stays, and a prose-looking line inside a block of leaked facts goes.
It also recomputes topical similarity with the first-pass scores as weights, so
the "main content" the segment is compared with is the content the first pass
found rather than a length prior.
"""
from __future__ import annotations

import numpy as np

from . import topic
from .arrays import run_ids, run_mean, run_position, shift, window_mean
from .features import DocumentFeatures

_OFFSETS = (-3, -2, -1, 1, 2, 3)
SEQUENCE_FEATURE_NAMES: tuple[str, ...] = (
    ("p1",)
    + tuple(f"p1@{k:+d}" for k in _OFFSETS)
    + ("p1_mean2", "p1_mean5", "p1_mean10", "p1_max_before", "p1_max_after", "content_mass_before",
       "content_mass_after", "p1_run_mean", "p1_centroid_sim", "p1_support_share", "p1_doc_mean",
       "p1_doc_content_share", "p1_block_centroid_sim", "p1_block_log_words", "p1_block_min_dist",
       "p1_block_bridge_sim", "p1_block_context_sim", "p1_block_support_share")
)


def sequence_features(doc: DocumentFeatures, x1: np.ndarray, p1: np.ndarray) -> np.ndarray:
    """Stage-two input: the stage-one input `x1` plus features of the first-pass scores `p1`."""
    n = len(p1)
    cols: dict[str, np.ndarray] = {"p1": p1}
    for k in _OFFSETS:
        cols[f"p1@{k:+d}"] = shift(p1, k, fill=-1.0)
    cols["p1_mean2"] = window_mean(p1, 2)
    cols["p1_mean5"] = window_mean(p1, 5)
    cols["p1_mean10"] = window_mean(p1, 10)
    cols["p1_max_before"] = shift(np.maximum.accumulate(p1), -1, fill=0.0) if n else p1
    cols["p1_max_after"] = shift(np.maximum.accumulate(p1[::-1])[::-1], 1, fill=0.0) if n else p1
    content_words = p1 * doc.n_words
    total = max(content_words.sum(), 1e-9)
    cumulative = np.cumsum(content_words)
    cols["content_mass_before"] = (cumulative - content_words) / total
    cols["content_mass_after"] = (total - cumulative) / total
    confident = p1 >= 0.5
    runs = run_ids(confident == shift(confident.astype(float), -1, -1))
    cols["p1_run_mean"] = run_mean(p1, runs)
    # Each run of doubtful segments, taken whole, against the content the first pass found.
    cols["p1_block_centroid_sim"] = topic.block_similarity(doc.terms, content_words, runs) if n else p1
    cols["p1_block_log_words"] = np.log1p(np.bincount(runs, weights=doc.n_words)[runs]) if n else p1
    cols["p1_block_bridge_sim"], cols["p1_block_context_sim"] = topic.block_context_similarity(doc.terms, runs)
    # Support counts a word only where some weight holds it, and first-pass scores are never exactly
    # 0: so support is measured against the segments the first pass keeps, not every other line.
    kept_words = np.where(confident, content_words, 0.0)
    cols["p1_block_support_share"] = topic.block_support_share(doc.terms, kept_words, runs) if n else p1
    length, index = run_position(runs) if n else (p1, p1)
    cols["p1_block_min_dist"] = np.log1p(np.minimum(index, length - 1 - index))
    cols["p1_centroid_sim"] = topic.centroid_similarity(doc.terms, content_words)
    cols["p1_support_share"] = topic.support_share(doc.terms, kept_words)
    cols["p1_doc_mean"] = np.full(n, p1.mean() if n else 0.0)
    cols["p1_doc_content_share"] = np.full(n, content_words.sum() / max(doc.n_words.sum(), 1.0))
    out = np.empty((n, len(SEQUENCE_FEATURE_NAMES)), dtype=np.float32)
    for j, name in enumerate(SEQUENCE_FEATURE_NAMES):
        out[:, j] = cols[name]
    return np.hstack([x1, out])
