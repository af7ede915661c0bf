"""Tests for classifiers.repair: mojibake repaired, real text left alone."""
from __future__ import annotations

import re

import pytest
from hypothesis import assume, given, settings
from hypothesis import strategies as st

from classifiers.repair import needs_repair, proves_mojibake, repair, repair_segments, suspect, without_c1
from classifiers.segment_text import segment_text


def as_latin1(text: str) -> str:
    """What a reader that takes UTF-8 bytes for Latin-1 shows (C1 controls for bytes 0x80–0x9F)."""
    return text.encode("utf-8").decode("latin-1")


def as_cp1252(text: str) -> str:
    """What a reader that takes UTF-8 bytes for Windows-1252 shows; its five undefined bytes stay
    C1 controls, as browsers and most libraries decode them."""
    return "".join(bytes([b]).decode("cp1252", errors="ignore") or chr(b) for b in text.encode("utf-8"))


@pytest.mark.parametrize("original", [
    "It’s a “quoted” word — and… more",
    "café crème, naïve Zürich, señor, Ångström",
    "© 2024 Gazette ® ™ £5 €10 ½ 40°",
    "Hello 🙂 and ⭐⭐⭐",
    "Привет, как дела? Всё хорошо.",
    "中文 and 日本語のテキスト",
    "Γειά σου κόσμε",
])
@pytest.mark.parametrize("misread", [as_latin1, as_cp1252])
def test_utf8_read_as_a_single_byte_charset_is_repaired(original, misread):
    broken = misread(original)
    assert broken != original
    assert repair(broken) == original


@pytest.mark.parametrize("original", [
    "It’s — fine",
    "România și Țara — da",  # ș ț: Latin Extended-B
    "Việt Nam được — có",  # ư: Latin Extended-B, ệ: Latin Extended Additional
    "안녕하세요 — 네",
    "Русский — да",
])
@pytest.mark.parametrize("times", [2, 3])
def test_text_decoded_twice_or_three_times_is_repaired(original, times):
    # The middle layers hold Windows-1252's ƒ, ˆ and ˜, outside the Latin-1 range.
    broken = original
    for _ in range(times):
        broken = as_cp1252(broken)
    assert repair(broken) == original


def test_a_windows_1252_byte_read_as_latin1_becomes_its_character():
    # "\x97" is what Windows-1252's em dash becomes in Latin-1: a C1 control, never text.
    assert repair("New York\x97Union Square, \x93quoted\x94") == "New York—Union Square, “quoted”"


def test_real_text_next_to_proven_mojibake_is_left_alone():
    # The footer proves the page is mojibake; the words ending before quotes are still real text.
    assert repair("«PIÙ» e “Café”— « liberté\xa0» NESCAFÉ® … Â© 2024") == "«PIÙ» e “Café”— « liberté\xa0» NESCAFÉ® … © 2024"


def test_polish_and_czech_letters_inside_words_are_repaired():
    assert repair(as_cp1252("Się udało, już, żółw, Škoda — dobře")) == "Się udało, już, żółw, Škoda — dobře"


def test_a_byte_order_mark_and_a_cut_closing_quote_are_repaired():
    assert repair("ï»¿Hello world") == "\ufeffHello world"
    # The last byte of ” (0x9D) is undefined in Windows-1252; many decoders drop it.
    assert repair("She said â€œhelloâ€ and left") == "She said “hello” and left"
    assert repair("She said â€œhelloâ€\ufffd and left") == "She said “hello” and left"  # strict decoding


def test_a_mojibake_no_break_space_is_dropped_only_where_there_is_other_mojibake():
    # A scraper collapsed the no-break space (UTF-8 C2 A0, shown "Â\xa0") into a space: "Â " is left.
    assert repair("Price:Â 5 euros â€” firm") == "Price: 5 euros — firm"
    assert repair("It’s hereÂ\nTotal:Â\nÂ&nbsp;â€” end") == "It’s here\nTotal:\n&nbsp;— end"
    assert repair("ROMÂ NIA") == "ROMÂ NIA"  # no other sign of mojibake: an "Â" stays an "Â"


@pytest.mark.parametrize("text", [
    "café déjà vu « à bientôt » — “quoted” … naïve",
    "« la liberté\xa0» et « l’égalité\xa0» et « fraternité\xa0»",  # "é\xa0»" is valid UTF-8 of "頻"
    "«LLEGÓ» y “TERMINÓ”… «SE ACABÓ»; «PIÙ» e «PERÒ»; ÞAÐ…, VIÐ”, MEÐ»",
    "“Café”—“Café”—“Café”— and “née”…",
    "10×—, 3×4, Ö» and Ö»",
    "NÃO, IRMÃ e SÃO PAULO",  # Portuguese capitals
    "ROMÂNIA, ÎNCHIS",  # Romanian capitals
    "Ångström, Ärger, Øresund, með, Þórr",
    "NESCAFÉ® Gold and NESCAFÉ® Classic and NESCAFÉ® Blend",  # "É®" is valid UTF-8 of "ɮ"
    "the letters ‘K’/‘ß’/‘İ’ differ",  # "ß’" is valid UTF-8 of "ߒ"
    "1920×1080 pixels, 3×4",
    "Tiếng Việt có dấu",
    "Привет, мир",
    "東京都",
    "",
    "plain ASCII text",
])
def test_real_text_is_left_alone(text):
    assert repair(text) == text


