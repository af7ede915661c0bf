"""The two-stage segment model: stage-one trees, the sequence step, stage-two trees, calibration.

A text model may also carry a stage two for already-extracted text and the gate that picks
it (`extracted.py`); those arrays are optional, and an artifact that has them is format 2.

An artifact is two files side by side: `<name>.json` (format version, feature
names, threshold, library versions, training data, metrics) and `<name>.npz`
(the learned arrays). Loading never unpickles (`allow_pickle=False`), checks
the format version and the feature names against this code, and refuses a
mismatch instead of silently mis-scoring.
"""
from __future__ import annotations

import json
from dataclasses import dataclass, field
from importlib import resources
from pathlib import Path
from typing import Any

import numpy as np

from .decision import DecisionRule
from .extracted import EXTRACTED_WEIGHT, GATE_FEATURE_NAMES, GATE_THRESHOLD, MIN_SEGMENTS, gate_features
from .features import FEATURE_NAMES, DocumentFeatures
from .html_features import HTML_FEATURE_NAMES
from .lexicon import ATTR_LEXICAL_FEATURE_NAMES, LEXICAL_FEATURE_NAMES, Lexicon
from .sequence import SEQUENCE_FEATURE_NAMES, sequence_features
from .trees import TreeEnsemble

FORMAT_VERSION = 2  # 2: optional extracted-text stage and gate; format 1 artifacts (without them) still load
READABLE_FORMATS = (1, 2)
# Input mode → the stage-one columns, in order: the document matrix, then the lexicon statistics.
STAGE1_FEATURES = {
    "text": FEATURE_NAMES + LEXICAL_FEATURE_NAMES,
    "html": FEATURE_NAMES + HTML_FEATURE_NAMES + LEXICAL_FEATURE_NAMES + ATTR_LEXICAL_FEATURE_NAMES,
}
STAGE1_FEATURE_NAMES = STAGE1_FEATURES["text"]
DEFAULT_MODELS = {"text": "boilercut-text", "html": "boilercut-html"}
DEFAULT_MODEL = DEFAULT_MODELS["text"]


class ModelError(RuntimeError):
    """The artifact is missing, corrupt, or made for another version of the code."""


@dataclass(frozen=True)
class Calibration:
    """Monotone map from stage-two probability to calibrated probability (isotonic fit)."""

    x: np.ndarray
    y: np.ndarray

    def __call__(self, p: np.ndarray) -> np.ndarray:
        if len(self.x) == 0:
            return p
        return np.interp(p, self.x, self.y)


