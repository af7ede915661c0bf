"""Segments → stage-one feature matrix: the segment, its neighbours, the whole document.

`FEATURE_NAMES` is the contract with the model: the names are saved with the
artifact and checked when it is loaded.
"""
from __future__ import annotations

import re
from dataclasses import dataclass, field

import numpy as np

from . import cues, language, textstats, topic
from .arrays import distance_since, distance_until, run_ids, run_mean, run_position, shift, window_mean

_PROSE_MIN_WORDS = 10
_SENTENCE_FINAL = ".!?\"'”’)"
_SENTENCE_FINAL_CJK = _SENTENCE_FINAL + cues.FULL_STOPS + cues.FULL_CLOSERS
_SHORT_WORDS = 8
_NEIGHBOUR_OFFSETS = (-2, -1, 1, 2)
_FOREIGN_LANG_MIN_CHARS = 150
_FOREIGN_LANG_MAX_CALLS = 3  # bounds the cost of per-segment language checks

_OWN = (
    "log_chars", "log_words", "mean_word_len", "alpha_ratio", "upper_ratio", "digit_ratio",
    "punct_ratio", "cap_word_ratio", "numeric_word_ratio", "stop_ratio", "ui_ratio", "footer_ratio",
    "ends_sentence", "ends_colon", "ends_ellipsis", "ends_alnum", "starts_lower", "starts_bullet",
    "all_caps", "log_sentences", "commas_per_word", "teaser_prefix", "copyright", "key_value",
    "fact_per_word", "date_like", "urlish", "separators", "question", "log_duplicates",
    "quoted", "log_content_terms", "foreign_language",
)
_DOC = (
    "rel_position", "rel_char_position", "doc_log_segments", "doc_log_words", "doc_prose_share",
    "doc_short_share", "doc_is_english", "rel_log_chars", "words_z", "main_dist_before",
    "main_dist_after", "prose_mass_before", "prose_mass_after", "segments_after_last_prose",
    "segments_before_first_prose",
)
_TOPIC = (
    "centroid_sim", "support_share", "prev_sim", "next_sim", "max_neighbour_sim",
    "run_centroid_sim", "run_fact_per_word", "run_cap_word_ratio", "run_log_len", "run_index",
    "run_index_from_end", "since_teaser", "until_prose", "since_prose", "window_prose_share",
    "window_log_words", "block_centroid_sim", "block_log_words", "block_bridge_sim", "block_context_sim",
    "block_support_share",
)
_NEIGHBOURED = ("log_words", "stop_ratio", "ends_sentence", "ui_ratio", "starts_bullet", "centroid_sim",
                "fact_per_word", "teaser_prefix", "cap_word_ratio", "key_value")
_NEIGHBOURS = tuple(f"{name}@{k:+d}" for k in _NEIGHBOUR_OFFSETS for name in _NEIGHBOURED)
_BASE = _OWN + _DOC + _TOPIC
FEATURE_NAMES: tuple[str, ...] = _BASE + _NEIGHBOURS
_NEIGHBOURED_COLUMNS = [_BASE.index(name) for name in _NEIGHBOURED]



@dataclass(frozen=True)
class TokenTable:
    """Tokens of a document's segments: distinct `vocab`, then one (vocab id, segment) pair per token."""

    vocab: list[str]
    tok_ids: np.ndarray
    tok_seg: np.ndarray
    n_words: np.ndarray  # one entry per segment (its length is the segment count)

    @classmethod
    def from_token_lists(cls, token_lists: list[tuple[str, ...]]) -> "TokenTable":
        index: dict[str, int] = {}
        ids = [index.setdefault(t, len(index)) for tokens in token_lists for t in tokens]
        lengths = np.fromiter(map(len, token_lists), dtype=np.int64, count=len(token_lists))
        return cls(list(index), np.asarray(ids, dtype=np.int64), np.repeat(np.arange(len(token_lists)), lengths),
                   lengths.astype(np.float64))


