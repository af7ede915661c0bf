"""Tests for line → segment label mapping (training.data) and domain folds (training.fit)."""
from __future__ import annotations

import random
import textwrap

import numpy as np
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from classifiers.segment_text import segment_text
from classifiers.training.data import LabeledDoc, domain_of, line_offsets, segment_labels, segment_line_index
from classifiers.training.fit import assign_folds

PROSE = (
    "The regional rail operator announced that night trains between the two cities will resume in "
    "October, after a pause of almost three years caused by track renovations and a shortage of "
    "sleeper carriages. Tickets go on sale next month, and the company expects the first departures "
    "to be fully booked within days."
)


def make_doc(text: str, labels: list[int]) -> LabeledDoc:
    assert len(labels) == len(text.split("\n")), "one label per line of text.split('\\n')"
    return LabeledDoc(id="d1", dataset="text-blocks", page_type="article", domain="example.org", text=text,
                      line_labels=np.asarray(labels, dtype=np.int8), article="", ceiling_f1=1.0)


def offsets(text: str) -> tuple[np.ndarray, np.ndarray]:
    segs = segment_text(text)
    return np.array([s.start for s in segs], np.int64), np.array([s.end for s in segs], np.int64)


def labels_of(text: str, labels: list[int]) -> list[int]:
    return segment_labels(make_doc(text, labels), *offsets(text)).tolist()


# --- segment_line_index ----------------------------------------------------------------------------


def test_line_offsets():
    np.testing.assert_array_equal(line_offsets("ab\n\ncde\n"), [0, 3, 4, 8])


def test_each_line_maps_to_its_segment_and_blank_lines_to_none():
    text = "Menu\n\nFirst paragraph here.\nSecond one.\n\n"
    seg_of_line, starts = segment_line_index(text, *offsets(text))
    np.testing.assert_array_equal(seg_of_line, [0, -1, 1, 2, -1, -1])
    np.testing.assert_array_equal(starts, line_offsets(text))


def test_lines_of_a_joined_paragraph_map_to_one_segment():
    wrapped = [textwrap.fill(PROSE, width=60)] * 3
    text = "Home\n\n" + "\n\n".join(wrapped)
    seg_of_line, _ = segment_line_index(text, *offsets(text))
    n_wrapped = wrapped[0].count("\n") + 1
    expected = [0, -1] + [1] * n_wrapped + [-1] + [2] * n_wrapped + [-1] + [3] * n_wrapped
    np.testing.assert_array_equal(seg_of_line, expected)


def test_no_segments_means_no_line_has_a_segment():
    seg_of_line, starts = segment_line_index("a\nb\n", np.zeros(0, np.int64), np.zeros(0, np.int64))
    np.testing.assert_array_equal(seg_of_line, [-1, -1, -1])
    assert len(starts) == 3


def test_line_after_a_segment_end_is_not_inside_it():
    # A segment covering only line 0 must not claim line 1, which starts after its end.
    seg_of_line, _ = segment_line_index("abc\ndef", np.array([0]), np.array([3]))
    np.testing.assert_array_equal(seg_of_line, [0, -1])


# --- segment_labels ----------------------------------------------------------------------------


def test_labels_follow_the_lines():
    text = "Home\nNews\n\n" + PROSE + "\nShare this\n" + PROSE.upper() + "\nContact us"
    assert labels_of(text, [0, 0, 0, 1, 0, 1, 0]) == [0, 0, 1, 0, 1, 0]


def test_joined_segment_takes_the_character_weighted_majority():
    lines = textwrap.wrap(PROSE, width=60)
    many = "\n\n".join(["\n".join(lines)] * 3)
    n = len(lines)
    # Paragraph 1: all lines article but the last (short) line → article.
    # Paragraph 2: only the last short line is article → boilerplate.
    # Paragraph 3: first line boilerplate, rest article → article.
    labels = ([1] * (n - 1) + [0]) + [0] + ([0] * (n - 1) + [1]) + [0] + ([0] + [1] * (n - 1))
    assert labels_of(many, labels) == [1, 0, 1]


