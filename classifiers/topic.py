"""Lexical similarity of each segment to the document's main content and to its neighbours.

A leaked football box or spec sheet shares almost no content words with the
story it was appended to, even when its shape looks like prose. All scores come
from a few sparse products over the document's term matrix (rows L2-normalised);
no Python loop runs per segment.
"""
from __future__ import annotations

import numpy as np
from scipy import sparse


def centroid_similarity(terms: sparse.csr_matrix, weights: np.ndarray) -> np.ndarray:
    """Cosine of each row with the weighted centroid of all *other* rows (leave-one-out)."""
    if terms.shape[0] == 0:
        return np.zeros(0)
    centroid = np.asarray(terms.T @ weights).ravel()
    dot = terms @ centroid  # x_i · C
    self_sq = np.asarray(terms.multiply(terms).sum(axis=1)).ravel()  # 1 or 0
    loo_dot = dot - weights * self_sq
    loo_norm_sq = centroid @ centroid - 2 * weights * dot + weights**2 * self_sq
    denom = np.sqrt(np.maximum(loo_norm_sq, 1e-12)) * np.sqrt(np.maximum(self_sq, 1e-12))
    return np.where(self_sq > 0, loo_dot / denom, 0.0)


def support_share(terms: sparse.csr_matrix, weights: np.ndarray) -> np.ndarray:
    """Share of a segment's content words that also occur in the weighted rest of the document."""
    n = terms.shape[0]
    if n == 0:
        return np.zeros(0)
    present = terms.copy()
    present.data = np.ones_like(present.data)
    mass = np.asarray(present.T @ weights).ravel()  # weighted document frequency of each term
    rows = np.repeat(np.arange(n), np.diff(present.indptr))
    elsewhere = mass[present.indices] - weights[rows] > 1e-9
    per_row = np.bincount(rows, weights=elsewhere.astype(np.float64), minlength=n)
    n_terms = np.diff(present.indptr)
    return np.where(n_terms > 0, per_row / np.maximum(n_terms, 1), 0.0)


def _lag_dots(terms: sparse.csr_matrix, lag: int) -> np.ndarray:
    """d[i] = x_i · x_{i+lag} for i in [0, n - lag)."""
    n = terms.shape[0]
    if lag >= n:
        return np.zeros(0)
    return np.asarray(terms[:-lag].multiply(terms[lag:]).sum(axis=1)).ravel()


def neighbour_similarity(terms: sparse.csr_matrix, window: int) -> tuple[np.ndarray, np.ndarray]:
    """Cosine of each row with the sum of the `window` rows before it, and after it.

    Uses only dot products of rows at lags 1..window: the norm of a sum of
    unit rows is a sum of such dots, so no window sums are materialised.
    """
    n = terms.shape[0]
    present = np.asarray(terms.multiply(terms).sum(axis=1)).ravel()  # 1 for rows with terms, else 0
    lag = {k: _lag_dots(terms, k) for k in range(1, window + 1)}

    def at(values: np.ndarray, idx: np.ndarray) -> np.ndarray:
        ok = (idx >= 0) & (idx < len(values))
        return np.where(ok, values[np.clip(idx, 0, max(len(values) - 1, 0))] if len(values) else 0.0, 0.0)

    idx = np.arange(n)
    dot_before = sum(at(lag[k], idx - k) for k in lag)  # x_i · x_{i-k}
    dot_after = sum(at(lag[k], idx) for k in lag)  # x_i · x_{i+k}
    # ‖Σ_k x_{i-k}‖² = Σ_k ‖x_{i-k}‖² + 2 Σ_{k<l} x_{i-l} · x_{i-k}
    sq_before = sum(at(present, idx - k) for k in lag)
    sq_after = sum(at(present, idx + k) for k in lag)
    for k in lag:
        for l in lag:
            if k < l:
                sq_before = sq_before + 2 * at(lag[l - k], idx - l)
                sq_after = sq_after + 2 * at(lag[l - k], idx + k)
    return _cosine(dot_before, present, sq_before), _cosine(dot_after, present, sq_after)


def _cosine(dot, self_sq, other_sq) -> np.ndarray:
    denom = np.sqrt(np.maximum(self_sq, 0) * np.maximum(other_sq, 0))
    return np.where(denom > 1e-12, dot / np.where(denom > 1e-12, denom, 1.0), 0.0)
