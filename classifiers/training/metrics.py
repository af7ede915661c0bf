"""Quality metrics of a returned article against the ground truth (bag-of-words and 4-gram F1)."""
from __future__ import annotations

import re
import unicodedata
from collections import Counter

# Chinese, Japanese and Thai characters are one token each; other words are runs of letters/digits.
_TOKEN = re.compile(r"[\u4e00-\u9fff\u3400-\u4dbf\u3040-\u30ff\u0e00-\u0e7f]|[^\W_\u4e00-\u9fff\u3400-\u4dbf\u3040-\u30ff\u0e00-\u0e7f]+")


def tokens(text: str) -> list[str]:
    return _TOKEN.findall(unicodedata.normalize("NFKC", text).lower())


def _f1(pred: Counter, gold: Counter) -> float:
    overlap = sum((pred & gold).values())
    if overlap == 0:
        return 0.0
    precision = overlap / sum(pred.values())
    recall = overlap / sum(gold.values())
    return 2 * precision * recall / (precision + recall)


def _shingles(toks: list[str], n: int = 4) -> Counter:
    if len(toks) < n:
        return Counter([tuple(toks)]) if toks else Counter()
    return Counter(tuple(toks[i : i + n]) for i in range(len(toks) - n + 1))


def word_f1(pred: str, gold: str) -> float:
    return _f1(Counter(tokens(pred)), Counter(tokens(gold)))


def shingle_f1(pred: str, gold: str) -> float:
    return _f1(_shingles(tokens(pred)), _shingles(tokens(gold)))


def prf(tp: int, fp: int, fn: int) -> dict[str, float]:
    p = tp / (tp + fp) if tp + fp else 0.0
    r = tp / (tp + fn) if tp + fn else 0.0
    return {"precision": p, "recall": r, "f1": 2 * p * r / (p + r) if p + r else 0.0}
