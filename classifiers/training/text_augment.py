"""Synthetic contaminated articles for training the text model.

The shared contaminated set has ~1,500 documents; split five ways by host site,
each training fold sees ~1,200, and only a few hundred blocks of each kind and
position (72 fact boxes in the middle of a text, for one). That is too few for a
model to learn "a block that breaks the article's flow is foreign" instead of
"these particular blocks are foreign". So, as the set itself was built, we build
more: the article lines of a text rendering of an article page (the host) with
blocks of other sites' pages inserted at the top, between paragraphs or at the
tail:

- boilerplate: a run of 1-6 non-content lines of another page (menus, footers, share prompts);
- fact box: a run of 3-8 short content lines of another page (lists, spec rows, table
  cells), sometimes under a generic heading, or a generated spec/score/figures box;
- teaser: a lead-in ("Related", "More on …:") and 1-4 titles of other pages;
- foreign paragraph: one or two long content lines of another page.

Half of the donors are drawn among the pages most similar to the host (so the
model cannot rely on the topic alone), half at random. Some hosts get no
insertion at all (negative controls). Synthetic documents are training-only:
cross-validation leaves out those whose host or donors belong to the evaluation
fold, and they are never scored. Everything is seeded by the host id.
"""
from __future__ import annotations

import dataclasses
import random

import numpy as np

from .data import LabeledDoc
from .html_augment import seeded_rng

DATASET = "text-synthetic"
FACT_MAX_CHARS = 80
PARAGRAPH_MIN_CHARS = 150
SIMILAR_POOL = 25
WHOLE_PAGE_SHARE = 0.5
_KINDS = ("fact_box", "teaser", "boilerplate", "foreign_paragraph")
_KIND_WEIGHTS = (4, 3, 3, 3)
_BLOCKS_PER_DOC = ((0, 1, 2, 3), (2, 5, 2, 1))  # counts and their weights: some controls, mostly one or two
_POSITIONS = (("top", "middle", "tail"), (1, 4, 5))
_FACT_HEADINGS = ("The specs", "Key facts", "At a glance", "Fact file", "In numbers", "Quick facts",
                  "Key figures", "Details", "Specifications", "MATCH INFO", "Results", "Fixtures")
_TEASER_LEADS = ("Related", "Related articles", "Read more", "You may also like", "Recommended for you",
                 "Most popular", "Trending now", "More stories", "Also read", "Don't miss", "Popular posts")
_TEASER_INLINE = ("Read more: {}", "Related: {}", "See also: {}", "Read next: {}", "MORE: {}", "Also read: {}",
                  "More on {}:", "Watch: {}", "Recommended: {}")


@dataclasses.dataclass(frozen=True)
class Donor:
    """Candidate blocks of one page, by kind (each a tuple of lines)."""

    id: str
    domain: str
    blocks: dict[str, list[tuple[str, ...]]]


def _runs(mask: np.ndarray) -> list[tuple[int, int]]:
    """[start, end) of each run of True."""
    edges = np.flatnonzero(np.diff(np.concatenate(([0], mask.astype(np.int8), [0]))))
    return list(zip(edges[::2].tolist(), edges[1::2].tolist()))


