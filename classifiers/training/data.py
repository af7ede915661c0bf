"""Loading the labeled datasets and turning them into per-segment training rows.

The data lives outside the repository (../shared/datasets by default, or
$BOILERCUT_DATA); nothing of it is copied into the project.
"""
from __future__ import annotations

import gzip
import json
import os
from dataclasses import dataclass, field
from pathlib import Path
from typing import Iterator
from urllib.parse import urlsplit

import numpy as np

TEXT_FILES = {
    "text-blocks": "wcxb-dev/text-blocks.jsonl.gz",
    "text-naive": "wcxb-dev/text-naive.jsonl.gz",
    "contaminated": "contaminated-dev.jsonl.gz",
}
TRAIN_MIN_CEILING = 0.8  # pages whose ground truth is mostly missing from the rendering teach noise


def default_data_dir() -> Path:
    env = os.environ.get("BOILERCUT_DATA")
    if env:
        return Path(env)
    here = Path(__file__).resolve()
    for parent in here.parents:
        candidate = parent.parent / "shared" / "datasets"
        if candidate.is_dir():
            return candidate
    return Path.cwd().parent / "shared" / "datasets"


@dataclass(frozen=True)
class LabeledDoc:
    id: str
    dataset: str  # text-blocks | text-naive | contaminated
    page_type: str
    domain: str
    text: str
    line_labels: np.ndarray  # per line of text.split("\n")
    article: str
    ceiling_f1: float | None
    blocks: tuple = ()  # contaminated: inserted blocks
    donor_ids: tuple[str, ...] = ()
    extra: dict = field(default_factory=dict)

    @property
    def trainable(self) -> bool:
        if self.dataset == "contaminated":
            return True
        return self.ceiling_f1 is not None and self.ceiling_f1 >= TRAIN_MIN_CEILING


def domain_of(url: str, fallback: str) -> str:
    host = (urlsplit(url).hostname or "") if url else ""
    host = host.lower()
    if host.startswith("www."):
        host = host[4:]
    return host or fallback


def _read(path: Path) -> Iterator[dict]:
    with gzip.open(path, "rt", encoding="utf-8") as fh:
        for line in fh:
            yield json.loads(line)


def load_docs(data_dir: Path | None = None, datasets: tuple[str, ...] = tuple(TEXT_FILES)) -> list[LabeledDoc]:
    data_dir = data_dir or default_data_dir()
    docs: list[LabeledDoc] = []
    for name in datasets:
        for rec in _read(data_dir / TEXT_FILES[name]):
            blocks = tuple(rec.get("blocks") or ())
            donors = tuple(sorted({d for b in blocks for d in b.get("donors", ())}))
            docs.append(LabeledDoc(
                id=rec["id"], dataset=name, page_type=rec["page_type"],
                domain=domain_of(rec.get("url", ""), rec.get("host_id") or rec["id"]),
                text=rec["text"], line_labels=np.asarray(rec["labels"], dtype=np.int8),
                article=rec.get("article") or "", ceiling_f1=rec.get("ceiling_f1"),
                blocks=blocks, donor_ids=donors,
                extra={"host_id": rec.get("host_id"), "source_renderer": rec.get("source_renderer")},
            ))
    return docs


def line_offsets(text: str) -> np.ndarray:
    """Start offset of each line of text.split("\\n")."""
    lengths = np.fromiter((len(x) + 1 for x in text.split("\n")), dtype=np.int64)
    return np.concatenate(([0], np.cumsum(lengths)[:-1]))


def segment_line_index(text: str, seg_starts: np.ndarray, seg_ends: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
    """For each line: the segment containing it (-1 for none), given segment offsets."""
    starts = line_offsets(text)
    if len(seg_starts) == 0:
        return np.full(len(starts), -1), starts
    seg = np.searchsorted(seg_starts, starts, side="right") - 1
    inside = (seg >= 0) & (starts < np.asarray(seg_ends)[np.maximum(seg, 0)])
    return np.where(inside, seg, -1), starts


def segment_labels(doc: LabeledDoc, seg_starts: np.ndarray, seg_ends: np.ndarray) -> np.ndarray:
    """Segment label = character-weighted majority of the labels of the lines it joins."""
    seg_of_line, _ = segment_line_index(doc.text, seg_starts, seg_ends)
    lengths = np.fromiter((len(x) for x in doc.text.split("\n")), dtype=np.float64)
    labels = np.zeros(len(lengths))
    labels[: len(doc.line_labels)] = doc.line_labels[: len(lengths)]  # an empty text has one empty line
    ok = seg_of_line >= 0
    n = len(seg_starts)
    pos = np.bincount(seg_of_line[ok], weights=(lengths * labels)[ok], minlength=n)
    tot = np.bincount(seg_of_line[ok], weights=lengths[ok], minlength=n)
    return (pos * 2 > tot).astype(np.int8)