def test_exact_tie_is_boilerplate():
    # Two wrapped lines of equal length, one article and one boilerplate: 2·pos > total fails.
    text, (start, end) = "abcd\nefgh", (0, 9)
    doc = make_doc(text, [1, 0])
    assert segment_labels(doc, np.array([start]), np.array([end])).tolist() == [0]


def test_empty_text_and_short_label_arrays():
    assert segment_labels(make_doc("", [0]), *offsets("")).tolist() == []
    # Fewer labels than lines: the missing lines count as boilerplate rather than crashing.
    doc = LabeledDoc("d", "text-blocks", "article", "x", "one\ntwo", np.array([1], np.int8), "", 1.0)
    assert segment_labels(doc, *offsets("one\ntwo")).tolist() == [1, 0]


@pytest.mark.parametrize("lead", ["  ", "\t", "\u00a0", "\ufeff"])
def test_indented_article_line_keeps_its_label(lead):
    text = "Menu\n" + lead + PROSE + "\nFooter"
    assert labels_of(text, [0, 1, 0]) == [0, 1, 0]


@pytest.mark.parametrize("sep", ["\r", "\u2028", "\x0c"])
def test_segments_split_inside_one_labelled_line_inherit_its_label(sep):
    text = "Menu\nFirst part of the article." + sep + "Second part of the article.\nFooter"
    assert labels_of(text, [0, 1, 0]) == [0, 1, 1, 0]


def test_crlf_lines_keep_their_labels():
    # "\r\n" is one break for both sides: split("\n") leaves the "\r" at the line end, which is fine.
    text = "Menu\r\n" + PROSE + "\r\nFooter"
    assert labels_of(text, [0, 1, 0]) == [0, 1, 0]


def test_domain_of():
    assert domain_of("https://www.Example.org/path?q=1", "fb") == "example.org"
    assert domain_of("", "fallback-id") == "fallback-id"
    assert domain_of("not a url", "fb") == "fb"


# --- assign_folds ------------------------------------------------------------------------------


def domain_list(counts: dict[str, int], seed: int) -> list[str]:
    domains = [d for d, c in counts.items() for _ in range(c)]
    random.Random(seed).shuffle(domains)
    return domains


def fold_sizes(domains: list[str], folds: dict[str, int], k: int) -> list[int]:
    sizes = [0] * k
    for d in domains:
        sizes[folds[d]] += 1
    return sizes


_counts = st.dictionaries(st.text("abcdefgh.", min_size=1, max_size=8), st.integers(1, 40), min_size=1, max_size=40)


@settings(max_examples=200, deadline=None)
@given(_counts, st.integers(1, 7), st.integers(0, 10**6))
def test_folds_are_complete_deterministic_and_balanced(counts, k, seed):
    domains = domain_list(counts, seed)
    folds = assign_folds(domains, k)
    # Every domain in exactly one fold, and only real folds are used.
    assert set(folds) == set(counts)
    assert all(0 <= f < k for f in folds.values())
    # Deterministic: independent of document order and of repeated calls.
    assert assign_folds(domain_list(counts, seed + 1), k) == folds
    assert assign_folds(domains, k) == folds
    # Balanced: fold sizes differ by at most the size of the largest domain.
    sizes = fold_sizes(domains, folds, k)
    assert sum(sizes) == len(domains)
    assert max(sizes) - min(sizes) <= max(counts.values())


def test_folds_by_hand():
    # Greedy largest-first into the smallest fold: 5 → f0, 4 → f1, 3 → f2, then 2 → f2 (size 3 is smallest).
    domains = ["a"] * 5 + ["b"] * 4 + ["c"] * 3 + ["d"] * 2
    folds = assign_folds(domains, 3)
    assert (folds["a"], folds["b"], folds["c"], folds["d"]) == (0, 1, 2, 2)
    assert fold_sizes(domains, folds, 3) == [5, 4, 5]


def test_more_folds_than_domains_leaves_folds_empty():
    folds = assign_folds(["x.org", "y.org", "y.org"], 5)
    assert sorted(folds.values()) == [0, 1]
    assert folds["y.org"] == 0  # the bigger domain goes first


def test_many_equal_domains_spread_evenly():
    domains = [f"site{i}.com" for i in range(100)]
    sizes = fold_sizes(domains, assign_folds(domains, 5), 5)
    assert sizes == [20] * 5
