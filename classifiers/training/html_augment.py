"""Contaminated HTML pages for training: foreign blocks spliced into a host article's container.

The shared pages rarely show what the text set's contaminated articles show: a
CMS that drops a match-result box, a spec sheet, a "More on …" teaser or
another story's paragraph *inside* the article container. Without such
examples an HTML model learns "inside the main container → keep". So, as the
text set does, we build them: a block of segments from a page of another site
is spliced into the host's segment table next to a host content segment, with
that segment's DOM context (ancestors, container, depth) and the donor's own
tag and class/id tokens, as a leaking widget would be; its segments are label 0.

Everything is deterministic (seeded by the host id), and the spliced page goes
through the same feature code as a real one.
"""
from __future__ import annotations

import dataclasses
import hashlib
import random

import numpy as np

from ..segment_html import TAG_IDS, BlockTable, HtmlPage
from ..types import Segment

FACT_MAX_CHARS = 80
_FIELDS = [f.name for f in dataclasses.fields(BlockTable)]
_GENERIC_HEADINGS = ("The specs", "Key facts", "At a glance", "Match info", "Fact file", "In numbers")
_TEASER_HEADINGS = ("More on {}:", "Related:", "Read more", "You may also like", "MORE ON {}")


@dataclasses.dataclass(frozen=True)
class DonorBlock:
    """Segments cut from a donor page, with the per-segment DOM facts that travel with them."""

    kind: str  # fact_box | teaser | boilerplate | foreign_paragraph
    donor_id: str
    donor_domain: str
    texts: tuple[str, ...]
    rows: tuple[dict, ...]  # BlockTable values per segment (the donor's own)


def _row(table: BlockTable, i: int) -> dict:
    return {name: getattr(table, name)[i] for name in _FIELDS}


def seeded_rng(*keys: str) -> random.Random:
    """A Random seeded by the keys (a host id, a variant): the same documents on every run."""
    return random.Random(int(hashlib.sha1("|".join(keys).encode()).hexdigest()[:12], 16))


