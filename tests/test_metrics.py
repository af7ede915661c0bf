"""Tests for classifiers.training.metrics: bag-of-words F1 and 4-gram shingle F1."""
from __future__ import annotations

import pytest

from classifiers.training.metrics import prf, shingle_f1, tokens, word_f1

ARTICLE = "The council approved the new budget on Tuesday after a long debate about school funding."


def test_identical_texts_score_one():
    assert word_f1(ARTICLE, ARTICLE) == 1.0
    assert shingle_f1(ARTICLE, ARTICLE) == 1.0


def test_disjoint_texts_score_zero():
    other = "Football results: United two, Rovers one."
    assert word_f1(other, ARTICLE) == 0.0
    assert shingle_f1(other, ARTICLE) == 0.0


def test_empty_prediction_or_gold_scores_zero():
    assert word_f1("", ARTICLE) == 0.0
    assert word_f1(ARTICLE, "") == 0.0
    assert shingle_f1("", ARTICLE) == 0.0


def test_partial_overlap_by_hand():
    # pred tokens: a b c d x (5); gold tokens: a b c y (4); overlap a, b, c = 3.
    # precision 3/5, recall 3/4, F1 = 2·(3/5)(3/4) / (3/5 + 3/4) = 2/3.
    assert word_f1("a b c d x", "a b c y") == pytest.approx(2 / 3)


def test_repeated_words_count_as_a_multiset():
    # pred: the×3 cat (4); gold: the cat (2); overlap min(3,1)+1 = 2 → P = 1/2, R = 1, F1 = 2/3.
    assert word_f1("the the the cat", "the cat") == pytest.approx(2 / 3)


def test_punctuation_and_underscores_are_not_tokens():
    assert tokens("Hello, world! -- snake_case 42") == ["hello", "world", "snake", "case", "42"]


def test_case_and_nfkc_insensitive():
    assert word_f1("THE COUNCIL Approved", "the council approved") == 1.0
    # Full-width letters and digits, and the "fi" ligature, fold to their plain forms.
    assert tokens("ＡＢＣ １２３ ﬁnal") == ["abc", "123", "final"]
    assert word_f1("ＡＢＣ ﬁnal", "abc final") == 1.0
    assert shingle_f1("ＴＨＥ Ｃouncil approved the budget", "the council approved the budget") == 1.0


@pytest.mark.parametrize(
    "text, expected",
    [
        ("北京欢迎你", ["北", "京", "欢", "迎", "你"]),
        ("東京タワー", ["東", "京", "タ", "ワ", "ー"]),
        ("ภาษาไทย", list("ภาษาไทย")),
        ("Tokyo東京2024", ["tokyo", "東", "京", "2024"]),
    ],
)
def test_cjk_and_thai_characters_are_one_token_each(text, expected):
    assert tokens(text) == expected


def test_cjk_partial_overlap_counts_characters():
    # pred 北京欢迎你 (5 chars), gold 北京 (2): P = 2/5, R = 1, F1 = 4/7.
    assert word_f1("北京欢迎你", "北京") == pytest.approx(4 / 7)


def test_shingle_f1_of_short_texts_uses_the_whole_token_sequence():
    assert shingle_f1("Breaking news", "breaking news") == 1.0
    assert shingle_f1("news breaking", "breaking news") == 0.0
    assert shingle_f1("one", "one") == 1.0
    # A short text is one shingle; it does not match the 4-grams of a longer text.
    assert shingle_f1("a b c", "a b c d") == 0.0


def test_word_order_matters_only_for_shingles():
    reordered = "about school funding the council approved the new budget on Tuesday after a long debate"
    assert word_f1(reordered, ARTICLE) == 1.0
    assert shingle_f1(reordered, ARTICLE) < 1.0
    assert shingle_f1(reordered, ARTICLE) > 0.0  # long runs survive the move


def test_shingle_f1_by_hand():
    # pred a b c d e → 4-grams abcd, bcde; gold a b c d f → abcd, bcdf: overlap 1 → P = R = F1 = 1/2.
    assert shingle_f1("a b c d e", "a b c d f") == pytest.approx(0.5)


def test_prf():
    assert prf(3, 1, 2) == pytest.approx({"precision": 0.75, "recall": 0.6, "f1": 2 * 0.75 * 0.6 / 1.35})
    assert prf(0, 0, 0) == {"precision": 0.0, "recall": 0.0, "f1": 0.0}
