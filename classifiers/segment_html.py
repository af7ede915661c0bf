"""HTML → segments: one per text block, in reading order, with the DOM context it sits in.

The page is parsed once with lxml (libxml2's HTML parser, ~10× faster than
BeautifulSoup building its own tree; see README) and walked once with
`iterwalk` start/end events — no recursion, so deep nesting cannot overflow
the stack. Text accumulates until a block boundary (a block element opens or
closes, or a `<br>`), then becomes a segment. Everything the feature stage
needs from the DOM is written to flat per-segment lists during the walk
(`BlockTable`), so no later stage touches the tree.

Segment offsets here refer to `HtmlPage.text`, the page rendered as one
segment per line; the pipeline maps them to the article it returns.
"""
from __future__ import annotations

import itertools
import json
import re
from dataclasses import dataclass, field

import lxml.etree

from .types import Segment

# Elements whose text is never part of a page's visible content.
_SKIP = frozenset({
    "script", "style", "template", "noscript", "svg", "math", "iframe", "object", "embed", "canvas",
    "select", "option", "textarea", "head", "title", "meta", "link", "base", "audio", "video", "map", "dialog",
})
# Elements that start and end a block of text (everything else is inline).
BLOCK_TAGS = (
    "p", "h1", "h2", "h3", "h4", "h5", "h6", "li", "dt", "dd", "blockquote", "pre", "tr", "caption",
    "figcaption", "div", "section", "article", "main", "aside", "nav", "header", "footer", "form", "fieldset",
    "legend", "address", "table", "thead", "tbody", "tfoot", "ul", "ol", "dl", "figure", "details", "summary",
    "body", "html", "center", "hr", "menu", "label", "button", "option", "td", "th",
)
TAG_IDS = {tag: i + 1 for i, tag in enumerate(BLOCK_TAGS)}  # 0 = other
_BLOCK = frozenset(BLOCK_TAGS) - {"td", "th"}
_CELL = frozenset({"td", "th"})

# Ancestor context bits: a segment inherits the bits of every element above it.
CONTEXT_BITS = {
    "article": 1 << 0, "main": 1 << 1, "nav": 1 << 2, "aside": 1 << 3, "header": 1 << 4, "footer": 1 << 5,
    "form": 1 << 6, "figure": 1 << 7, "figcaption": 1 << 8, "li": 1 << 9, "table": 1 << 10,
    "blockquote": 1 << 11, "a": 1 << 12, "button": 1 << 13, "pre": 1 << 14, "code": 1 << 14,
    "h1": 1 << 15, "h2": 1 << 16, "h3": 1 << 16, "h4": 1 << 17, "h5": 1 << 17, "h6": 1 << 17,
    "address": 1 << 18, "time": 1 << 19, "label": 1 << 20, "dl": 1 << 21, "strong": 1 << 22, "b": 1 << 22,
    "em": 1 << 23, "i": 1 << 23, "small": 1 << 24, "cite": 1 << 24, "sup": 1 << 24, "p": 1 << 25,
}
# Class/id vocabulary of page furniture and of content containers (dragnet, Readability).
ATTR_NEGATIVE = 1 << 26
ATTR_POSITIVE = 1 << 27
ATTR_COMMENT = 1 << 28
ATTR_HIDDEN = 1 << 29
_NEGATIVE = re.compile(
    r"nav|menu|footer|sidebar|side-bar|widget|related|share|social|breadcrumb|promo|advert|\bads?\b|sponsor|"
    r"cookie|consent|subscribe|newsletter|signup|banner|popup|modal|disclaimer|pagination|pager|toolbar|"
    r"masthead|header|byline|author|meta|tags?\b|recommend|trending|popular|more-|outbrain|taboola|teaser")
