"""DOM segmentation: blocks in reading order, what is dropped, paths, offsets, hostile pages."""
from __future__ import annotations

import json

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from classifiers.segment_html import ATTR_HIDDEN, segment_html


def texts(html: str) -> list[str]:
    return [s.text for s in segment_html(html).segments]


def test_one_segment_per_block_inline_tags_do_not_split():
    page = "<body><h1>Title here</h1><p>One <b>bold</b> and <a href='/x'>linked</a> word.</p><p>Two</p></body>"
    assert texts(page) == ["Title here", "One bold and linked word.", "Two"]


def test_br_and_nested_blocks_split_runs():
    page = "<div>first run<br>second run<div>inner block</div>tail of outer</div>"
    assert texts(page) == ["first run", "second run", "inner block", "tail of outer"]


def test_invisible_content_is_dropped_and_hidden_content_is_flagged():
    # Scripts, styles, templates, comments and (on a page with content) noscript never render.
    # Hidden elements do render once a script reveals them (tabs, menus, streamed server rendering),
    # so they are segmented with ATTR_HIDDEN for the model to weigh, not skipped.
    page = """<html><head><title>T</title><style>p{color:red}</style></head><body>
      <script>var a = "script text";</script><template><p>template text</p></template>
      <p hidden>hidden attr</p><div aria-hidden="true">aria hidden</div>
      <div style="display: none">display <b>none</b></div><!-- a comment -->
      <noscript><p>enable javascript</p></noscript><p>visible text</p></body></html>"""
    result = segment_html(page)
    assert [s.text for s in result.segments] == ["hidden attr", "aria hidden", "display none", "visible text"]
    hidden = [bool(c & ATTR_HIDDEN) for c in result.blocks.context]
    assert hidden == [True, True, True, False]


def test_hidden_inline_elements_stay_out_of_visible_text():
    # Icon glyphs, anchor marks and screen-reader twins would merge unflagged into the visible block.
    page = """<h2>Opening hours<a class="anchor" aria-hidden="true" href="#h">#</a></h2>
      <p>Price was 20 EUR<span style="display:none">10 EUR</span>, now <i aria-hidden="true">cart</i>15 EUR.</p>"""
    assert texts(page) == ["Opening hours", "Price was 20 EUR, now 15 EUR."]


def test_noscript_is_used_when_the_page_has_nothing_else():
    page = "<body><script>render()</script><noscript><p>Only readable here.</p></noscript></body>"
    assert texts(page) == ["Only readable here."]


def test_noscript_is_used_when_it_holds_more_than_the_visible_shell():
    # Forum engines serve posts to crawlers inside <noscript>, next to a "Loading…" shell.
    posts = "".join(f"<p>Post {i}: the valve still leaks after a fresh tubeless refill.</p>" for i in range(3))
    page = f"<body><a href='#main'>Skip to content</a><p>Loading…</p><noscript>{posts}</noscript></body>"
    assert texts(page)[:2] == ["Skip to content", "Loading…"] and len(texts(page)) == 5
    short = "<body><p>A whole visible article paragraph, longer than the notice.</p><noscript><p>Enable JS</p></noscript></body>"
    assert texts(short) == ["A whole visible article paragraph, longer than the notice."]
    css = "<body><p>Visible text.</p><noscript><style>" + ".lazy{display:none}" * 50 + "</style></noscript></body>"
    assert texts(css) == ["Visible text."]  # stylesheets inside <noscript> are not text


def test_table_rows_join_their_cells():
    page = "<table><tr><th>Capacity</th><th>1.7 l</th></tr><tr><td>Power</td><td>3 kW</td></tr></table>"
    result = segment_html(page)
    assert [s.text for s in result.segments] == ["Capacity | 1.7 l", "Power | 3 kW"]
    assert result.blocks.cells == [("Capacity", "1.7 l"), ("Power", "3 kW")]