@dataclass(frozen=True)
class SegmentModel:
    lexicon: Lexicon
    stage1: TreeEnsemble
    stage2: TreeEnsemble
    calibration: Calibration
    threshold: float
    metadata: dict[str, Any] = field(default_factory=dict)
    attr_lexicon: Lexicon | None = None  # html mode: class/id token weights
    extracted_stage: TreeEnsemble | None = None  # stage two for already-extracted text (see extracted.py)
    gate: TreeEnsemble | None = None  # document → probability that it is extracted text

    @property
    def mode(self) -> str:
        return str(self.metadata.get("mode", "text"))

    @property
    def name(self) -> str:
        return str(self.metadata.get("name", DEFAULT_MODELS[self.mode]))

    @property
    def version(self) -> str:
        return str(self.metadata.get("version", "0"))

    @property
    def decision(self) -> DecisionRule:
        """The model's own cut: its threshold, or a share of each document's best score when the
        artifact carries a relative cut and that is lower (artifacts without one keep the fixed threshold)."""
        return DecisionRule(self.threshold, float(self.metadata.get("relative_threshold", 0.0)),
                            float(self.metadata.get("threshold_floor", 0.0)),
                            bool(self.metadata.get("tail_teaser_cut", False)),
                            bool(self.metadata.get("repeat_runs", False)),
                            bool(self.metadata.get("fact_box_cut", False)),
                            bool(self.metadata.get("foreign_run_cut", False)))

    def stage1_input(self, doc: DocumentFeatures) -> np.ndarray:
        parts = [doc.matrix, self.lexicon.features(doc)]
        if self.mode == "html":
            if doc.attrs is None or self.attr_lexicon is None:
                raise ModelError("an HTML model needs features of an HTML page")
            parts.append(self.attr_lexicon.features(doc.attrs))
        return np.hstack(parts)

    def raw_score(self, doc: DocumentFeatures) -> np.ndarray:
        """Stage-two probability before calibration (the extracted-text stage two when the gate picks it)."""
        return self.raw_score_gated(doc)[0]

    def raw_score_gated(self, doc: DocumentFeatures) -> tuple[np.ndarray, bool]:
        """`raw_score`, and whether the gate took the document for already-extracted text."""
        x1 = self.stage1_input(doc)
        p1 = self.stage1.predict_proba(x1)
        x2 = sequence_features(doc, x1, p1)
        general = self.stage2.predict_proba(x2)
        if self.is_extracted(doc, p1):
            # Blended with the general stage two: the specialist alone doubts an article's own short
            # lists (they look like leaked fact boxes); the general one keeps them.
            return EXTRACTED_WEIGHT * self.extracted_stage.predict_proba(x2) + (1.0 - EXTRACTED_WEIGHT) * general, True
        return general, False

    def is_extracted(self, doc: DocumentFeatures, p1: np.ndarray) -> bool:
        """Does the gate take this document (first-pass scores `p1`) for already-extracted text?"""
        if self.gate is None or self.extracted_stage is None or len(p1) < MIN_SEGMENTS:
            return False
        return bool(self.gate.predict_proba(gate_features(doc, p1))[0] >= GATE_THRESHOLD)

    def score(self, doc: DocumentFeatures) -> np.ndarray:
        """Calibrated probability that each segment belongs to the article."""
        if doc.matrix.shape[0] == 0:
            return np.zeros(0)
        return np.clip(self.calibration(self.raw_score(doc)), 0.0, 1.0)

    def save(self, directory: Path, name: str) -> tuple[Path, Path]:
        directory.mkdir(parents=True, exist_ok=True)
        arrays = {**self.lexicon.to_arrays(), **self.stage1.to_arrays("stage1"), **self.stage2.to_arrays("stage2"),
                  "calibration.x": self.calibration.x, "calibration.y": self.calibration.y}
        if self.attr_lexicon is not None:
            arrays.update(self.attr_lexicon.to_arrays("attr_lexicon"))
        extra = {}
        if self.extracted_stage is not None and self.gate is not None:
            arrays.update({**self.extracted_stage.to_arrays("extracted_stage"), **self.gate.to_arrays("gate")})
            extra = {"gate_feature_names": list(GATE_FEATURE_NAMES), "gate_threshold": GATE_THRESHOLD}
        npz_path, json_path = directory / f"{name}.npz", directory / f"{name}.json"
        np.savez_compressed(npz_path, **arrays)
        meta = {**self.metadata, **extra, "format_version": FORMAT_VERSION, "threshold": self.threshold, "mode": self.mode,
                "feature_names": list(STAGE1_FEATURES[self.mode]), "sequence_feature_names": list(SEQUENCE_FEATURE_NAMES)}
        json_path.write_text(json.dumps(meta, indent=2, sort_keys=True) + "\n", encoding="utf-8")
        return json_path, npz_path


