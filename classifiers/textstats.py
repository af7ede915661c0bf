"""Counts per segment, computed for all segments of a document at once.

The segments are joined into one string; character classes come from a lookup
table applied to the whole code-point array, tokens from one regex pass, and
per-segment sums from cumulative sums and `bincount`. No Python loop runs per
character or per token, so the cost stays linear and small.
"""
from __future__ import annotations

import functools
import itertools
from dataclasses import dataclass

import numpy as np

from . import cues, topic

# Character classes, one bit each in a uint16 lookup table over the BMP.
ALNUM, ALPHA, UPPER, DIGIT, PUNCT = 1, 2, 4, 8, 16
COMMA, COPYRIGHT_SIGN, URL_CHAR, SEPARATOR, CURRENCY, SENTENCE_END, CLOSER, LOWER = (1 << i for i in range(5, 13))
FULL_STOP, FULL_COMMA, IDEOGRAPH = (1 << i for i in range(13, 16))  # Chinese and Japanese documents only
_SPECIAL = ((",", COMMA), ("©", COPYRIGHT_SIGN), ("@#", URL_CHAR), (cues.SEPARATOR_CHARS, SEPARATOR),
            (cues.CURRENCY, CURRENCY), (".!?…", SENTENCE_END), (" \n\"'”’)", CLOSER),
            (cues.FULL_STOPS, FULL_STOP), (cues.FULL_COMMAS, FULL_COMMA))


CUE_STOP, CUE_UI, CUE_FOOTER, CUE_COPYRIGHT, CUE_MONTH, CUE_URL, CUE_NUMERIC, CUE_UNIT = (1 << i for i in range(8))


@functools.cache
def _cue_bits(lang: str) -> dict[str, int]:
    """Word → CUE_* bits for the document language (built once per language, then read-only)."""
    bits: dict[str, int] = {}
    stop_words = cues.CHARACTER_STOP_WORDS.get(lang) or cues.STOP_WORDS.get(lang, cues.STOP_WORDS["en"])
    for words, bit in ((stop_words, CUE_STOP), (cues.UI_WORDS, CUE_UI),
                       (cues.FOOTER_WORDS, CUE_FOOTER), (cues.COPYRIGHT_WORDS, CUE_COPYRIGHT),
                       (cues.MONTHS, CUE_MONTH), (cues.URL_WORDS, CUE_URL)):
        for w in words:
            bits[w] = bits.get(w, 0) | bit
    return bits


@functools.cache
def _bmp_table() -> np.ndarray:
    """Character-class bits for every code point of the Basic Multilingual Plane (built once)."""
    table = np.zeros(0x10000, dtype=np.uint16)
    for code in range(0x10000):
        table[code] = _flags(chr(code))
    return table


def _flags(ch: str) -> int:
    bits = 0
    if ch.isalnum():
        bits |= ALNUM
    if ch.isalpha():
        bits |= ALPHA
    if ch.isupper():
        bits |= UPPER
    if ch.isdigit():
        bits |= DIGIT
    if ch.islower():
        bits |= LOWER
    if not ch.isalnum() and not ch.isspace() and ch.isprintable():
        bits |= PUNCT
    for chars, bit in _SPECIAL:
        if ch in chars:
            bits |= bit
    if any(lo <= ord(ch) <= hi for lo, hi in cues.IDEOGRAPH_RANGES):
        bits |= IDEOGRAPH
    return bits


def _classify(codes: np.ndarray) -> np.ndarray:
    astral = codes >= 0x10000
    flags = _bmp_table()[np.where(astral, 0, codes)]
    if astral.any():  # emoji and rare scripts: classify the few distinct ones directly
        for code in np.unique(codes[astral]):
            flags[codes == code] = _flags(chr(int(code)))
    return flags


