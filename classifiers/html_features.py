"""DOM evidence for each segment: tag, ancestors, class/id vocabulary, links, density, page hints.

These columns are appended to the text features (`features.FEATURE_NAMES`) when
the input is HTML. All are computed from the flat `BlockTable` the walk wrote,
with numpy over the whole page, never per segment in Python.
"""
from __future__ import annotations

import re

import numpy as np

from . import textstats
from .arrays import shift
from .features import DocumentFeatures
from .segment_html import ATTR_COMMENT, ATTR_HIDDEN, ATTR_NEGATIVE, ATTR_POSITIVE, CONTEXT_BITS, TAG_IDS, HtmlPage

_TAG_GROUPS = {
    "tag_p": ("p",), "tag_heading": ("h1", "h2", "h3", "h4", "h5", "h6"), "tag_li": ("li", "dt", "dd"),
    "tag_row": ("tr",), "tag_cell": ("td", "th"), "tag_quote": ("blockquote",), "tag_pre": ("pre",),
    "tag_caption": ("figcaption", "caption"), "tag_container": ("div", "section", "article", "main", "body", "center"),
    "tag_control": ("label", "button", "form", "fieldset", "legend", "option"),
    "tag_landmark": ("nav", "header", "footer", "aside", "address"),
}
_CONTEXTS = ("article", "main", "nav", "aside", "header", "footer", "form", "figure", "figcaption", "li", "table",
             "blockquote", "a", "button", "pre", "h1", "h2", "address", "time", "label", "strong", "em", "small")
_ATTRS = {"attr_negative": ATTR_NEGATIVE, "attr_positive": ATTR_POSITIVE, "attr_comment": ATTR_COMMENT,
          "attr_hidden": ATTR_HIDDEN}
_NEIGHBOURED = ("link_density", "tag_p", "in_nav", "attr_negative")
_OFFSETS = (-2, -1, 1, 2)

HTML_FEATURE_NAMES: tuple[str, ...] = (
    tuple(_TAG_GROUPS) + ("heading_level",)
    + tuple(f"in_{c}" for c in _CONTEXTS) + tuple(_ATTRS) + tuple(f"own_{a}" for a in _ATTRS)
    + ("link_density", "log_links", "log_cells", "depth", "rel_depth", "siblings_log", "siblings_link_density",
       "siblings_prose_share", "same_block_log", "parent_prose_share", "block_prose_share",
       "container_share_1", "container_share_2", "container_share_3", "container_share_4",
       "in_main_container", "main_container_share", "main_container_log_segments",
       "signature_log_count", "signature_mean_words", "signature_prose_share", "signature_link_density",
       "signature_span", "declared_article", "declared_product", "declared_discussion", "declared_list",
       "declared_docs", "doc_share_in_li", "doc_share_in_table", "doc_log_headings", "doc_share_in_form",
       "doc_link_density", "doc_has_article_tag", "article_tag_prose_share", "in_article_tag_main",
       "body_share", "doc_has_body", "title_overlap", "title_line", "after_title", "doc_prose_in_main_share",
       "doc_hidden_prose_share")
    + tuple(f"{name}@{k:+d}" for k in _OFFSETS for name in _NEIGHBOURED)
)
_TOKEN = re.compile(r"[^\W_]+")


def _group_mean(values: np.ndarray, groups: np.ndarray) -> np.ndarray:
    _, inverse, counts = np.unique(groups, return_inverse=True, return_counts=True)
    return (np.bincount(inverse, weights=values) / counts)[inverse]


def _group_share(values: np.ndarray, groups: np.ndarray) -> np.ndarray:
    """Share of the document's total of `values` that lies in the segment's group."""
    _, inverse = np.unique(groups, return_inverse=True)
    total = max(values.sum(), 1e-9)
    return np.bincount(inverse, weights=values)[inverse] / total


def _token_share(doc: DocumentFeatures, reference: str, n: int) -> np.ndarray:
    """Share of each segment's tokens that occur in `reference` (JSON-LD body, title)."""
    if not reference or not len(doc.tok_ids):
        return np.zeros(n)
    # Cut as the document's own tokens were: by character in Chinese and Japanese.
    by_character = textstats.tokenised_by_character(doc.lang)
    words = set(textstats.character_tokens(reference) if by_character else _TOKEN.findall(reference.lower()))
    in_ref = np.fromiter((v in words for v in doc.vocab), dtype=bool, count=len(doc.vocab))
    hits = np.bincount(doc.tok_seg, weights=in_ref[doc.tok_ids].astype(np.float64), minlength=n)
    return hits / np.maximum(np.bincount(doc.tok_seg, minlength=n), 1)