_POSITIVE = re.compile(r"article|content|post|entry|story|main|body|text|prose|blog|hentry|instapaper")
_COMMENT = re.compile(r"comment|reply|replies|discuss|disqus|review")  # all three match lower-cased names
_HIDDEN_STYLE = re.compile(r"display\s*:\s*none|visibility\s*:\s*hidden", re.IGNORECASE)
_ATTR_TOKEN = re.compile(r"[a-z]{2,}")
_SPACES = re.compile(r"\s+")
_NOSCRIPT_TEXT = lxml.etree.XPath(".//text()[not(ancestor::style) and not(ancestor::script)]")  # no CSS
_MAX_JSONLD_CHARS = 2_000_000
_ATTR_LEVELS = 3  # class/id tokens of the block and its nearest ancestors
_MAX_CHAIN = 48  # block ancestors kept per segment (bounds the cost on absurdly deep pages)

HEADING_TAGS = frozenset({"h1", "h2", "h3", "h4", "h5", "h6"})


@dataclass
class BlockTable:
    """Per-segment DOM facts, index-aligned with `HtmlPage.segments`."""

    tag: list[int] = field(default_factory=list)  # TAG_IDS of the block element
    depth: list[int] = field(default_factory=list)
    context: list[int] = field(default_factory=list)  # CONTEXT_BITS | ATTR_* of the block and its ancestors
    own_context: list[int] = field(default_factory=list)  # the same bits, block element only
    link_chars: list[int] = field(default_factory=list)
    n_links: list[int] = field(default_factory=list)
    n_cells: list[int] = field(default_factory=list)
    block_id: list[int] = field(default_factory=list)  # the element that delimits the segment (siblings share it)
    parent_id: list[int] = field(default_factory=list)  # the nearest block element above it
    chains: list[tuple[int, ...]] = field(default_factory=list)  # block ancestors, outermost first (capped)
    attr_tokens: list[tuple[str, ...]] = field(default_factory=list)
    paths: list[str] = field(default_factory=list)
    signatures: list[str] = field(default_factory=list)  # tags and classes of the last 3 elements, no positions
    heading_level: list[int] = field(default_factory=list)  # 1-6, 0 = not a heading
    list_kind: list[str] = field(default_factory=list)  # "ul", "ol" or "" for list items
    cells: list[tuple[str, ...]] = field(default_factory=list)  # table rows: cell texts
    markdown: list[str] = field(default_factory=list)  # the segment text with links as [text](url)


@dataclass
class HtmlPage:
    text: str  # the visible page, one segment per line
    segments: list[Segment]
    blocks: BlockTable
    title: str = ""
    og_title: str = ""
    og_type: str = ""
    schema_types: frozenset[str] = frozenset()  # JSON-LD @type values, lower-cased
    description: str = ""
    article_body: str = ""  # JSON-LD articleBody, when the page declares one
    warnings: list[str] = field(default_factory=list)


class _Frame:
    """One open element during the walk, with what its segments inherit from its ancestors worked
    out once when it opens (not once per segment, by walking the whole stack)."""

    __slots__ = ("tag", "context", "own", "tokens", "path", "counts", "eid", "block",
                 "chain", "block_frame", "token_levels")

    def __init__(self, tag, context, own, tokens, path, eid, block, parent: "_Frame | None" = None):
        self.tag, self.context, self.own, self.tokens = tag, context, own, tokens
        self.path, self.eid, self.block = path, eid, block
        self.counts: dict[str, int] = {}
        # The ids of the block elements from the root down to here (the nearest _MAX_CHAIN), the
        # nearest block element (this one if it is a block), and the class/id tokens of the nearest
        # _ATTR_LEVELS elements that have any, innermost first.
        inherited_chain = parent.chain if parent is not None else ()
        self.chain = (inherited_chain + (eid,))[-_MAX_CHAIN:] if block else inherited_chain
        self.block_frame = self if block or parent is None else parent.block_frame
        inherited_tokens = parent.token_levels if parent is not None else ()
        self.token_levels = ((tokens,) + inherited_tokens)[:_ATTR_LEVELS] if tokens else inherited_tokens


def _names_of(el) -> str:
    get = el.get
    return f"{get('class', '')} {get('id', '')} {get('role', '')} {get('itemprop', '')}"


