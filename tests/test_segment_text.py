"""Tests for classifiers.segment_text: line splitting, normalisation, exact offsets, re-joining."""
from __future__ import annotations

import re
import textwrap

import numpy as np
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from classifiers import segment_text as segment_text_module
from classifiers.segment_text import _NO_SPACE_SCRIPT, normalise, segment_text, span_text

# Characters the module promises to drop from Segment.text without shifting offsets.
INVISIBLE = "\u00ad\u200b\u200c\u200d\u2060\ufeff"
CONTROL = "".join(chr(c) for c in range(0x20) if chr(c) not in "\t\n\r\x0b\x0c\x1c\x1d\x1e\x1f") + "\x7f"

# A visible character is anything that is neither whitespace nor invisible (str.isspace covers
# every line separator and space variant, NBSP included).
_IS_SPACE_BMP = np.array([chr(c).isspace() for c in range(0x10000)], dtype=bool)
_HIDDEN = np.fromiter(map(ord, INVISIBLE + CONTROL), dtype=np.uint32)


def visible_mask(text: str) -> np.ndarray:
    codes = np.frombuffer(text.encode("utf-32-le"), dtype=np.uint32)
    space = np.where(codes < 0x10000, _IS_SPACE_BMP[np.minimum(codes, 0xFFFF)], False)
    return ~space & ~np.isin(codes, _HIDDEN)


def assert_spans_cover_each_visible_character_once(text: str, segments) -> None:
    covered = np.zeros(len(text) + 1, dtype=np.int64)
    for s in segments:
        covered[s.start] += 1
        covered[s.end] -= 1
    assert np.all(np.cumsum(covered)[:-1][visible_mask(text)] == 1)


def is_visible(ch: str) -> bool:
    return not ch.isspace() and ch not in INVISIBLE + CONTROL


def assert_segment_invariants(text: str, segments) -> None:
    """Every visible character in exactly one span; spans sorted, disjoint, trimmed, normalised."""
    coverage = np.zeros(len(text) + 1, dtype=np.int64)
    previous_end = 0
    for seg in segments:
        assert previous_end <= seg.start < seg.end <= len(text), (seg, previous_end)
        previous_end = seg.end
        coverage[seg.start] += 1
        coverage[seg.end] -= 1
        raw = text[seg.start : seg.end]
        assert is_visible(raw[0]) and is_visible(raw[-1]), repr(raw)
        # Line breaks and all spaces collapse to one space, so this holds for joined segments too
        # (but for the line breaks between two Chinese or Japanese characters, which go: span_text).
        assert span_text(raw) == seg.text
        assert glued(normalise(raw)) == glued(seg.text)
        assert seg.n_lines >= 1
    covered = np.cumsum(coverage)[:-1]
    visible = visible_mask(text)
    assert np.all(covered[visible] == 1), "a visible character lies outside every segment"
    # Nothing is lost or reordered: the segments read back as the whole normalised text.
    assert glued(" ".join(s.text for s in segments)) == glued(normalise(text))


def glued(text: str) -> str:
    """`text` without the spaces between two characters of a script written without spaces."""
    cjk = _NO_SPACE_SCRIPT.pattern
    return re.sub(f"(?<={cjk}) (?={cjk})", "", text)


def spans(text: str) -> list[str]:
    return [text[s.start : s.end] for s in segment_text(text)]


# --- lines and empty input ---------------------------------------------------------------------


@pytest.mark.parametrize("text", ["", " ", "\n", "\n\n\n", " \t \u00a0\n\r\n\u2028", "\u200b\ufeff\u00ad", "\x00\x07"])
def test_empty_and_invisible_only_input_gives_no_segments(text):
    assert segment_text(text) == []


def test_one_segment_per_non_empty_line():
    text = "Home\nWorld news\n\n   \nThe minister resigned on Tuesday.\nShare"
    segs = segment_text(text)
    assert [s.text for s in segs] == ["Home", "World news", "The minister resigned on Tuesday.", "Share"]
    assert [text[s.start : s.end] for s in segs] == [s.text for s in segs]
    assert all(s.n_lines == 1 for s in segs)
    assert_segment_invariants(text, segs)