@dataclass(frozen=True)
class TextStats:
    """Per-segment counts (arrays of length n) and the document's term matrix."""

    n_chars: np.ndarray
    n_alpha: np.ndarray
    n_upper: np.ndarray
    n_digit: np.ndarray
    n_punct: np.ndarray
    n_words: np.ndarray
    n_cap_words: np.ndarray
    n_numeric_words: np.ndarray
    word_chars: np.ndarray
    n_stop: np.ndarray
    n_ui: np.ndarray
    n_footer: np.ndarray
    terms: topic.TermMatrix  # content words, sublinear tf · in-document idf, rows L2-normalised
    joined: str  # the segments joined by "\n"
    seg_starts: np.ndarray  # offset of each segment in `joined`
    flags: np.ndarray  # character-class bits of every character of `joined`
    codes: np.ndarray  # code point of every character of `joined`
    vocab: list[str]  # distinct lower-cased tokens
    tok_ids: np.ndarray  # vocabulary index of every token
    tok_seg: np.ndarray  # segment of every token
    tok_ends: np.ndarray  # offset in `joined` just after every token
    vocab_bits: np.ndarray  # CUE_* bits of every vocabulary word
    by_character: bool = False  # a Chinese or Japanese document: tokens are characters, full stops count

    @property
    def n(self) -> int:
        return len(self.seg_starts)

    def count_cue(self, bit: int) -> np.ndarray:
        """Per segment: tokens of the cue vocabulary `bit` (one of the CUE_* constants)."""
        member = (self.vocab_bits & bit) != 0
        return np.bincount(self.tok_seg, weights=member[self.tok_ids], minlength=self.n)

    def count_class(self, bit: int) -> np.ndarray:
        """Per segment: characters of class `bit` (COMMA, CURRENCY, …)."""
        return _segment_sums((self.flags & bit) != 0, self.seg_starts, self.seg_starts + self.n_chars.astype(np.int64))

    def count_sentence_ends(self) -> np.ndarray:
        """Per segment: sentence-final punctuation followed by a space, a quote or the line end (and,
        in Chinese and Japanese, every full stop: no space follows one there)."""
        closes = np.concatenate(((self.flags[1:] & CLOSER) != 0, [True]))
        ends = ((self.flags & SENTENCE_END) != 0) & closes
        if self.by_character:
            ends |= (self.flags & FULL_STOP) != 0
        return _segment_sums(ends, self.seg_starts, self.seg_starts + self.n_chars.astype(np.int64))

    def count_commas(self) -> np.ndarray:
        """Per segment: commas (and, in Chinese and Japanese, their full-width and enumeration commas)."""
        return self.count_class(COMMA | FULL_COMMA) if self.by_character else self.count_class(COMMA)

    def count_matches_after_numbers(self, pattern) -> np.ndarray:
        """Per segment: numeric tokens followed by `pattern` (units, scores, minutes…)."""
        where = np.flatnonzero((self.vocab_bits[self.tok_ids] & CUE_NUMERIC) != 0)
        hits = [i for i in where.tolist() if pattern.match(self.joined, int(self.tok_ends[i]))]
        return np.bincount(self.tok_seg[hits], minlength=self.n).astype(np.float64) if hits else np.zeros(self.n)


def _segment_sums(flags_bool: np.ndarray, starts: np.ndarray, ends: np.ndarray) -> np.ndarray:
    cumulative = np.concatenate(([0], np.cumsum(flags_bool, dtype=np.int64)))
    return cumulative[ends] - cumulative[starts]