def _classify_names(names: str) -> tuple[int, tuple[str, ...]]:
    """Cue bits and tokens of an element's class/id/role/itemprop values."""
    if not names.strip():
        return 0, ()
    names = names.lower()
    bits = 0
    if _NEGATIVE.search(names):
        bits |= ATTR_NEGATIVE
    if _POSITIVE.search(names):
        bits |= ATTR_POSITIVE
    if _COMMENT.search(names):
        bits |= ATTR_COMMENT
    return bits, tuple(_ATTR_TOKEN.findall(names))


def _is_hidden(el, keys: list[str]) -> bool:
    if "hidden" in keys or ("aria-hidden" in keys and el.get("aria-hidden") == "true"):
        return True
    style = el.get("style") if "style" in keys else None
    return bool(style) and ("none" in style or "hidden" in style) and bool(_HIDDEN_STYLE.search(style))


def _path_step(tag: str, cls: str | None, nth: int) -> str:
    first_class = cls.split()[0] if cls and cls.split() else ""
    step = f"{tag}.{first_class}" if first_class else tag
    return f"{step}:nth-of-type({nth})" if nth > 1 else step


class _Walker:
    """The single pass over the tree; collects segments and their DOM facts."""

    def __init__(self, include_noscript: bool, keep_links: bool):
        self.include_noscript = include_noscript
        self.noscript_chars = 0  # text skipped inside <noscript>: decides the fallback walk
        self.keep_links = keep_links
        self.lines: list[str] = []
        self.table = BlockTable()
        self.pieces: list[str] = []
        self.md_pieces: list[str] = []
        self.cells: list[list[str]] = []
        self.link_chars = 0
        self.n_links = 0
        self.link_depth = 0
        self.jsonld: list[str] = []
        self.title = ""
        self.og_title = ""
        self.og_type = ""
        self.description = ""
        self.cell_from = 0
        self.names_cache: dict[str, tuple[int, tuple[str, ...]]] = {}  # class strings repeat a lot on a page

    def add_text(self, text: str | None) -> None:
        if not text:
            return
        self.pieces.append(text)
        if self.keep_links:
            self.md_pieces.append(text)
        if self.link_depth:
            self.link_chars += len(text.strip())

    def flush(self, frames: list[_Frame]) -> None:
        if not self.pieces:
            return
        text = _SPACES.sub(" ", "".join(self.pieces)).strip()
        markdown = _SPACES.sub(" ", "".join(self.md_pieces)).strip() if self.keep_links else text
        self.pieces.clear()
        self.md_pieces.clear()
        if text:
            self._record(text, markdown, frames)
        self.link_chars = self.n_links = 0
        self.cells = []
        self.cell_from = 0

    def _record(self, text: str, markdown: str, frames: list[_Frame]) -> None:
        innermost = frames[-1]
        chain = innermost.chain
        block = innermost.block_frame
        t = self.table
        self.lines.append(text)
        t.tag.append(TAG_IDS.get(block.tag, 0))
        t.depth.append(len(frames))
        t.context.append(frames[-1].context)
        t.own_context.append(block.own)
        t.link_chars.append(min(self.link_chars, len(text)))
        t.n_links.append(self.n_links)
        t.n_cells.append(len(self.cells))
        t.block_id.append(block.eid)
        t.parent_id.append(chain[-2] if len(chain) > 1 else 0)
        t.chains.append(chain)
        t.attr_tokens.append(tuple(dict.fromkeys(itertools.chain.from_iterable(innermost.token_levels))))
        t.paths.append(" > ".join(_path_step(*f.path) for f in frames[-4:] if f.path))
        # Repeated templates (product grids, listings, menus, comment threads) share a signature.
        t.signatures.append(" ".join(f"{f.path[0]}.{f.path[1]}" for f in frames[-3:] if f.path))
        t.heading_level.append(int(block.tag[1]) if block.tag in HEADING_TAGS else 0)
        if block.tag == "li":
            outer = next((f.tag for f in reversed(frames[:-1]) if f.tag in ("ul", "ol", "menu")), "ul")
            t.list_kind.append("ol" if outer == "ol" else "ul")
        else:
            t.list_kind.append("")
        t.cells.append(tuple(_SPACES.sub(" ", c).strip() for c in self.cells) if self.cells else ())
        t.markdown.append(markdown)

    def head_element(self, tag: str, el) -> None:
        """Page-level hints from elements the walk does not render."""
        if tag == "title" and not self.title:
            self.title = _SPACES.sub(" ", el.text or "").strip()
        elif tag == "meta":
            prop = (el.get("property") or el.get("name") or "").lower()
            if prop == "og:title" and not self.og_title:
                self.og_title = _SPACES.sub(" ", el.get("content") or "").strip()
            elif prop == "og:type" and not self.og_type:
                self.og_type = (el.get("content") or "").strip().lower()
            elif prop in ("description", "og:description") and not self.description:
                self.description = _SPACES.sub(" ", el.get("content") or "").strip()
        elif tag == "script" and "ld+json" in (el.get("type") or "").lower() and el.text:
            if sum(map(len, self.jsonld)) < _MAX_JSONLD_CHARS:
                self.jsonld.append(el.text)

    def walk(self, root) -> None:
        frames: list[_Frame] = [_Frame("#root", 0, 0, (), None, 0, True)]
        eid = 0
        walker = lxml.etree.iterwalk(root, events=("start", "end"))
        for event, el in walker:
            tag = el.tag
            if not isinstance(tag, str):  # comments, processing instructions, entities
                if event == "end":
                    self.add_text(el.tail)
                continue
            if event == "start":
                skip = tag in _SKIP and not (tag == "noscript" and self.include_noscript)
                keys = el.keys()  # a plain list: cheaper than the attrib proxy
                if keys:
                    names = _names_of(el)
                    cached = self.names_cache.get(names)
                    if cached is None:
                        cached = self.names_cache[names] = _classify_names(names)
                    bits, tokens = cached
                    if _is_hidden(el, keys):
                        bits |= ATTR_HIDDEN
                else:
                    bits, tokens = 0, ()
                # Hidden blocks (hidden, aria-hidden, display:none) are read, not skipped: scripts
                # reveal them (tabs, accordions, streamed server rendering), and on some pages they hold
                # the whole article. Their segments carry ATTR_HIDDEN; the model weighs it. Hidden
                # inline elements (icon glyphs, anchor marks, screen-reader twins) would merge unflagged
                # into the visible text around them, so they stay skipped.
                hidden_inline = bits & ATTR_HIDDEN and tag not in _BLOCK and tag not in _CELL
                if skip or hidden_inline or tag == "input":
                    if tag in ("title", "meta", "script", "head"):
                        self._scan_head(el, tag)
                    elif tag == "noscript":
                        self.noscript_chars += sum(len(t.strip()) for t in _NOSCRIPT_TEXT(el))
                    walker.skip_subtree()
                    frames.append(_Frame(tag, 0, 0, (), None, -1, False, frames[-1]))
                    continue
                parent = frames[-1]
                nth = parent.counts[tag] = parent.counts.get(tag, 0) + 1
                eid += 1
                own = CONTEXT_BITS.get(tag, 0) | bits
                is_block = tag in _BLOCK
                if is_block or tag == "br":
                    self.flush(frames)
                elif tag in _CELL:
                    self._start_cell()
                frame = _Frame(tag, parent.context | own, own, tokens, (tag, el.get("class"), nth), eid, is_block,
                               parent)
                frames.append(frame)
                if tag == "a":
                    self.link_depth += 1
                    self.n_links += 1
                    if self.keep_links:
                        self.md_pieces.append("[")
                self.add_text(el.text)
            else:
                frame = frames.pop()
                if frame.eid == -1:  # a skipped element: only its tail is visible
                    self.add_text(el.tail)
                    continue
                if tag == "a":
                    self.link_depth -= 1
                    if self.keep_links:
                        href = el.get("href") or ""
                        self.md_pieces.append(f"]({href})" if href and not href.startswith("javascript:") else "]")
                if frame.block or tag == "br":
                    frames.append(frame)  # the block's own text is flushed in its context
                    self.flush(frames)
                    frames.pop()
                elif tag in _CELL:
                    self._end_cell()
                self.add_text(el.tail)
        self.flush(frames)

    # Table cells: a row's cells form one segment ("a | b | c"); the cell texts are kept for markdown.
    def _start_cell(self) -> None:
        if any(not p.isspace() for p in self.pieces):
            self.pieces.append(" | ")
            if self.keep_links:
                self.md_pieces.append(" | ")
        self.cell_from = len(self.pieces)

    def _end_cell(self) -> None:
        # A block inside the cell may have flushed the pieces; then the cell is not a simple one.
        if self.cell_from <= len(self.pieces):
            self.cells.append("".join(self.pieces[self.cell_from:]))

    def _scan_head(self, el, tag: str) -> None:
        if tag == "head":
            for child in el.iter("title", "meta", "script"):
                self.head_element(child.tag, child)
        else:
            self.head_element(tag, el)


