"""Kept segments → the returned article, as plain text or markdown, with each segment's span in it.

Plain text: segments separated by blank lines. Markdown keeps what extractor
users ask for: `#` headings, `-`/`1.` list items, `>` quotes, fenced
preformatted text, simple tables (`| a | b |` rows, a rule after the first
row), link text with the URL only when asked.
"""
from __future__ import annotations

from dataclasses import dataclass

FORMATS = ("text", "markdown")


@dataclass(frozen=True, slots=True)
class Block:
    """What rendering needs to know of one segment."""

    text: str
    markdown_text: str = ""  # the text with links as [text](url); empty = same as text
    heading_level: int = 0
    list_kind: str = ""  # "ul" | "ol" | ""
    cells: tuple[str, ...] = ()
    quote: bool = False
    pre: bool = False
    group: int = 0  # segments of one list or table share a group (their parent element)


def _markdown_piece(block: Block, ordinal: int, first_row: bool) -> tuple[str, str, str]:
    """(prefix, body, suffix) of one segment in markdown; the body is what its span covers."""
    body = block.markdown_text or block.text
    if block.heading_level:
        return "#" * block.heading_level + " ", body, ""
    if block.list_kind:
        return ("1. " if block.list_kind == "ol" else "- ").replace("1", str(ordinal)), body, ""
    if len(block.cells) > 1:
        row = "| " + " | ".join(c.replace("|", "\\|") for c in block.cells) + " |"
        rule = "\n|" + " --- |" * len(block.cells) if first_row else ""
        return "", row, rule
    if block.pre:
        return "```\n", block.text, "\n```"
    if block.quote:
        return "> ", body, ""
    return "", body, ""


def _tight(previous: Block | None, block: Block) -> bool:
    """Consecutive items of one list, or rows of one table, are separated by a single newline."""
    if previous is None or previous.group != block.group:
        return False
    both_items = bool(previous.list_kind and block.list_kind)
    both_rows = len(previous.cells) > 1 and len(block.cells) > 1
    return both_items or both_rows


def render(blocks: list[Block], keep: list[bool], fmt: str = "text") -> tuple[str, list[tuple[int, int]]]:
    """The article and, per segment, its (start, end) in it; dropped segments get an empty span."""
    if fmt not in FORMATS:
        raise ValueError(f"format must be one of {', '.join(FORMATS)}, got {fmt!r}")
    parts: list[str] = []
    spans: list[tuple[int, int]] = []
    length = 0
    previous: Block | None = None
    ordinal = 0
    for block, kept in zip(blocks, keep):
        if not kept:
            spans.append((length, length))
            continue
        tight = _tight(previous, block)
        ordinal = ordinal + 1 if tight and block.list_kind else 1
        if fmt == "markdown":
            prefix, body, suffix = _markdown_piece(block, ordinal, first_row=not tight)
        else:
            prefix, body, suffix = "", block.text, ""
        separator = ("\n" if tight and fmt == "markdown" else "\n\n") if parts else ""
        start = length + len(separator) + len(prefix)
        spans.append((start, start + len(body)))
        piece = separator + prefix + body + suffix
        parts.append(piece)
        length += len(piece)
        previous = block
    return "".join(parts), spans
