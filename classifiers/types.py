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
    OTHER = "other"


@dataclass(frozen=True, slots=True)
class Segment:
    """One unit of the input that is kept or dropped whole.

    `text` is the normalised text (whitespace collapsed, invisible characters
    removed); `start`/`end` are character offsets into the original input, so
    `input[start:end]` is the raw span the segment came from.
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

    def to_dict(self) -> dict[str, Any]:
        return {
            "text": self.text,
            "start": self.start,
            "end": self.end,
            "label": self.label.value,
            "score": round(self.score, 4),
            "kind": self.kind.value,
        }


@dataclass(frozen=True, slots=True)
class Result:
    article: str
    lang: str
    segments: tuple[SegmentResult, ...] = field(default_factory=tuple)
    model: dict[str, str] = field(default_factory=dict)

    def to_dict(self, include_segments: bool = True) -> dict[str, Any]:
        out: dict[str, Any] = {"article": self.article, "lang": self.lang}
        if include_segments:
            out["segments"] = [s.to_dict() for s in self.segments]
        out["model"] = dict(self.model)
        return out
