"""`boilercut train` and `boilercut evaluate`: reproducible training and grouped cross-validation."""
from __future__ import annotations

import hashlib
import json
import platform
import time
from dataclasses import dataclass
from datetime import datetime, timezone
from pathlib import Path

import numpy as np

from ..model import DEFAULT_MODEL, SegmentModel
from . import card
from .data import TEXT_FILES, default_data_dir, load_docs
from .evaluate import evaluate, format_table
from .fit import cross_validate, fit_calibration, fit_two_stage
from .rows import DocRows, prepare_all

MODEL_VERSION = "1.0.0"
DEFAULT_THRESHOLD = 0.5


@dataclass(frozen=True)
class CVResult:
    report: dict
    calibration_report: dict
    raw_scores: list[np.ndarray]


def _data_fingerprint(data_dir: Path) -> dict[str, str]:
    out = {}
    for name, rel in TEXT_FILES.items():
        h = hashlib.sha256()
        with open(data_dir / rel, "rb") as fh:
            for chunk in iter(lambda: fh.read(1 << 20), b""):
                h.update(chunk)
        out[name] = h.hexdigest()
    return out


def load_rows(data_dir: Path, workers: int, max_docs: int | None, progress: bool) -> list[DocRows]:
    docs = load_docs(data_dir)
    if max_docs:
        docs = docs[:: max(1, len(docs) // max_docs)][:max_docs]
    return prepare_all(docs, workers=workers, progress=progress)


def run_cv(rows: list[DocRows], folds: int, threshold: float, progress: bool) -> CVResult:
    raw, _ = cross_validate(rows, k=folds, progress=progress)
    y = np.concatenate([r.y for r in rows])
    flat = np.concatenate(raw)
    calibration = fit_calibration(flat, y)
    calibrated = [calibration(s) for s in raw]
    report = evaluate(rows, calibrated, threshold)
    report["folds"] = folds
    cal = {"brier_raw": float(np.mean((flat - y) ** 2)),
           "brier_calibrated": float(np.mean((np.concatenate(calibrated) - y) ** 2)),
           "x": calibration.x.tolist(), "y": calibration.y.tolist()}
    return CVResult(report, cal, raw)


def evaluate_command(data_dir: Path | None, out: Path, folds: int, threshold: float, workers: int,
                     max_docs: int | None, progress: bool = True) -> dict:
    data_dir = data_dir or default_data_dir()
    rows = load_rows(data_dir, workers, max_docs, progress)
    cv = run_cv(rows, folds, threshold, progress)
    print(format_table(cv.report))
    out.parent.mkdir(parents=True, exist_ok=True)
    out.write_text(json.dumps({**cv.report, "calibration": cv.calibration_report}, indent=2) + "\n")
    print(f"report written to {out}")
    return cv.report


def train_command(data_dir: Path | None, out_dir: Path, folds: int, workers: int, max_docs: int | None,
                  progress: bool = True) -> Path:
    started = time.time()
    data_dir = data_dir or default_data_dir()
    rows = load_rows(data_dir, workers, max_docs, progress)
    cv = run_cv(rows, folds, DEFAULT_THRESHOLD, progress)
    print(format_table(cv.report))
    final = fit_two_stage([r for r in rows if r.doc.trainable], progress=progress)
    calibration = fit_calibration(np.concatenate(cv.raw_scores), np.concatenate([r.y for r in rows]))
    metadata = _metadata(data_dir, rows, cv, time.time() - started, max_docs)
    model = SegmentModel(final.lexicon, final.stage1, final.stage2, calibration, DEFAULT_THRESHOLD, metadata)
    json_path, npz_path = model.save(out_dir, DEFAULT_MODEL)
    saved = json.loads(json_path.read_text(encoding="utf-8"))  # the card describes exactly what was written
    (out_dir / f"{DEFAULT_MODEL}.md").write_text(card.render(saved), encoding="utf-8")
    print(f"model written to {json_path} and {npz_path} ({npz_path.stat().st_size / 1e6:.2f} MB)")
    return json_path


def _metadata(data_dir: Path, rows: list[DocRows], cv: CVResult, seconds: float, max_docs: int | None) -> dict:
    import scipy
    import sklearn

    counts: dict[str, int] = {}
    for r in rows:
        counts[r.doc.dataset] = counts.get(r.doc.dataset, 0) + 1
    return {
        "name": DEFAULT_MODEL,
        "version": MODEL_VERSION,
        "created": datetime.now(timezone.utc).strftime("%Y-%m-%d"),
        "training": {
            "documents": counts,
            "trainable_documents": sum(r.doc.trainable for r in rows),
            "segments": int(sum(len(r.y) for r in rows)),
            "max_docs": max_docs,
            "data_sha256": _data_fingerprint(data_dir),
            "seconds": round(seconds, 1),
        },
        "libraries": {"python": platform.python_version(), "numpy": np.__version__,
                      "scipy": scipy.__version__, "scikit-learn": sklearn.__version__},
        "cv": cv.report,
        "calibration": {k: v for k, v in cv.calibration_report.items() if k.startswith("brier")},
    }
