"""Gradient-boosted trees as plain arrays, evaluated with numpy.

Training uses scikit-learn's HistGradientBoostingClassifier; the fitted trees are
exported to arrays so that the shipped model loads under any scikit-learn
version (its own files do not load across versions) and without unpickling.

Every tree is padded to a complete binary tree of the ensemble's depth (a leaf
above the bottom level becomes a chain of always-left splits), so evaluation is
one comparison per tree at the roots, then `depth - 1` rounds of vectorised index
arithmetic over all rows and all trees at once, with no per-node Python.
"""
from __future__ import annotations

from dataclasses import dataclass

import numpy as np

_ROW_CHUNK = 2048  # bounds the rows × trees work arrays on huge documents


@dataclass(frozen=True)
class TreeEnsemble:
    feature: np.ndarray  # (n_trees, 2**depth - 1) int32 split feature per internal node (heap order)
    threshold: np.ndarray  # (n_trees, 2**depth - 1) float64, go right when x > threshold (inputs never NaN)
    leaf_value: np.ndarray  # (n_trees, 2**depth) float64
    baseline: float  # raw score before any tree (log-odds of the prior)

    def __post_init__(self) -> None:
        # Inputs are float32, so comparing with each threshold rounded *down* to float32 gives
        # exactly the same decisions as the float64 threshold, at half the memory traffic.
        down = self.threshold.astype(np.float32)
        down = np.where(down.astype(np.float64) > self.threshold, np.nextafter(down, np.float32(-np.inf)), down)
        object.__setattr__(self, "_threshold32", down.astype(np.float32))

    @property
    def depth(self) -> int:
        return int(np.log2(self.leaf_value.shape[1]))

    def decision_function(self, x: np.ndarray) -> np.ndarray:
        """Raw log-odds for each row of `x` (n_rows × n_features)."""
        x = np.ascontiguousarray(x, dtype=np.float32)
        if x.ndim != 2 or (self.feature.size and x.shape[1] <= int(self.feature.max())):
            raise ValueError(f"expected a 2-d matrix with more than {int(self.feature.max())} columns, got {x.shape}")
        if x.shape[0] == 0:
            return np.zeros(0)
        return np.concatenate([self._chunk(x[i : i + _ROW_CHUNK]) for i in range(0, x.shape[0], _ROW_CHUNK)])

    def predict_proba(self, x: np.ndarray) -> np.ndarray:
        """Probability of the positive class."""
        return 1.0 / (1.0 + np.exp(-self.decision_function(x)))

    def _chunk(self, x: np.ndarray) -> np.ndarray:
        # All rows × all trees descend one level per round; buffers are reused across rounds
        # because allocation, not arithmetic, dominates at typical sizes (200 rows × 150 trees).
        # Every index is in range by construction, so the gathers use mode="clip": with the default
        # ("raise") numpy also buffers each `out` array, which cost ~8% of the evaluation.
        n_trees, n_internal = self.feature.shape
        n_rows = x.shape[0]
        if n_internal == 0:  # trees of a single leaf: the same sum for every row
            return np.full(n_rows, self.baseline + self.leaf_value.sum())
        feature = self.feature.ravel()
        threshold = self._threshold32.ravel()
        flat_x = x.ravel()
        row_base = (np.arange(n_rows, dtype=np.int32) * np.int32(x.shape[1]))[:, None]
        tree_base = (np.arange(n_trees, dtype=np.int32) * np.int32(n_internal))[None, :]
        # `node` indexes the flattened node arrays directly (tree_base + heap position), so one level
        # down is node = 2 * node + (1 - tree_base) + right: three in-place operations. The first level
        # needs no gather per row: every row starts at its tree's root, one feature and threshold per tree.
        right = np.take(x, self.feature[:, 0], axis=1) > self._threshold32[:, 0]
        node = tree_base + np.int32(1) + right.astype(np.int32)
        step = np.int32(1) - tree_base
        column = np.empty_like(node)
        values = np.empty((n_rows, n_trees), dtype=np.float32)
        limits = np.empty((n_rows, n_trees), dtype=np.float32)
        for _ in range(self.depth - 1):
            np.take(feature, node, out=column, mode="clip")
            column += row_base
            np.take(flat_x, column, out=values, mode="clip")
            np.take(threshold, node, out=limits, mode="clip")
            np.greater(values, limits, out=right)
            node *= 2
            node += step
            node += right
        # Heap position p >= n_internal of tree t is leaf p - n_internal, at t * (n_internal + 1) in leaf_value.
        node += (np.arange(n_trees, dtype=np.int32) - np.int32(n_internal))[None, :]
        return self.baseline + np.take(self.leaf_value.ravel(), node, mode="clip").sum(axis=1)

    def to_arrays(self, prefix: str) -> dict[str, np.ndarray]:
        return {
            f"{prefix}.feature": self.feature,
            f"{prefix}.threshold": self.threshold,
            f"{prefix}.leaf_value": self.leaf_value,
            f"{prefix}.baseline": np.array([self.baseline]),
        }

    @classmethod
    def from_arrays(cls, arrays: dict[str, np.ndarray], prefix: str, n_features: int) -> "TreeEnsemble":
        feature = np.asarray(arrays[f"{prefix}.feature"], dtype=np.int32)
        threshold = np.asarray(arrays[f"{prefix}.threshold"], dtype=np.float64)
        leaf_value = np.asarray(arrays[f"{prefix}.leaf_value"], dtype=np.float64)
        baseline = float(np.asarray(arrays[f"{prefix}.baseline"]).ravel()[0])
        n_trees, n_internal = feature.shape
        if threshold.shape != feature.shape or leaf_value.shape != (n_trees, n_internal + 1):
            raise ValueError(f"{prefix}: inconsistent tree array shapes")
        if n_internal & (n_internal + 1):
            raise ValueError(f"{prefix}: trees are not complete binary trees")
        if feature.size and (feature.min() < 0 or feature.max() >= n_features):
            raise ValueError(f"{prefix}: split feature index out of range")
        return cls(feature, threshold, leaf_value, baseline)


