"""Tests for classifiers.trees: the exported ensemble must score exactly like scikit-learn."""
from __future__ import annotations

import numpy as np
import pytest

from classifiers import trees
from classifiers.trees import TreeEnsemble

N_FEATURES = 8


def make_data(n: int, seed: int, scale: float = 1.0) -> np.ndarray:
    return (np.random.default_rng(seed).normal(size=(n, N_FEATURES)) * scale).astype(np.float32)


def nonlinear_target(x: np.ndarray, seed: int = 0) -> np.ndarray:
    noise = np.random.default_rng(seed).normal(scale=0.3, size=len(x))
    return (x[:, 0] * x[:, 1] + np.sin(3 * x[:, 2]) + (x[:, 3] > 0.5) - 0.5 * x[:, 4] ** 2 + noise > 0).astype(int)


@pytest.fixture(scope="module")
def fitted():
    from sklearn.ensemble import HistGradientBoostingClassifier
    from threadpoolctl import threadpool_limits

    x = make_data(2000, seed=0)
    # One OpenMP thread: on a busy machine a multi-threaded fit can stall for tens of seconds.
    with threadpool_limits(limits=1, user_api="openmp"):
        model = HistGradientBoostingClassifier(max_iter=30, max_depth=5, random_state=0).fit(x, nonlinear_target(x))
    return model, trees.from_sklearn(model)


def fresh_rows() -> np.ndarray:
    # Inside, around and far beyond the training range (which is roughly ±3.5).
    return np.vstack([make_data(3000, seed=1), make_data(1000, seed=2, scale=10.0),
                      np.full((1, N_FEATURES), 1e6, np.float32), np.full((1, N_FEATURES), -1e6, np.float32)])


def test_export_matches_sklearn_probabilities(fitted):
    model, ensemble = fitted
    x = fresh_rows()
    expected = model.predict_proba(x)[:, 1]
    got = ensemble.predict_proba(x)
    assert got.shape == (len(x),)
    np.testing.assert_allclose(got, expected, rtol=0, atol=1e-9)
    # Not a constant model: the comparison is meaningful.
    assert got.min() < 0.2 and got.max() > 0.8


def test_export_matches_sklearn_at_split_thresholds(fitted):
    # Rows whose feature sits at the float32 values right around a split threshold test the
    # "go right when x > threshold" convention and the float32 → float64 comparison.
    model, ensemble = fitted
    base = make_data(1, seed=11)[0]
    rows = [make_data(2000, seed=0)]
    for feature, threshold in zip(ensemble.feature.ravel(), ensemble.threshold.ravel()):
        if not np.isfinite(threshold):
            continue  # padding node
        t32 = np.float32(threshold)
        for value in (np.nextafter(t32, np.float32(-np.inf)), t32, np.nextafter(t32, np.float32(np.inf))):
            row = base.copy()
            row[feature] = value
            rows.append(row[None, :])
    x = np.vstack(rows)
    assert len(x) > 2000 + 100
    np.testing.assert_allclose(ensemble.predict_proba(x), model.predict_proba(x)[:, 1], rtol=0, atol=1e-9)


def test_decision_function_is_log_odds_of_predict_proba(fitted):
    _, ensemble = fitted
    x = make_data(100, seed=5)
    raw = ensemble.decision_function(x)
    np.testing.assert_allclose(ensemble.predict_proba(x), 1 / (1 + np.exp(-raw)))


def test_exported_shapes_are_complete_trees(fitted):
    model, ensemble = fitted
    n_trees = model.n_iter_
    assert ensemble.depth == 5
    assert ensemble.feature.shape == ensemble.threshold.shape == (n_trees, 2**5 - 1)
    assert ensemble.leaf_value.shape == (n_trees, 2**5)
    assert ensemble.feature.min() >= 0 and ensemble.feature.max() < N_FEATURES


def test_zero_rows_give_empty_output(fitted):
    _, ensemble = fitted
    out = ensemble.predict_proba(np.zeros((0, N_FEATURES), np.float32))
    assert out.shape == (0,)


def test_more_rows_than_one_chunk(fitted):
    model, ensemble = fitted
    x = make_data(5000, seed=7)
    assert len(x) > trees._ROW_CHUNK * 2  # spans three chunks, the last one partial
    np.testing.assert_allclose(ensemble.predict_proba(x), model.predict_proba(x)[:, 1], rtol=0, atol=1e-9)


def test_float64_input_is_scored_as_float32(fitted):
    # Features are float32 end to end; float64 input is rounded the same way before comparison.
    _, ensemble = fitted
    x = make_data(200, seed=9)
    np.testing.assert_array_equal(ensemble.predict_proba(x.astype(np.float64)), ensemble.predict_proba(x))


# --- arrays round trip and validation ------------------------------------------------------------


def test_round_trip_through_arrays(fitted, tmp_path):
    _, ensemble = fitted
    arrays = ensemble.to_arrays("stage1")
    assert set(arrays) == {"stage1.feature", "stage1.threshold", "stage1.leaf_value", "stage1.baseline"}
    np.savez(tmp_path / "t.npz", **arrays)
    with np.load(tmp_path / "t.npz", allow_pickle=False) as npz:
        loaded = TreeEnsemble.from_arrays({k: npz[k] for k in npz.files}, "stage1", N_FEATURES)
    x = fresh_rows()
    np.testing.assert_array_equal(loaded.predict_proba(x), ensemble.predict_proba(x))
    assert loaded.baseline == ensemble.baseline