def test_suspect_is_a_quick_no():
    assert not suspect("plain ASCII")
    assert not suspect("“curly” quotes — and dashes… 40°, £5")
    assert suspect("Itâ€™s")


# Text of scripts whose UTF-8 the repair can prove: Latin with accents, Greek, Cyrillic, CJK,
# general punctuation and symbols, emoji.
_ALPHABET = st.sampled_from(
    list("abcdefghij KLMNOP 0123456789.,;:!?()-'\"")
    + [chr(c) for c in range(0xC0, 0x100) if c not in (0xD7, 0xF7)]
    + [chr(c) for c in range(0x100, 0x180)]
    + list("ΑΒΓαβγδεζηθλμπσω" "АБВабвгдежзийклмнопрстуфхцчшщъыьэюя")
    + list("中文日本語東京都")
    + list("’‘“”–—…•€™©®°£½→≤")
    + ["🙂", "⭐", "𝕏"]
)


@settings(max_examples=300, deadline=None)
@given(st.lists(_ALPHABET, min_size=0, max_size=40).map("".join), st.sampled_from([as_latin1, as_cp1252]))
def test_property_mojibake_of_any_such_text_repairs_back(text, misread):
    original = text + " — " + text  # one certain sign of mojibake (the dash's three characters)
    assume(not proves_mojibake(original))  # a text that itself reads as mojibake cannot round-trip
    # Nor can one holding "â€", the first two characters of every general punctuation mark's UTF-8
    # read as Windows-1252: misread once more, "â€ — â€" is taken for "” — ”" misread twice.
    assume("â€" not in original)
    # A lone character of another script right after a letter or digit ("aΑ") is left as it came: the
    # same shape is the end of a real word before a quote or a symbol ("PIÙ»", "“Café”—").
    assume(not re.search("[A-Za-z0-9][\u0250-\u1dff\u1f00-\u1fff\u3000-\uffff](?=[\x00-\x7f]|$)", original))
    assert repair(misread(original)) == original


@settings(max_examples=300, deadline=None)
@given(st.lists(st.one_of(_ALPHABET, st.sampled_from(list("ÂÃâðÄÐÑ\x85\x92\x97\x81 ") + ["â€", "Ã©", "Ð¿"])),
                max_size=30).map("".join))
def test_property_needs_repair_says_yes_whenever_repair_changes_the_text(text):
    # The HTML pipeline asks needs_repair of a page's shown text before it repairs the whole page.
    if repair(text) != text:
        assert needs_repair(text)


def test_segments_keep_their_offsets_and_get_repaired_text():
    text = "Itâ€™s the first line\n\nCafÃ© second line with Â© 2024\nplain third line"
    segments = repair_segments(text, segment_text(text))
    assert [s.text for s in segments] == ["It’s the first line", "Café second line with © 2024", "plain third line"]
    assert [s for s in segments if s.text == "plain third line"][0] == segment_text(text)[-1]
    for s in segments:  # the span is the raw input, as for any normalised segment text
        assert repair(" ".join(text[s.start:s.end].split())) == s.text


@pytest.mark.parametrize("misread", [as_latin1, as_cp1252])
def test_segments_are_repaired_from_their_raw_line(misread):
    # No-break spaces and soft hyphens are continuation bytes (Р = D0 A0, 中 = E4 B8 AD), and
    # Latin-1's U+0085 (х = D1 85) is a line break: normalised segment text would have lost them.
    original = "Россия и Всё хорошо — 中文 and España\nLa política del país, voilà"
    text = without_c1(misread(original))
    assert [s.text for s in repair_segments(text, segment_text(text))] == original.split("\n")


def test_a_short_line_decoded_twice_is_repaired_like_the_rest():
    original = "Привет мир, это длинная строка — и ещё одна\n\nДа\n\n中文"
    text = without_c1(as_cp1252(as_cp1252(original)))
    assert [s.text for s in repair_segments(text, segment_text(text))] == [x for x in original.split("\n") if x]


def test_segments_of_a_text_without_mojibake_are_the_same_objects():
    text = "Ångström’s line\nNESCAFÉ® line"
    segments = segment_text(text)
    assert all(a is b for a, b in zip(repair_segments(text, segments), segments))
