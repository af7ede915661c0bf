"""Stage-one features: the contract (names, shape, finiteness) and what the cues pick up."""
from __future__ import annotations

import numpy as np
import pytest

from classifiers.features import FEATURE_NAMES, featurize

COL = {name: j for j, name in enumerate(FEATURE_NAMES)}


def column(lines: list[str], name: str) -> np.ndarray:
    return featurize(lines, "en").matrix[:, COL[name]]


def test_shape_names_and_finiteness():
    lines = ["Home", "A paragraph of ordinary prose that goes on for a while, as prose does.", "©", "😀 🎉", "x" * 5000]
    doc = featurize(lines, "en")
    assert doc.matrix.shape == (len(lines), len(FEATURE_NAMES))
    assert doc.matrix.dtype == np.float32 and np.isfinite(doc.matrix).all()
    assert len(set(FEATURE_NAMES)) == len(FEATURE_NAMES)


def test_empty_document():
    assert featurize([], "en").matrix.shape == (0, len(FEATURE_NAMES))


def test_fact_lines_count_units_prices_and_scores():
    facts = column(["Power: 195kW", "Price: $41,990", "Riverside United 2 (Okafor 23')", "Engine: 2.0-litre turbo",
                    "The council met on Tuesday to discuss the plan in detail."], "fact_per_word")
    assert (facts[:4] > 0).all() and facts[4] == 0


def test_number_context_does_not_leak_into_the_next_segment():
    # "2021" ends one line; the next line's first word must not make it look like "2021 in".
    assert column(["Published in 2021", "In other news the council met today"], "fact_per_word")[0] == 0
    assert column(["Score 3", "-1 point"], "fact_per_word")[0] == 0


@pytest.mark.parametrize("line,name", [("More on Football:", "teaser_prefix"), ("Read more: The best pies", "teaser_prefix"),
                                       ("Gearbox: eight-speed automatic", "key_value"), ("• First item", "starts_bullet"),
                                       ("© 2024 Example Media", "copyright"), ("Home | News | Sport", "separators")])
def test_cues_fire_on_their_lines(line, name):
    values = column([line, "An ordinary sentence of running text, with nothing special in it at all."], name)
    assert values[0] > 0 and values[1] == 0


def test_stop_word_density_separates_prose_from_titles():
    ratio = column(["Council Approves Budget", "The council said that it would approve the budget in the spring."],
                   "stop_ratio")
    assert ratio[1] > ratio[0]


def test_neighbour_columns_are_shifted_copies():
    doc = featurize(["one two", "three four five six", "seven"], "en").matrix
    np.testing.assert_array_equal(doc[1:, COL["log_words@-1"]], doc[:-1, COL["log_words"]])
    assert doc[0, COL["log_words@-1"]] == -1.0  # outside the document


def test_chinese_and_japanese_are_tokenised_into_characters_and_read_with_their_punctuation():
    from classifiers import textstats

    zh = ["首页 | 新闻 | 体育", "工人们周一停工了，码头上的集装箱堆积如山。工会说，这是十九年来的第一次。"]
    stats = textstats.compute(zh, "zh")
    assert stats.n_words[0] == 6  # each ideograph a word
    assert stats.n_words[1] == sum(ch.isalnum() for ch in zh[1])
    assert stats.n_stop[0] == 0 and stats.n_stop[1] >= 3  # 们 了 的 是 …: prose, not a menu
    assert list(stats.count_sentence_ends()) == [0, 2]  # 。 ends a sentence with no space after it
    assert list(stats.count_commas()) == [0, 2]
    f = featurize(zh, "zh").matrix
    assert f[1, FEATURE_NAMES.index("ends_sentence")] == 1.0 and f[0, FEATURE_NAMES.index("ends_sentence")] == 0.0
    ja = textstats.compute(["港湾労働者のストライキ、三日目に突入"], "ja")
    assert ja.n_stop[0] >= 2  # の に


def test_a_few_chinese_characters_in_an_english_document_leave_its_words_as_they_were():
    from classifiers import textstats

    stats = textstats.compute(["Read this page in 中文 or English.", "Home"], "en")
    assert stats.vocab[:5] == ["read", "this", "page", "in", "中文"]
    assert list(stats.n_words) == [7, 1] and list(stats.count_sentence_ends()) == [1, 0]


def test_a_chinese_pages_title_and_json_ld_body_are_matched_character_by_character():
    import json as _json

    from classifiers.html_features import HTML_FEATURE_NAMES
    from classifiers.pipeline import analyse_html

    title, body = "市立图书馆重新开放", "市立图书馆在经过两年的翻修之后于本周重新开放，读者可以在新的阅览室里安静地读书。"
    ld = _json.dumps({"@type": "NewsArticle", "articleBody": body}, ensure_ascii=False)
    page = (f'<html><head><title>{title}</title><script type="application/ld+json">{ld}</script></head>'
            f"<body><nav>首页 新闻 体育</nav><h1>{title}</h1><p>{body}</p><footer>版权所有</footer></body></html>")
    _, doc = analyse_html(page)
    assert doc.lang == "zh"
    column = {name: len(FEATURE_NAMES) + i for i, name in enumerate(HTML_FEATURE_NAMES)}
    title_overlap, body_share = doc.matrix[:, column["title_overlap"]], doc.matrix[:, column["body_share"]]
    assert title_overlap[1] == 1.0 and body_share[2] == 1.0  # the <h1> is the title; the <p> is the body
    assert body_share[0] < 0.5 and title_overlap[3] < 0.5  # the menu and the footer are neither