@dataclass(frozen=True)
class DocumentFeatures:
    matrix: np.ndarray  # n × len(FEATURE_NAMES), float32
    terms: topic.TermMatrix  # for the sequence stage's similarity with first-pass weights
    n_words: np.ndarray
    lang: str
    vocab: list[str] = field(default_factory=list)  # distinct lower-cased tokens of the document
    tok_ids: np.ndarray = field(default_factory=lambda: np.zeros(0, np.int64))  # vocab index per token
    tok_seg: np.ndarray = field(default_factory=lambda: np.zeros(0, np.int64))  # segment per token
    attrs: TokenTable | None = None  # HTML input: class/id tokens of each segment's element and ancestors


def _line_starts_with(pattern: re.Pattern, texts: list[str]) -> np.ndarray:
    # Anchored patterns: one C-level match per segment beats scanning the joined text.
    return np.array(list(map(pattern.match, texts)), dtype=object) != None  # noqa: E711 (elementwise)


def _is_one_of(codes: np.ndarray, chars: str) -> np.ndarray:
    return np.isin(codes, np.fromiter(map(ord, chars), dtype=np.uint32))


def _ratio(num: np.ndarray, den: np.ndarray) -> np.ndarray:
    return num / np.maximum(den, 1.0)


def _foreign_language(texts: list[str], lengths: np.ndarray, stop_ratio: np.ndarray, lang: str) -> np.ndarray:
    """Flag long segments written in another language than the document (few, bounded calls)."""
    flags = np.zeros(len(texts))
    if lang == language.UNDETERMINED:
        return flags
    suspects = np.flatnonzero((lengths >= _FOREIGN_LANG_MIN_CHARS) & (stop_ratio < 0.08))
    for i in suspects[:_FOREIGN_LANG_MAX_CALLS]:
        seg_lang = language.detect(texts[i])
        flags[i] = float(seg_lang not in (lang, language.UNDETERMINED))
    return flags


def _own_features(texts: list[str], stats: textstats.TextStats, lang: str) -> dict[str, np.ndarray]:
    n = len(texts)
    words = stats.n_words
    f: dict[str, np.ndarray] = {}
    f["log_chars"] = np.log1p(stats.n_chars)
    f["log_words"] = np.log1p(words)
    f["mean_word_len"] = _ratio(stats.word_chars, words)
    f["alpha_ratio"] = _ratio(stats.n_alpha, stats.n_chars)
    f["upper_ratio"] = _ratio(stats.n_upper, stats.n_alpha)
    f["digit_ratio"] = _ratio(stats.n_digit, stats.n_chars)
    f["punct_ratio"] = _ratio(stats.n_punct, stats.n_chars)
    f["cap_word_ratio"] = _ratio(stats.n_cap_words, words)
    f["numeric_word_ratio"] = _ratio(stats.n_numeric_words, words)
    f["stop_ratio"] = _ratio(stats.n_stop, words)
    f["ui_ratio"] = _ratio(stats.n_ui, words)
    f["footer_ratio"] = _ratio(stats.n_footer, words)
    # First and last characters, read off the code-point and class arrays of the joined text.
    last_at = stats.seg_starts + stats.n_chars.astype(np.int64) - 1
    first_code, last_code = stats.codes[stats.seg_starts], stats.codes[last_at]
    dot = ord(".")
    three_dots = (stats.n_chars >= 3) & (last_code == dot)
    three_dots &= (stats.codes[np.maximum(last_at - 1, 0)] == dot) & (stats.codes[np.maximum(last_at - 2, 0)] == dot)
    ends_ellipsis = three_dots | (last_code == ord("…"))
    f["ends_sentence"] = _is_one_of(last_code, _SENTENCE_FINAL_CJK if stats.by_character else _SENTENCE_FINAL)
    f["ends_sentence"] &= ~ends_ellipsis
    f["ends_colon"] = last_code == ord(":")
    f["ends_ellipsis"] = ends_ellipsis
    f["ends_alnum"] = (stats.flags[last_at] & textstats.ALNUM) != 0
    f["starts_lower"] = (stats.flags[stats.seg_starts] & textstats.LOWER) != 0
    f["starts_bullet"] = _line_starts_with(cues.BULLET_START, texts)
    f["all_caps"] = (f["upper_ratio"] > 0.8) & (stats.n_alpha >= 3)
    f["log_sentences"] = np.log1p(stats.count_sentence_ends())
    f["commas_per_word"] = _ratio(stats.count_commas(), words)
    f["teaser_prefix"] = _line_starts_with(cues.TEASER_PREFIX, texts)
    f["copyright"] = (stats.count_class(textstats.COPYRIGHT_SIGN) + stats.count_cue(textstats.CUE_COPYRIGHT)) > 0
    f["key_value"] = _line_starts_with(cues.KEY_VALUE, texts)
    facts = (stats.count_matches_after_numbers(cues.AFTER_NUMBER) + stats.count_class(textstats.CURRENCY)
             + stats.count_cue(textstats.CUE_UNIT))
    f["fact_per_word"] = _ratio(facts, words)
    f["date_like"] = (stats.count_cue(textstats.CUE_MONTH) > 0) & (stats.n_numeric_words > 0)
    f["urlish"] = (stats.count_cue(textstats.CUE_URL) + stats.count_class(textstats.URL_CHAR)) > 0
    f["separators"] = np.log1p(stats.count_class(textstats.SEPARATOR))
    f["question"] = last_code == ord("?")
    counts: dict[str, int] = {}
    lowered = [t.lower() for t in texts]
    for t in lowered:
        counts[t] = counts.get(t, 0) + 1
    f["log_duplicates"] = np.log(np.fromiter((counts[t] for t in lowered), dtype=np.float64, count=n))
    f["quoted"] = _is_one_of(first_code, "\"'“‘«")
    f["log_content_terms"] = np.log1p(np.bincount(stats.terms.rows, minlength=n))
    f["foreign_language"] = _foreign_language(texts, stats.n_chars, f["stop_ratio"], lang)
    return f


