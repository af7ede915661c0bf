"""Learned word weights: how strongly a word signals article text versus site furniture.

A word's weight is its smoothed log-odds of occurring in article segments
rather than boilerplate segments, counted only for words seen on many
different sites ("share", "posted", "related", "subscribe" get strongly negative
weights; site-specific words are left out, so a page's own topic cannot leak
into the lexicon). Scoring a document is a dictionary lookup per distinct word
and a few `bincount`s, no per-segment Python.
"""
from __future__ import annotations

import itertools
from dataclasses import dataclass

import numpy as np

from .features import TokenTable

LEXICAL_FEATURE_NAMES: tuple[str, ...] = ("lex_mean", "lex_min", "lex_max", "lex_first", "lex_known_share")
# The same statistics over the class/id tokens of a segment's element and its ancestors (HTML input).
ATTR_LEXICAL_FEATURE_NAMES: tuple[str, ...] = tuple(f"attr_{name}" for name in LEXICAL_FEATURE_NAMES)
MIN_DOMAINS = 5  # a word must occur on this many sites to get a weight
SMOOTHING = 2.0
MAX_WORDS = 40_000


@dataclass(frozen=True)
class Lexicon:
    words: tuple[str, ...]
    weights: np.ndarray  # float32, one per word

    def __post_init__(self) -> None:
        object.__setattr__(self, "_index", {w: i for i, w in enumerate(self.words)})
        # One NaN after the weights: unknown words (position -1) index it; also right for an empty lexicon.
        object.__setattr__(self, "_weights_or_nan", np.append(self.weights.astype(np.float64), np.nan))

    def features(self, doc: TokenTable) -> np.ndarray:
        """Per-segment weight statistics of the tokens of `doc` (DocumentFeatures or any TokenTable)."""
        n = len(doc.n_words)
        out = np.zeros((n, len(LEXICAL_FEATURE_NAMES)), dtype=np.float32)
        if n == 0 or len(doc.tok_ids) == 0:
            return out
        position = np.fromiter(map(self._index.get, doc.vocab, itertools.repeat(-1)), dtype=np.int64,
                               count=len(doc.vocab))
        vocab_weight = self._weights_or_nan[position]
        tok_w = vocab_weight[doc.tok_ids]
        known = ~np.isnan(tok_w)
        w = np.where(known, tok_w, 0.0)
        n_known = np.bincount(doc.tok_seg, weights=known.astype(np.float64), minlength=n)
        n_tokens = np.bincount(doc.tok_seg, minlength=n).astype(np.float64)
        out[:, 0] = np.bincount(doc.tok_seg, weights=w, minlength=n) / np.maximum(n_known, 1.0)
        lo = np.full(n, np.inf)
        hi = np.full(n, -np.inf)
        np.minimum.at(lo, doc.tok_seg[known], w[known])
        np.maximum.at(hi, doc.tok_seg[known], w[known])
        out[:, 1] = np.where(n_known > 0, lo, 0.0)  # segments without known words: neutral 0
        out[:, 2] = np.where(n_known > 0, hi, 0.0)
        first_tok = np.searchsorted(doc.tok_seg, np.arange(n))  # tokens are in segment order
        has_tok = (first_tok < len(doc.tok_seg)) & (doc.tok_seg[np.minimum(first_tok, len(doc.tok_seg) - 1)] == np.arange(n))
        out[:, 3] = np.where(has_tok, w[np.minimum(first_tok, len(w) - 1)], 0.0)
        out[:, 4] = n_known / np.maximum(n_tokens, 1.0)
        return out

    def to_arrays(self, prefix: str = "lexicon") -> dict[str, np.ndarray]:
        return {f"{prefix}.words": np.array(self.words, dtype=str), f"{prefix}.weights": self.weights}

    @classmethod
    def from_arrays(cls, arrays: dict[str, np.ndarray], prefix: str = "lexicon") -> "Lexicon":
        words = tuple(str(w) for w in arrays[f"{prefix}.words"])
        weights = np.asarray(arrays[f"{prefix}.weights"], dtype=np.float32)
        if len(words) != len(weights):
            raise ValueError("lexicon words and weights differ in length")
        return cls(words, weights)


def fit_lexicon(docs: list[tuple[TokenTable, np.ndarray, str]]) -> Lexicon:
    """docs: (features, per-segment labels, site domain). Counts segments, not tokens."""
    global_index: dict[str, int] = {}
    domain_index: dict[str, int] = {}
    words_per_doc, labels_per_doc, domain_pairs = [], [], []
    for doc, y, domain in docs:
        if not len(doc.tok_ids):
            continue
        ids = np.fromiter((global_index.setdefault(t, len(global_index)) for t in doc.vocab),
                          dtype=np.int64, count=len(doc.vocab))
        pairs = np.unique(doc.tok_seg * len(doc.vocab) + doc.tok_ids)  # each word once per segment
        seg, tok = np.divmod(pairs, len(doc.vocab))
        words_per_doc.append(ids[tok])
        labels_per_doc.append(y[seg])
        d = domain_index.setdefault(domain, len(domain_index))
        domain_pairs.append(np.unique(ids[tok]) * 1_000_003 + d)
    if not words_per_doc:
        return Lexicon((), np.zeros(0, np.float32))
    words = np.concatenate(words_per_doc)
    labels = np.concatenate(labels_per_doc).astype(bool)
    size = len(global_index)
    pos = np.bincount(words[labels], minlength=size).astype(np.float64)
    neg = np.bincount(words[~labels], minlength=size).astype(np.float64)
    n_domains = np.bincount(np.unique(np.concatenate(domain_pairs)) // 1_000_003, minlength=size)
    prior = np.log(max(pos.sum(), 1.0) / max(neg.sum(), 1.0))
    weight = np.log((pos + SMOOTHING) / (neg + SMOOTHING)) - prior
    eligible = np.flatnonzero(n_domains >= MIN_DOMAINS)
    strength = np.abs(weight[eligible]) * np.log1p(pos[eligible] + neg[eligible])
    chosen = eligible[np.argsort(-strength, kind="stable")[:MAX_WORDS]]
    vocab = np.array(list(global_index), dtype=object)
    order = np.argsort(vocab[chosen].astype(str), kind="stable")
    chosen = chosen[order]
    return Lexicon(tuple(vocab[chosen].tolist()), weight[chosen].astype(np.float32))
