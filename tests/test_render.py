"""Kept segments → plain text or markdown article, with each segment's span in it."""
from __future__ import annotations

import pytest

from classifiers.render import Block, render


def test_plain_text_joins_with_blank_lines_and_spans_point_into_it():
    blocks = [Block("Head", heading_level=2), Block("menu"), Block("Para one."), Block("Para two.")]
    article, spans = render(blocks, [True, False, True, True])
    assert article == "Head\n\nPara one.\n\nPara two."
    for block, (a, b), kept in zip(blocks, spans, [True, False, True, True]):
        assert article[a:b] == (block.text if kept else "")


def test_markdown_headings_lists_quotes_pre_tables():
    blocks = [
        Block("Title", heading_level=1),
        Block("first", list_kind="ul", group=7), Block("second", list_kind="ul", group=7),
        Block("one", list_kind="ol", group=8), Block("two", list_kind="ol", group=8),
        Block("quoted words", quote=True),
        Block("x = 1", pre=True),
        Block("a | b", cells=("a", "b"), group=9), Block("1 | 2", cells=("1", "2"), group=9),
    ]
    article, spans = render(blocks, [True] * len(blocks), "markdown")
    assert article == ("# Title\n\n- first\n- second\n\n1. one\n2. two\n\n> quoted words\n\n```\nx = 1\n```\n\n"
                       "| a | b |\n| --- | --- |\n| 1 | 2 |")
    assert article[spans[0][0]:spans[0][1]] == "Title"
    assert article[spans[4][0]:spans[4][1]] == "two"


def test_markdown_links_when_asked():
    blocks = [Block("see the docs", markdown_text="see [the docs](https://example.org/docs)")]
    assert render(blocks, [True], "markdown")[0] == "see [the docs](https://example.org/docs)"
    assert render(blocks, [True], "text")[0] == "see the docs"


def test_pipes_in_cells_are_escaped():
    article, _ = render([Block("a|b | c", cells=("a|b", "c"))], [True], "markdown")
    assert article.startswith("| a\\|b | c |")


def test_nothing_kept_gives_empty_article():
    article, spans = render([Block("x"), Block("y")], [False, False])
    assert article == "" and spans == [(0, 0), (0, 0)]


def test_unknown_format_is_an_error():
    with pytest.raises(ValueError):
        render([Block("x")], [True], "rtf")
