"""Scores → labels: the cut a document's segments are kept at.

Every page the extractor is given has some main content, yet on some pages the
model is unsure of all of it (a short product description, a page of a kind it
rarely saw). A fixed cut then returns nothing, or only fragments. So a model may
carry a *relative* cut: a document's segments are kept from the model's threshold
or from `relative` × the document's best score, whichever is lower, and never from
below `floor`. (With the shipped text model, threshold 0.5 and relative 0.5, that
is half the best score on nearly every document.) A page whose best score stays
under the floor comes back empty.

A text model may also cut at a *tail teaser*: scraped text often ends with the
site's list of other stories under a heading ("You might also like", "More on
…:"), and its titles and first sentences read like prose, segment by segment.
When such a heading comes after at least 80% of the kept words and no confident
long paragraph follows it, the heading and everything after it are dropped. On
the text model's out-of-fold scores this drops 3 points more of the contaminated
set's inserted teaser lines and adds 0.001 to text-blocks word F1, for 0.06
points of host lines; on HTML pages it gains nothing (the DOM already separates
such lists), so the HTML model does not use it.

A model may also drop *repeated runs*: pages often carry the same passage twice
(a hidden mobile copy of the article, a forum post quoted in full below it, a
block of terms printed under every offer), and a text that says it twice is not
what users want back. A run of consecutive kept segments that each repeat an
earlier kept segment word for word, at least 50 words long, is dropped; a single
repeated line (a date, "Reply") stays, and so does a repeated block whose copies
are interleaved with new text. On out-of-fold scores this adds 0.003 word F1 on
the HTML pages (forums and products +0.015), 0.003 on text-blocks and 0.0025 on
text-naive, for 0.1 point of the contaminated set's host lines (whose articles
do repeat some passages).

A threshold the caller asks for is used as it is: an explicit cut means exactly
that cut, and nothing else.
"""
from __future__ import annotations

import itertools
from dataclasses import dataclass
from typing import Sequence

import numpy as np

from .cues import TEASER_HEADING

TAIL_SHARE = 0.2  # a teaser heading counts when less than this share of the kept words follows it
HEADING_MAX_WORDS = 9
STRONG_SCORE, STRONG_WORDS = 0.9, 25  # a paragraph after the heading this sure and long: the article goes on
REPEAT_RUN_WORDS = 50  # a run of repeated segments this long (in words) is dropped; shorter repeats stay


@dataclass(frozen=True)
class DecisionRule:
    threshold: float  # the cut on the calibrated probability of article
    relative: float = 0.0  # 0: a fixed cut; else the cut falls to relative × the document's best score
    floor: float = 0.0  # the relative cut never goes below this
    tail_teasers: bool = False  # also cut at a teaser heading at the end of the kept text (needs the texts)
    repeats: bool = False  # also drop long runs of kept segments that repeat earlier kept ones (needs the texts)

    def cut(self, scores: np.ndarray) -> float:
        """The threshold this document's segments are kept at."""
        if self.relative <= 0.0 or len(scores) == 0:
            return self.threshold
        return max(self.floor, min(self.threshold, self.relative * float(scores.max())))

    def keep(self, scores: np.ndarray, texts: Sequence[str] | None = None) -> tuple[np.ndarray, float]:
        """Which segments are kept, and the cut they were kept at. `texts` (the segments' texts) let a
        rule with `tail_teasers` or `repeats` look at what the segments say."""
        decision = self.decide(scores, texts)
        return decision.keep, decision.cut

    def decide(self, scores: np.ndarray, texts: Sequence[str] | None = None) -> Decision:
        cut = self.cut(scores)
        keep = scores >= cut
        if self.tail_teasers and texts is not None:
            keep = cut_at_tail_teaser(texts, scores, keep)
        repeated = repeated_runs(texts, keep) if self.repeats and texts is not None else np.zeros(len(keep), bool)
        return Decision(keep & ~repeated, cut, repeated)


@dataclass(frozen=True)
class Decision:
    keep: np.ndarray  # per segment: kept in the article
    cut: float  # the threshold this document's segments were kept at
    repeated: np.ndarray  # per segment: above the cut, but dropped as a repeat of earlier kept text


def repeated_runs(texts: Sequence[str], keep: np.ndarray, min_words: int = REPEAT_RUN_WORDS) -> np.ndarray:
    """Kept segments that lie in a run of at least `min_words` words of consecutive kept segments, each
    the same text as an earlier kept segment. Texts are compared as they are (segments' texts are
    already whitespace-normalised): one set lookup per kept segment, words counted only in runs."""
    out = np.zeros(len(keep), dtype=bool)
    seen: set[str] = set()
    run: list[int] = []

    def close_run() -> None:
        if run and sum(len(texts[j].split()) for j in run) >= min_words:
            out[run] = True
        run.clear()

    for i in np.flatnonzero(keep).tolist():
        text = texts[i]
        if text and text in seen:
            run.append(i)
        else:
            close_run()
            seen.add(text)
    close_run()
    return out


def cut_at_tail_teaser(texts: Sequence[str], scores: np.ndarray, keep: np.ndarray) -> np.ndarray:
    """`keep` with the first tail teaser heading and everything after it dropped (see the module doc)."""
    if not keep.any():
        return keep
    # Whitespace words: segments' texts are whitespace-normalised (single spaces, no ends), so the
    # spaces count them without splitting every text.
    words = np.fromiter(map(str.count, texts, itertools.repeat(" ")), dtype=np.int64, count=len(texts)) + 1
    kept_words = np.where(keep, words, 0)
    total = int(kept_words.sum())
    words_after = total - np.cumsum(kept_words)  # kept words after each segment
    # Only the tail can hold candidates (`words_after` falls along the text): few regex calls.
    for c in np.flatnonzero((words <= HEADING_MAX_WORDS) & (words_after < TAIL_SHARE * total)):
        if TEASER_HEADING.match(texts[c].strip()):
            if ((scores[c + 1:] >= STRONG_SCORE) & (words[c + 1:] >= STRONG_WORDS)).any():
                return keep
            out = keep.copy()
            out[c:] = False
            return out
    return keep
