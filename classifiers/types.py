"""The records that flow through the pipeline: input → segments → decisions → result."""
from __future__ import annotations

import enum
from dataclasses import dataclass, field
from typing import Any


class Label(str, enum.Enum):
    ARTICLE = "article"
    BOILERPLATE = "boilerplate"


class Kind(str, enum.Enum):
    """What a segment looks like; descriptive, it does not decide the label."""

    HEADING = "heading"
    PARAGRAPH = "paragraph"
    LIST_ITEM = "list-item"
    NAVIGATION = "navigation"
    TEASER = "teaser"
    FACT_BOX = "fact-box"
    FOOTER = "footer"
    COMMENT = "comment"
    CAPTION = "caption"
    REPEAT = "repeat"  # scored as article, dropped as a repeat of text kept earlier (`decision.repeated_runs`)
    OTHER = "other"


@dataclass(frozen=True, slots=True)
class Segment:
    """One unit of the input that is kept or dropped whole.

    `text` is the normalised text (whitespace collapsed, invisible characters
    removed, and a text browser's "[12]" link marks dropped); `start`/`end` are
    character offsets into the original input, so `input[start:end]` is the raw
    span the segment came from.
    """

    text: str
    start: int
    end: int
    n_lines: int = 1  # input lines joined into this segment (hard-wrapped paragraphs)


@dataclass(frozen=True, slots=True)
class SegmentResult:
    text: str
    start: int
    end: int
    label: Label
    score: float  # calibrated probability that the segment belongs to the article
    kind: Kind
    path: str | None = None  # HTML input: a short CSS-like path of the element the text came from

    def to_dict(self) -> dict[str, Any]:
        # `_value_` rather than `.value`: the latter is a descriptor call that costs as much as the rest
        # of this dict, and a 10 KB document's answer builds ~50 of them.
        out = {
            "text": self.text,
            "start": self.start,
            "end": self.end,
            "label": self.label._value_,
            "score": round(self.score, 4),
            "kind": self.kind._value_,
        }
        if self.path is not None:
            out["path"] = self.path
        return out


@dataclass(frozen=True, slots=True)
class Result:
    """The article and every segment.

    Text input: segment offsets index the input text. HTML input: they index
    `article` (the span the segment's text occupies in it; an empty span at the
    place it would have been for a dropped segment), and `path` locates the
    element in the page.
    """

    article: str
    lang: str
    segments: tuple[SegmentResult, ...] = field(default_factory=tuple)
    model: dict[str, str] = field(default_factory=dict)
    title: str | None = None  # HTML input: the page title (og:title, else <title>)
    warnings: tuple[str, ...] = ()
    threshold: float | None = None  # the cut the labels were set with: the one asked for, else the model's for this document

    def to_dict(self, include_segments: bool = True) -> dict[str, Any]:
        out: dict[str, Any] = {"article": self.article, "lang": self.lang}
        if self.title is not None:
            out["title"] = self.title
        if self.warnings:
            out["warnings"] = list(self.warnings)
        if include_segments:
            out["segments"] = [s.to_dict() for s in self.segments]
        out["model"] = dict(self.model)
        if self.threshold is not None:
            out["threshold"] = self.threshold
        return out