def _json_ld(scripts: list[str]) -> tuple[str, frozenset[str]]:
    """The longest `articleBody`/`text` string anywhere in the page's JSON-LD, and every `@type` it
    declares (lower-cased): what the site says the page is. Iterative, so no nesting can overflow."""
    best = ""
    types: set[str] = set()
    for raw in scripts:
        try:
            stack = [json.loads(raw)]
        except (ValueError, RecursionError):
            continue
        while stack:
            item = stack.pop()
            if isinstance(item, dict):
                for key, value in item.items():
                    if key in ("articleBody", "text") and isinstance(value, str) and len(value) > len(best):
                        best = value
                    elif key == "@type":
                        types.update(t.lower() for t in (value if isinstance(value, list) else [value])
                                     if isinstance(t, str))
                    elif isinstance(value, (dict, list)):
                        stack.append(value)
            elif isinstance(item, list):
                stack.extend(item)
    return best, frozenset(types)


def _parse(html: str):
    """lxml tree of `html` and whether libxml2 gave up on its nesting depth."""
    parser = lxml.etree.HTMLParser(huge_tree=True, remove_comments=True, remove_pis=True, encoding="utf-8")
    data = html.encode("utf-8", "surrogatepass")
    root = lxml.etree.fromstring(data, parser) if data.strip() else None
    too_deep = any("depth" in str(e.message).lower() for e in parser.error_log)
    if root is not None:
        _adopt_trailing_roots(root)
    return root, too_deep


