"""Fitting the two-stage model and cross-validating it grouped by site domain."""
from __future__ import annotations

import hashlib
import numpy as np

from ..extracted import gate_features
from ..lexicon import Lexicon, fit_lexicon
from ..model import Calibration, SegmentModel
from ..sequence import sequence_features
from ..trees import TreeEnsemble, mean_of_sklearn
from .data import RENDERED_DATASETS
from .rows import DocRows, _progress

# Depth is capped so the exported complete trees stay small and fast to evaluate.
STAGE1_PARAMS = dict(max_iter=150, learning_rate=0.1, max_depth=7, max_leaf_nodes=48, min_samples_leaf=40,
                     l2_regularization=1.0, early_stopping=False, random_state=0)
STAGE2_PARAMS = dict(max_iter=120, learning_rate=0.1, max_depth=6, max_leaf_nodes=32, min_samples_leaf=60,
                     l2_regularization=1.0, early_stopping=False, random_state=0)
# HTML pages give each segment more evidence (DOM context, class/id tokens), and bigger trees use it:
# one level deeper and ~60% more rounds lifted the grouped-CV word F1 of all pages from 0.876 to
# 0.879 and of product pages from 0.622 to 0.643, for ≈7% more HTML cleaning time. Text gained less
# from deeper trees (0.848 → 0.849) and lost host-line recall on the contaminated set and 6% speed.
HTML_STAGE1_PARAMS = {**STAGE1_PARAMS, "max_iter": 250, "max_depth": 8, "max_leaf_nodes": 96, "min_samples_leaf": 30}
HTML_STAGE2_PARAMS = {**STAGE2_PARAMS, "max_iter": 180, "max_depth": 7, "max_leaf_nodes": 48, "min_samples_leaf": 40}
INNER_FOLDS = 3
# Each stage may be a bag of boosted models that differ only in their random state, scoring the mean
# of their log-odds: less variance between retrainings, for `bag` times the trees to evaluate. 1: a
# single model per stage. With these parameters the random state only picks the rows that set the
# features' bin edges, and only in fits of more than 200,000 rows (every stage here; below that the
# members would be copies). A bag of 3 for the HTML model was cross-validated and left out: 0.0015 above
# the average single model for 1.32x the evaluation time (docs/model-report.md, HTML model).
BAG = {"text": 1, "html": 1}
# Extra renderings of the pages (training/renderings.py) teach the model other converters' habits, but
# at full weight they also tilt it towards whole pages: on the contaminated set, host lines kept fell
# from 98.1% to 97.7% (docs/model-report.md, "A third rendering to train on").
RENDERING_WEIGHT = 0.5
# Already-extracted text (extracted.py): a stage two of the text model's shape trained on the
# contaminated-article documents alone (about 1,200 per training fold, so smaller leaves and more
# rounds), and a small gate over 14 document statistics.
EXTRACTED_DATASETS = ("contaminated",)
EXTRACTED_STAGE_PARAMS = {**STAGE2_PARAMS, "max_iter": 200, "min_samples_leaf": 40}
GATE_PARAMS = dict(max_iter=150, learning_rate=0.1, max_depth=4, l2_regularization=1.0, early_stopping=False,
                   random_state=0)


def assign_folds(domains: list[str], k: int) -> dict[str, int]:
    """Domain → fold, balanced by document count, deterministic (no RNG state involved)."""
    counts: dict[str, int] = {}
    for d in domains:
        counts[d] = counts.get(d, 0) + 1
    # Big domains first, ties broken by a stable hash so the order is fixed but not alphabetical.
    order = sorted(counts, key=lambda d: (-counts[d], hashlib.sha1(d.encode()).hexdigest()))
    sizes = [0] * k
    folds = {}
    for d in order:
        f = min(range(k), key=lambda i: (sizes[i], i))
        folds[d] = f
        sizes[f] += counts[d]
    return folds


