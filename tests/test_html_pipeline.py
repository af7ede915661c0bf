"""clean(html=...) end to end on the hand-written pages of fixtures/html, through the library and the CLI."""
from __future__ import annotations

import json
import re
import subprocess
import sys
from pathlib import Path

import pytest

from classifiers import clean
from classifiers.decode import DecodeError

PAGES = Path(__file__).resolve().parent.parent / "fixtures" / "html"
NAMES = sorted(p.stem for p in PAGES.glob("*.html"))
# What the shipped HTML model does not get right yet, listed so the gap shows in every run
# (xfail, non-strict: a model that fixes it shows XPASS).
KNOWN_MISSES: dict[str, str] = {}


def _expect_known_misses(names):
    return [pytest.param(n, marks=pytest.mark.xfail(reason=KNOWN_MISSES[n], strict=False)) if n in KNOWN_MISSES
            else n for n in names]
CLI = [sys.executable, "-m", "classifiers.cli"]


def page(name: str) -> tuple[str, dict]:
    expect = json.loads((PAGES / f"{name}.expect.json").read_text(encoding="utf-8"))
    return (PAGES / f"{name}.html").read_text(encoding="utf-8"), expect


@pytest.mark.parametrize("name", _expect_known_misses(NAMES))
def test_fixture_pages_keep_the_content_and_drop_the_rest(name):
    html, expect = page(name)
    result = clean(html=html)
    missing = [s for s in expect["keep"] if s not in result.article]
    leaked = [s for s in expect["drop"] if s in result.article]
    assert not missing, f"content lost: {missing}"
    assert not leaked, f"boilerplate kept: {leaked}"


def test_a_story_printed_twice_comes_back_once():
    html, expect = page("repeated_story")
    result = clean(html=html)
    for snippet in expect["once"]:
        assert result.article.count(snippet) == 1, snippet
    copies = [s for s in result.segments if s.text.startswith("More than sixty volunteers")]
    assert [s.label.value for s in copies] == ["article", "boilerplate"]
    assert copies[1].kind.value == "repeat" and copies[1].score >= result.threshold  # sure, but said before
    assert copies[1].start == copies[1].end  # not in the article


@pytest.mark.parametrize("name", NAMES)
def test_title_paths_and_offsets_into_the_article(name):
    html, expect = page(name)
    result = clean(html=html)
    assert result.title and expect["title"].startswith(result.title)  # og:title: the <title> without the site name
    assert result.segments
    for s in result.segments:
        assert s.path
        if s.label.value == "article":
            assert result.article[s.start:s.end] == s.text
        else:
            assert s.start == s.end
    as_dict = result.to_dict()
    assert {"article", "title", "lang", "segments", "model"} <= set(as_dict)
    assert {"text", "start", "end", "label", "score", "kind", "path"} <= set(as_dict["segments"][0])


def test_leaked_blocks_get_descriptive_kinds():
    html, _ = page("article_leaked")
    kinds = {s.text: s.kind.value for s in clean(html=html).segments}
    assert kinds["Rotas at the heart of the dispute"] == "heading"
    assert kinds["Weather warnings"] == "navigation"


def test_the_leaked_spec_sheet_is_dropped_as_a_table_too():
    # The same car spec sheet as a two-column <table> ("Engine | 1.5-litre …" segments): the HTML model
    # keeps its rows at about 0.6, the decision's foreign-fact-box rule drops them.
    html, expect = page("article_leaked")
    start = html.index('<ul class="spec-sheet">')
    sheet = html[start:html.index("</ul>", start) + len("</ul>")]
    rows = re.findall(r"<li>(.*?): (.*?)</li>", sheet)
    assert len(rows) == 6
    table = "<table>" + "".join(f"<tr><th>{k}</th><td>{v}</td></tr>" for k, v in rows) + "</table>"
    result = clean(html=html.replace(sheet, table))
    rows_out = [s for s in result.segments if " | " in s.text]
    assert [s.text.split(" | ")[0] for s in rows_out] == [k for k, _ in rows]
    assert all(s.label.value == "boilerplate" for s in rows_out)
    assert all(snippet in result.article for snippet in expect["keep"])


def test_markdown_keeps_headings_lists_and_tables():
    html, _ = page("article_leaked")
    md = clean(html=html, format="markdown").article
    assert "\n## Rotas at the heart of the dispute\n" in md
    assert "- at least twelve hours of rest between consecutive shifts" in md
    product, _ = page("product_page")
    table_rows = [line for line in clean(html=product, format="markdown").article.splitlines() if line.startswith("|")]
    assert len(table_rows) >= 3 and "| --- |" in table_rows[1]


