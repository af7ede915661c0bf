"""Mojibake repair: UTF-8 text that was decoded as Latin-1 or Windows-1252 on its way here.

"Itâ€™s" for "It’s", "cafÃ©" for "café", "Â©" for "©", "ðŸ™‚" for "🙂": a page served with a wrong
charset, or text decoded twice somewhere in a scraping pipeline. 30 of the 1,358 shared pages
carry it in their HTML, and so do their text renderings. The broken tokens ("itâ", "earthâ")
count against the article in both metrics, and no reader or search index wants them.

The test is structural, as ftfy's is. A run of characters stands for bytes (their Latin-1 or
Windows-1252 codes); a UTF-8 sequence in it (a lead such as "Ã", "â", "ð", followed by exactly the
continuation symbols it needs) is replaced by the character it encodes. A text is repaired only
when it proves mojibake: one sequence with the lead of the common kinds ("â€™", "Ã©", "Â©",
"ðŸ™‚"; a UTF-8 byte order mark "ï»¿"), or three others that stand for characters of common scripts
(Cyrillic "Ð¿Ñ€Ð¸", Polish "siÄ™", Chinese "ä¸\\xadæ–‡"). Other leads are letters, and real text
puts them before symbols and quotes: "NESCAFÉ®", "« liberté\\xa0»", "«PIÙ»", "“Café”—" are valid
UTF-8 of "ɮ", "頻", "ٻ" and "锗". So a sequence that encodes a character of no common script is
never repaired, nor is a run of one sequence that encodes a combining mark, or, right after a
letter or digit, no Latin letter; none of them counts as proof. What a run decodes to is decoded again while it changes (text decoded twice or
three times). A Windows-1252 byte read as Latin-1 (a C1 control such as U+0097, never text)
becomes the character it was meant as ("—"). In a text that proves mojibake, an "Â" before a
space, a line end or "&nbsp;" is a no-break space's first byte whose second byte a scraper turned
into a plain space: it is dropped. A "â€" that nothing continues (or "â€\ufffd") is a closing
quote whose last byte (0x9D, undefined in Windows-1252) a decoder dropped (or replaced).

What it gets wrong, knowingly: Portuguese capitals before a no-break space or a closing quote
("IRMÃ\\xa0", "MAÇÃ”") and text that quotes mojibake on purpose (code, an article about encodings)
are read as mojibake; mojibake written as HTML character references ("caf&Atilde;&copy;") is not.

Not ftfy itself: deciding that a 10 KB text needs nothing would cost ftfy 1.5 ms, half of a whole
`clean()`; here a text without any suspect character costs a few microseconds (`suspect`), and
only the runs themselves are rewritten.
"""
from __future__ import annotations

import dataclasses
import re
import unicodedata

from .segment_text import span_text
from .types import Segment

# The characters Windows-1252 puts at bytes 0x80–0x9F (the five bytes it leaves undefined stay C1).
_CP1252_HIGH = {chr(b): chr(b) for b in range(0x80, 0xA0)}
for _byte in range(0x80, 0xA0):
    try:
        _CP1252_HIGH[bytes([_byte]).decode("cp1252")] = chr(_byte)
    except UnicodeDecodeError:
        pass
