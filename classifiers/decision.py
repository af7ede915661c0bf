"""Scores → labels: the cut a document's segments are kept at.

Every page the extractor is given has some main content, yet on some pages the
model is unsure of all of it (a short product description, a page of a kind it
rarely saw). A fixed cut then returns nothing, or only fragments. So a model may
carry a *relative* cut: a document's segments are kept from the model's threshold
or from `relative` × the document's best score, whichever is lower, and never from
below `floor`. (With the shipped text model, threshold 0.5 and relative 0.5, that
is half the best score on nearly every document.) A page whose best score stays
under the floor comes back empty.

A threshold the caller asks for is used as it is: an explicit cut means exactly
that cut.
"""
from __future__ import annotations

from dataclasses import dataclass

import numpy as np


@dataclass(frozen=True)
class DecisionRule:
    threshold: float  # the cut on the calibrated probability of article
    relative: float = 0.0  # 0: a fixed cut; else the cut falls to relative × the document's best score
    floor: float = 0.0  # the relative cut never goes below this

    def cut(self, scores: np.ndarray) -> float:
        """The threshold this document's segments are kept at."""
        if self.relative <= 0.0 or len(scores) == 0:
            return self.threshold
        return max(self.floor, min(self.threshold, self.relative * float(scores.max())))

    def keep(self, scores: np.ndarray) -> tuple[np.ndarray, float]:
        """Which segments are kept, and the cut they were kept at."""
        cut = self.cut(scores)
        return scores >= cut, cut
