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

A model may also drop *foreign fact boxes*: a CMS that appends a spec sheet or
a match box from another page of the site ("Engine: 1.5-litre …", "Referee: …")
gives short "key: value" lines that score like the story's own list. A run of
short segments with at least 3 "key: value" lines, kept or not, whose kept
ones are all "key: value" lines, none of them scored 0.85 or more, is dropped
when the rest of the kept text (at least 150 words, and four times the words
of the run's kept lines) uses at most a fifth of the content words of the
box's lines (the kept ones and its dropped "key: value" ones, not a menu that
follows it): a review's own spec sheet names the story's engine and price, a
listing's repeated fields are most of its page, a product's specs are most of
a short page, and a list the model is sure of stays. On out-of-fold scores it
is rare and leaves the headline numbers as they were to four decimals; it is
there for the leaked boxes the models keep at 0.6–0.7 inside a story. Chinese
and Japanese text is not split by spaces: a line of it counts as one word here,
so its kept text rarely reaches the 150 words the rule needs.

The HTML model also drops *foreign runs*: any other run of short segments that
passes the same size and score tests and keeps at least 2 lines, when the kept
text outside it uses at most 1 in 20 of the content words of all its lines,
kept or not (a weather widget, another section's list of stories). Its dropped
neighbours count: a menu next to it whose words the story uses saves it, and a
story's headline alone under a long menu is no run.

A threshold the caller asks for is used as it is: an explicit cut means exactly
that cut, and nothing else.
"""
from __future__ import annotations

import itertools
from dataclasses import dataclass
from typing import Sequence

import numpy as np

from .cues import LABELLED_VALUE, TEASER_HEADING
from .topic import TermMatrix

TAIL_SHARE = 0.2  # a teaser heading counts when less than this share of the kept words follows it
HEADING_MAX_WORDS = 9
STRONG_SCORE, STRONG_WORDS = 0.9, 25  # a paragraph after the heading this sure and long: the article goes on
REPEAT_RUN_WORDS = 50  # a run of repeated segments this long (in words) is dropped; shorter repeats stay
# A foreign fact box (`foreign_fact_boxes`): a run of segments of at most FACT_MAX_WORDS words with at
# least FACT_MIN_LINES "key: value" lines, all of its kept ones "key: value" and scored below
# FACT_MAX_SCORE; its kept lines hold at most FACT_MAX_SHARE of the kept
# words, the kept text outside it at least FACT_MIN_REST words, and that text uses at most
# FACT_MAX_SUPPORT of the content words of the box's lines (its kept ones and its "key: value" ones).
FACT_MAX_WORDS, FACT_MIN_LINES = 12, 3
FACT_MAX_SUPPORT, FACT_MAX_SHARE, FACT_MIN_REST = 0.2, 0.2, 150
FACT_MAX_SCORE = 0.85
# With `foreign_runs` (the HTML model), any other run of short segments passing the same size and score
# tests, with at least FACT_MIN_KEPT_ANY kept lines, is dropped too when the kept text outside it uses
# at most FACT_MAX_SUPPORT_ANY of the content words of all its lines (kept or not): hardly a word in common.
FACT_MAX_SUPPORT_ANY = 0.05
FACT_MIN_KEPT_ANY = 2  # kept lines such a run needs: a lone kept line (a headline under a menu) is no run


@dataclass(frozen=True)
class DecisionRule:
    threshold: float  # the cut on the calibrated probability of article
    relative: float = 0.0  # 0: a fixed cut; else the cut falls to relative × the document's best score
    floor: float = 0.0  # the relative cut never goes below this
    tail_teasers: bool = False  # also cut at a teaser heading at the end of the kept text (needs the texts)
    repeats: bool = False  # also drop long runs of kept segments that repeat earlier kept ones (needs the texts)
    fact_boxes: bool = False  # also drop foreign "key: value" boxes (needs the texts and their content words)
    foreign_runs: bool = False  # also drop any run of short lines sharing hardly a word with the kept text

    def cut(self, scores: np.ndarray) -> float:
        """The threshold this document's segments are kept at."""
        if self.relative <= 0.0 or len(scores) == 0:
            return self.threshold
        return max(self.floor, min(self.threshold, self.relative * float(scores.max())))

    def keep(self, scores: np.ndarray, texts: Sequence[str] | None = None,
             terms: TermMatrix | None = None) -> tuple[np.ndarray, float]:
        """Which segments are kept, and the cut they were kept at. `texts` (the segments' texts) let a
        rule with `tail_teasers` or `repeats` look at what the segments say; `terms` (their content
        words, `DocumentFeatures.terms`) let `fact_boxes` compare their topics."""
        decision = self.decide(scores, texts, terms)
        return decision.keep, decision.cut

    def decide(self, scores: np.ndarray, texts: Sequence[str] | None = None,
               terms: TermMatrix | None = None) -> Decision:
        cut = self.cut(scores)
        keep = scores >= cut
        boxes = (self.fact_boxes or self.foreign_runs) and texts is not None and terms is not None
        words = word_counts(texts) if texts is not None and (self.tail_teasers or boxes) else None
        if self.tail_teasers and words is not None:
            keep = cut_at_tail_teaser(texts, scores, keep, words)
        if boxes:
            keep = foreign_fact_boxes(texts, scores, keep, terms, words, self.foreign_runs, self.fact_boxes)
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


def cut_at_tail_teaser(texts: Sequence[str], scores: np.ndarray, keep: np.ndarray,
                       words: np.ndarray | None = None) -> np.ndarray:
    """`keep` with the first tail teaser heading and everything after it dropped (see the module doc)."""
    if not keep.any():
        return keep
    words = word_counts(texts) if words is None else words
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


def word_counts(texts: Sequence[str]) -> np.ndarray:
    """Words of each segment. Segments' texts are whitespace-normalised (single spaces, no ends), so
    the spaces count them without splitting every text."""
    return np.fromiter(map(str.count, texts, itertools.repeat(" ")), dtype=np.int64, count=len(texts)) + 1


def foreign_fact_boxes(texts: Sequence[str], scores: np.ndarray, keep: np.ndarray, terms: TermMatrix,
                       words: np.ndarray | None = None, any_run: bool = False,
                       key_value_boxes: bool = True) -> np.ndarray:
    """`keep` without the kept segments of foreign fact boxes (`key_value_boxes`) and, with `any_run`, of
    other foreign runs of short segments (see the module doc). `terms` may have fewer
    rows than there are texts (a text-browser dump's link list is never scored): those have no words.
    Every run is judged against the same kept text, so the order of the runs does not matter. The size
    and score tests run on all runs at once; only the few runs that pass them are read."""
    words = word_counts(texts) if words is None else words
    short = np.zeros(len(texts) + 2, dtype=np.int8)
    short[1:-1] = words <= FACT_MAX_WORDS
    edges = np.diff(short)
    starts, ends = np.flatnonzero(edges == 1), np.flatnonzero(edges == -1)
    if not len(starts):
        return keep
    kept_words = np.where(keep, words, 0)
    total = int(kept_words.sum())
    # Per run, over [its start, the next run's start): the long segments in between are masked out.
    in_run = keep & short[1:-1].astype(bool)
    run_words = np.add.reduceat(np.where(in_run, words, 0), starts)  # its kept words
    run_kept = np.add.reduceat(in_run.astype(np.int64), starts)
    run_best = np.maximum.reduceat(np.where(in_run, scores, 0.0), starts)
    candidates = np.flatnonzero((ends - starts >= FACT_MIN_LINES) & (run_kept > 0) & (run_best < FACT_MAX_SCORE)
                                & (total - run_words >= FACT_MIN_REST) & (run_words <= FACT_MAX_SHARE * total))
    kept_uses = None  # per word: how many kept segments use it (computed once, when a run needs it)
    out = keep
    for a, b in zip(starts[candidates].tolist(), ends[candidates].tolist()):
        labelled = np.fromiter((bool(LABELLED_VALUE.match(t)) for t in texts[a:b]), dtype=bool, count=b - a)
        # A "key: value" box has several such lines, kept or not (a lone "Updated: …" line is none), and
        # only such lines kept; its dropped "key: value" lines are part of it, a menu after it is not.
        # Any other run is judged whole, and must share hardly a word with the kept text.
        key_value = key_value_boxes and labelled.sum() >= FACT_MIN_LINES and labelled[keep[a:b]].all()
        if not (key_value or (any_run and keep[a:b].sum() >= FACT_MIN_KEPT_ANY)):
            continue
        box = keep[a:b] | labelled if key_value else np.ones(b - a, dtype=bool)
        if kept_uses is None:
            kept_uses = np.bincount(terms.cols, weights=keep[terms.rows], minlength=terms.n_cols)
        if _support(terms, box, keep, kept_uses, a, b) <= (FACT_MAX_SUPPORT if key_value else FACT_MAX_SUPPORT_ANY):
            out = out.copy() if out is keep else out
            out[a:b] = False
    return out


def _support(terms: TermMatrix, box: np.ndarray, keep: np.ndarray, kept_uses: np.ndarray, a: int, b: int) -> float:
    """Share of the (segment, word) pairs of the box's segments (`box[i]`: segment a + i) whose word a kept
    segment outside a..b-1 uses; 1.0 (no evidence against them) when they have no content words. Lines
    outside the box (for a "key: value" box, a menu after it) neither dilute nor lend support. Costs the
    run's entries only."""
    lo, hi = np.searchsorted(terms.rows, [a, b])  # the matrix's entries are sorted by row
    rows, cols = terms.rows[lo:hi], terms.cols[lo:hi]
    in_box = box[rows - a]
    if not in_box.any():
        return 1.0
    words, which = np.unique(cols, return_inverse=True)
    uses_inside = np.bincount(which, weights=keep[rows], minlength=len(words))  # kept run segments using it
    supported = (kept_uses[cols] - uses_inside[which]) > 0.5
    return float(supported[in_box].mean())