def compute(texts: list[str], lang: str) -> TextStats:
    n = len(texts)
    lengths = np.fromiter((len(t) for t in texts), dtype=np.int64, count=n)
    starts = np.concatenate(([0], np.cumsum(lengths + 1)[:-1])) if n else np.zeros(0, np.int64)
    ends = starts + lengths
    joined = "\n".join(texts)
    # surrogatepass: a lone surrogate (half an emoji pair, common in scraped JSON) is one code point
    # of no class, like any other symbol, instead of an encoding error.
    codes = np.frombuffer(joined.encode("utf-32-le", "surrogatepass"), dtype=np.uint32)
    flags = _classify(codes)

    def count(bit: int) -> np.ndarray:
        return _segment_sums((flags & bit) != 0, starts, ends)

    # Tokens are the runs of alphanumeric characters (what the regex [^\W_]+ finds); in a Chinese or
    # Japanese document, each ideograph or kana is a token of its own.
    by_character = tokenised_by_character(lang)
    alnum = (flags & ALNUM) != 0
    if by_character:
        tok_starts, tok_ends, tokens = _character_tokens(joined, alnum, (flags & IDEOGRAPH) != 0)
    else:
        edges = np.diff(np.concatenate(([False], alnum, [False])).astype(np.int8))
        tok_starts = np.flatnonzero(edges == 1)
        tok_ends = np.flatnonzero(edges == -1)
        # The tokens themselves: every non-token character becomes a space, then one C-level split.
        # Token characters are never whitespace and lower() never makes any, so the split yields
        # exactly one token per ALNUM run (even where lower-casing changes a token's length).
        tokens = np.where(alnum, codes, np.uint32(32)).tobytes().decode("utf-32-le").lower().split()
    tok_seg = np.searchsorted(starts, tok_starts, side="right") - 1
    vocab = list(dict.fromkeys(tokens))
    index = {t: i for i, t in enumerate(vocab)}
    tok_ids = np.fromiter(map(index.__getitem__, tokens), dtype=np.int64, count=len(tokens))

    bits_of = _cue_bits(lang)
    vocab_bits = np.fromiter(map(bits_of.get, vocab, itertools.repeat(0)), dtype=np.int64, count=len(vocab))
    # Digit tests per distinct word, read off the character classes of its first occurrence.
    first = np.zeros(len(vocab), dtype=np.int64)
    first[tok_ids[::-1]] = np.arange(len(tok_ids))[::-1]
    digits = np.concatenate(([0], np.cumsum((flags & DIGIT) != 0)))
    starts_with_digit = (flags[tok_starts[first]] & DIGIT) != 0 if len(vocab) else np.zeros(0, bool)
    all_digits = (digits[tok_ends[first]] - digits[tok_starts[first]]) == (tok_ends - tok_starts)[first]
    vocab_bits |= starts_with_digit * CUE_NUMERIC
    for i in np.flatnonzero(starts_with_digit).tolist():  # few: numbers only
        if cues.NUMBER_WITH_UNIT.fullmatch(vocab[i]):
            vocab_bits[i] |= CUE_UNIT
    is_stop = (vocab_bits & CUE_STOP) != 0
    is_ui = (vocab_bits & CUE_UI) != 0
    is_footer = (vocab_bits & CUE_FOOTER) != 0
    is_numeric = all_digits

    def per_segment(weights: np.ndarray) -> np.ndarray:
        return np.bincount(tok_seg, weights=weights, minlength=n)

    tok_len = (tok_ends - tok_starts).astype(np.float64)
    cap = ((flags[tok_starts] & UPPER) != 0).astype(np.float64)
    content = ~is_stop[tok_ids] & ~is_numeric[tok_ids] & (tok_len > 1)
    return TextStats(
        n_chars=lengths.astype(np.float64),
        n_alpha=count(ALPHA).astype(np.float64),
        n_upper=count(UPPER).astype(np.float64),
        n_digit=count(DIGIT).astype(np.float64),
        n_punct=count(PUNCT).astype(np.float64),
        n_words=per_segment(np.ones(len(tokens))),
        n_cap_words=per_segment(cap),
        n_numeric_words=per_segment(is_numeric[tok_ids].astype(np.float64)),
        word_chars=per_segment(tok_len),
        n_stop=per_segment(is_stop[tok_ids].astype(np.float64)),
        n_ui=per_segment(is_ui[tok_ids].astype(np.float64)),
        n_footer=per_segment(is_footer[tok_ids].astype(np.float64)),
        terms=topic.TermMatrix.from_tokens(tok_seg[content], tok_ids[content], n, len(vocab)),
        joined=joined,
        seg_starts=starts,
        flags=flags,
        codes=codes,
        vocab=vocab,
        tok_ids=tok_ids,
        tok_seg=tok_seg,
        tok_ends=tok_ends,
        vocab_bits=vocab_bits,
        by_character=by_character,
    )


def tokenised_by_character(lang: str) -> bool:
    """Is a document in `lang` (Chinese, Japanese) cut into characters rather than runs of them?"""
    return lang in cues.CHARACTER_STOP_WORDS


def character_tokens(text: str) -> list[str]:
    """`text`'s tokens as a Chinese or Japanese document's are cut (`compute`)."""
    codes = np.frombuffer(text.encode("utf-32-le", "surrogatepass"), dtype=np.uint32)
    flags = _classify(codes)
    return _character_tokens(text, (flags & ALNUM) != 0, (flags & IDEOGRAPH) != 0)[2]


def _character_tokens(joined: str, alnum: np.ndarray,
                      ideograph: np.ndarray) -> tuple[np.ndarray, np.ndarray, list[str]]:
    """Token starts, ends and texts when every ideograph or kana is a token and other alphanumeric
    runs (Latin words, numbers) stay whole: a run also breaks before and after each such character."""
    before = np.concatenate(([False], alnum[:-1]))
    before_ideograph = np.concatenate(([False], ideograph[:-1]))
    after = np.concatenate((alnum[1:], [False]))
    after_ideograph = np.concatenate((ideograph[1:], [False]))
    starts = np.flatnonzero(alnum & (~before | ideograph | before_ideograph))
    ends = np.flatnonzero(alnum & (~after | ideograph | after_ideograph)) + 1
    return starts, ends, [joined[a:b].lower() for a, b in zip(starts.tolist(), ends.tolist())]
