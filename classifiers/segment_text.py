"""Plain text → segments: one per non-empty line, hard-wrapped paragraphs re-joined.

Offsets are exact: every visible character of the input lies in exactly one
segment's `[start, end)` span. Invisible characters (zero-width spaces, soft
hyphens, BOMs, control codes) and all kinds of whitespace are normalised away in
`Segment.text` but never shift an offset. In a text browser's dump (lynx, links),
which ends with a list of link targets, the "[12]" link marks are also dropped from
`Segment.text`; `link_list_start` tells where that list begins. Markdown links and
images (`[text](url)`, `![alt](src)`, as HTML-to-markdown converters write them) are
read as their text in `Segment.text`; the span still covers the markup. So are HTML character
references that a converter left in the text (`&amp;`, `&#39;`, `&nbsp;`), and what text browsers
draw for buttons and edits (`(BUTTON)`, `[DEL:…:DEL]`).
"""
from __future__ import annotations

import html
import html.entities
import itertools
import re

import numpy as np

from . import cues
from .types import Segment

# Every line separator str.splitlines() knows, with CRLF as one break.
_LINE_BREAK = re.compile(r"\r\n|[\n\r\x0b\x0c\x1c\x1d\x1e\x85\u2028\u2029]")
_OTHER_BREAKS = re.compile(r"[\r\x0b\x0c\x1c\x1d\x1e\x85\u2028\u2029]")

_INVISIBLE = "\u00ad\u180e\u200b\u200c\u200d\u2060\u2061\u2062\u2063\u2064\ufeff"
_CONTROL = "".join(chr(c) for c in range(0x20) if chr(c) not in "\t\n\r\x0b\x0c\x1c\x1d\x1e\x1f") + "\x7f"
_SPACES = "\t\x1f\u00a0\u1680\u2000\u2001\u2002\u2003\u2004\u2005\u2006\u2007\u2008\u2009\u200a\u202f\u205f\u3000"
_NORMALISE = str.maketrans({**{c: None for c in _INVISIBLE + _CONTROL}, **{c: " " for c in _SPACES}})
_VISIBLE = re.compile(f"[^\\s{re.escape(_INVISIBLE + _CONTROL)}]")
_BULLET_START = re.compile(r"^(?:[-*•·▪►–—]|\d{1,3}[.)])\s")
# Chinese and Japanese run their words together: a line may break before any of their characters
# (ideographs, kana, their punctuation and full-width forms), so a wrapped line of them is a full one.
_FULL_STOPS = tuple(cues.FULL_STOPS + cues.FULL_CLOSERS + "”")
_NO_SPACE_SCRIPT = re.compile(r"[\u3000-\u30ff\u3400-\u4dbf\u4e00-\u9fff\uf900-\ufaff\uff00-\uffef]")
_IDEOGRAPH_OR_KANA = re.compile("[" + "".join(f"{chr(lo)}-{chr(hi)}" for lo, hi in cues.IDEOGRAPH_RANGES) + "]")
_PLAIN_LINE = re.compile(r"[^\n ](?:[^\n]*[^\n ])?")  # a line of printable text without its end spaces

# Text-browser dumps (lynx, links, elinks) mark every link "[12]" in the text and list the targets
# at the end under "References" as "12. https://…": hundreds of lines a page does not show.
_LINK_LIST_HEADING = re.compile(r"(?:references|visible links|hidden links|links):?", re.IGNORECASE)
# Lynx prints targets unescaped ("mailto:?subject=Top 15 tools"), so an entry may hold spaces.
_LINK_LIST_ENTRY = re.compile(r"\d{1,5}\.\s+(?:(?:https?|ftp|file)://|(?:mailto|tel|sms|javascript|data|news):).*",
                              re.IGNORECASE)
_LINK_MARK = re.compile(r"\[\d{1,5}\]")
_MIN_LINK_LIST = 3  # entries: fewer is no dump's list