def fit_trees(x: np.ndarray, y: np.ndarray, params: dict, weights: np.ndarray | None = None,
              bag: int = 1) -> TreeEnsemble:
    """Boosted trees; with `bag` > 1, that many models whose random states follow `params`' one, as one
    ensemble scoring the mean of their log-odds."""
    from sklearn.ensemble import HistGradientBoostingClassifier  # training-time only

    seed = params.get("random_state", 0)
    models = [HistGradientBoostingClassifier(**{**params, "random_state": seed + i}).fit(x, y, sample_weight=weights)
              for i in range(bag)]
    return mean_of_sklearn(models)


def _weights(rows: list[DocRows]) -> np.ndarray:
    # Each document weighs about the same however many segments it has (the metric is a macro mean),
    # tempered by a square root so long pages still teach more than one-line stubs. A page rendered
    # by an extra converter (`--renderings`) repeats a page already there: it weighs less.
    return np.concatenate([np.full(len(r.y), _doc_weight(r) / np.sqrt(max(len(r.y), 1))) for r in rows])


def _doc_weight(row: DocRows) -> float:
    return RENDERING_WEIGHT if row.doc.dataset in RENDERED_DATASETS else 1.0


def _is_html(rows: list[DocRows]) -> bool:
    return rows[0].features.attrs is not None


def stage_params(html: bool) -> tuple[dict, dict]:
    """Tree parameters of stage one and stage two for text or HTML input."""
    return (HTML_STAGE1_PARAMS, HTML_STAGE2_PARAMS) if html else (STAGE1_PARAMS, STAGE2_PARAMS)


def _lexicons_for(rows: list[DocRows]) -> tuple[Lexicon, Lexicon | None]:
    """The word lexicon and, for HTML pages, the class/id-token lexicon."""
    words = fit_lexicon([(r.features, r.y, r.doc.domain) for r in rows])
    attrs = fit_lexicon([(r.features.attrs, r.y, r.doc.domain) for r in rows]) if _is_html(rows) else None
    return words, attrs


def _stage1_inputs(lexicons: tuple[Lexicon, Lexicon | None], rows: list[DocRows]) -> np.ndarray:
    words, attrs = lexicons
    parts = [[r.features.matrix, words.features(r.features)] for r in rows]
    if attrs is not None:
        for part, r in zip(parts, rows):
            part.append(attrs.features(r.features.attrs))
    return np.vstack([np.hstack(part) for part in parts])


def fit_two_stage(rows: list[DocRows], progress: bool = False) -> SegmentModel:
    """Lexicon, stage one, and stage two trained on out-of-fold stage-one scores (uncalibrated).

    The trees learn from lexicon features computed out of fold (each document scored by a
    lexicon fitted without its own inner fold), as they will be on unseen pages at run time.
    """
    rows = [r for r in rows if len(r.y)]
    y = np.concatenate([r.y for r in rows])
    w = _weights(rows)
    folds = assign_folds([r.doc.domain for r in rows], INNER_FOLDS)
    doc_fold = np.array([folds[r.doc.domain] for r in rows])
    row_fold = np.repeat(doc_fold, [len(r.y) for r in rows])
    html = _is_html(rows)
    mode = "html" if html else "text"
    stage1_params, stage2_params = stage_params(html)
    bag = BAG[mode]
    bar = _progress(INNER_FOLDS + 2, "fit", progress)
    x1: np.ndarray | None = None
    for k in range(INNER_FOLDS):
        lexicons = _lexicons_for([r for r, f in zip(rows, doc_fold) if f != k])
        part = _stage1_inputs(lexicons, [r for r, f in zip(rows, doc_fold) if f == k])
        if x1 is None:
            x1 = np.zeros((len(y), part.shape[1]), dtype=np.float32)
        x1[row_fold == k] = part
    p1 = np.zeros(len(y))
    for k in range(INNER_FOLDS):  # out-of-fold first-pass scores: stage two learns from honest inputs
        inner = fit_trees(x1[row_fold != k], y[row_fold != k], stage1_params, w[row_fold != k], bag)
        p1[row_fold == k] = inner.predict_proba(x1[row_fold == k])
        bar.update(1)
    stage1 = fit_trees(x1, y, stage1_params, w, bag)
    bar.update(1)
    bounds = np.concatenate(([0], np.cumsum([len(r.y) for r in rows])))
    x2 = np.vstack([sequence_features(r.features, x1[a:b], p1[a:b]) for r, a, b in zip(rows, bounds[:-1], bounds[1:])])
    del x1
    stage2 = fit_trees(x2, y, stage2_params, w, bag)
    bar.update(1)
    extracted_stage, gate = None, None
    if not html:
        extracted_stage, gate = _fit_extracted(rows, x2, y, w, p1, bounds)
    bar.close()
    identity = Calibration(np.zeros(0), np.zeros(0))
    words, attrs = _lexicons_for(rows)
    return SegmentModel(words, stage1, stage2, identity, threshold=0.5, metadata={"mode": mode}, attr_lexicon=attrs,
                        extracted_stage=extracted_stage, gate=gate)