@pytest.mark.parametrize("sep", ["\r\n", "\r", "\n", "\u2028", "\u2029", "\x0c", "\x0b", "\x85"])
def test_every_line_separator_breaks_lines(sep):
    text = sep.join(["alpha", "beta", "gamma"]) + sep
    segs = segment_text(text)
    assert [s.text for s in segs] == ["alpha", "beta", "gamma"]
    assert [text[s.start : s.end] for s in segs] == ["alpha", "beta", "gamma"]


def test_crlf_blank_line_is_one_blank_line_not_two_segments():
    text = "first line\r\n\r\nsecond line\r\n"
    segs = segment_text(text)
    assert [(s.text, s.start, s.end) for s in segs] == [("first line", 0, 10), ("second line", 14, 25)]


# --- normalisation with exact offsets ----------------------------------------------------------


@pytest.mark.parametrize(
    "raw, expected",
    [
        ("\ufeffHello world", "Hello world"),
        ("\tHello\tworld\t", "Hello world"),
        ("Hello\u00a0\u00a0world\u00a0", "Hello world"),
        ("Hel\u200blo wor\u00adld", "Hello world"),
        ("\u200b \u00a0Hello   world \u200b", "Hello world"),
        ("Hello\u2003world\u3000!", "Hello world !"),
        ("\x01Hello\x7f world\x1f", "Hello world"),
    ],
)
def test_normalise_drops_invisibles_and_collapses_spaces(raw, expected):
    assert normalise(raw) == expected
    # Embedded in a line, the segment keeps the normalised text and the exact raw span.
    text = "Menu\n" + raw + "\nFooter"
    segs = segment_text(text)
    assert [s.text for s in segs] == ["Menu", expected, "Footer"]
    middle = segs[1]
    span = text[middle.start : middle.end]
    assert is_visible(span[0]) and is_visible(span[-1])
    assert normalise(span) == expected
    # The span is the raw line minus only leading/trailing whitespace and invisibles.
    line_start = text.index(raw)
    assert normalise(text[line_start : middle.start]) == ""
    assert normalise(text[middle.end : line_start + len(raw)]) == ""
    assert_segment_invariants(text, segs)


def test_offsets_of_leading_bom_and_nbsp_are_not_shifted():
    text = "\ufeff\u00a0\u00a0Title here\u200b\r\n\tBody\u00a0text."
    segs = segment_text(text)
    assert [(s.text, s.start, s.end) for s in segs] == [("Title here", 3, 13), ("Body text.", 17, 27)]


def test_astral_characters_are_visible_and_counted_once():
    text = "🙂 smile\n𝔘nicode 𝔱ext 🎉"
    segs = segment_text(text)
    assert [s.text for s in segs] == ["🙂 smile", "𝔘nicode 𝔱ext 🎉"]
    assert_segment_invariants(text, segs)


# --- THE invariant, as a property ---------------------------------------------------------------

_PIECES = list("abcXYZéß") + [" ", "\n", "\r", "\r\n", "\t", "\u00a0", "\u200b", "\ufeff", "\u2028", "\u00ad",
                              ".", ",", "!", "-", "•", "\x0c", "\x00"]
_piece = st.sampled_from(_PIECES)
_long_run = st.builds(lambda c, n: c * n, _piece, st.integers(min_value=20, max_value=300))
_word = st.text(alphabet="abcdefghijklmnop", min_size=1, max_size=12)
_chunks = st.lists(st.one_of(_piece, _piece, _piece, _word, _long_run), max_size=120)


@settings(max_examples=400, deadline=None)
@given(_chunks)
def test_every_visible_character_is_in_exactly_one_segment(chunks):
    text = "".join(chunks)
    assert_segment_invariants(text, segment_text(text))


