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
PAGES_FILE = "wcxb-dev/pages.jsonl.gz"
SYNTHETIC_DATASETS = ("text-synthetic",)
# Pages rendered again by other converters (renderings.py): training only, like the synthetic documents.
EXTRA_RENDERINGS = ("inscriptis",)


def rendered_dataset(renderer: str) -> str:
    """The dataset name of the pages as `renderer` renders them."""
    return f"text-{renderer}"


RENDERED_DATASETS = tuple(map(rendered_dataset, EXTRA_RENDERINGS))
TRAINING_ONLY_DATASETS = SYNTHETIC_DATASETS + RENDERED_DATASETS
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
        if self.dataset in SYNTHETIC_DATASETS or self.dataset == "contaminated":
            return True
        return self.ceiling_f1 is not None and self.ceiling_f1 >= TRAIN_MIN_CEILING

    @property
    def evaluated(self) -> bool:
        """Built for training only (synthetic contamination, extra renderings): never scored in cross-validation."""
        return self.dataset not in TRAINING_ONLY_DATASETS


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


def load_titles(data_dir: Path | None = None) -> dict[str, str]:
    """Page id → page title (for teaser lines of synthetic documents); empty when the pages are absent."""
    path = (data_dir or default_data_dir()) / PAGES_FILE
    if not path.is_file():
        return {}
    return {rec["id"]: rec.get("title") or "" for rec in _read(path)}


def line_offsets(text: str) -> np.ndarray:
    """Start offset of each line of text.split("\\n")."""
    lengths = np.fromiter((len(x) + 1 for x in text.split("\n")), dtype=np.int64)
    return np.concatenate(([0], np.cumsum(lengths)[:-1]))


def segment_line_index(text: str, seg_starts: np.ndarray, seg_ends: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
    """For each line: the first segment overlapping it (-1 for none), given segment offsets."""
    starts = line_offsets(text)
    if len(seg_starts) == 0:
        return np.full(len(starts), -1), starts
    line_ends = starts + np.fromiter((len(x) for x in text.split("\n")), dtype=np.int64)
    seg = np.searchsorted(np.asarray(seg_ends), starts, side="right")  # first segment ending after the line start
    found = seg < len(seg_starts)
    overlaps = found & (np.asarray(seg_starts)[np.minimum(seg, len(seg_starts) - 1)] < line_ends)
    return np.where(overlaps, seg, -1), starts


def segment_labels(doc: LabeledDoc, seg_starts: np.ndarray, seg_ends: np.ndarray) -> np.ndarray:
    """Segment label = character-weighted majority of the labels of the lines it overlaps."""
    starts = line_offsets(doc.text)
    lengths = np.fromiter((len(x) for x in doc.text.split("\n")), dtype=np.int64)
    labels = np.zeros(len(lengths))
    labels[: len(doc.line_labels)] = doc.line_labels[: len(lengths)]  # an empty text has one empty line
    first = np.searchsorted(starts, seg_starts, side="right") - 1
    last = np.searchsorted(starts, np.asarray(seg_ends) - 1, side="right") - 1
    out = labels[np.maximum(first, 0)].astype(np.int8) if len(first) else np.zeros(0, np.int8)
    for i in np.flatnonzero(last > first):  # joined hard-wrapped lines: few, weigh them by length
        span = slice(first[i], last[i] + 1)
        out[i] = int(2 * (lengths[span] * labels[span]).sum() > lengths[span].sum())
    return out