def _fit_extracted(rows: list[DocRows], x2: np.ndarray, y: np.ndarray, w: np.ndarray, p1: np.ndarray,
                   bounds: np.ndarray) -> tuple[TreeEnsemble | None, TreeEnsemble | None]:
    """The extracted-text stage two (on the extracted documents' rows of the stage-two input) and the
    gate (every document's first-pass statistics → is it extracted text?); None without such documents."""
    extracted = np.array([r.doc.dataset in EXTRACTED_DATASETS for r in rows])
    if not extracted.any() or extracted.all():
        return None, None
    row_mask = np.repeat(extracted, np.diff(bounds))
    stage = fit_trees(x2[row_mask], y[row_mask], EXTRACTED_STAGE_PARAMS, w[row_mask])
    gate_x = np.vstack([gate_features(r.features, p1[a:b]) for r, a, b in zip(rows, bounds[:-1], bounds[1:])])
    return stage, fit_trees(gate_x, extracted.astype(np.int64), GATE_PARAMS)


def cross_validate(rows: list[DocRows], k: int = 5, progress: bool = True,
                   train_only: list[DocRows] = ()) -> tuple[list[np.ndarray], dict[str, int], list[bool] | None]:
    """Out-of-fold raw scores for every document of `rows`, folds grouped by site domain, and
    whether each document's held-out model took it for already-extracted text (None when the
    models have no extracted-text gate: HTML input, or no contaminated documents to learn it from).

    Contaminated documents (shared or `train_only` synthetic ones) whose host is
    in the evaluation fold, or whose inserted blocks come from pages of the
    evaluation fold's domains, are left out of that fold's training data.
    """
    folds = assign_folds([r.doc.domain for r in rows], k)
    scores: list[np.ndarray] = [np.zeros(0)] * len(rows)
    extracted = [False] * len(rows)
    gated = False
    for fold in range(k):
        model = fit_two_stage(fold_training_rows(rows, train_only, folds, fold), progress=progress)
        gated |= model.gate is not None
        for i, r in enumerate(rows):
            if folds[r.doc.domain] == fold and len(r.y):
                scores[i], extracted[i] = model.raw_score_gated(r.features)
    return scores, folds, extracted if gated else None


def fold_training_rows(rows: list[DocRows], train_only, folds: dict[str, int], fold: int) -> list[DocRows]:
    """The rows a model evaluated on `fold` may learn from: trainable, not from the fold's domains,
    and (contaminated documents) with no inserted block taken from a page of those domains."""
    eval_domains = {d for d, f in folds.items() if f == fold}
    domain_of_id = {r.doc.id: r.doc.domain for r in rows if r.doc.dataset != "contaminated"}
    return [r for r in (*rows, *train_only)
            if r.doc.trainable and r.doc.domain not in eval_domains
            and not any(domain_of_id.get(d) in eval_domains for d in r.doc.donor_ids)]


def fit_calibration(raw: np.ndarray, y: np.ndarray, knots: int = 200) -> Calibration:
    """Isotonic map from out-of-fold raw scores to observed frequencies, thinned to `knots` points."""
    from sklearn.isotonic import IsotonicRegression

    iso = IsotonicRegression(y_min=0.0, y_max=1.0, out_of_bounds="clip").fit(raw, y)
    grid = np.unique(np.concatenate(([0.0, 1.0], np.quantile(raw, np.linspace(0, 1, knots)))))
    return Calibration(grid, iso.predict(grid))