def test_paths_locate_the_element():
    page = "<body><article><div class='body main'><p>a</p><p>b</p><p>c</p></div></article></body>"
    paths = segment_html(page).blocks.paths
    assert paths[2].endswith("article > div.body > p:nth-of-type(3)")
    assert paths[0].endswith("div.body > p")


def test_offsets_index_the_page_text():
    page = segment_html("<h2>Head</h2><p>para &amp; more</p><ul><li>item</li></ul>")
    for s in page.segments:
        assert page.text[s.start:s.end] == s.text
    assert page.text == "Head\npara & more\nitem"


def test_context_links_and_headings_are_recorded():
    page = segment_html("<nav><a href='/a'>Home</a></nav><main><h3>Sub</h3><p>text <a href='#'>link</a></p></main>")
    b = page.blocks
    assert b.link_chars[0] == len("Home")
    assert b.heading_level == [0, 3, 0]
    assert b.n_links == [1, 0, 1]


def test_page_hints_title_og_title_and_json_ld_body():
    body = {"@context": "https://schema.org", "@graph": [{"@type": "NewsArticle", "articleBody": "The body."}]}
    page = segment_html(f"""<html><head><title>Page title</title><meta property="og:title" content="OG title">
        <script type="application/ld+json">{json.dumps(body)}</script></head><body><p>x</p></body></html>""")
    assert (page.title, page.og_title, page.article_body) == ("Page title", "OG title", "The body.")


def test_broken_json_ld_is_ignored():
    page = segment_html('<script type="application/ld+json">{"articleBody": </script><p>x</p>')
    assert page.article_body == "" and texts('<p>x</p>') == ["x"]


def test_empty_and_whitespace_pages():
    assert segment_html("").segments == []
    assert segment_html("   \n ").segments == []
    assert segment_html("<html><body></body></html>").segments == []


def test_content_after_a_stray_closing_html_tag_is_kept_in_reading_order():
    # libxml2 starts a second top-level element after `</html>`; browsers show that content.
    page = segment_html("<html><body><nav>Home</nav></body></html>"
                        "<html><body><article><h2>Story</h2><p>The article comes after the stray tag.</p></article>"
                        "</body></html>")
    assert [s.text for s in page.segments] == ["Home", "Story", "The article comes after the stray tag."]
    assert page.blocks.heading_level[1] == 2


def test_plain_text_input_becomes_one_segment():
    assert texts("just some text, no tags") == ["just some text, no tags"]


def test_very_deep_nesting_does_not_crash_and_says_so():
    depth = 100_000
    page = segment_html("<body>" + "<div>" * depth + "<p>deep text</p>" + "</div>" * depth + "</body>")
    assert page.warnings  # the parser stops following the nesting; the result says so
    assert all(s.text for s in page.segments)


def test_large_page_is_segmented_whole():
    paragraph = "<p>" + "word " * 200 + "</p>"
    page = segment_html("<body>" + paragraph * 10_000 + "</body>")  # ~10 MB
    assert len(page.segments) == 10_000


@settings(max_examples=60, deadline=None)
@given(st.lists(st.sampled_from(["<p>", "</p>", "<div>", "</div>", "<br>", "<b>", "</b>", "<li>", "<td>", "<tr>",
                                 "<script>", "</script>", "text", "more words", "&amp;", "<", ">", "\u00a0", " "]),
                max_size=40))
def test_any_tag_soup_gives_consistent_segments(parts):
    page = segment_html("".join(parts))
    for s in page.segments:
        assert s.text and s.text == s.text.strip()
        assert page.text[s.start:s.end] == s.text
    assert len(page.blocks.paths) == len(page.segments) == len(page.blocks.tag)


@pytest.mark.parametrize("data", ["\x00\x01\x02binary", "<?xml version='1.0' encoding='utf-8'?><p>x</p>"])
def test_odd_inputs(data):
    segment_html(data)  # no exception