# Plain texts: printable, single spaces, "\n" the only break (spaces and breaks at any place).
_plain_text = st.lists(st.sampled_from(["a", "Zé", "ß.", " ", "\n", "\n\n", "•", "-", "word", "中"]),
                       max_size=80).map(lambda parts: re.sub(" +", " ", "".join(parts)))


@settings(max_examples=400, deadline=None)
@given(_plain_text)
def test_plain_texts_are_split_in_one_scan_exactly_as_line_by_line(text):
    # The whole-text scan is only a faster route for plain texts; it must agree with the per-line one.
    assert "  " not in text and text.replace("\n", "").isprintable()
    assert segment_text_module._plain_lines(text) == segment_text_module._lines_one_by_one(text)


@st.composite
def wrapped_documents(draw):
    """Hard-wrapped paragraphs (random width), blank-line separated, sprinkled with invisibles."""
    width = draw(st.integers(min_value=40, max_value=100))
    n_paragraphs = draw(st.integers(min_value=2, max_value=4))
    paragraphs = []
    for k in range(n_paragraphs):
        words = draw(st.lists(st.text(alphabet="abcdefghij", min_size=2, max_size=9), min_size=40, max_size=80))
        paragraphs.append([f"{w}{'KLMN'[k]}" for w in words])  # last letter tags the paragraph
    wrapped = [textwrap.fill(" ".join(p), width=width) for p in paragraphs]
    text = "\n\n".join(wrapped)
    # Invisibles anywhere (even inside words); NBSP only where a space was, so words stay whole.
    noise = draw(st.lists(st.tuples(st.integers(0, len(text)), st.sampled_from(["\u200b", "\ufeff", "\u00ad"])),
                          max_size=5))
    for pos, ch in sorted(noise, reverse=True):
        text = text[:pos] + ch + text[pos:]
    text = text.replace(" ", "\u00a0", draw(st.integers(0, 3)))
    return text, paragraphs


@settings(max_examples=150, deadline=None)
@given(wrapped_documents())
def test_wrapped_paragraphs_rejoin_without_crossing_blank_lines(doc):
    text, paragraphs = doc
    segs = segment_text(text)
    assert_segment_invariants(text, segs)
    for seg in segs:
        # Each segment's words come from one paragraph only: a blank line is never joined over.
        tags = {w[-1] for w in seg.text.split()}
        assert len(tags) == 1, seg.text
    if all(block.count("\n") >= 3 for block in text.split("\n\n")):
        # With enough full-width lines to recognise the wrapping, each paragraph is exactly one segment.
        assert len(segs) == len(paragraphs)


# --- hard-wrapped text ---------------------------------------------------------------------------

PARAGRAPHS = [
    "The old lighthouse on the northern headland has stood for nearly two centuries, guiding fishing "
    "boats and cargo ships past the treacherous reef that lies just below the surface at high tide. "
    "Volunteers from the village began restoring the tower last spring, replacing rotten window frames, "
    "scraping away layers of flaking paint and repairing the iron staircase that spirals up to the lamp "
    "room. Their work was slow because every beam and bracket had to be carried up the cliff path by "
    "hand, and the weather often forced them to stop for days at a time while storms rolled in from the sea.",
    "Funding for the project came from a mix of small donations, a grant from the regional heritage fund "
    "and the proceeds of a summer fair that drew visitors from across the county. The organisers say the "
    "money covered materials and scaffolding but not the specialist glass needed for the great lens, which "
    "was damaged during a winter gale more than thirty years ago. A workshop in the capital has agreed to "
    "cut new prisms at cost, and the first crates are expected to arrive before the autumn equinox if the "
    "ferry timetable allows it.",
    "When the lamp is lit again, it will no longer serve as an essential aid to navigation, since modern "
    "vessels rely on satellite positioning and electronic charts. Yet the villagers insist the light still "
    "matters, both as a reminder of the keepers who lived and worked in the tower and as a landmark that "
    "tells returning sailors they are nearly home. The council plans to open the lamp room to visitors on "
    "weekends, with guided tours led by retired fishermen who remember the last keeper and the long nights "
    "he spent watching the reef.",
]
MENU = ["Home", "News"]


