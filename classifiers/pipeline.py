"""clean(): input → segments → features → model → decision → result."""
from __future__ import annotations

import dataclasses
import functools
import threading
import time

import numpy as np

from . import language
from .decision import DecisionRule
from .decode import decode_html
from .features import FEATURE_NAMES, DocumentFeatures, TokenTable, featurize
from .html_features import html_features
from .kinds import assign_kinds, html_kinds
from .model import SegmentModel, load
from .render import Block, render
from .repair import needs_repair, repair, repair_segments, without_c1
from .segment_html import CONTEXT_BITS, HtmlPage, segment_html
from .segment_text import image_lines, link_list_start, segment_text
from .types import Kind, Label, Result, Segment, SegmentResult

_load_lock = threading.Lock()


class TimeBudgetExceeded(TimeoutError):
    """A document took longer than the `time_budget` given to `clean()`."""


def _check(deadline: float | None, stage: str) -> None:
    # Cooperative: checked between stages, so a document overruns by at most one stage.
    if deadline is not None and time.monotonic() > deadline:
        raise TimeBudgetExceeded(f"document not processed within its time budget (stopped after {stage})")
_STOP_COL = FEATURE_NAMES.index("stop_ratio")
_PROSE_MIN_WORDS = 10
_QUOTE, _PRE = CONTEXT_BITS["blockquote"], CONTEXT_BITS["pre"]


@functools.cache
def _cached_default(mode: str) -> SegmentModel:
    return load(mode=mode)


def default_model(mode: str = "text") -> SegmentModel:
    """The shipped model of an input mode, loaded once per process and shared read-only by all threads."""
    with _load_lock:
        return _cached_default(mode)


def analyse(text: str, link_lists: bool = True, repair_mojibake: bool = True) -> tuple[list[Segment], DocumentFeatures]:
    """The model-independent stages for text: segments and their features (shared with training).

    The features cover the segments before a text-browser dump's trailing link list
    (`segment_text.link_list_start`); the list's segments are boilerplate whatever the model says.
    Segment texts have their mojibake repaired (`repair`). `link_lists=False` and
    `repair_mojibake=False` read the text as it is (training: see `training.rows.prepare`).
    """
    if repair_mojibake:
        text = without_c1(text)  # one character for one: offsets into the input stay
        segments = repair_segments(text, segment_text(text, link_lists))
    else:
        segments = segment_text(text, link_lists)
    body = link_list_start(segments) if link_lists else len(segments)
    texts = [s.text for s in segments[:body]]
    lang = language.detect(language.document_sample(texts))
    return segments, featurize(texts, lang)


def analyse_html(html: str, keep_links: bool = False) -> tuple[HtmlPage, DocumentFeatures]:
    """The model-independent stages for HTML: DOM segments, text features plus DOM features.
    A page whose text shows mojibake is repaired (`repair`) and segmented again."""
    page = segment_html(html, keep_links=keep_links)
    # Repairing scans all of a page's HTML (5% of the time of a `clean()`); the text it shows is a
    # tenth of that and decides whether it is worth it (for 3% of the shared pages).
    shown = "\n".join((page.text, page.title, page.og_title, page.description, page.article_body))
    if needs_repair(shown):
        page = segment_html(repair(html), keep_links=keep_links)
    return page, page_features(page)


def page_features(page: HtmlPage) -> DocumentFeatures:
    """Text features of the page's segments plus their DOM features."""
    texts = [s.text for s in page.segments]
    lang = language.detect(language.document_sample(texts))
    doc = featurize(texts, lang)
    prose = (doc.n_words >= _PROSE_MIN_WORDS) & (doc.matrix[:, _STOP_COL] >= 0.15)
    matrix = np.hstack([doc.matrix, html_features(page, doc, prose)])
    return dataclasses.replace(doc, matrix=matrix, attrs=TokenTable.from_token_lists(page.blocks.attr_tokens))


def _check_options(threshold: float | None, fmt: str) -> None:
    if threshold is not None and not 0.0 <= threshold <= 1.0:
        raise ValueError(f"threshold must be within [0, 1], got {threshold}")
    if fmt not in ("text", "markdown"):
        raise ValueError(f"format must be 'text' or 'markdown', got {fmt!r}")