# Markdown written by HTML-to-markdown converters and crawlers: "[text](target)" and "![alt](source)".
# A target must look like one (no spaces; a scheme, a path, a fragment or a dotted name), so that
# code such as "a[i](x)" or "[Symbol.iterator]()" and prose such as "[alpha](disabled by default)"
# are left alone. Link texts hold no brackets: each "[" then starts a scan that ends at the next
# bracket, so a line of a million "[" costs one pass, not a million.
_MD_TARGET = (r"\(<?(?:[a-z][a-z0-9+.-]*:|[./#?~]|[\w-]+[./])[^\s()<>]*(?:\([^\s()]*\)[^\s()<>]*)*>?"
              r'(?:\s+"[^"\n]*")?\)')
_MD_IMAGE = re.compile(r"!\[([^\[\]\n]*)\]" + _MD_TARGET, re.IGNORECASE)
_MD_LINK = re.compile(r"\[([^\[\]\n]*)\]" + _MD_TARGET, re.IGNORECASE)
_BULLET_CHARS = "*-+•·▪► "

# A character reference as HTML writes it, terminated by ";" (a bare "&copy" or "AT&T" is text).
_ENTITY = re.compile(r"&(?:#[0-9]{1,7}|#[xX][0-9a-fA-F]{1,6}|[A-Za-z][A-Za-z0-9]{1,31});")

# What text browsers draw in place of elements: lynx's "(BUTTON)", and lynx's and w3m's "[DEL:old
# price:DEL]" and "[INS:…:INS]" around struck and inserted text. The marks are no words of the page;
# the struck or inserted text is. (The inner text holds no bracket, so a line of a million "[DEL:" is
# still one pass.) Their check boxes, "[ ]" and "[X]", stay: the same characters are code ("arr[ ]"),
# mathematics ("E[X]") and markdown task lists, and reading them gained nothing measurable.
_BROWSER_MARK = re.compile(r"\[(?:DEL|INS):([^\[\]]*?):(?:DEL|INS)\]|\(BUTTON\)")

# A text counts as hard-wrapped when its lines stop at a fixed width: most long
# lines end within this many characters of the widest line.
_WRAP_SLACK = 25
_MAX_WRAP_WIDTH = 160  # wider "wrapping" is just long paragraphs


def normalise(raw: str) -> str:
    """Collapse whitespace and drop invisible characters."""
    return " ".join(raw.translate(_NORMALISE).split())


def _split_lines(text: str) -> tuple[list[str], list[int]]:
    """The raw lines and their start offsets (CRLF and every Unicode line separator break)."""
    if _OTHER_BREAKS.search(text) is None:  # the common case: plain "\n", split in C
        raws = text.split("\n")
        return raws, list(itertools.accumulate((len(r) + 1 for r in raws[:-1]), initial=0))
    breaks = list(_LINE_BREAK.finditer(text))
    starts = [0] + [m.end() for m in breaks]
    stops = [m.start() for m in breaks] + [len(text)]
    return [text[a:b] for a, b in zip(starts, stops)], starts


def _raw_lines(text: str) -> list[tuple[int, int, str]]:
    """(start, end, normalised text) of every visible line, offsets trimmed to visible chars."""
    if "  " not in text and text.replace("\n", "").isprintable():
        return _plain_lines(text)
    return _lines_one_by_one(text)


def _plain_lines(text: str) -> list[tuple[int, int, str]]:
    """`_raw_lines` of a plain text (printable, no double space, "\n" the only break): the common
    case, in one C-level scan; nothing to normalise but the spaces at each line's ends."""
    return [(m.start(), m.end(), m.group()) for m in _PLAIN_LINE.finditer(text)]


def _lines_one_by_one(text: str) -> list[tuple[int, int, str]]:
    lines = []
    for raw, start in zip(*_split_lines(text)):
        if raw.isprintable() and "  " not in raw:  # fast path: nothing to normalise but the ends
            norm = raw.strip(" ")
            if norm:
                first = len(raw) - len(raw.lstrip(" "))
                lines.append((start + first, start + first + len(norm), norm))
            continue
        norm = normalise(raw)
        if not norm:
            continue
        first = _VISIBLE.search(raw).start()
        last = len(raw) - _VISIBLE.search(raw[::-1]).start()
        lines.append((start + first, start + last, norm))
    return lines