def load(path: str | Path | None = None, mode: str = "text") -> SegmentModel:
    """Load an artifact by the path of its `.json` (or stem); the shipped model of `mode` by default."""
    if path is None:
        base = resources.files("classifiers") / "models" / DEFAULT_MODELS[mode]
        json_path, npz_path = Path(str(base) + ".json"), Path(str(base) + ".npz")
    else:
        base = str(path)
        for suffix in (".json", ".npz"):
            if base.endswith(suffix):
                base = base[: -len(suffix)]
        json_path, npz_path = Path(base + ".json"), Path(base + ".npz")
    try:
        meta = json.loads(json_path.read_text(encoding="utf-8"))
        with np.load(npz_path, allow_pickle=False) as npz:
            arrays = {k: npz[k] for k in npz.files}
    except (OSError, ValueError) as exc:
        raise ModelError(f"cannot read model {json_path}: {exc}") from exc
    return _from_parts(meta, arrays)


def _from_parts(meta: dict[str, Any], arrays: dict[str, np.ndarray]) -> SegmentModel:
    if meta.get("format_version") not in READABLE_FORMATS:
        raise ModelError(f"model format {meta.get('format_version')!r}, this code reads {READABLE_FORMATS}")
    mode = meta.get("mode", "text")
    if mode not in STAGE1_FEATURES:
        raise ModelError(f"model input mode {mode!r} is unknown to this code")
    if tuple(meta.get("feature_names", ())) != STAGE1_FEATURES[mode]:
        raise ModelError("model was trained with other features than this code computes")
    if tuple(meta.get("sequence_feature_names", ())) != SEQUENCE_FEATURE_NAMES:
        raise ModelError("model was trained with other sequence features than this code computes")
    n1 = len(STAGE1_FEATURES[mode])
    try:
        lexicon = Lexicon.from_arrays(arrays)
        attr_lexicon = Lexicon.from_arrays(arrays, "attr_lexicon") if mode == "html" else None
        stage1 = TreeEnsemble.from_arrays(arrays, "stage1", n1)
        stage2 = TreeEnsemble.from_arrays(arrays, "stage2", n1 + len(SEQUENCE_FEATURE_NAMES))
        calibration = Calibration(np.asarray(arrays["calibration.x"], float), np.asarray(arrays["calibration.y"], float))
        extracted_stage, gate = _extracted_parts(meta, arrays, n1 + len(SEQUENCE_FEATURE_NAMES))
    except (KeyError, ValueError) as exc:
        raise ModelError(f"model arrays are invalid: {exc}") from exc
    threshold = float(meta.get("threshold", 0.5))
    if not 0.0 < threshold < 1.0:
        raise ModelError(f"model threshold {threshold} outside (0, 1)")
    relative, floor = float(meta.get("relative_threshold", 0.0)), float(meta.get("threshold_floor", 0.0))
    if not (0.0 <= relative < 1.0 and 0.0 <= floor <= threshold and (relative == 0.0 or floor > 0.0)):
        raise ModelError(f"model relative cut {relative} (floor {floor}) outside [0, 1) (with a relative cut, the "
                         "floor within (0, threshold]: a zero floor would keep every segment of an all-zero page)")
    return SegmentModel(lexicon, stage1, stage2, calibration, threshold, meta, attr_lexicon, extracted_stage, gate)


def _extracted_parts(meta: dict[str, Any], arrays: dict[str, np.ndarray],
                     n2: int) -> tuple[TreeEnsemble | None, TreeEnsemble | None]:
    """The extracted-text stage two and its gate, when the artifact has them (format 2)."""
    has_gate = "gate.feature" in arrays
    if not has_gate and "gate_feature_names" not in meta:
        return None, None
    if meta.get("format_version") != 2 or not has_gate:
        raise ValueError("extracted-text stage: arrays and metadata do not match (format 2 carries both)")
    if tuple(meta.get("gate_feature_names", ())) != GATE_FEATURE_NAMES or meta.get("gate_threshold") != GATE_THRESHOLD:
        raise ValueError("extracted-text gate was trained with other features or threshold than this code uses")
    return (TreeEnsemble.from_arrays(arrays, "extracted_stage", n2),
            TreeEnsemble.from_arrays(arrays, "gate", len(GATE_FEATURE_NAMES)))
