"""Tests for classifiers.arrays: each vectorised operation against a plain Python loop."""
from __future__ import annotations

import numpy as np
import pytest

from classifiers import arrays

SIZES = [0, 1, 2, 3, 7, 50]
SEEDS = range(5)


def random_values(n: int, seed: int) -> np.ndarray:
    return np.random.default_rng(seed).normal(size=n) * 10


def random_flags(n: int, seed: int, p: float = 0.3) -> np.ndarray:
    return np.random.default_rng(seed + 100).random(n) < p


# --- reference implementations: deliberately naive ----------------------------------------------


def shift_loop(values, offset, fill):
    n = len(values)
    return [float(values[i + offset]) if 0 <= i + offset < n else fill for i in range(n)]


def window_mean_loop(values, radius):
    n = len(values)
    out = []
    for i in range(n):
        window = [values[j] for j in range(i - radius, i + radius + 1) if 0 <= j < n]
        out.append(sum(window) / len(window))
    return out


def run_ids_loop(same_as_previous):
    ids, current = [], -1
    for i, same in enumerate(same_as_previous):
        if i == 0 or not same:
            current += 1
        ids.append(current)
    return ids


def runs_of(ids):
    """ids → list of index lists, one per run."""
    runs: dict[int, list[int]] = {}
    for i, r in enumerate(ids):
        runs.setdefault(int(r), []).append(i)
    return runs


def distance_since_loop(flags, cap):
    out = []
    for i in range(len(flags)):
        d = next((i - j for j in range(i, -1, -1) if flags[j]), cap)
        out.append(min(d, cap))
    return out


def distance_until_loop(flags, cap):
    out = []
    for i in range(len(flags)):
        d = next((j - i for j in range(i, len(flags)) if flags[j]), cap)
        out.append(min(d, cap))
    return out


# --- shift ---------------------------------------------------------------------------------------


@pytest.mark.parametrize("n", SIZES)
@pytest.mark.parametrize("offset", [-60, -4, -1, 0, 1, 2, 4, 60])
def test_shift_matches_loop(n, offset):
    values = random_values(n, n)
    out = arrays.shift(values, offset, fill=-1.0)
    assert out.dtype == np.float64 and out.shape == (n,)
    np.testing.assert_array_equal(out, shift_loop(values, offset, -1.0))


def test_shift_by_full_length_is_all_fill():
    values = np.arange(4, dtype=float)
    np.testing.assert_array_equal(arrays.shift(values, 4, fill=9.0), [9.0] * 4)
    np.testing.assert_array_equal(arrays.shift(values, -4, fill=9.0), [9.0] * 4)


def test_shift_does_not_alias_input():
    values = np.arange(5, dtype=float)
    out = arrays.shift(values, 0, fill=0.0)
    out[0] = 100.0
    assert values[0] == 0.0


# --- window_mean ---------------------------------------------------------------------------------


@pytest.mark.parametrize("n", SIZES)
@pytest.mark.parametrize("radius", [0, 1, 2, 5, 100])
def test_window_mean_matches_loop(n, radius):
    values = random_values(n, 7 * n + radius)
    out = arrays.window_mean(values, radius)
    assert out.shape == (n,)
    np.testing.assert_allclose(out, window_mean_loop(values, radius), rtol=1e-12, atol=1e-12)


def test_window_mean_of_booleans_is_a_share():
    flags = np.array([True, False, False, True, True])
    np.testing.assert_allclose(arrays.window_mean(flags.astype(float), 1), [1 / 2, 1 / 3, 1 / 3, 2 / 3, 1.0])


# --- runs ----------------------------------------------------------------------------------------


@pytest.mark.parametrize("n", SIZES)
@pytest.mark.parametrize("seed", SEEDS)
def test_run_ids_matches_loop(n, seed):
    same = random_flags(n, seed, p=0.6)
    ids = arrays.run_ids(same)
    assert ids.shape == (n,)
    np.testing.assert_array_equal(ids, run_ids_loop(same))


def test_run_ids_ignores_flag_of_first_row_and_does_not_modify_input():
    same = np.array([True, True, False, True])
    np.testing.assert_array_equal(arrays.run_ids(same), [0, 0, 1, 1])
    np.testing.assert_array_equal(same, [True, True, False, True])


def test_run_ids_accepts_float_flags():
    np.testing.assert_array_equal(arrays.run_ids(np.array([0.0, 1.0, 0.0, 1.0, 1.0])), [0, 0, 1, 1, 1])


@pytest.mark.parametrize("n", SIZES)
@pytest.mark.parametrize("seed", SEEDS)
def test_run_mean_matches_loop(n, seed):
    values = random_values(n, seed)
    ids = arrays.run_ids(random_flags(n, seed, p=0.6))
    out = arrays.run_mean(values, ids)
    expected = np.zeros(n)
    for members in runs_of(ids).values():
        expected[members] = np.mean(values[members])
    assert out.shape == (n,)
    np.testing.assert_allclose(out, expected, rtol=1e-12, atol=1e-12)


@pytest.mark.parametrize("n", SIZES)
@pytest.mark.parametrize("seed", SEEDS)
def test_run_position_matches_loop(n, seed):
    ids = arrays.run_ids(random_flags(n, seed, p=0.6))
    length, index = arrays.run_position(ids)
    expected_length, expected_index = np.zeros(n), np.zeros(n)
    for members in runs_of(ids).values():
        for k, i in enumerate(members):
            expected_length[i], expected_index[i] = len(members), k
    assert length.dtype == np.float64 and index.dtype == np.float64
    np.testing.assert_array_equal(length, expected_length)
    np.testing.assert_array_equal(index, expected_index)


def test_run_position_single_row():
    length, index = arrays.run_position(np.array([0]))
    np.testing.assert_array_equal(length, [1.0])
    np.testing.assert_array_equal(index, [0.0])


# --- distances -----------------------------------------------------------------------------------


@pytest.mark.parametrize("n", SIZES)
@pytest.mark.parametrize("seed", SEEDS)
@pytest.mark.parametrize("cap", [1, 3, 20])
def test_distance_since_and_until_match_loops(n, seed, cap):
    flags = random_flags(n, seed, p=0.2)
    since = arrays.distance_since(flags, cap)
    until = arrays.distance_until(flags, cap)
    assert since.dtype == np.float64 and until.dtype == np.float64
    np.testing.assert_array_equal(since, distance_since_loop(flags, cap))
    np.testing.assert_array_equal(until, distance_until_loop(flags, cap))


def test_distances_without_any_flag_are_the_cap():
    flags = np.zeros(6, dtype=bool)
    np.testing.assert_array_equal(arrays.distance_since(flags, 4), [4.0] * 6)
    np.testing.assert_array_equal(arrays.distance_until(flags, 4), [4.0] * 6)


def test_distances_count_the_flagged_row_itself_as_zero():
    flags = np.array([False, True, False, False, True])
    np.testing.assert_array_equal(arrays.distance_since(flags, 10), [10, 0, 1, 2, 0])
    np.testing.assert_array_equal(arrays.distance_until(flags, 10), [1, 0, 2, 1, 0])


def test_distance_until_returns_a_writable_contiguous_array():
    out = arrays.distance_until(np.array([True, False, False]), 5)
    assert out.flags.c_contiguous and out.flags.writeable
    out[0] = 42.0  # must not raise or write through to a view