def _wrap_width(lengths: np.ndarray) -> int | None:
    """The fixed line width of a hard-wrapped text, or None when it is not wrapped."""
    if len(lengths) < 4:
        return None
    width = int(np.percentile(lengths, 98))
    if width > _MAX_WRAP_WIDTH or width < 30:
        return None
    near_width = np.count_nonzero((lengths >= width - _WRAP_SLACK) & (lengths <= width))
    within = np.count_nonzero(lengths <= width + 2)
    if near_width >= 3 and near_width >= 0.3 * len(lengths) and within >= 0.95 * len(lengths):
        return width
    return None


def _joins_next(line: str, next_line: str, width: int, blank_between: bool) -> bool:
    """Did the writer's editor break `line` only because the next word did not fit?"""
    if blank_between or _BULLET_START.match(next_line):
        return False
    if _written_without_spaces(next_line):
        # Chinese or Japanese: a line may break before any character, so a wrapped line is a full
        # one (give or take the punctuation mark that may hang past the margin or be pushed to the
        # next line), and a full stop ends a paragraph. By the rule below, every short title before
        # a paragraph of Chinese, a "word" of a hundred characters, would be joined to it.
        return len(line) >= width - 1 and not line.endswith(_FULL_STOPS)
    first_word = next_line.split(" ", 1)[0]
    return len(line) + 1 + len(first_word) > width


def _written_without_spaces(line: str) -> bool:
    """Is `line` mostly Chinese or Japanese? (A yen price, a "（note）" or a "東京" in an English
    line leaves it English.)"""
    return 2 * len(_IDEOGRAPH_OR_KANA.findall(line)) >= len(line) - line.count(" ")


def link_list_start(segments: list[Segment]) -> int:
    """Index of the first segment of a text-browser dump's trailing link list, or len(segments).

    The list is a heading ("References", "Visible links") and at least 3 "n. URL" lines, up to the
    end of the text (a "Hidden links:" heading may sit inside it). It is never article text.
    """
    i = len(segments)
    entries = 0
    while i > 0:
        is_entry = _LINK_LIST_ENTRY.fullmatch(segments[i - 1].text) is not None
        if not is_entry and not _LINK_LIST_HEADING.fullmatch(segments[i - 1].text):
            break
        entries += is_entry
        i -= 1
    while i < len(segments) and not _LINK_LIST_HEADING.fullmatch(segments[i].text):
        i += 1  # the list starts at its first heading
    return i if i < len(segments) and entries >= _MIN_LINK_LIST else len(segments)


def _without_link_marks(segments: list[Segment]) -> list[Segment]:
    """A dump's text without its "[12]" link marks (the link list they point to is dropped)."""
    body = link_list_start(segments)
    if body == len(segments):
        return segments
    out = []
    for s in segments[:body]:
        text = normalise(_LINK_MARK.sub(" ", s.text)) if "[" in s.text else s.text
        out.append(Segment(text or s.text, s.start, s.end, s.n_lines))
    return out + segments[body:]


def _markdown_text(line: str) -> str:
    """The line with markdown links read as their text and images dropped; "" when nothing but
    images (and list bullets) is left."""
    text = normalise(_MD_LINK.sub(r"\1", _MD_IMAGE.sub(" ", line)))
    return text if text.strip(_BULLET_CHARS) else ""


def _entity_text(match: re.Match) -> str:
    ref = match.group()
    # Exact names only: "&copyright;" is no "©right;" (html.unescape would read the legacy "&copy").
    return html.unescape(ref) if ref[1] == "#" else html.entities.html5.get(ref[1:], ref)


def _readable(text: str) -> str:
    """A line's text with its markup read. Markdown links become their text and images go: URLs and
    alt texts are no article words (a line that is only images keeps their alt text, or failing that
    its markup: a segment has text, and such a line is never kept, see `image_lines`). Character
    references are decoded, as a browser shows them: some converters and scrapers leave "&amp;" or
    "&#8217;" in their text, and "amp" or "8217" are no article words. Text browsers' drawings of buttons
    and edits ("(BUTTON)", "[DEL:…:DEL]") are read as what the page shows in their place."""
    if "](" in text:
        text = _markdown_text(text) or normalise(_MD_LINK.sub(r"\1", _MD_IMAGE.sub(r"\1", text))) or text
    if "&" in text and ";" in text:
        text = normalise(_ENTITY.sub(_entity_text, text)) or text  # "&nbsp;" and "&#8203;" are spacing
    if "(BUTTON)" in text or "[DEL:" in text or "[INS:" in text:
        text = normalise(_BROWSER_MARK.sub(_browser_mark_text, text)) or text
    return text