# Character → the Latin-1 character of its byte, for every character a continuation byte can become.
_TO_LATIN1 = str.maketrans(_CP1252_HIGH)
_C1_AS_CP1252 = str.maketrans({v: k for k, v in _CP1252_HIGH.items() if k != v})
_C1 = tuple(chr(code) for code in range(0x80, 0xA0))
_CONTINUATION = "[" + re.escape("".join(sorted(_CP1252_HIGH))) + "\u00a0-\u00bf]"
# A run of UTF-8 sequences as Latin-1 shows them, found by its loose form (any lead, 1–3
# continuations): it starts with one character class, which the regex engine scans for quickly.
# Inside a run, each exact sequence (the right number of continuations for its lead) is judged alone.
_RUN = re.compile(f"[\u00c2-\u00f4]{_CONTINUATION}{{1,3}}(?:[\u00c2-\u00f4]{_CONTINUATION}{{1,3}})*")
_SEQUENCE = re.compile(
    f"[\u00c2-\u00df]{_CONTINUATION}|[\u00e0-\u00ef]{_CONTINUATION}{{2}}|[\u00f0-\u00f4]{_CONTINUATION}{{3}}"
)
_INVISIBLE_CONTINUATIONS = frozenset("\u00a0\u00ad")  # no-break space, soft hyphen
_CERTAIN_LEADS = frozenset("\u00c2\u00c3\u00e2\u00f0")  # U+0080–U+00FF, U+2000–U+2FFF, emoji
_BOM = "\ufeff"
_COMMON_SCRIPTS = (
    (0x00A0, 0x017F),  # Latin-1 letters and symbols, Latin Extended-A
    (0x0192, 0x0192), (0x01A0, 0x01B0), (0x0218, 0x021B),  # ƒ, Vietnamese ơ ư, Romanian ș ț
    (0x02C6, 0x02C6), (0x02DC, 0x02DC),  # ˆ ˜ (Windows-1252 has them: text decoded twice)
    (0x0370, 0x04FF),  # Greek, Cyrillic
    (0x0531, 0x058A), (0x0591, 0x05F4), (0x0600, 0x06FF),  # Armenian, Hebrew, Arabic
    (0x0900, 0x11FF),  # Indic scripts, Thai, Lao, Tibetan, Myanmar, Georgian, Hangul jamo
    (0x1E00, 0x1FFF),  # Latin Extended Additional (Vietnamese), Greek Extended
    (0x2000, 0x2BFF),  # punctuation, currency, letterlike, arrows, mathematics, dingbats
    (0x3000, 0x30FF), (0x3400, 0x9FFF), (0xAC00, 0xD7A3),  # CJK punctuation, kana, ideographs, Hangul
    (0xFB50, 0xFDFF), (0xFE00, 0xFE0F), (0xFE30, 0xFFEF),  # Arabic forms, variation selectors, full width
)
_PROOF_BY_COMMON_SCRIPT = 3
_MAX_PASSES = 3
_BYTE_A0 = re.compile("\u00c2(?=[ \t\r\n]|&nbsp;|&#160;|$)")
# "â€" that nothing continues: the first two bytes of ” (E2 80 9D) as Windows-1252 shows them; a
# strict decoder puts U+FFFD for the third, undefined there, and a lenient one drops it.
_CUT_QUOTE = re.compile(f"\u00e2\u20ac(?:\ufffd|(?!{_CONTINUATION}))")

# Quick test before any regex: the lead characters of the common mojibake (punctuation, no-break
# space and symbols, accented Latin letters, Latin Extended, Greek, Cyrillic, Hebrew, Arabic,
# Vietnamese, CJK, Hangul, emoji, byte order marks) and the C1 controls. All these `in` tests take
# ~6 µs on a 10 KB text; English with no accented letter goes no further.
_SUSPECTS = ("â", "Â", "Ã", "Å", "Ä", "Î", "Ï", "Ð", "Ñ", "Ø", "Ù", "×", "á", "ã", "ä", "å", "æ", "ç", "è", "é", "ê",
             "ë", "ì", "í", "ï", "ð") + _C1


def suspect(text: str) -> bool:
    """Whether `text` holds a character the common mojibake starts with; `repair` leaves other texts as they are."""
    return not text.isascii() and any(c in text for c in _SUSPECTS)


def _as_utf8(sequence: str) -> str | None:
    try:
        return sequence.translate(_TO_LATIN1).encode("latin-1").decode("utf-8")
    except UnicodeError:
        return None


def _common(char: str) -> bool:
    code = ord(char)
    return any(low <= code <= high for low, high in _COMMON_SCRIPTS)


def _latin(char: str) -> bool:
    code = ord(char)
    return code < 0x0250 or 0x1E00 <= code <= 0x1EFF


def _verdict(sequence: str, decoded: str, alone: bool, after_word: bool) -> str:
    """"certain", "common" (may be repaired, counts towards proof) or "" (real text: left alone)."""
    if sequence[0] in _CERTAIN_LEADS or decoded == _BOM:
        return "certain"
    if not _common(decoded):
        return ""
    # A run that is one sequence is more often real text: the end of a word before a quote or a
    # symbol ("PIÙ»", "10×—"), or a capital before one ("Ö»", which would be a lone Hebrew vowel sign).
    if alone and (unicodedata.combining(decoded) or (after_word and not _latin(decoded))):
        return ""
    return "common"


