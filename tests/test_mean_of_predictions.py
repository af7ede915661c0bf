"""benchmarks/mean_of_predictions.py lines every file's scores up with the documents, or refuses."""
from __future__ import annotations

import json
import sys
from pathlib import Path
from types import SimpleNamespace

import numpy as np
import pytest

REPO = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(REPO / "benchmarks"))

import mean_of_predictions as mop  # noqa: E402


def row(doc_id: str, dataset: str, n: int):
    return SimpleNamespace(doc=SimpleNamespace(id=doc_id, dataset=dataset), y=np.zeros(n, dtype=np.int64))


def write(path: Path, records: list[dict]) -> Path:
    path.write_text("".join(json.dumps(r) + "\n" for r in records), encoding="utf-8")
    return path


def test_scores_follow_the_documents_order_and_dataset(tmp_path):
    # The same id in two datasets (a page and its leaked-block variant) must not be confused.
    f = write(tmp_path / "a.jsonl", [{"id": "p1", "dataset": "html-contaminated", "article": "", "scores": [0.9]},
                                     {"id": "p1", "dataset": "html", "article": "", "scores": [0.1, 0.2]},
                                     {"id": "p2", "dataset": "html", "article": "", "scores": []}])
    rows = [row("p1", "html", 2), row("p2", "html", 0), row("p1", "html-contaminated", 1)]
    got = mop.aligned(rows, mop.read_scores(f), f)
    assert [list(s) for s in got] == [[0.1, 0.2], [], [0.9]]


def test_a_file_of_other_documents_or_segments_is_refused(tmp_path):
    f = write(tmp_path / "a.jsonl", [{"id": "p1", "dataset": "html", "article": "", "scores": [0.1, 0.2]}])
    with pytest.raises(SystemExit, match="no scores for html document p9"):
        mop.aligned([row("p9", "html", 2)], mop.read_scores(f), f)
    with pytest.raises(SystemExit, match="2 scores for 3 segments"):
        mop.aligned([row("p1", "html", 3)], mop.read_scores(f), f)