def clean(text: str | None = None, *, html: str | bytes | None = None, threshold: float | None = None,
          include_segments: bool = True, format: str = "text", links: bool = False, charset: str | None = None,
          model: SegmentModel | None = None, time_budget: float | None = None) -> Result:
    """Return the main article of scraped `text` or of a page's `html`, with every segment's label, score and kind.

    `html` may be bytes of unknown encoding (`charset` is the transport's hint, e.g. from an HTTP
    header). `format="markdown"` keeps headings, lists, quotes and tables; `links=True` keeps
    link URLs in markdown. `time_budget` (seconds) raises `TimeBudgetExceeded` for a document
    that takes longer. `threshold` None applies the model's own rule (`decision.DecisionRule`: its
    threshold, or a share of the document's best score when that is lower); a number is used exactly.
    `Result.threshold` is the cut the labels were set with.
    """
    _check_options(threshold, format)
    if (text is None) == (html is None):
        raise TypeError("pass exactly one of text or html")
    deadline = None if time_budget is None else time.monotonic() + time_budget
    if html is not None:
        return _clean_html(html, threshold, include_segments, format, links, charset, model, deadline)
    if not isinstance(text, str):
        raise TypeError(f"text must be str, not {type(text).__name__}")
    model = model or default_model("text")
    segments, doc = analyse(text)
    _check(deadline, "features")
    link_list = len(segments) - len(doc.n_words)  # a dump's link list: never scored, never kept
    scores = np.concatenate([model.score(doc), np.zeros(link_list)])
    images = image_lines(text, segments)  # markdown images alone on their line: never kept
    scores[images] = 0.0
    _check(deadline, "scoring")
    decision = _decision(model, threshold).decide(scores, [s.text for s in segments], doc.terms)
    keep, threshold = decision.keep, decision.cut
    kinds: list[Kind] = []
    if include_segments or format == "markdown":  # an article alone as text needs no kinds
        kinds = _with_repeats(assign_kinds(doc.matrix, keep[:len(doc.n_words)]) + [Kind.NAVIGATION] * link_list,
                              decision.repeated)
        for i in np.flatnonzero(images):
            kinds[i] = Kind.OTHER
    if format == "markdown":
        blocks = [Block(s.text, heading_level=2 if k is Kind.HEADING else 0) for s, k in zip(segments, kinds)]
        article, _ = render(blocks, list(keep), "markdown")
    else:
        article = "\n\n".join(s.text for s, k in zip(segments, keep) if k)
    spans = [(s.start, s.end) for s in segments] if include_segments else []
    return Result(
        article=article, lang=doc.lang,
        segments=tuple(_results(segments, spans, scores, keep, kinds)) if include_segments else (),
        model={"name": model.name, "version": model.version}, threshold=threshold,
    )


def _clean_html(html: str | bytes, threshold, include_segments, fmt, links, charset, model, deadline) -> Result:
    if isinstance(html, (bytes, bytearray, memoryview)):
        html = decode_html(bytes(html), charset)
    elif not isinstance(html, str):
        raise TypeError(f"html must be str or bytes, not {type(html).__name__}")
    model = model or default_model("html")
    page, doc = analyse_html(html, keep_links=links and fmt == "markdown")
    _check(deadline, "features")
    scores = model.score(doc)
    _check(deadline, "scoring")
    decision = _decision(model, threshold).decide(scores, [s.text for s in page.segments], doc.terms)
    keep, threshold = decision.keep, decision.cut
    b = page.blocks
    blocks = [
        Block(s.text, markdown_text=b.markdown[i] if links else "", heading_level=b.heading_level[i],
              list_kind=b.list_kind[i], cells=b.cells[i], quote=bool(b.context[i] & _QUOTE),
              pre=bool(b.context[i] & _PRE), group=b.parent_id[i])
        for i, s in enumerate(page.segments)
    ]
    article, spans = render(blocks, list(keep), fmt)
    kinds = _with_repeats(html_kinds(doc.matrix, keep), decision.repeated)
    return Result(
        article=article, lang=doc.lang, title=page.og_title or page.title,
        segments=tuple(_results(page.segments, spans, scores, keep, kinds, b.paths)) if include_segments else (),
        model={"name": model.name, "version": model.version}, warnings=tuple(page.warnings), threshold=threshold,
    )


def _decision(model: SegmentModel, threshold: float | None) -> DecisionRule:
    """The model's own rule, or exactly the cut the caller asked for."""
    return model.decision if threshold is None else DecisionRule(float(threshold))


def _with_repeats(kinds: list[Kind], repeated: np.ndarray) -> list[Kind]:
    """Segments dropped as repeats say so: their own kind would not tell why a sure paragraph went."""
    for i in np.flatnonzero(repeated):
        kinds[i] = Kind.REPEAT
    return kinds


def _results(segments: list[Segment], spans, scores: np.ndarray, keep: np.ndarray, kinds,
             paths: list[str] | None = None) -> list[SegmentResult]:
    return [
        SegmentResult(s.text, a, b, Label.ARTICLE if k else Label.BOILERPLATE, float(p), kind,
                      paths[i] if paths is not None else None)
        for i, (s, (a, b), p, k, kind) in enumerate(zip(segments, spans, scores, keep, kinds))
    ]