def test_markdown_link_urls_only_when_asked():
    html = ("<html><body><article><h1>Heading of the story</h1>" + "<p>The council met on Monday to discuss the plans "
            "for the new bridge, <a href='https://example.org/plans'>published last week</a>, and residents said they "
            "welcomed the consultation but wanted more detail about the costs and the timetable for the works.</p>" * 4
            + "</article></body></html>")
    assert "](https://example.org/plans)" not in clean(html=html, format="markdown").article
    assert "[published last week](https://example.org/plans)" in clean(html=html, format="markdown", links=True).article


def test_bytes_are_decoded_by_declaration():
    html, expect = page("article_leaked")
    declared = html.replace("<head>", '<head><meta charset="windows-1252">', 1)
    from_bytes = clean(html=declared.encode("cp1252", "replace"))
    assert expect["keep"][0] in from_bytes.article
    assert "\ufffd" not in from_bytes.article


@pytest.mark.parametrize("name", [n for n in NAMES if not page(n)[0].isascii()])
def test_a_page_that_went_through_a_wrong_charset_cleans_like_the_page(name):
    html, _ = page(name)
    # Served as UTF-8 but declared (or read as) Windows-1252: "’" arrives as "â€™".
    misdeclared = html.replace("<head>", '<head><meta charset="windows-1252">', 1).encode("utf-8")
    plain = clean(html=html)
    for broken in (clean(html=misdeclared), clean(html=misdeclared.decode("cp1252", errors="replace"))):
        assert (broken.article, broken.title) == (plain.article, plain.title)
        assert [(s.text, s.label) for s in broken.segments] == [(s.text, s.label) for s in plain.segments]


def test_bad_html_inputs_give_clear_results():
    assert clean(html="").article == ""
    assert clean(html=b"").article == ""
    with pytest.raises(DecodeError):
        clean(html=bytes(range(256)) * 8)
    with pytest.raises(TypeError):
        clean(html=12)
    with pytest.raises(TypeError):
        clean("text", html="<p>x</p>")
    with pytest.raises(ValueError):
        clean(html="<p>x</p>", format="pdf")
    deep = clean(html="<body>" + "<div>" * 100_000 + "<p>deep</p>" + "</div>" * 100_000 + "</body>")
    assert deep.warnings


def test_text_input_is_unchanged_by_html_mode():
    result = clean("Just one plain line of scraped text that reads like a sentence.")
    assert result.title is None
    assert "title" not in result.to_dict() and "path" not in result.to_dict()["segments"][0]


def run(args: list[str], stdin: bytes = b"") -> subprocess.CompletedProcess:
    return subprocess.run(CLI + args, input=stdin, capture_output=True, timeout=120)


def test_leaked_teaser_and_match_box_inside_the_article_container_are_dropped():
    html, _ = page("article_leaked")
    result = clean(html=html)
    dropped = {s.text for s in result.segments if s.label.value == "boilerplate"}
    assert {"More on gardening:", "MATCH INFO", "Westby Town 3 – 1 Ferncastle United",
            "Ferncastle United: Tennant 44"} <= dropped
    assert "Councillor Ruth Pennock" in result.article  # the last paragraph before them stays


def test_cli_html_file(tmp_path):
    html, expect = page("forum_thread")
    out = run(["clean", "--html", str(PAGES / "forum_thread.html")])
    assert out.returncode == 0, out.stderr
    printed = out.stdout.decode()
    assert all(s in printed for s in expect["keep"])
    assert not any(s in printed for s in expect["drop"])
    binary = tmp_path / "image.png"
    binary.write_bytes(b"\x89PNG\r\n\x1a\n" + bytes(2000))
    bad = run(["clean", "--html", str(binary)])
    assert bad.returncode == 2 and b"binary" in bad.stderr


def test_cli_jsonl_mixes_text_and_html_records():
    product, expect = page("product_page")
    records = [{"id": "p", "html": product}, {"id": "t", "text": "A line of text.\nAnother line."},
               {"id": "both", "text": "x", "html": "<p>x</p>"}, {"id": "bad", "html": 5}]
    out = run(["clean", "--jsonl", "--format", "markdown"], "".join(json.dumps(r) + "\n" for r in records).encode())
    lines = [json.loads(line) for line in out.stdout.decode().splitlines()]
    assert [r["id"] for r in lines] == ["p", "t", "both", "bad"]
    assert lines[0]["title"] and all(s in lines[0]["article"] for s in expect["keep"])
    assert "path" in lines[0]["segments"][0]
    assert "error" in lines[2] and "error" in lines[3]
