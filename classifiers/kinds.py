"""What each segment looks like (heading, paragraph, teaser, fact box…), from its features.

Kinds describe; they never change a label. Boilerplate gets the kind of block
it most resembles so users can see *why* something was dropped.
"""
from __future__ import annotations

import numpy as np

from .features import FEATURE_NAMES
from .types import Kind

_COL = {name: j for j, name in enumerate(FEATURE_NAMES)}


def assign_kinds(matrix: np.ndarray, is_article: np.ndarray) -> list[Kind]:
    def col(name: str) -> np.ndarray:
        return matrix[:, _COL[name]]

    words = np.rint(np.expm1(col("log_words")))  # float32 log1p round trip: 12 came back as 11.99999
    short = words < 12
    sentence = col("ends_sentence") > 0
    bullet = col("starts_bullet") > 0
    teaser = (col("teaser_prefix") > 0) | ((col("since_teaser") <= 4) & short & ~sentence)
    footer = (col("copyright") > 0) | (col("footer_ratio") >= 0.3)
    facts = short & ((col("key_value") > 0) | (col("fact_per_word") >= 0.2) | (col("run_fact_per_word") >= 0.25))
    navigation = short & ((col("ui_ratio") >= 0.3) | (col("separators") > 0) | (col("log_duplicates") > 0) | (words <= 3))
    heading = (words <= 15) & ~sentence & ~bullet
    paragraph = (words >= 8) | sentence
    boiler = ~is_article
    conditions = [
        boiler & teaser, boiler & footer, boiler & facts, boiler & navigation,
        bullet, heading, paragraph,
    ]
    choices = [Kind.TEASER, Kind.FOOTER, Kind.FACT_BOX, Kind.NAVIGATION, Kind.LIST_ITEM, Kind.HEADING, Kind.PARAGRAPH]
    index = np.select(conditions, list(range(len(choices))), default=len(choices))
    table = choices + [Kind.OTHER]
    return [table[i] for i in index]



def html_kinds(matrix: np.ndarray, is_article: np.ndarray) -> list[Kind]:
    """Kinds of HTML segments: the text kinds, refined by where the element sits in the page."""
    from .html_features import HTML_FEATURE_NAMES  # the HTML columns follow the text columns

    base = len(FEATURE_NAMES)
    col = {name: base + j for j, name in enumerate(HTML_FEATURE_NAMES)}

    def flag(name: str) -> np.ndarray:
        return matrix[:, col[name]] > 0.5

    kinds = assign_kinds(matrix[:, :base], is_article)
    boiler = ~is_article
    link_heavy = matrix[:, col["link_density"]] >= 0.5
    overrides = [
        (flag("tag_heading"), Kind.HEADING),
        (flag("tag_li") & is_article, Kind.LIST_ITEM),
        (flag("tag_caption") | flag("in_figcaption"), Kind.CAPTION),
        (boiler & flag("attr_comment"), Kind.COMMENT),
        (boiler & flag("in_footer"), Kind.FOOTER),
        (boiler & (flag("in_nav") | flag("in_header") & link_heavy), Kind.NAVIGATION),
        (boiler & flag("in_aside") & link_heavy, Kind.TEASER),
    ]
    out = list(kinds)
    for mask, kind in overrides:
        for i in np.flatnonzero(mask):
            out[i] = kind
    return out