def _container_features(chains: list[tuple[int, ...]], prose_words: np.ndarray) -> dict[str, np.ndarray]:
    """Readability's container score, as shares: how much of the page's running text each block
    ancestor of a segment holds, and whether the segment lies inside the main container (the
    deepest element holding at least 60% of the running text)."""
    n = len(chains)
    lengths = np.fromiter(map(len, chains), dtype=np.int64, count=n)
    flat = np.fromiter((e for chain in chains for e in chain), dtype=np.int64, count=int(lengths.sum()))
    owner = np.repeat(np.arange(n), lengths)
    level = np.concatenate([np.arange(k) for k in lengths]) if n else np.zeros(0, np.int64)  # 0 = outermost
    ids, inverse = np.unique(flat, return_inverse=True)
    total = max(prose_words.sum(), 1e-9)
    share = np.bincount(inverse, weights=prose_words[owner], minlength=len(ids)) / total
    out: dict[str, np.ndarray] = {}
    ends = np.cumsum(lengths)
    for k in range(1, 5):  # k block levels above the segment's own element
        pos = ends - 1 - k
        valid = pos >= ends - lengths
        out[f"container_share_{k}"] = np.where(valid, share[inverse[np.maximum(pos, 0)]], 0.0) if len(flat) \
            else np.zeros(n)
    depth_of = np.zeros(len(ids))
    np.maximum.at(depth_of, inverse, level)
    candidates = np.flatnonzero(share >= 0.6)
    if len(candidates) and prose_words.sum() > 0:
        main = candidates[np.argmax(depth_of[candidates])]
        inside = np.bincount(owner[inverse == main], minlength=n) > 0
        out["main_container_share"] = np.full(n, share[main])
        out["main_container_log_segments"] = np.full(n, np.log1p(inside.sum()))
    else:
        inside = np.zeros(n, dtype=bool)
        out["main_container_share"] = out["main_container_log_segments"] = np.zeros(n)
    out["in_main_container"] = inside
    return out


def _signature_features(signatures: list[str], words: np.ndarray, prose: np.ndarray,
                        link_density: np.ndarray) -> dict[str, np.ndarray]:
    """Segments made by one repeated template: how many, how wordy, how linked, how spread out."""
    n = len(signatures)
    _, inverse, counts = np.unique(np.asarray(signatures, dtype=object), return_inverse=True, return_counts=True)
    idx = np.arange(n)
    first = np.full(len(counts), n)
    last = np.full(len(counts), -1)
    np.minimum.at(first, inverse, idx)
    np.maximum.at(last, inverse, idx)
    return {
        "signature_log_count": np.log1p(counts[inverse]),
        "signature_mean_words": np.log1p(_group_mean(words, inverse)),
        "signature_prose_share": _group_mean(prose.astype(np.float64), inverse),
        "signature_link_density": _group_mean(link_density, inverse),
        "signature_span": (last - first)[inverse] / max(n - 1, 1),
    }


# What the site declares the page to be (JSON-LD @type, og:type): the page-type hint that rs-trafilatura
# shows matters, since forums, products and listings put their content in different places.
_DECLARED = {
    "declared_article": {"article", "newsarticle", "blogposting", "reportagenewsarticle", "analysisnewsarticle",
                         "opinionnewsarticle", "scholarlyarticle", "socialmediaposting", "liveblogposting"},
    "declared_product": {"product", "offer", "aggregateoffer", "productgroup", "individualproduct"},
    "declared_discussion": {"discussionforumposting", "qapage", "question", "answer", "comment"},
    "declared_list": {"itemlist", "collectionpage", "searchresultspage", "offercatalog", "listitem"},
    "declared_docs": {"techarticle", "apireference", "howto", "faqpage", "softwaresourcecode"},
}
_OG_TYPES = {"article": "declared_article", "product": "declared_product", "og:product": "declared_product"}


def _declared_type(page: HtmlPage, n: int) -> dict[str, np.ndarray]:
    out = {name: np.full(n, float(bool(page.schema_types & types))) for name, types in _DECLARED.items()}
    if page.og_type in _OG_TYPES:
        out[_OG_TYPES[page.og_type]][:] = 1.0
    return out


