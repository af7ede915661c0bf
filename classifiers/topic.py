"""Lexical similarity of each segment to the document's main content and to its neighbours.

A leaked football box or spec sheet shares almost no content words with the
story it was appended to, even when its shape looks like prose. The document's
term matrix is kept as sorted (row, column, value) arrays, and every similarity
is a handful of `bincount`/`searchsorted` calls over its non-zero entries: cost
linear in the document's size, no per-segment Python and no sparse-matrix
object overhead (which dominated on typical 200-line pages).
"""
from __future__ import annotations

from dataclasses import dataclass

import numpy as np

from .arrays import shift


@dataclass(frozen=True)
class TermMatrix:
    """Segments × document vocabulary, non-zeros sorted by (row, col), rows L2-normalised."""

    rows: np.ndarray
    cols: np.ndarray
    vals: np.ndarray
    n_rows: int
    n_cols: int

    @classmethod
    def from_tokens(cls, rows: np.ndarray, cols: np.ndarray, n_rows: int, n_cols: int) -> "TermMatrix":
        """Sublinear tf · in-document idf of (segment, word) token occurrences."""
        width = max(n_cols, 1)
        keys, tf = np.unique(rows.astype(np.int64) * width + cols, return_counts=True)
        r, c = np.divmod(keys, width)
        df = np.bincount(c, minlength=n_cols)
        idf = np.log((1.0 + n_rows) / (1.0 + df)) + 1.0
        vals = (1.0 + np.log(tf)) * idf[c]
        norms = np.sqrt(np.bincount(r, weights=vals * vals, minlength=n_rows))
        vals = vals / norms[r] if len(vals) else vals
        return cls(r, c, vals, n_rows, n_cols)

    @classmethod
    def from_dense(cls, matrix: np.ndarray) -> "TermMatrix":
        """From a dense (rows × words) array of weights, kept as given (tests, small inputs)."""
        matrix = np.asarray(matrix, dtype=np.float64)
        rows, cols = np.nonzero(matrix)
        return cls(rows.astype(np.int64), cols.astype(np.int64), matrix[rows, cols], matrix.shape[0], matrix.shape[1])

    def toarray(self) -> np.ndarray:
        dense = np.zeros((self.n_rows, self.n_cols))
        dense[self.rows, self.cols] = self.vals
        return dense

    @property
    def keys(self) -> np.ndarray:
        return self.rows * max(self.n_cols, 1) + self.cols

    def row_sums(self, values: np.ndarray) -> np.ndarray:
        return np.bincount(self.rows, weights=values, minlength=self.n_rows)

    def weighted_centroid(self, weights: np.ndarray) -> np.ndarray:
        return np.bincount(self.cols, weights=self.vals * weights[self.rows], minlength=self.n_cols)

    def entries_of(self, rows: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
        """Indices of the non-zeros of each row in `rows` (rows may repeat), and which item they belong to."""
        bounds = np.searchsorted(self.rows, np.arange(self.n_rows + 1))
        counts = bounds[rows + 1] - bounds[rows]
        item = np.repeat(np.arange(len(rows)), counts)
        within = np.arange(counts.sum()) - np.repeat(np.cumsum(counts) - counts, counts)
        return np.repeat(bounds[rows], counts) + within, item


def _cosine(dot: np.ndarray, a_sq: np.ndarray, b_sq: np.ndarray) -> np.ndarray:
    denom = np.sqrt(np.maximum(a_sq, 0) * np.maximum(b_sq, 0))
    return np.where(denom > 1e-12, dot / np.where(denom > 1e-12, denom, 1.0), 0.0)


def centroid_similarity(terms: TermMatrix, weights: np.ndarray) -> np.ndarray:
    """Cosine of each row with the weighted centroid of all *other* rows (leave-one-out)."""
    centroid = terms.weighted_centroid(weights)
    dot = terms.row_sums(terms.vals * centroid[terms.cols])  # x_i · C
    self_sq = terms.row_sums(terms.vals * terms.vals)  # 1 for rows with terms, else 0
    loo_dot = dot - weights * self_sq
    loo_sq = centroid @ centroid - 2 * weights * dot + weights**2 * self_sq
    return np.where(self_sq > 0, _cosine(loo_dot, self_sq, loo_sq), 0.0)


def support_share(terms: TermMatrix, weights: np.ndarray) -> np.ndarray:
    """Share of a segment's content words that also occur in the weighted rest of the document."""
    mass = np.bincount(terms.cols, weights=weights[terms.rows], minlength=terms.n_cols)
    elsewhere = (mass[terms.cols] - weights[terms.rows]) > 1e-9
    n_terms = np.bincount(terms.rows, minlength=terms.n_rows)
    return np.where(n_terms > 0, terms.row_sums(elsewhere.astype(np.float64)) / np.maximum(n_terms, 1), 0.0)


def _lag_dots(terms: TermMatrix, lag: int) -> np.ndarray:
    """d[i] = x_i · x_{i+lag} (0 past the end), from a merge of the sorted keys."""
    keys = terms.keys
    target = keys + lag * max(terms.n_cols, 1)  # the same word `lag` rows further down
    pos = np.minimum(np.searchsorted(keys, target), max(len(keys) - 1, 0))
    hit = keys[pos] == target if len(keys) else np.zeros(0, bool)
    return np.bincount(terms.rows[hit], weights=terms.vals[hit] * terms.vals[pos[hit]], minlength=terms.n_rows)


def neighbour_similarity(terms: TermMatrix, window: int) -> tuple[np.ndarray, np.ndarray]:
    """Cosine of each row with the sum of the `window` rows before it, and after it.

    ‖Σ_k x_{i-k}‖² is a sum of dots of rows at lags below `window`, so no window
    sums are materialised.
    """
    present = terms.row_sums(terms.vals * terms.vals)
    lag = {k: _lag_dots(terms, k) for k in range(1, window + 1)}
    # shift(v, k, 0)[i] = v[i + k], 0 outside the document.
    dot_before = sum(shift(lag[k], -k, fill=0.0) for k in lag)
    dot_after = sum(lag[k] for k in lag)
    sq_before = sum(shift(present, -k, fill=0.0) for k in lag)
    sq_after = sum(shift(present, k, fill=0.0) for k in lag)
    for k in lag:
        for m in lag:
            if k < m:  # pairs inside the window: x_{i-m}·x_{i-k} and x_{i+k}·x_{i+m}
                sq_before = sq_before + 2 * shift(lag[m - k], -m, fill=0.0)
                sq_after = sq_after + 2 * shift(lag[m - k], k, fill=0.0)
    return _cosine(dot_before, present, sq_before), _cosine(dot_after, present, sq_after)


def block_similarity(terms: TermMatrix, weights: np.ndarray, block_ids: np.ndarray) -> np.ndarray:
    """Cosine of each block (run of rows) with the weighted centroid of everything outside it.

    A leaked fact box is judged as a whole: one spec line may share a word with
    the story by chance, the block as a whole does not.
    """
    if terms.n_rows == 0:
        return np.zeros(0)
    n_blocks = int(block_ids.max()) + 1
    width = max(terms.n_cols, 1)
    keys, inverse = np.unique(block_ids[terms.rows] * width + terms.cols, return_inverse=True)
    block_of, col = np.divmod(keys, width)
    block_vals = np.bincount(inverse, weights=terms.vals, minlength=len(keys))
    weighted_vals = np.bincount(inverse, weights=terms.vals * weights[terms.rows], minlength=len(keys))
    centroid = terms.weighted_centroid(weights)

    def per_block(values: np.ndarray) -> np.ndarray:
        return np.bincount(block_of, weights=values, minlength=n_blocks)

    dot = per_block(block_vals * centroid[col]) - per_block(block_vals * weighted_vals)
    outside_sq = centroid @ centroid - 2 * per_block(weighted_vals * centroid[col]) + per_block(weighted_vals**2)
    return _cosine(dot, per_block(block_vals**2), outside_sq)[block_ids]


def block_support_share(terms: TermMatrix, weights: np.ndarray, block_ids: np.ndarray) -> np.ndarray:
    """Share of a block's distinct (segment, word) pairs whose word occurs outside the block in a
    segment of non-zero weight.

    A story's own list or subheading reuses the story's words; a spec sheet or
    teaser list leaked from another page hardly does, however short its lines.
    Blocks without content words get -1. Any positive weight counts, so the
    weights say where support may come from: the stage-one prose prior means
    "used by the prose"; the sequence step passes only the segments the first
    pass keeps, "used by the content found so far".
    """
    if terms.n_rows == 0:
        return np.zeros(0)
    n_blocks = int(block_ids.max()) + 1
    width = max(terms.n_cols, 1)
    row_weight = weights[terms.rows]
    block_of_entry = block_ids[terms.rows]
    mass = np.bincount(terms.cols, weights=row_weight, minlength=terms.n_cols)
    _, inverse = np.unique(block_of_entry * width + terms.cols, return_inverse=True)
    inside = np.bincount(inverse, weights=row_weight)
    outside = (mass[terms.cols] - inside[inverse]) > 1e-9
    found = np.bincount(block_of_entry, weights=outside.astype(np.float64), minlength=n_blocks)
    total = np.bincount(block_of_entry, minlength=n_blocks)
    return np.where(total > 0, found / np.maximum(total, 1), -1.0)[block_ids]


def block_context_similarity(terms: TermMatrix, block_ids: np.ndarray, window: int = 3
                             ) -> tuple[np.ndarray, np.ndarray]:
    """For each block: (similarity of the text before it to the text after it,
    similarity of the block to that surrounding text).

    Text that flows over a block (before ≈ after) while the block shares nothing
    with either is an insertion: a teaser or spec box dropped between paragraphs.
    """
    n = terms.n_rows
    if n == 0:
        return np.zeros(0), np.zeros(0)
    n_blocks = int(block_ids.max()) + 1
    idx = np.arange(n)
    first = np.full(n_blocks, n)
    last = np.full(n_blocks, -1)
    np.minimum.at(first, block_ids, idx)
    np.maximum.at(last, block_ids, idx)
    offsets = np.arange(1, window + 1)
    owner = np.repeat(np.arange(n_blocks), window)
    parts = []  # (block, row, role) with role 0 = before, 1 = after, 2 = the block itself
    for rows, role in (((first[:, None] - offsets).ravel(), 0), ((last[:, None] + offsets).ravel(), 1)):
        ok = (rows >= 0) & (rows < n)
        parts.append((owner[ok], rows[ok], np.full(ok.sum(), role)))
    parts.append((block_ids, idx, np.full(n, 2)))
    blocks = np.concatenate([p[0] for p in parts])
    rows = np.concatenate([p[1] for p in parts])
    roles = np.concatenate([p[2] for p in parts])
    entry, item = terms.entries_of(rows)
    width = max(terms.n_cols, 1)
    keys, inverse = np.unique(blocks[item] * width + terms.cols[entry], return_inverse=True)
    sums = np.bincount(inverse * 3 + roles[item], weights=terms.vals[entry], minlength=3 * len(keys)).reshape(-1, 3)
    before, after, block = sums[:, 0], sums[:, 1], sums[:, 2]
    owner_of_key = keys // width

    def per_block(values: np.ndarray) -> np.ndarray:
        return np.bincount(owner_of_key, weights=values, minlength=n_blocks)

    context = before + after
    bridge = _cosine(per_block(before * after), per_block(before**2), per_block(after**2))
    to_context = _cosine(per_block(block * context), per_block(block**2), per_block(context**2))
    return bridge[block_ids], to_context[block_ids]