def test_paragraphs_are_long_enough_to_be_realistic():
    # Guards the fixtures: the wrap detector needs several full-width lines per paragraph.
    for p in PARAGRAPHS:
        assert 80 <= len(p.split()) <= 120


def wrapped_document() -> tuple[str, list[str]]:
    wrapped = [textwrap.fill(p, width=72) for p in PARAGRAPHS]
    return "\n".join(MENU) + "\n\n" + "\n\n".join(wrapped) + "\n", wrapped


def test_hard_wrapped_paragraphs_become_one_segment_each():
    text, wrapped = wrapped_document()
    segs = segment_text(text)
    assert [s.text for s in segs] == MENU + [" ".join(p.split()) for p in PARAGRAPHS]
    assert [s.n_lines for s in segs] == [1, 1] + [w.count("\n") + 1 for w in wrapped]
    for seg, block in zip(segs[2:], wrapped):
        assert seg.n_lines > 1
        # The span covers the whole wrapped block, from its first to its last character.
        assert (seg.start, seg.end) == (text.index(block), text.index(block) + len(block))
    assert_segment_invariants(text, segs)


def test_menu_directly_above_wrapped_paragraph_is_not_joined():
    text, _ = wrapped_document()
    text = text.replace("News\n\n", "News\n")  # no blank line between menu and the first paragraph
    segs = segment_text(text)
    assert [s.text for s in segs[:3]] == ["Home", "News", " ".join(PARAGRAPHS[0].split())]


def test_crlf_wrapped_paragraphs_are_joined_too():
    text, _ = wrapped_document()
    text = text.replace("\n", "\r\n")
    segs = segment_text(text)
    assert [s.text for s in segs] == MENU + [" ".join(p.split()) for p in PARAGRAPHS]
    assert_segment_invariants(text, segs)


def test_long_one_line_paragraphs_and_short_lines_are_not_joined():
    lines = ["Home", "News", PARAGRAPHS[0], "Read more", PARAGRAPHS[1], PARAGRAPHS[2], "Share this article", "Contact"]
    text = "\n".join(lines)
    segs = segment_text(text)
    assert [s.text for s in segs] == lines
    assert all(s.n_lines == 1 for s in segs)


# Written for the tests: a title and three paragraphs of a Chinese news story (no spaces between words).
CHINESE_TITLE = "港口工人罢工进入第三天"
CHINESE_PARAGRAPHS = [
    "哈勒姆湾港的码头工人周一早上六点停工，导致四十多艘船只的装卸工作停止，三公里长的码头上集装箱堆积如山。"
    "工会在周日深夜谈判破裂后发起罢工，这是该港口十九年来首次全面停工。",
    "争议的焦点是一项拟议的排班制度，该制度将使起重机操作员和绑扎工人轮流上十二小时班，提前通知时间可能只有十个小时。"
    "码头运营商表示，这一变化是为了应对现在不定时到达的大型船只。",
    "“没有人想在雨中站在门口，”工会分会秘书在二号门外通过扩音器说。“但我们周五收到一份文件，并被告知要在周日之前签字。”",
]


def test_chinese_paragraphs_of_similar_length_are_not_taken_for_a_wrapped_text():
    # Paragraphs of ~70-90 characters look "wrapped at a fixed width"; by the rule for spaced
    # scripts the title, one "word" shorter than the next paragraph's first "word", would join it.
    lines = ["首页 | 新闻 | 体育", CHINESE_TITLE] + CHINESE_PARAGRAPHS + ["关于我们 | 联系我们"]
    text = "\n".join(lines)
    segs = segment_text(text)
    assert [s.text for s in segs] == lines
    assert_segment_invariants(text, segs)