def _document_features(f: dict[str, np.ndarray], stats: textstats.TextStats, lang: str) -> dict[str, np.ndarray]:
    n = len(stats.n_words)
    words = stats.n_words
    idx = np.arange(n, dtype=np.float64)
    d: dict[str, np.ndarray] = {}
    d["rel_position"] = idx / max(n - 1, 1)
    chars_before = np.concatenate(([0.0], np.cumsum(stats.n_chars)[:-1]))
    d["rel_char_position"] = chars_before / max(stats.n_chars.sum(), 1.0)
    prose = (words >= _PROSE_MIN_WORDS) & (f["stop_ratio"] >= 0.15)
    prose_words = np.where(prose, words, 0.0)
    total_words = max(words.sum(), 1.0)
    total_prose = prose_words.sum()
    d["doc_log_segments"] = np.full(n, np.log1p(n))
    d["doc_log_words"] = np.full(n, np.log1p(words.sum()))
    d["doc_prose_share"] = np.full(n, total_prose / total_words)
    d["doc_short_share"] = np.full(n, np.mean(words < _SHORT_WORDS))
    d["doc_is_english"] = np.full(n, float(lang == "en"))
    d["rel_log_chars"] = f["log_chars"] - np.median(f["log_chars"])
    d["words_z"] = (f["log_words"] - f["log_words"].mean()) / (f["log_words"].std() + 1e-6)
    if total_prose > 0:
        mass = np.cumsum(prose_words) / total_prose
        lo = int(np.searchsorted(mass, 0.05))
        hi = int(np.searchsorted(mass, 0.95))
        prose_idx = np.flatnonzero(prose)
        after_last = idx - prose_idx[-1]
        before_first = prose_idx[0] - idx
    else:
        mass = np.zeros(n)
        lo, hi = n, -1
        after_last = before_first = np.full(n, float(n))
    d["main_dist_before"] = np.log1p(np.maximum(lo - idx, 0))
    d["main_dist_after"] = np.log1p(np.maximum(idx - hi, 0))
    d["prose_mass_before"] = mass - prose_words / max(total_prose, 1.0)
    d["prose_mass_after"] = 1.0 - mass if total_prose > 0 else np.zeros(n)
    d["segments_after_last_prose"] = np.sign(after_last) * np.log1p(np.abs(after_last))
    d["segments_before_first_prose"] = np.sign(before_first) * np.log1p(np.abs(before_first))
    return d