def _adopt_trailing_roots(root) -> None:
    """Move elements that libxml2 left beside the root into the end of the body.

    A page with a stray `</html>` or a second `<html>` (templates glued together)
    makes libxml2 start a new top-level element for the rest of the page, which a
    walk from the root never sees; on some pages that is the whole article.
    Browsers render such content at the end of the body, and so does this.
    """
    trailing = [el for el in root.itersiblings() if isinstance(el.tag, str)]
    if not trailing:
        return
    body = root.find("body")
    if body is None:
        body = lxml.etree.SubElement(root, "body")
    for el in trailing:
        body.append(el)  # lxml moves the element (with its tail) out of the document level


def segment_html(html: str, keep_links: bool = False) -> HtmlPage:
    """The page's text blocks in reading order, with DOM facts and page-level hints."""
    root, too_deep = _parse(html)
    walker = _Walker(include_noscript=False, keep_links=keep_links)
    if root is not None:
        walker.walk(root)
        # Pages that render by script may serve their content to crawlers only inside <noscript>,
        # next to a visible shell ("Loading…", "Skip to content"): use it when it holds more text.
        if walker.noscript_chars > sum(map(len, walker.lines)):
            walker = _Walker(include_noscript=True, keep_links=keep_links)
            walker.walk(root)
    body, types = _json_ld(walker.jsonld)
    offsets, position = [], 0
    for line in walker.lines:
        offsets.append((position, position + len(line)))
        position += len(line) + 1
    segments = [Segment(line, a, b) for line, (a, b) in zip(walker.lines, offsets)]
    warnings = ["the page nests elements deeper than the parser follows; deeper content is missing"] if too_deep else []
    return HtmlPage(
        text="\n".join(walker.lines), segments=segments, blocks=walker.table, title=walker.title,
        og_title=walker.og_title, og_type=walker.og_type, description=walker.description,
        article_body=body, schema_types=types,
        warnings=warnings,
    )
