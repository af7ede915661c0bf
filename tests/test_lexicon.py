"""Learned word weights: fitted across sites, applied per segment."""
from __future__ import annotations

import numpy as np

from classifiers.features import featurize
from classifiers.lexicon import LEXICAL_FEATURE_NAMES, MIN_DOMAINS, Lexicon, fit_lexicon


def _doc(lines: list[str]):
    return featurize(lines, "en")


def test_weights_follow_labels_and_need_many_sites():
    lines = ["Share this story on social media", "The harbour reopened after the storm damage was repaired"]
    labels = np.array([0, 1], dtype=np.int8)
    many = [(_doc(lines), labels, f"site{i}.example") for i in range(MIN_DOMAINS)]
    lexicon = fit_lexicon(many)
    weight = dict(zip(lexicon.words, lexicon.weights))
    assert weight["share"] < 0 < weight["harbour"]
    few = fit_lexicon(many[: MIN_DOMAINS - 1])
    assert "share" not in few.words  # seen on too few sites to generalise


def test_segment_features_min_max_mean_first():
    lexicon = Lexicon(("good", "fine", "bad", "awful"), np.array([1.0, 2.0, -1.0, -3.0], dtype=np.float32))
    doc = _doc(["good fine", "bad awful", "unknown words only", "bad and good"])
    lex = lexicon.features(doc)
    col = {name: j for j, name in enumerate(LEXICAL_FEATURE_NAMES)}
    np.testing.assert_allclose(lex[0, [col["lex_min"], col["lex_max"], col["lex_mean"], col["lex_first"]]], [1, 2, 1.5, 1])
    np.testing.assert_allclose(lex[1, [col["lex_min"], col["lex_max"], col["lex_mean"], col["lex_first"]]], [-3, -1, -2, -1])
    np.testing.assert_allclose(lex[2], 0.0)  # nothing known: neutral
    assert lex[3, col["lex_known_share"]] == np.float32(2 / 3)


def test_round_trip_through_arrays():
    lexicon = Lexicon(("a", "b"), np.array([0.5, -0.5], dtype=np.float32))
    again = Lexicon.from_arrays(lexicon.to_arrays())
    assert again.words == lexicon.words and np.array_equal(again.weights, lexicon.weights)


def test_an_empty_lexicon_gives_neutral_features():
    # Fitting on too few sites leaves no word: every segment is "nothing known", not an IndexError.
    empty = fit_lexicon([(_doc(["one line", "another line"]), np.array([0, 1], dtype=np.int8), "site.example")])
    assert empty.words == ()
    lex = empty.features(_doc(["some words here", "and more"]))
    assert lex.shape == (2, len(LEXICAL_FEATURE_NAMES)) and not lex.any()
