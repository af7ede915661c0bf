"""Neighbourhood operations over per-segment arrays (shifts, windows, runs)."""
from __future__ import annotations

import numpy as np


def shift(values: np.ndarray, offset: int, fill: float) -> np.ndarray:
    """out[i] = values[i + offset], `fill` outside the document."""
    out = np.full(values.shape, fill, dtype=np.float64)
    n = len(values)
    if offset > 0 and offset < n:
        out[:-offset] = values[offset:]
    elif offset < 0 and -offset < n:
        out[-offset:] = values[:offset]
    elif offset == 0:
        out[:] = values
    return out


def window_mean(values: np.ndarray, radius: int) -> np.ndarray:
    """Mean over [i - radius, i + radius], clipped to the document."""
    n = len(values)
    if n == 0:
        return np.zeros(0)
    cumulative = np.concatenate(([0.0], np.cumsum(values, dtype=np.float64)))
    idx = np.arange(n)
    lo = np.maximum(idx - radius, 0)
    hi = np.minimum(idx + radius + 1, n)
    return (cumulative[hi] - cumulative[lo]) / (hi - lo)


def run_ids(same_as_previous: np.ndarray) -> np.ndarray:
    """Number the runs of consecutive rows; row i joins row i-1's run where the flag is set."""
    starts = ~same_as_previous.astype(bool)
    if len(starts):
        starts[0] = True
    return np.cumsum(starts) - 1


def run_mean(values: np.ndarray, ids: np.ndarray) -> np.ndarray:
    sums = np.bincount(ids, weights=values)
    sizes = np.bincount(ids)
    return (sums / np.maximum(sizes, 1))[ids]


def run_position(ids: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
    """(length of the row's run, index of the row inside its run)."""
    sizes = np.bincount(ids)
    first = np.concatenate(([0], np.cumsum(sizes)[:-1]))
    return sizes[ids].astype(np.float64), (np.arange(len(ids)) - first[ids]).astype(np.float64)


def distance_since(flags: np.ndarray, cap: int) -> np.ndarray:
    """Rows since the last flagged row at or before i (capped; `cap` when none)."""
    idx = np.arange(len(flags))
    last = np.maximum.accumulate(np.where(flags, idx, -10**9)) if len(flags) else idx
    return np.minimum(idx - last, cap).astype(np.float64)


def distance_until(flags: np.ndarray, cap: int) -> np.ndarray:
    """Rows until the next flagged row at or after i (capped)."""
    return distance_since(flags[::-1], cap)[::-1].copy()