def html_features(page: HtmlPage, doc: DocumentFeatures, prose: np.ndarray) -> np.ndarray:
    """n × len(HTML_FEATURE_NAMES) float32; `prose` marks the segments that read as running text."""
    b = page.blocks
    n = len(page.segments)
    if n == 0:
        return np.zeros((0, len(HTML_FEATURE_NAMES)), np.float32)
    tag = np.asarray(b.tag)
    context = np.asarray(b.context, dtype=np.int64)
    own = np.asarray(b.own_context, dtype=np.int64)
    chars = np.fromiter((len(s.text) for s in page.segments), dtype=np.float64, count=n)
    words = doc.n_words.astype(np.float64)
    c: dict[str, np.ndarray] = {}
    for name, tags in _TAG_GROUPS.items():
        c[name] = np.isin(tag, [TAG_IDS[t] for t in tags])
    c["heading_level"] = np.asarray(b.heading_level)
    for ctx in _CONTEXTS:
        c[f"in_{ctx}"] = (context & CONTEXT_BITS[ctx]) != 0
    for name, bit in _ATTRS.items():
        c[name] = (context & bit) != 0
        c[f"own_{name}"] = (own & bit) != 0
    link_chars = np.asarray(b.link_chars, dtype=np.float64)
    c["link_density"] = link_chars / np.maximum(chars, 1.0)
    c["log_links"] = np.log1p(np.asarray(b.n_links))
    c["log_cells"] = np.log1p(np.asarray(b.n_cells))
    depth = np.asarray(b.depth, dtype=np.float64)
    c["depth"] = depth
    c["rel_depth"] = depth - np.median(depth)
    parent = np.asarray(b.parent_id)
    block = np.asarray(b.block_id)
    _, parent_inverse, parent_counts = np.unique(parent, return_inverse=True, return_counts=True)
    c["siblings_log"] = np.log1p(parent_counts[parent_inverse])
    c["siblings_link_density"] = _group_mean(c["link_density"], parent)
    c["siblings_prose_share"] = _group_mean(prose.astype(np.float64), parent)
    _, block_inverse, block_counts = np.unique(block, return_inverse=True, return_counts=True)
    c["same_block_log"] = np.log1p(block_counts[block_inverse])
    # Readability's container score, as shares: how much of the page's running text the
    # segment's parent (and block) element holds.
    prose_words = np.where(prose, words, 0.0)
    c["parent_prose_share"] = _group_share(prose_words, parent)
    c["block_prose_share"] = _group_share(prose_words, block)
    c.update(_container_features(b.chains, prose_words))
    c.update(_signature_features(b.signatures, words, prose, c["link_density"]))
    c.update(_declared_type(page, n))
    c["doc_share_in_li"] = np.full(n, c["in_li"].mean())
    c["doc_share_in_table"] = np.full(n, c["in_table"].mean())
    c["doc_log_headings"] = np.full(n, np.log1p(c["tag_heading"].sum()))
    c["doc_share_in_form"] = np.full(n, c["in_form"].mean())
    c["doc_link_density"] = np.full(n, link_chars.sum() / max(chars.sum(), 1.0))
    in_article = c["in_article"]
    c["doc_has_article_tag"] = np.full(n, float(in_article.any()))
    article_prose = prose_words[in_article].sum() / max(prose_words.sum(), 1e-9)
    c["article_tag_prose_share"] = np.full(n, article_prose)
    c["in_article_tag_main"] = in_article & (article_prose > 0.5)
    c["body_share"] = _token_share(doc, page.article_body, n)
    c["doc_has_body"] = np.full(n, float(len(page.article_body) > 200))
    title = f"{page.title} {page.og_title}"
    c["title_overlap"] = _token_share(doc, title, n)
    title_line = (c["title_overlap"] >= 0.8) & (words >= 3) & (c["tag_heading"] | (words <= 20))
    c["title_line"] = title_line
    first_title = int(np.argmax(title_line)) if title_line.any() else -1
    c["after_title"] = np.sign(np.arange(n) - first_title) if first_title >= 0 else np.zeros(n)
    main_mask = c["in_main"] | in_article
    c["doc_prose_in_main_share"] = np.full(n, prose_words[main_mask].sum() / max(prose_words.sum(), 1e-9))
    # A page whose running text is mostly hidden shows it by script: there, hidden is no sign of furniture.
    c["doc_hidden_prose_share"] = np.full(n, prose_words[c["attr_hidden"]].sum() / max(prose_words.sum(), 1e-9))
    for k in _OFFSETS:
        for name in _NEIGHBOURED:
            c[f"{name}@{k:+d}"] = shift(c[name].astype(np.float64), k, fill=-1.0)
    out = np.empty((n, len(HTML_FEATURE_NAMES)), dtype=np.float32)
    for j, name in enumerate(HTML_FEATURE_NAMES):
        out[:, j] = c[name]
    np.nan_to_num(out, copy=False, nan=0.0, posinf=0.0, neginf=0.0)
    return out
