"""Per-line labels of a page rendering, by aligning its words to the page's ground-truth article.

The shared datasets label their renderings this way (see their README): both sides are tokenised
alike (NFKC, lower case, runs of letters and digits), the page's tokens are aligned one-to-one and
in order to the article's with difflib's longest matching blocks, up to three more passes re-align
the tokens still unmatched (runs of 5 tokens or more only: a page may place part of its main
content elsewhere than the article's reading order), and a line is content when at least half of
its tokens are matched. The same recipe labels renderings the datasets do not ship
(`renderings.py`), so the model can learn from more converters than two.
"""
from __future__ import annotations

import re
import unicodedata
from difflib import SequenceMatcher

import numpy as np

TOKEN = re.compile(r"[^\W_]+")
MIN_COVER = 0.5  # share of a line's tokens aligned to the article for the line to count as content
EXTRA_PASSES, MIN_EXTRA_RUN = 3, 5


def tokens(text: str) -> list[str]:
    return TOKEN.findall(unicodedata.normalize("NFKC", text).lower())


def line_labels(text: str, article: str) -> np.ndarray:
    """1 for each line of `text.split("\\n")` whose tokens are mostly aligned to `article`, else 0."""
    line_tokens = [tokens(line) for line in text.split("\n")]
    page = [t for ts in line_tokens for t in ts]
    owner = np.repeat(np.arange(len(line_tokens)), [len(ts) for ts in line_tokens])
    gold = tokens(article)
    page_hit, gold_hit = np.zeros(len(page), bool), np.zeros(len(gold), bool)
    for a, b, size in _matching_runs(page, gold, 1):
        page_hit[a:a + size], gold_hit[b:b + size] = True, True
    for _ in range(EXTRA_PASSES):
        page_left, gold_left = np.flatnonzero(~page_hit), np.flatnonzero(~gold_hit)
        if not len(page_left) or not len(gold_left):
            break
        found = False
        for a, b, size in _matching_runs([page[i] for i in page_left], [gold[i] for i in gold_left], MIN_EXTRA_RUN):
            on_page, in_gold = page_left[a:a + size], gold_left[b:b + size]
            # a run of the leftovers must also be a run of the originals: no gaps bridged
            if on_page[-1] - on_page[0] == size - 1 and in_gold[-1] - in_gold[0] == size - 1:
                page_hit[on_page], gold_hit[in_gold] = True, True
                found = True
        if not found:
            break
    n = np.bincount(owner, minlength=len(line_tokens))
    hits = np.bincount(owner, weights=page_hit, minlength=len(line_tokens))
    cover = np.divide(hits, n, out=np.zeros(len(n)), where=n > 0)
    return (cover >= MIN_COVER).astype(np.int8)


def _matching_runs(a: list[str], b: list[str], min_size: int) -> list[tuple[int, int, int]]:
    blocks = SequenceMatcher(None, a, b, autojunk=False).get_matching_blocks()
    return [(m.a, m.b, m.size) for m in blocks if m.size >= min_size]