def test_hard_wrapped_chinese_is_joined_at_full_lines_and_split_at_full_stops():
    width = 36
    wrapped = ["\n".join(p[i:i + width] for i in range(0, len(p), width)) for p in CHINESE_PARAGRAPHS]
    text = CHINESE_TITLE + "\n" + "\n".join(wrapped)  # no blank lines: only full lines continue
    segs = segment_text(text)
    assert [s.text for s in segs] == [CHINESE_TITLE] + CHINESE_PARAGRAPHS  # no space where a line broke
    assert [s.n_lines for s in segs[1:]] == [w.count("\n") + 1 for w in wrapped]
    assert_segment_invariants(text, segs)


def test_a_wrapped_english_line_that_starts_with_a_full_width_or_chinese_word_joins_as_before():
    # A yen price, a "（note）" or a place name in Chinese characters leaves a line English.
    lines = textwrap.wrap(PARAGRAPHS[0], width=72)
    cut = next(i for i, line in enumerate(lines) if len(line) <= 66)  # room for a short word: not full
    for word in ("￥1,200", "（annex）", "東京"):
        text = "\n".join(lines[: cut + 1] + [f"{word} is what the next line starts with, as wrapped prose does."])
        assert len(segment_text(text)) == 1 + (len(lines[cut]) + 1 + len(word) <= 72)


def test_wrapped_japanese_with_a_mark_hanging_past_the_margin_is_joined():
    # Japanese typesetting lets "、" or "。" hang past the margin: that line is one longer than the rest.
    width = 30
    paragraph = CHINESE_PARAGRAPHS[0] + CHINESE_PARAGRAPHS[1]
    lines = [paragraph[i:i + width] for i in range(0, len(paragraph), width)]
    lines[1] += "、"
    text = CHINESE_TITLE + "\n" + "\n".join(lines)
    segs = segment_text(text)
    assert [s.n_lines for s in segs] == [1, len(lines)]
    assert_segment_invariants(text, segs)


def bullet_document(after_prefix: str) -> tuple[str, list[str]]:
    """Wrapped lines of paragraph 0 cut after a full line, then `after_prefix`, then two wrapped paragraphs.

    The cut line is so full (>= width - 1) that any following word would be taken for its wrapped
    continuation; only the bullet marker can keep the next line apart.
    """
    lines = textwrap.wrap(PARAGRAPHS[0], width=72)
    cut = next(i for i, line in enumerate(lines) if len(line) >= 71)
    prefix = lines[: cut + 1]
    rest = "\n\n".join(textwrap.fill(p, width=72) for p in PARAGRAPHS[1:])
    return "\n".join(prefix) + "\n" + after_prefix + "\n\n" + rest, prefix


@pytest.mark.parametrize("bullet", ["• first item", "- first item", "1. first item", "2) first item"])
def test_bullet_lines_after_wrapped_line_are_not_joined(bullet):
    text, prefix = bullet_document(bullet + "\n• second item")
    segs = segment_text(text)
    assert [s.text for s in segs[:3]] == [" ".join(prefix), bullet, "• second item"]
    assert segs[0].n_lines == len(prefix) > 1
    assert_segment_invariants(text, segs)


def test_same_line_without_bullet_marker_would_be_joined():
    # Control for the bullet test: the joining really happens when the marker is absent.
    text, prefix = bullet_document("first item")
    segs = segment_text(text)
    assert segs[0].text == " ".join(prefix) + " first item"


# --- size ------------------------------------------------------------------------------------------


def test_single_one_megabyte_line_keeps_exact_offsets():
    body = ("lorem ipsum dolor sit amet " * 40000)[: 1_000_000].strip()
    text = "\ufeff \u00a0" + body + "\u200b \n"
    segs = segment_text(text)
    assert len(segs) == 1
    assert (segs[0].start, segs[0].end) == (3, 3 + len(body))
    assert segs[0].text == " ".join(body.split())