def _browser_mark_text(match: re.Match) -> str:
    return match.group(1) if match.group(1) is not None else " "


def _with_markup_read(segments: list[Segment]) -> list[Segment]:
    out = []
    for s in segments:
        text = _readable(s.text)
        out.append(s if text == s.text else Segment(text, s.start, s.end, s.n_lines))
    return out


def image_lines(text: str, segments: list[Segment]) -> np.ndarray:
    """Per segment: is its line nothing but markdown images (maybe linked, maybe a list item)? A
    page's article text is no image, and an alt text alone on its line reads like a caption or a
    heading to the model: such lines are never kept (`pipeline.clean`)."""
    if "](" not in text:
        return np.zeros(len(segments), dtype=bool)
    return np.fromiter((_only_images(text[s.start:s.end]) for s in segments), dtype=bool, count=len(segments))


def _only_images(raw: str) -> bool:
    return "](" in raw and not _markdown_text(raw)


def segment_text(text: str, link_lists: bool = True) -> list[Segment]:
    """One segment per line (hard-wrapped paragraphs re-joined). With `link_lists`, link markup is
    read: a text browser's trailing link list is found (`link_list_start`) and the "[12]" marks
    pointing to it are dropped, markdown links and images are reduced to their text, and HTML
    character references are decoded."""
    segments = _segment_lines(text)
    if not link_lists:
        return segments
    segments = _without_link_marks(segments)
    # Markup to read needs a "](", a "&…;", a "[…]" or a "(BUTTON)": without "]", "&;" and "(BUTTON)" in
    # the input no segment has any (normalising only drops characters or turns them into spaces), and
    # the per-segment look is saved.
    return (_with_markup_read(segments) if "]" in text or ("&" in text and ";" in text) or "(BUTTON)" in text
            else segments)


def _segment_lines(text: str) -> list[Segment]:
    lines = _raw_lines(text)
    if not lines:
        return []
    width = _wrap_width(np.fromiter((len(t) for _, _, t in lines), dtype=np.int64, count=len(lines)))
    if width is None:
        return [Segment(norm, start, end) for start, end, norm in lines]

    segments: list[Segment] = []
    start, end, parts = lines[0][0], lines[0][1], [lines[0][2]]
    for (_, prev_end, prev_text), (s, e, t) in zip(lines, lines[1:]):
        blank_between = len(_LINE_BREAK.findall(text, prev_end, s)) > 1
        if _joins_next(prev_text, t, width, blank_between):
            parts.append(t)
            end = e
            continue
        segments.append(Segment(_rejoin(parts), start, end, n_lines=len(parts)))
        start, end, parts = s, e, [t]
    segments.append(Segment(_rejoin(parts), start, end, n_lines=len(parts)))
    return segments


def _rejoin(parts: list[str]) -> str:
    """A wrapped paragraph's lines as one line: a space where the editor broke between words, none
    between two characters of Chinese or Japanese."""
    pieces = [parts[0]]  # joined once at the end: a paragraph of many lines costs linear time
    for previous, part in zip(parts, parts[1:]):
        glued = _NO_SPACE_SCRIPT.match(previous[-1]) and _NO_SPACE_SCRIPT.match(part)
        if not (glued and _written_without_spaces(part)):
            pieces.append(" ")
        pieces.append(part)
    return "".join(pieces)


def span_text(raw: str) -> str:
    """The text a segment spanning `raw` gets: its lines normalised, and joined as a wrapped
    paragraph's are. (For any text but Chinese or Japanese, that is `normalise(raw)`.)"""
    lines = [line for line in map(normalise, _LINE_BREAK.split(raw)) if line]
    return _rejoin(lines) if lines else ""