def donor_of(doc: LabeledDoc, title: str = "") -> Donor:
    lines = doc.text.split("\n")
    labels = doc.line_labels[: len(lines)].astype(bool)
    lengths = np.fromiter((len(x) for x in lines), dtype=np.int64, count=len(lines))
    blocks: dict[str, list[tuple[str, ...]]] = {k: [] for k in _KINDS}
    for a, b in _runs(~labels & (lengths > 0)):
        for start in range(a, b, 6):
            blocks["boilerplate"].append(tuple(lines[start : min(b, start + 6)]))
    for a, b in _runs(labels & (lengths <= FACT_MAX_CHARS) & (lengths > 0)):
        if b - a >= 3:
            blocks["fact_box"].append(tuple(lines[a : min(b, a + 8)]))
    long_lines = np.flatnonzero(labels & (lengths >= PARAGRAPH_MIN_CHARS))
    blocks["foreign_paragraph"] = [(lines[i],) for i in long_lines[:: max(1, len(long_lines) // 4)]]
    if title and 3 <= len(title.split()) <= 18:
        blocks["teaser"] = [(title,)]
    return Donor(doc.id, doc.domain, blocks)


def similar_pages(docs: list[LabeledDoc], top: int = SIMILAR_POOL) -> dict[str, list[str]]:
    """id → ids of the `top` pages whose articles are most similar (TF-IDF cosine), other sites only."""
    from sklearn.feature_extraction.text import TfidfVectorizer  # training-time only

    with_article = [d for d in docs if d.article.strip()]
    if len(with_article) < 2:
        return {}
    try:
        matrix = TfidfVectorizer(sublinear_tf=True, min_df=2, stop_words="english").fit_transform(
            [d.article for d in with_article])
    except ValueError:  # no word shared by two articles: nothing is similar
        return {}
    sims = (matrix @ matrix.T).toarray()
    domains = np.array([d.domain for d in with_article])
    out = {}
    for i, d in enumerate(with_article):
        sims[i, domains == d.domain] = -1.0
        order = np.argsort(-sims[i], kind="stable")[:top]
        out[d.id] = [with_article[j].id for j in order if sims[i, j] > 0]
    return out


def _generated_fact_box(rng: random.Random) -> tuple[str, ...]:
    """A spec sheet, a result box or a key-figures box with random values, as CMS widgets print them."""
    style = rng.randrange(3)
    if style == 0:
        keys = rng.sample(["Price", "Engine", "Gearbox", "Power", "Torque", "Top speed", "Weight", "Battery",
                           "Range", "Display", "Storage", "Camera", "Fuel economy", "Dimensions", "On sale"],
                          rng.randint(3, 7))
        return tuple(f"{k}: {rng.randint(2, 990)}{rng.choice(['', ' mm', ' kg', ' hp', ' Nm', 'mph', ' GB', ' in'])}"
                     for k in keys)
    if style == 1:
        teams = rng.sample(["Rovers", "United", "City", "Athletic", "Wanderers", "Albion", "Town", "Rangers"], 2)
        return (f"{teams[0]} {rng.randint(0, 5)} {teams[1]} {rng.randint(0, 5)}",
                f"Scorers: {rng.choice(['Smith', 'Okafor', 'Silva', 'Novak'])} {rng.randint(1, 90)}'",
                f"Attendance: {rng.randint(1, 60)},{rng.randint(100, 999)}")
    return tuple(f"{rng.randint(2, 99)}{rng.choice(['%', 'm', 'k', ''])} {rng.choice(['users', 'sales', 'growth', 'votes', 'downloads', 'members', 'cases'])}"
                 for _ in range(rng.randint(3, 5)))


def _block(kind: str, donors: list[Donor], rng: random.Random) -> tuple[tuple[str, ...], list[str]] | None:
    """(lines, donor ids) of one block of `kind`, or None when the donors have none."""
    if kind == "fact_box" and rng.random() < 0.15:
        lines = _generated_fact_box(rng)
        return ((rng.choice(_FACT_HEADINGS),) + lines if rng.random() < 0.5 else lines), []
    candidates = [(d, b) for d in donors for b in d.blocks[kind]]
    if not candidates:
        return None
    donor, lines = candidates[rng.randrange(len(candidates))]
    if kind == "boilerplate":
        lines = lines[: rng.randint(1, len(lines))]
    elif kind == "foreign_paragraph":
        more = [b for b in donor.blocks[kind] if b != lines]
        if more and rng.random() < 0.3:
            lines = lines + more[0]
    elif kind == "fact_box" and rng.random() < 0.4:
        lines = (rng.choice(_FACT_HEADINGS),) + lines
    elif kind == "teaser":
        titles = [b[0] for d in donors for b in d.blocks["teaser"] if b[0] != lines[0]]
        if rng.random() < 0.4 or not titles:  # a one-line "Read more: <title>"
            pattern = rng.choice(_TEASER_INLINE)
            topic = " ".join(lines[0].split()[: rng.randint(1, 3)]) if "More on" in pattern else lines[0]
            lines = (pattern.format(topic),)
        else:
            picked = [lines[0]] + rng.sample(titles, min(len(titles), rng.randint(0, 3)))
            bullet = "• " if rng.random() < 0.5 else ""
            lines = (rng.choice(_TEASER_LEADS),) + tuple(bullet + t for t in picked)
    return tuple(lines), [donor.id]


def synthesize(host: LabeledDoc, donor_pool: list[Donor], similar: list[Donor], variant: int) -> LabeledDoc | None:
    """One contaminated document: the host's article lines (or its whole page, keeping the page's own
    menus and footer with their labels) with 0-3 foreign blocks inserted around the article."""
    lines = host.text.split("\n")
    keep = host.line_labels[: len(lines)].astype(bool)
    if sum(1 for line, k in zip(lines, keep) if k and line.strip()) < 4:
        return None
    rng = seeded_rng(host.id, host.dataset, str(variant))
    # Article lines alone, as the shared contaminated set has them, or the whole page: without the
    # latter, every synthetic document ends on article text and a lone footer line after a short
    # story starts to look like content.
    whole_page = rng.random() < WHOLE_PAGE_SHARE
    pairs = [(line, int(k)) for line, k in zip(lines, keep) if line.strip() and (k or whole_page)]
    body = [line for line, _ in pairs]
    host_labels = [y for _, y in pairs]
    content = [i for i, y in enumerate(host_labels) if y]
    n_blocks = rng.choices(*_BLOCKS_PER_DOC)[0]
    breaks = [i + 1 for i in content[:-1] if body[i].rstrip().endswith((".", "!", "?", '"', "”"))]
    inserts: list[tuple[int, str, str, tuple[str, ...], list[str]]] = []
    for _ in range(n_blocks):
        pool = similar if similar and rng.random() < 0.5 else donor_pool
        donors = [pool[rng.randrange(len(pool))] for _ in range(4)]
        donors = [d for d in donors if d.domain != host.domain]
        kind = rng.choices(_KINDS, weights=_KIND_WEIGHTS)[0]
        made = _block(kind, donors, rng) if donors else None
        if made is None:
            continue
        position = rng.choices(*_POSITIONS)[0]
        if position == "middle" and not breaks:
            position = "tail"
        at = {"top": content[0], "tail": content[-1] + 1,
              "middle": breaks[rng.randrange(len(breaks))] if breaks else 0}[position]
        inserts.append((at, position, kind, *made))
    out_lines: list[str] = []
    labels: list[int] = []
    blocks, donor_ids = [], set()
    by_place: dict[int, list] = {}
    for item in inserts:
        by_place.setdefault(item[0], []).append(item)
    for i in range(len(body) + 1):
        for _, position, kind, block_lines, ids in by_place.get(i, ()):
            blocks.append({"start_line": len(out_lines), "end_line": len(out_lines) + len(block_lines),
                           "kind": kind, "position": position, "donors": ids})
            out_lines.extend(block_lines)
            labels.extend([0] * len(block_lines))
            donor_ids.update(ids)
        if i < len(body):
            out_lines.append(body[i])
            labels.append(host_labels[i])
    return dataclasses.replace(
        host, id=f"{host.id}#syn{variant}/{host.dataset}", dataset=DATASET, text="\n".join(out_lines),
        line_labels=np.asarray(labels, dtype=np.int8), blocks=tuple(blocks), donor_ids=tuple(sorted(donor_ids)),
        extra={"host_id": host.id, "source_renderer": host.dataset})


def synthetic_docs(docs: list[LabeledDoc], titles: dict[str, str], variants: int = 2) -> list[LabeledDoc]:
    """Synthetic contaminated documents built from the trainable article pages among `docs`."""
    pages = [d for d in docs if d.dataset in ("text-blocks", "text-naive")]
    out: list[LabeledDoc] = []
    for renderer in ("text-blocks", "text-naive"):
        same = [d for d in pages if d.dataset == renderer]
        if not same:
            continue
        donors = {d.id: donor_of(d, titles.get(d.id, "")) for d in same}
        pool = list(donors.values())
        similar = similar_pages(same)
        for host in same:
            if host.page_type != "article" or not host.trainable:
                continue
            near = [donors[i] for i in similar.get(host.id, ()) if i in donors]
            for v in range(variants):
                doc = synthesize(host, pool, near, v)
                if doc is not None:
                    out.append(doc)
    return out