def test_ten_megabytes_of_many_lines_segments():
    # Mixed short lines, long lines, wrapped blocks and invisibles; just checks it completes correctly.
    wrapped, _ = wrapped_document()
    block = (wrapped + "Short line\n\u00a0Indented\u200b line\r\n" + PARAGRAPHS[1] + "\n\n")
    text = block * (10_000_000 // len(block) + 1)
    segs = segment_text(text)
    assert len(text) >= 10_000_000
    assert len(segs) > 10_000
    assert_segment_invariants(text, segs)


def test_line_break_regex_agrees_with_splitlines():
    # The module claims to know every separator str.splitlines() knows.
    seps = [chr(c) for c in range(0x3000) if len(("a" + chr(c) + "b").splitlines()) == 2]
    text = "x".join(seps) + "x"
    assert len(segment_text(text)) == len(re.findall("x", text))


# A text browser's dump (lynx -dump): links marked "[n]" in the text, their targets listed at the end.
DUMP = """   #[1]Harbour Gazette Feed

   [2]Skip to content
     * [3]News
     * [4]Sport

Dock workers strike at Hallam Bay

   Dock workers at the port walked out on Monday, the [5]union said, after
   talks over night-shift pay broke down for the third time this year.

References

   Visible links:
   1. https://gazette.example/feed/
   2. file:///tmp/lynxXXXX/L1-1TMP.html#content
   3. https://gazette.example/news/
   4. https://gazette.example/sport/
   5. mailto:?subject=Dock strike&body=https://gazette.example/strike

   Hidden links:
   7. https://gazette.example/
"""


def test_a_text_browser_dump_has_its_link_list_found_and_its_link_marks_removed():
    from classifiers.segment_text import link_list_start

    segments = segment_text(DUMP)
    start = link_list_start(segments)
    assert segments[start].text == "References"
    assert [s.text for s in segments[start + 1:]][:2] == ["Visible links:", "1. https://gazette.example/feed/"]
    assert len(segments) - start == 9  # the list up to the end, "Hidden links:" included
    body = [s.text for s in segments[:start]]
    assert "Skip to content" in body and "* News" in body
    assert not any(re.search(r"\[\d+\]", t) for t in body)
    assert any(t.startswith("Dock workers at the port walked out on Monday, the union said,") for t in body)
    # Offsets still cover every visible character of the input, the list and the marks included.
    assert_spans_cover_each_visible_character_once(DUMP, segments)


def test_numbered_lists_that_are_not_link_lists_are_left_alone():
    from classifiers.segment_text import link_list_start

    citations = ("The study is described in full in the journal.\n\nReferences\n1. Smith, J. Bees and pollen. 2021.\n"
                 "2. Jones, A. Meadows: a survey. 2019.\n3. Patel, R. Urban hives. 2020.\n")
    short = "Text with a mark [1] here.\n\nReferences\n1. https://a.example/\n2. https://b.example/\n"
    for text in (citations, short):
        segments = segment_text(text)
        assert link_list_start(segments) == len(segments)
    assert "[1]" in segment_text(short)[0].text  # no link list: the marks are the text's own


MARKDOWN = """* [Home](/)
* [News](https://gazette.example/news "News")
![Photo of the harbour at dawn](https://img.gazette.example/a.jpg)
![](https://img.gazette.example/spacer.gif)
The [council](https://gazette.example/council) approved the plan, see the [report](report.pdf) and ![map](m.png) below.
[![Gazette logo](logo.png)](https://gazette.example/)
for (const x of obj[Symbol.iterator]()) a[i](x); the [alpha](disabled by default) flag
[Harbour](https://en.wikipedia.org/wiki/Harbour_(disambiguation)) history"""


def test_markdown_links_become_their_text_and_images_go_unless_they_are_all_a_line_has():
    texts = [s.text for s in segment_text(MARKDOWN)]
    assert texts == [
        "* Home",
        "* News",
        "Photo of the harbour at dawn",  # an image alone on its line: its alt text
        "![](https://img.gazette.example/spacer.gif)",  # nothing else to say: the markup stays
        "The council approved the plan, see the report and below.",
        "Gazette logo",
        "for (const x of obj[Symbol.iterator]()) a[i](x); the [alpha](disabled by default) flag",  # no targets
        "Harbour history",
    ]
    assert_spans_cover_each_visible_character_once(MARKDOWN, segment_text(MARKDOWN))  # the markup too


def test_lines_of_nothing_but_images_are_found():
    from classifiers.segment_text import image_lines

    segments = segment_text(MARKDOWN)
    assert image_lines(MARKDOWN, segments).tolist() == [False, False, True, True, False, True, False, False]
    listed = "* [![Gazette logo](logo.png)](https://gazette.example/)\n- ![](a.png) ![](b.png)\n* Home"
    assert [s.text for s in segment_text(listed)][0] == "* Gazette logo"
    assert image_lines(listed, segment_text(listed)).tolist() == [True, True, False]
    assert not image_lines("no markup at all", segment_text("no markup at all")).any()


def test_markdown_is_read_as_it_is_for_training():
    assert segment_text(MARKDOWN, link_lists=False)[0].text == "* [Home](/)"


@pytest.mark.parametrize("line", ["[" * 1_000_000 + "](x", "![" * 400_000 + "](a.b", "[a](b.c)" * 100_000])
def test_megabyte_lines_of_brackets_are_one_pass(line):
    # A link text holds no bracket, so no "[" rescans the line after it (a million of them would).
    segments = segment_text(line)
    assert [(s.start, s.end) for s in segments] == [(0, len(line))]
    assert segments[0].text == (line if "a](b" not in line else "a" * 100_000)


ESCAPED = ("Tom &amp; Jerry&#8217;s caf&eacute; &nbsp;opens\nR&D; AT&T &copy 2024 &copyright; &foo; &#x27;yes&#X27;\n&nbsp;\n"
           "Embed: &lt;a href=&quot;/x&quot;&#62; &lt;/a&gt; if a &lt; b &amp;&amp; c &#60;= d: Home &gt; News")


BROWSER_DUMP = ("   Coast Courier (BUTTON) Menu\n\n   [DEL:$4,399.00:DEL] $3,899.00\n\n   (BUTTON)\n\n"
                "   Prices [INS:now lower:INS] than ever\n\n   - [ ] E[X] for arr[ ] [X] and [DEL: unclosed")


@pytest.mark.parametrize("text, expected", [
    (ESCAPED, [
        "Tom & Jerry’s café opens",
        # Only complete references with a known name: bare "&copy", "R&D;" or "&copyright;" are text.
        "R&D; AT&T &copy 2024 &copyright; &foo; 'yes'",
        "&nbsp;",  # nothing but a space: the line keeps its visible characters
        'Embed: <a href="/x"> </a> if a < b && c <= d: Home > News',  # what a browser shows
    ]),
    # lynx and w3m draw buttons and edits: the marks are no words of the page, the edited text is.
    (BROWSER_DUMP, [
        "Coast Courier Menu",
        "$4,399.00 $3,899.00",
        "(BUTTON)",  # nothing but the mark: the line keeps its visible characters
        "Prices now lower than ever",
        "- [ ] E[X] for arr[ ] [X] and [DEL: unclosed",  # check boxes, code and mathematics stay as they are
    ]),
], ids=["character references", "text-browser marks"])
def test_markup_left_in_text_is_read_exactly_and_spans_cover_it(text, expected):
    segments = segment_text(text)
    assert [s.text for s in segments] == expected
    assert_spans_cover_each_visible_character_once(text, segments)


def test_text_browser_marks_stay_when_markup_is_not_read():
    assert segment_text(BROWSER_DUMP, link_lists=False)[0].text == "Coast Courier (BUTTON) Menu"


@pytest.mark.parametrize("line", ["[DEL:" * 200_000 + "x:DEL]", "[DEL:" * 200_000, "(BUTTON)" * 100_000])
def test_megabyte_lines_of_browser_marks_are_one_pass(line):
    # The struck text holds no bracket, so no "[DEL:" rescans the line after it.
    segments = segment_text(line)
    assert [(s.start, s.end) for s in segments] == [(0, len(line))]


def test_character_references_are_read_as_they_are_for_training():
    assert segment_text(ESCAPED, link_lists=False)[0].text == "Tom &amp; Jerry&#8217;s caf&eacute; &nbsp;opens"