def _alone(text: str, start: int, end: int) -> tuple[bool, bool]:
    """Whether the run `text[start:end]` is one sequence, and whether a letter or digit precedes it."""
    return _SEQUENCE.fullmatch(text, start, end) is not None, start > 0 and text[start - 1].isalnum()


def proves_mojibake(text: str) -> bool:
    """Whether `text` holds one certain sequence, or three that stand for characters of common scripts."""
    common = 0
    for run in _RUN.finditer(text):
        alone, after_word = _alone(text, run.start(), run.end())
        for match in _SEQUENCE.finditer(run.group(0)):
            sequence = match.group(0)
            decoded = _as_utf8(sequence)
            if decoded is None:
                continue
            verdict = _verdict(sequence, decoded, alone, after_word)
            if verdict == "certain":
                return True
            common += verdict == "common"
            if common >= _PROOF_BY_COMMON_SCRIPT:
                return True
    return False


def _decode_run(match: re.Match) -> str:
    run = match.group(0)
    alone, after_word = _alone(match.string, match.start(), match.end())

    def one(sequence_match: re.Match) -> str:
        sequence = sequence_match.group(0)
        decoded = _as_utf8(sequence)
        return sequence if decoded is None or not _verdict(sequence, decoded, alone, after_word) else decoded

    return _SEQUENCE.sub(one, run)


def _decoded(text: str, passes: int | None = None) -> tuple[str, int]:
    """`text` after the passes over its runs, and how many changed it. `passes` None: as many as the
    text needs, one more while what a pass leaves still proves mojibake (text decoded twice or three
    times). A "â€" that nothing continues then becomes ”."""
    if "\u00c2" in text:  # before the runs: an "Â" a run decodes to is a real one
        text = _BYTE_A0.sub("", text)
    done = 0
    while done < (_MAX_PASSES if passes is None else passes):
        fixed = _RUN.sub(_decode_run, text)
        if fixed == text:
            break
        text, done = fixed, done + 1
        if passes is None and not proves_mojibake(text):
            break
    return _CUT_QUOTE.sub("\u201d", text), done


def _has_c1(text: str) -> bool:
    # One `in` per control: a regex scan for the class would take ~10 times as long on a page.
    return not text.isascii() and any(c in text for c in _C1)


def repair(text: str) -> str:
    """`text` with its mojibake repaired (unchanged when it has none)."""
    if not suspect(text):
        return text
    return without_c1(_decoded(text)[0] if proves_mojibake(text) else text)


def needs_repair(text: str) -> bool:
    """Whether `repair` would change `text`."""
    return suspect(text) and (_has_c1(text) or proves_mojibake(text))


def without_c1(text: str) -> str:
    """`text` with each C1 control read as the Windows-1252 character it was meant as, one for one (so
    offsets do not move). Segmentation needs it first: U+0085, Windows-1252's "…", is a line break."""
    return text.translate(_C1_AS_CP1252) if _has_c1(text) else text


def repair_segments(text: str, segments: list[Segment]) -> list[Segment]:
    """The segments of `text` (as `without_c1` left it), each one's text repaired. A segment whose
    text is its lines, normalised (`span_text`), is repaired from the raw lines, whose no-break
    spaces and soft hyphens (both can be the last byte of a sequence) normalisation would have
    removed. Offsets stay: they point at the input as it came, like those of any normalised
    segment text."""
    if not (suspect(text) and proves_mojibake(text)):
        return segments
    # How many passes is judged on the whole text, so that a short line decoded twice is repaired as
    # often as the rest.
    _, passes = _decoded(text)
    out = []
    for s in segments:
        end = s.end  # a span ends at its last visible character, but "à" ends in a no-break space: "Ã\xa0"
        while end < len(text) and end < s.end + 3 and text[end] in _INVISIBLE_CONTINUATIONS:
            end += 1
        raw = text[s.start:end]
        fixed = span_text(without_c1(_decoded(raw if span_text(raw) == s.text else s.text, passes)[0]))
        out.append(s if fixed == s.text else dataclasses.replace(s, text=fixed))
    return out
