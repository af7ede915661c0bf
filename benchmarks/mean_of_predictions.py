"""The mean of several models' out-of-fold scores, scored the way `boilercut evaluate` scores one model.

`boilercut train --predictions F` (and `evaluate --predictions F`) writes every document's out-of-fold
segment scores. Given several such files of the same data and mode (for example trainings that differ
only in the trees' random state), this averages each segment's score over the files, applies the
mode's shipped decision rule, and prints the evaluation table; with `--each`, every file's own table
first. It measures what averaging the models (a bag) would give without training one.
Usage: .venv/bin/python benchmarks/mean_of_predictions.py --mode html A.jsonl B.jsonl [C.jsonl ...]
"""
from __future__ import annotations

import argparse
import json
import sys
from pathlib import Path

import numpy as np

REPO = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(REPO))

from classifiers.training.data import default_data_dir  # noqa: E402
from classifiers.training.evaluate import evaluate, format_table  # noqa: E402
from classifiers.training.train import load_rows, shipped_rule  # noqa: E402


def read_scores(path: Path) -> dict[tuple[str, str], np.ndarray]:
    """(document id, dataset) → its segments' scores, from one predictions file."""
    out = {}
    with path.open(encoding="utf-8") as fh:
        for line in fh:
            record = json.loads(line)
            out[(record["id"], record["dataset"])] = np.asarray(record["scores"], dtype=np.float64)
    return out


def aligned(rows, scores: dict[tuple[str, str], np.ndarray], path: Path) -> list[np.ndarray]:
    """The file's scores in the order of `rows`; refuses a file of other documents or segmentations."""
    out = []
    for r in rows:
        key = (r.doc.id, r.doc.dataset)
        if key not in scores:
            raise SystemExit(f"{path}: no scores for {key[1]} document {key[0]} (a file of other data?)")
        if len(scores[key]) != len(r.y):
            raise SystemExit(f"{path}: {key[0]} has {len(scores[key])} scores for {len(r.y)} segments "
                             "(written by another segmentation?)")
        out.append(scores[key])
    return out


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    ap.add_argument("predictions", nargs="+", type=Path, help="predictions files of `boilercut train/evaluate`")
    ap.add_argument("--mode", choices=("text", "html"), required=True, help="the models' input")
    ap.add_argument("--data", type=Path, help="datasets folder (default as `boilercut train`)")
    ap.add_argument("--workers", type=int, default=2, help="processes for feature extraction")
    ap.add_argument("--each", action="store_true", help="also print every file's own table")
    args = ap.parse_args()

    # The rule reads the segments' texts and terms, so the documents are segmented again.
    rows = load_rows(args.data or default_data_dir(), args.workers, None, False, args.mode)
    rule = shipped_rule(args.mode)
    per_file = [aligned(rows, read_scores(p), p) for p in args.predictions]
    if args.each:
        for path, scores in zip(args.predictions, per_file):
            print(f"== {path} ==\n{format_table(evaluate(rows, scores, rule))}\n")
    mean = [np.mean(column, axis=0) for column in zip(*per_file)]
    print(f"== mean of {len(per_file)} ==\n{format_table(evaluate(rows, mean, rule))}")


if __name__ == "__main__":
    main()
