"""Already-extracted text: an article with a few leaked blocks, not a whole page.

Scraped text comes in two regimes. Most is a whole page: menus, teasers and footers around
the story, and the model learns from thousands of such pages what boilerplate looks like.
Some has already been through an extractor (the crawler's own, a readability pass, a
"main text" field): nearly every line is the article, and what remains to drop is a few
blocks that leaked in from other pages of the site, a spec sheet or a match box between two
paragraphs, a "More on …:" teaser at the end. What separates those from the article is
topic and form relative to the rest of the document, and a model trained mostly on pages,
where position and shape decide, keeps them.

So the text model carries a second, specialised stage two: the same inputs, trained only on
extracted documents (the contaminated-article set). A document-level gate, trained to tell
extracted documents from whole pages by what the first pass found in them, picks which of
the two stage twos scores a document. This module computes the gate's inputs.
"""
from __future__ import annotations

import numpy as np

from .features import FEATURE_NAMES, DocumentFeatures

GATE_FEATURE_NAMES: tuple[str, ...] = (
    "sure_word_share",  # share of the words in segments the first pass keeps (p1 >= 0.5)
    "low_share",  # share of segments the first pass is sure are boilerplate (p1 < 0.1)
    "doubt_share",  # share of segments under 0.3
    "mean_p1",  # word-weighted mean first-pass score
    "p1_q10",
    "p1_q25",
    "log_segments",
    "log_words",
    "doc_prose_share",
    "doc_short_share",
    "head_doubt_share",  # of the first 10 segments: menus sit at the top of a page
    "tail_doubt_share",  # of the last 10: footers
    "doubt_word_share",  # share of the words in segments under 0.3
    "doubt_runs",  # how many separate runs of segments under 0.3
)
GATE_THRESHOLD = 0.5  # a document is scored as extracted text when the gate says so with this probability
# Topic and form relative to the rest of the document need a document: a short story of a few
# paragraphs is scored as a page (the specialist never saw one that short and doubts its paragraphs).
MIN_SEGMENTS = 10
EXTRACTED_WEIGHT = 0.5  # its score is this share of the specialised stage two's, the rest the general one's
_PROSE, _SHORT = FEATURE_NAMES.index("doc_prose_share"), FEATURE_NAMES.index("doc_short_share")
_EDGE = 10


def gate_features(doc: DocumentFeatures, p1: np.ndarray) -> np.ndarray:
    """One row of `GATE_FEATURE_NAMES` for a document with first-pass scores `p1` (at least one segment)."""
    words = np.maximum(doc.n_words, 0).astype(np.float64)
    total = max(float(words.sum()), 1.0)
    doubt = p1 < 0.3
    head, tail = doubt[:_EDGE], doubt[-_EDGE:]
    q10, q25 = np.quantile(p1, (0.1, 0.25))
    return np.array([[
        float(words[p1 >= 0.5].sum()) / total,
        float(np.mean(p1 < 0.1)),
        float(np.mean(doubt)),
        float((words * p1).sum()) / total,
        float(q10),
        float(q25),
        float(np.log1p(len(p1))),
        float(np.log1p(total)),
        float(doc.matrix[0, _PROSE]),
        float(doc.matrix[0, _SHORT]),
        float(np.mean(head)),
        float(np.mean(tail)),
        float(words[doubt].sum()) / total,
        float(np.count_nonzero(np.diff(doubt.astype(np.int8)) == 1) + int(doubt[0])),
    ]], dtype=np.float32)
