"""The shared HTML pages as training rows: DOM segments labeled by alignment with the ground truth.

A segment is article text when at least half of its word tokens align with the
ground-truth article, the rule the shared text renderings were labeled with:
an order-preserving alignment of page tokens to article tokens, then extra
passes that re-align what is still unmatched in runs of at least 5 tokens (pages
place parts of the content out of reading order), each article token used once.
"""
from __future__ import annotations

import dataclasses
import difflib
from pathlib import Path

import numpy as np

from ..pipeline import analyse_html, page_features
from ..segment_html import segment_html
from . import html_augment
from .data import PAGES_FILE, LabeledDoc, _read, default_data_dir, domain_of
from .metrics import tokens, word_f1
from .rows import DocRows

HTML_FILE = PAGES_FILE
LABEL_MIN_COVER = 0.5
_EXTRA_PASSES = 3
_MIN_EXTRA_RUN = 5


def load_html_docs(data_dir: Path | None = None) -> list[LabeledDoc]:
    """The pages, unsegmented: `extra["html"]` holds the page; text and labels come with `prepare_html`."""
    data_dir = data_dir or default_data_dir()
    docs = []
    for rec in _read(data_dir / HTML_FILE):
        docs.append(LabeledDoc(
            id=rec["id"], dataset="html", page_type=rec["page_type"],
            domain=domain_of(rec.get("url", ""), rec["id"]), text="", line_labels=np.zeros(0, np.int8),
            article=rec.get("article") or "", ceiling_f1=None, extra={"html": rec["html"]},
        ))
    return docs


def _matched(a: list[str], b: list[str], min_run: int) -> list[tuple[int, int, int]]:
    matcher = difflib.SequenceMatcher(None, a, b, autojunk=False)
    return [m for m in matcher.get_matching_blocks() if m.size >= min_run]


def token_cover(segment_texts: list[str], article: str) -> np.ndarray:
    """Per segment: the share of its word tokens aligned to the article."""
    seg_tokens = [tokens(t) for t in segment_texts]
    page = [t for toks in seg_tokens for t in toks]
    owner = np.repeat(np.arange(len(seg_tokens)), [len(t) for t in seg_tokens])
    gold = tokens(article)
    page_hit = np.zeros(len(page), dtype=bool)
    gold_hit = np.zeros(len(gold), dtype=bool)
    for attempt in range(1 + _EXTRA_PASSES):
        page_free = np.flatnonzero(~page_hit)
        gold_free = np.flatnonzero(~gold_hit)
        if not len(page_free) or not len(gold_free):
            break
        blocks = _matched([page[i] for i in page_free], [gold[j] for j in gold_free],
                          1 if attempt == 0 else _MIN_EXTRA_RUN)
        if not blocks:
            break
        for a, b, size in blocks:
            page_hit[page_free[a : a + size]] = True
            gold_hit[gold_free[b : b + size]] = True
    n_tokens = np.bincount(owner, minlength=len(seg_tokens))
    hits = np.bincount(owner, weights=page_hit.astype(np.float64), minlength=len(seg_tokens))
    return hits / np.maximum(n_tokens, 1)


def _labels(texts: list[str], article: str) -> np.ndarray:
    if not article:
        return np.zeros(len(texts), np.int8)
    return (token_cover(texts, article) >= LABEL_MIN_COVER).astype(np.int8)


def prepare_html(doc: LabeledDoc) -> DocRows:
    """Segment and featurize one page exactly as at run time, then label its segments."""
    page, features = analyse_html(doc.extra["html"])
    texts = [s.text for s in page.segments]
    labels = _labels(texts, doc.article)
    kept = "\n\n".join(t for t, y in zip(texts, labels) if y)
    ceiling = word_f1(kept, doc.article) if doc.article.strip() else None
    # The page text has one segment per line, so line labels are segment labels.
    blocks = html_augment.donor_blocks(doc.id, doc.domain, page, labels)
    labeled = dataclasses.replace(doc, text=page.text, line_labels=labels, ceiling_f1=ceiling,
                                  extra={"donor_blocks": blocks})
    return _rows(labeled, page, features, labels)


def _rows(doc: LabeledDoc, page, features, labels: np.ndarray) -> DocRows:
    texts = [s.text for s in page.segments]
    starts = np.fromiter((s.start for s in page.segments), dtype=np.int64, count=len(texts))
    ends = np.fromiter((s.end for s in page.segments), dtype=np.int64, count=len(texts))
    return DocRows(doc, features, texts, starts, ends, labels)


def contamination_tasks(docs: list[LabeledDoc], rows: list[DocRows]) -> list[tuple]:
    """One contaminated variant per article page whose labels reproduce its article well."""
    pool: dict[str, list] = {}
    for r in rows:
        for block in r.doc.extra.get("donor_blocks", ()):
            pool.setdefault(block.kind, []).append(block)
    tasks = []
    for doc, r in zip(docs, rows):
        if doc.page_type != "article" or not r.doc.trainable:
            continue
        choice = html_augment.choose_insertion(doc.id, doc.domain, r.y, r.texts, pool, variant=0)
        if choice is not None:
            tasks.append((doc, r.y, r.doc.ceiling_f1, *choice))
    return tasks


def prepare_contaminated(task: tuple) -> DocRows:
    """Re-segment the host page, splice the donor block in, featurize, label the inserted segments 0."""
    doc, host_labels, ceiling, block, at, position = task
    page = segment_html(doc.extra["html"])
    spliced = html_augment.splice(page, block, at)
    labels = np.concatenate([host_labels[:at], np.zeros(len(block.texts), np.int8), host_labels[at:]])
    info = {"start_line": at, "end_line": at + len(block.texts), "kind": block.kind, "position": position,
            "donors": [block.donor_id]}
    labeled = dataclasses.replace(doc, id=f"{doc.id}#leak", dataset="html-contaminated", text=spliced.text,
                                  line_labels=labels, ceiling_f1=ceiling, blocks=(info,), donor_ids=(block.donor_id,),
                                  extra={})
    return _rows(labeled, spliced, page_features(spliced), labels)