def from_sklearn(model) -> TreeEnsemble:
    """Export a fitted binary HistGradientBoostingClassifier (numerical features only)."""
    return mean_of_sklearn([model])


def mean_of_sklearn(models: list) -> TreeEnsemble:
    """One ensemble whose log-odds are the mean of the fitted models' (a bag of boosted models, e.g. with
    different random states): every tree at the deepest tree's depth, leaf values divided by the number
    of models, the mean of their baselines. Evaluating it costs as much as evaluating them all."""
    predictors = [iteration[0] for model in models for iteration in model._predictors]
    depth = max(int(p.nodes["depth"].max()) for p in predictors) if predictors else 0
    depth = max(depth, 1)
    arrays = [_complete_tree(p.nodes, depth) for p in predictors]
    return TreeEnsemble(
        feature=np.stack([a[0] for a in arrays]).astype(np.int32),
        threshold=np.stack([a[1] for a in arrays]),
        leaf_value=np.stack([a[2] for a in arrays]) / len(models),
        baseline=float(np.mean([np.ravel(model._baseline_prediction)[0] for model in models])),
    )


def _complete_tree(nodes: np.ndarray, depth: int) -> tuple[np.ndarray, np.ndarray, np.ndarray]:
    n_internal = 2**depth - 1
    feature = np.zeros(n_internal, dtype=np.int32)
    threshold = np.full(n_internal, np.inf)
    leaf_value = np.zeros(n_internal + 1)
    stack = [(0, 0, 0)]  # (sklearn node, heap position, level)
    while stack:
        source, position, level = stack.pop()
        node = nodes[source]
        if level == depth:
            leaf_value[position - n_internal] = node["value"]
            continue
        if node["is_leaf"]:  # pad: always go left, both children repeat the leaf
            stack += [(source, 2 * position + 1, level + 1), (source, 2 * position + 2, level + 1)]
            continue
        if node["is_categorical"]:
            raise ValueError("categorical splits are not supported")
        feature[position] = node["feature_idx"]
        threshold[position] = node["num_threshold"]
        stack += [(int(node["left"]), 2 * position + 1, level + 1), (int(node["right"]), 2 * position + 2, level + 1)]
    return feature, threshold, leaf_value