def depth_one(n_trees: int = 2) -> dict[str, np.ndarray]:
    return {
        "t.feature": np.zeros((n_trees, 1), np.int32),
        "t.threshold": np.zeros((n_trees, 1)),
        "t.leaf_value": np.tile([-1.0, 1.0], (n_trees, 1)),
        "t.baseline": np.array([0.25]),
    }


def test_hand_built_depth_one_trees():
    ensemble = TreeEnsemble.from_arrays(depth_one(2), "t", n_features=1)
    raw = ensemble.decision_function(np.array([[-1.0], [0.0], [0.5]], np.float32))
    # 0 is not > 0, so it goes left like -1.
    np.testing.assert_allclose(raw, [0.25 - 2, 0.25 - 2, 0.25 + 2])


@pytest.mark.parametrize(
    "key, bad",
    [
        ("t.threshold", np.zeros((2, 3))),  # threshold shape differs from feature shape
        ("t.leaf_value", np.zeros((2, 3))),  # needs n_internal + 1 = 2 leaves
        ("t.leaf_value", np.zeros((3, 2))),  # tree count differs
    ],
)
def test_from_arrays_rejects_inconsistent_shapes(key, bad):
    arrays = depth_one(2)
    arrays[key] = bad
    with pytest.raises(ValueError):
        TreeEnsemble.from_arrays(arrays, "t", n_features=4)


def test_from_arrays_rejects_incomplete_trees():
    arrays = {"t.feature": np.zeros((1, 2), np.int32), "t.threshold": np.zeros((1, 2)),
              "t.leaf_value": np.zeros((1, 3)), "t.baseline": np.array([0.0])}
    with pytest.raises(ValueError, match="complete"):
        TreeEnsemble.from_arrays(arrays, "t", n_features=4)


@pytest.mark.parametrize("index", [4, 100, -1])
def test_from_arrays_rejects_out_of_range_feature_indices(index):
    arrays = depth_one(2)
    arrays["t.feature"] = np.array([[0], [index]], np.int32)
    with pytest.raises(ValueError, match="out of range"):
        TreeEnsemble.from_arrays(arrays, "t", n_features=4)


def test_from_arrays_accepts_last_valid_feature_index():
    arrays = depth_one(2)
    arrays["t.feature"] = np.array([[0], [3]], np.int32)
    assert TreeEnsemble.from_arrays(arrays, "t", n_features=4).depth == 1


def test_from_arrays_missing_key_raises_key_error():
    arrays = depth_one(2)
    del arrays["t.baseline"]
    with pytest.raises(KeyError):
        TreeEnsemble.from_arrays(arrays, "t", n_features=4)


def test_float32_thresholds_decide_exactly_like_float64():
    # A threshold between two float32 values, and inputs at and around it.
    t = np.float64(np.float32(0.1)) + 1e-12
    ens = trees.TreeEnsemble(np.zeros((1, 1), np.int32), np.array([[t]]), np.array([[0.0, 1.0]]), 0.0)
    x = np.array([[np.float32(0.1)], [np.nextafter(np.float32(0.1), np.float32(1))], [np.float32(0.0)]], np.float32)
    expected = (x[:, 0].astype(np.float64) > t).astype(float)
    np.testing.assert_array_equal(ens.decision_function(x), expected)


def test_a_bag_of_models_scores_the_mean_of_their_log_odds():
    from sklearn.ensemble import HistGradientBoostingClassifier
    from threadpoolctl import threadpool_limits

    x = make_data(1500, seed=3)
    y = nonlinear_target(x, seed=3)
    with threadpool_limits(limits=1, user_api="openmp"):
        # Different shapes (depth 3 and 5, different rounds): the shallower trees must be padded.
        models = [HistGradientBoostingClassifier(max_iter=12, max_depth=3, random_state=0).fit(x, y),
                  HistGradientBoostingClassifier(max_iter=20, max_depth=5, learning_rate=0.2, random_state=1).fit(x, y)]
    bag = trees.mean_of_sklearn(models)
    assert bag.depth == 5 and bag.feature.shape[0] == sum(m.n_iter_ for m in models)
    rows = fresh_rows()
    expected = np.mean([m.decision_function(rows) for m in models], axis=0)
    np.testing.assert_allclose(bag.decision_function(rows), expected, rtol=0, atol=1e-9)
    # The members disagree somewhere, so the mean is not just one of them.
    assert np.abs(models[0].decision_function(rows) - models[1].decision_function(rows)).max() > 0.1


def test_trees_of_a_single_leaf_score_their_sum_on_every_row():
    ensemble = TreeEnsemble(np.zeros((2, 0), np.int32), np.zeros((2, 0)), np.array([[1.5], [2.0]]), 0.25)
    np.testing.assert_array_equal(ensemble.decision_function(make_data(5, seed=4)), np.full(5, 3.75))
    loaded = TreeEnsemble.from_arrays(ensemble.to_arrays("s"), "s", N_FEATURES)
    np.testing.assert_array_equal(loaded.decision_function(make_data(3, seed=4)), np.full(3, 3.75))