def _topic_features(f: dict[str, np.ndarray], stats: textstats.TextStats) -> dict[str, np.ndarray]:
    words = stats.n_words
    prior = np.where(words >= _PROSE_MIN_WORDS, words * np.minimum(f["stop_ratio"] * 3, 1.0), 0.0)
    t: dict[str, np.ndarray] = {}
    t["centroid_sim"] = topic.centroid_similarity(stats.terms, prior)
    t["support_share"] = topic.support_share(stats.terms, prior)
    t["prev_sim"], t["next_sim"] = topic.neighbour_similarity(stats.terms, window=3)
    t["max_neighbour_sim"] = np.maximum(t["prev_sim"], t["next_sim"])
    # Runs of consecutive short lines: fact boxes, teaser lists and menus come as such blocks.
    short = words < _SHORT_WORDS
    ids = run_ids(short & shift(short.astype(float), -1, 0).astype(bool))
    t["run_centroid_sim"] = run_mean(t["centroid_sim"], ids)
    t["run_fact_per_word"] = run_mean(f["fact_per_word"], ids)
    t["run_cap_word_ratio"] = run_mean(f["cap_word_ratio"], ids)
    length, index = run_position(ids)
    t["run_log_len"] = np.log1p(length)
    t["run_index"] = np.log1p(index)
    t["run_index_from_end"] = np.log1p(length - 1 - index)
    prose = (words >= _PROSE_MIN_WORDS) & (f["stop_ratio"] >= 0.15)
    t["since_teaser"] = distance_since(f["teaser_prefix"].astype(bool), cap=8)
    t["until_prose"] = distance_until(prose, cap=20)
    t["since_prose"] = distance_since(prose, cap=20)
    t["window_prose_share"] = window_mean(prose.astype(float), 5)
    t["window_log_words"] = window_mean(f["log_words"], 3)
    # Blocks: maximal runs of non-prose segments (menus, fact boxes, teaser lists) judged whole.
    blocks = run_ids(~prose & ~shift(prose.astype(float), -1, 1).astype(bool))
    t["block_centroid_sim"] = topic.block_similarity(stats.terms, prior, blocks)
    t["block_log_words"] = np.log1p(np.bincount(blocks, weights=words)[blocks])
    t["block_bridge_sim"], t["block_context_sim"] = topic.block_context_similarity(stats.terms, blocks)
    t["block_support_share"] = topic.block_support_share(stats.terms, prior, blocks)
    return t


def featurize(texts: list[str], lang: str) -> DocumentFeatures:
    """The stage-one matrix of a document's segments (texts in reading order)."""
    if not texts:
        empty = topic.TermMatrix.from_tokens(np.zeros(0, np.int64), np.zeros(0, np.int64), 0, 0)
        return DocumentFeatures(np.zeros((0, len(FEATURE_NAMES)), np.float32), empty, np.zeros(0), lang)
    stats = textstats.compute(texts, lang)
    own = _own_features(texts, stats, lang)
    columns = {**own, **_document_features(own, stats, lang), **_topic_features(own, stats)}
    n = len(texts)
    matrix = np.empty((n, len(FEATURE_NAMES)), dtype=np.float32)
    for j, name in enumerate(_BASE):
        matrix[:, j] = columns[name]
    base = matrix[:, : len(_BASE)]
    np.nan_to_num(base, copy=False, nan=0.0, posinf=0.0, neginf=0.0)  # the trees are trained without NaN
    # Neighbour columns: the whole block of neighboured columns shifted at once, -1 outside the document.
    source, width = matrix[:, _NEIGHBOURED_COLUMNS], len(_NEIGHBOURED)
    for i, k in enumerate(_NEIGHBOUR_OFFSETS):
        matrix[:, len(_BASE) + i * width: len(_BASE) + (i + 1) * width] = shift(source, k, fill=-1.0)
    return DocumentFeatures(matrix=matrix, terms=stats.terms, n_words=stats.n_words, lang=lang,
                            vocab=stats.vocab, tok_ids=stats.tok_ids, tok_seg=stats.tok_seg)