def donor_blocks(doc_id: str, domain: str, page: HtmlPage, labels: np.ndarray) -> list[DonorBlock]:
    """Candidate blocks of one page: structured short content runs, boilerplate runs, long paragraphs."""
    texts = [s.text for s in page.segments]
    n = len(texts)
    out: list[DonorBlock] = []
    if n == 0:
        return out
    short = np.array([len(t) <= FACT_MAX_CHARS for t in texts], dtype=bool)
    structured = np.array([any(ch.isdigit() for ch in t) or ":" in t for t in texts], dtype=bool)
    i = 0
    while i < n:  # runs of short content lines, mostly structured: fact boxes
        j = i
        while j < n and labels[j] and short[j]:
            j += 1
        if j - i >= 3 and structured[i:j].mean() >= 0.5:
            k = min(j, i + 8)
            out.append(DonorBlock("fact_box", doc_id, domain, tuple(texts[i:k]), tuple(_row(page.blocks, m) for m in range(i, k))))
        i = max(j, i + 1)
    for start in (0, max(n - 6, 0)):  # head and tail furniture: menus, footers, share prompts
        run = [m for m in range(start, min(start + 6, n)) if not labels[m]][:4]
        if run:
            out.append(DonorBlock("boilerplate", doc_id, domain, tuple(texts[m] for m in run),
                                  tuple(_row(page.blocks, m) for m in run)))
    long_content = [m for m in range(n) if labels[m] and len(texts[m]) >= 200]
    if long_content:
        m = long_content[len(long_content) // 2]
        out.append(DonorBlock("foreign_paragraph", doc_id, domain, (texts[m],), (_row(page.blocks, m),)))
    title = page.og_title or page.title
    if title and 3 <= len(title.split()) <= 16:
        out.append(DonorBlock("teaser", doc_id, domain, (title,), ({**_row(page.blocks, 0), "tag": TAG_IDS["li"],
                                                           "list_kind": "ul", "link_chars": len(title),
                                                           "n_links": 1, "heading_level": 0, "cells": ()},)))
    return out


def _pick(candidates: list[DonorBlock], host_domain: str, rng: random.Random) -> DonorBlock | None:
    for _ in range(20):  # a few draws always find another site's block in a pool this size
        if not candidates:
            return None
        block = candidates[rng.randrange(len(candidates))]
        if block.donor_domain != host_domain:
            return block
    return None


def _teaser(block: DonorBlock, others: list[DonorBlock], rng: random.Random) -> DonorBlock:
    """A teaser heading plus 1-3 titles of donor pages, as a related-stories widget shows them."""
    titles = [block] + others
    topic = " ".join(block.texts[0].split()[: rng.randint(1, 3)])
    heading = rng.choice(_TEASER_HEADINGS).format(topic)
    head_row = {**titles[0].rows[0], "tag": TAG_IDS["p"], "list_kind": "", "link_chars": 0, "n_links": 0}
    return DonorBlock("teaser", block.donor_id, block.donor_domain, (heading,) + tuple(t.texts[0] for t in titles),
                      (head_row,) + tuple(t.rows[0] for t in titles))


def _with_heading(block: DonorBlock, rng: random.Random) -> DonorBlock:
    if rng.random() < 0.5:
        return block
    row = {**block.rows[0], "tag": TAG_IDS["h3"], "heading_level": 3, "list_kind": "", "cells": (), "link_chars": 0,
           "n_links": 0}
    return DonorBlock(block.kind, block.donor_id, block.donor_domain, (rng.choice(_GENERIC_HEADINGS),) + block.texts, (row,) + block.rows)


def choose_insertion(host_id: str, host_domain: str, labels: np.ndarray, texts: list[str],
                     pool: dict[str, list[DonorBlock]], variant: int) -> tuple[DonorBlock, int, str] | None:
    """(block, index to insert before, position) for one variant of a host, or None if unsuitable.

    `pool` maps block kind → candidate blocks of all pages; donors of the host's own site are skipped.
    """
    content = np.flatnonzero(labels)
    if len(content) < 3:
        return None
    rng = seeded_rng(host_id, str(variant))
    kind = rng.choices(["fact_box", "teaser", "boilerplate", "foreign_paragraph"], weights=[4, 3, 2, 2])[0]
    block = _pick(pool.get(kind, []), host_domain, rng)
    if block is None:
        return None
    if block.kind == "teaser":
        others = [b for b in (_pick(pool["teaser"], host_domain, rng) for _ in range(rng.randint(0, 2))) if b]
        block = _teaser(block, others, rng)
    elif block.kind == "fact_box":
        block = _with_heading(block, rng)
    position = rng.choices(["tail", "middle", "top"], weights=[6, 3, 1])[0]
    breaks = [i for i in content[:-1] if len(texts[i]) >= 120 and texts[i].rstrip().endswith((".", "!", "?", '"'))]
    if position == "middle" and breaks:
        return block, int(breaks[rng.randrange(len(breaks))]) + 1, position
    if position == "top":
        return block, int(content[0]), position
    return block, int(content[-1]) + 1, "tail"


def splice(page: HtmlPage, block: DonorBlock, at: int) -> HtmlPage:
    """A copy of `page` with the block's segments inserted before segment `at`, in the anchor's DOM context."""
    b = page.blocks
    anchor = max(at - 1, 0) if at > 0 else 0
    new_ids = max(max(b.block_id, default=0), max((e for c in b.chains for e in c), default=0)) + 1
    inserted = []
    for k, row in enumerate(block.rows):
        eid = new_ids + k
        chain = tuple(b.chains[anchor][:-1]) + (eid,) if b.chains else (eid,)
        inserted.append({
            **row,
            "depth": b.depth[anchor], "context": b.context[anchor] | (row["own_context"] & ~b.context[anchor]),
            "block_id": eid, "parent_id": b.parent_id[anchor], "chains": chain,
            "paths": b.paths[anchor], "signatures": row["signatures"],
        })
    table = BlockTable(**{name: getattr(b, name)[:at] + [r[name] for r in inserted] + getattr(b, name)[at:]
                          for name in _FIELDS})
    lines = [s.text for s in page.segments]
    lines = lines[:at] + list(block.texts) + lines[at:]
    segments, position = [], 0
    for line in lines:
        segments.append(Segment(line, position, position + len(line)))
        position += len(line) + 1
    return dataclasses.replace(page, text="\n".join(lines), segments=segments, blocks=table)
