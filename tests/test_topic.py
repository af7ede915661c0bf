"""Tests for classifiers.topic: the similarity tricks against explicit dense computations."""
from __future__ import annotations

import numpy as np
import pytest

from classifiers import textstats, topic


def random_terms(n: int, vocab: int = 12, seed: int = 0, density: float = 0.3, empty_rows=(1,)) -> topic.TermMatrix:
    """n × vocab term matrix with L2-normalised rows; rows in `empty_rows` have no terms."""
    return topic.TermMatrix.from_dense(random_dense(n, vocab, seed, density, empty_rows))


def random_dense(n: int, vocab: int = 12, seed: int = 0, density: float = 0.3, empty_rows=(1,)) -> np.ndarray:
    rng = np.random.default_rng(seed)
    dense = rng.random((n, vocab)) * (rng.random((n, vocab)) < density)
    for i in range(n):
        if i in empty_rows:
            dense[i] = 0.0
        elif not dense[i].any():
            dense[i, rng.integers(vocab)] = 1.0
    norms = np.linalg.norm(dense, axis=1, keepdims=True)
    dense = np.divide(dense, norms, out=np.zeros_like(dense), where=norms > 0)
    return dense


def cosine(a: np.ndarray, b: np.ndarray) -> float:
    na, nb = np.linalg.norm(a), np.linalg.norm(b)
    return float(a @ b / (na * nb)) if na > 1e-9 and nb > 1e-9 else 0.0


# --- centroid_similarity -------------------------------------------------------------------------


@pytest.mark.parametrize("seed", range(6))
@pytest.mark.parametrize("n", [2, 3, 8, 25])
def test_centroid_similarity_is_leave_one_out_cosine(seed, n):
    terms = random_terms(n, seed=seed)
    weights = np.random.default_rng(seed + 1).random(n) * 20
    dense = terms.toarray()
    expected = []
    for i in range(n):
        others = sum(weights[j] * dense[j] for j in range(n) if j != i)
        expected.append(cosine(dense[i], others))
    out = topic.centroid_similarity(terms, weights)
    # When the rest of the document has no terms, the closed form divides two round-off residues
    # (floored at 1e-12); the result is ~1e-9 instead of 0, harmless for a cosine feature.
    np.testing.assert_allclose(out, expected, atol=1e-6)
    assert out[1] == 0.0  # the row without terms


def test_centroid_similarity_ignores_the_rows_own_weight():
    # Two rows sharing nothing: without leave-one-out each would look similar to itself.
    terms = topic.TermMatrix.from_dense(np.array([[1.0, 0.0], [0.0, 1.0]]))
    np.testing.assert_allclose(topic.centroid_similarity(terms, np.array([100.0, 1.0])), [0.0, 0.0], atol=1e-9)


def test_centroid_similarity_zero_weight_rows_do_not_contribute():
    terms = topic.TermMatrix.from_dense(np.array([[1.0, 0.0], [1.0, 0.0], [0.0, 1.0]]))
    out = topic.centroid_similarity(terms, np.array([1.0, 0.0, 1.0]))
    # Row 0's rest is {row 2} (row 1 weighs nothing); row 1's rest is rows 0 and 2.
    np.testing.assert_allclose(out, [0.0, 1 / np.sqrt(2), 0.0], atol=1e-9)


def test_centroid_similarity_empty_and_single_row():
    assert topic.centroid_similarity(topic.TermMatrix.from_dense(np.zeros((0, 5))), np.zeros(0)).shape == (0,)
    single = topic.TermMatrix.from_dense(np.array([[0.6, 0.8]]))
    np.testing.assert_allclose(topic.centroid_similarity(single, np.array([50.0])), [0.0], atol=1e-6)


# --- support_share -------------------------------------------------------------------------------


@pytest.mark.parametrize("seed", range(6))
@pytest.mark.parametrize("n", [1, 2, 3, 8, 25])
def test_support_share_matches_loop(seed, n):
    terms = random_terms(n, seed=seed, empty_rows=(1,) if n > 1 else ())
    weights = np.random.default_rng(seed + 2).random(n) * 5
    weights[0] = 0.0  # a weightless row supports nothing
    dense = terms.toarray() > 0
    expected = []
    for i in range(n):
        own = np.flatnonzero(dense[i])
        if len(own) == 0:
            expected.append(0.0)
            continue
        supported = [t for t in own if sum(weights[j] for j in range(n) if j != i and dense[j, t]) > 1e-9]
        expected.append(len(supported) / len(own))
    np.testing.assert_allclose(topic.support_share(terms, weights), expected, atol=1e-12)


def test_support_share_by_hand():
    terms = topic.TermMatrix.from_dense(np.array([[1, 1, 0, 0], [0, 1, 1, 0], [0, 0, 0, 1]], dtype=float))
    # Row 0: term 1 also in row 1 → 1/2.  Row 1: term 1 in row 0 → 1/2.  Row 2: alone → 0.
    np.testing.assert_allclose(topic.support_share(terms, np.ones(3)), [0.5, 0.5, 0.0])
    assert topic.support_share(topic.TermMatrix.from_dense(np.zeros((0, 4))), np.zeros(0)).shape == (0,)


# --- neighbour_similarity ------------------------------------------------------------------------


def neighbour_loop(dense: np.ndarray, window: int) -> tuple[list[float], list[float]]:
    n = len(dense)
    before, after = [], []
    for i in range(n):
        prev = sum((dense[j] for j in range(max(0, i - window), i)), np.zeros(dense.shape[1]))
        nxt = sum((dense[j] for j in range(i + 1, min(n, i + window + 1))), np.zeros(dense.shape[1]))
        before.append(cosine(dense[i], prev))
        after.append(cosine(dense[i], nxt))
    return before, after


@pytest.mark.parametrize("n", [0, 1, 2, 3, 5, 30])
@pytest.mark.parametrize("window", [1, 2, 3, 4])
@pytest.mark.parametrize("seed", range(3))
def test_neighbour_similarity_matches_dense_loop(n, window, seed):
    terms = random_terms(n, vocab=8, seed=seed, density=0.4, empty_rows=(1, 4))
    before, after = topic.neighbour_similarity(terms, window)
    expected_before, expected_after = neighbour_loop(terms.toarray(), window)
    assert before.shape == after.shape == (n,)
    np.testing.assert_allclose(before, expected_before, atol=1e-9)
    np.testing.assert_allclose(after, expected_after, atol=1e-9)


def test_neighbour_similarity_first_and_last_rows_have_no_outside_neighbours():
    terms = random_terms(5, seed=3, empty_rows=())
    before, after = topic.neighbour_similarity(terms, 2)
    assert before[0] == 0.0 and after[-1] == 0.0
    # …while an identical neighbour is a perfect match.
    row = random_dense(5, seed=3, empty_rows=())[2]
    twin = topic.TermMatrix.from_dense(np.vstack([row, row]))
    b, a = topic.neighbour_similarity(twin, 2)
    np.testing.assert_allclose([b[1], a[0]], [1.0, 1.0])


# --- semantic: a leaked football box in a port-strike story ---------------------------------------

PORT_STRIKE = [
    "Dockworkers at the container port walked off the job on Monday, halting cargo traffic as the strike over wages began.",
    "The union representing the dockworkers said the strike would continue until port operators agreed to a new wage deal.",
    "Container ships queued outside the harbour while cranes stood idle along the quay during the port strike.",
    "Port operators warned that the strike could delay cargo deliveries to supermarkets and factories across the region.",
    "Union leaders accused the operators of refusing to negotiate on wages, overtime and safety at the container terminals.",
    "Shipping companies began diverting container vessels to other harbours as the dockworkers' strike dragged on.",
]
FOOTBALL = [
    "United beat Rovers three to one in Saturday's league match, with two late goals from their captain.",
    "The goalkeeper saved a penalty before halftime, and the home fans cheered the comeback victory.",
]


def test_leaked_football_lines_are_less_central_than_every_story_line():
    texts = PORT_STRIKE[:3] + FOOTBALL + PORT_STRIKE[3:]  # the box sits in the middle of the story
    stats = textstats.compute(texts, "en")
    sim = topic.centroid_similarity(stats.terms, stats.n_words)
    story = np.array([sim[i] for i, t in enumerate(texts) if t in PORT_STRIKE])
    football = np.array([sim[i] for i, t in enumerate(texts) if t in FOOTBALL])
    assert len(story) == 6 and len(football) == 2
    assert football.max() < story.min(), (football, story)
    # Support share tells the same story: football words appear nowhere else in the document.
    share = topic.support_share(stats.terms, stats.n_words)
    assert max(share[3], share[4]) < min(share[i] for i in (0, 1, 2, 5, 6, 7))


# --- blocks -----------------------------------------------------------------------------------------

def _blocks(n: int, seed: int) -> np.ndarray:
    rng = np.random.default_rng(seed)
    return np.cumsum(np.concatenate(([0], rng.random(n - 1) < 0.4))).astype(np.int64) if n else np.zeros(0, np.int64)


@pytest.mark.parametrize("n,seed", [(1, 0), (2, 1), (6, 2), (25, 3)])
def test_block_similarity_matches_dense(n, seed):
    dense = random_dense(n, seed=seed, empty_rows=(1,))
    weights = np.random.default_rng(seed).random(n) * 5
    blocks = _blocks(n, seed)
    got = topic.block_similarity(topic.TermMatrix.from_dense(dense), weights, blocks)
    for i in range(n):
        inside = blocks == blocks[i]
        block = dense[inside].sum(axis=0)
        outside = (weights[~inside, None] * dense[~inside]).sum(axis=0)
        assert got[i] == pytest.approx(cosine(block, outside), abs=1e-9)


@pytest.mark.parametrize("n,seed", [(1, 0), (3, 1), (8, 2), (30, 3)])
def test_block_context_similarity_matches_dense(n, seed):
    dense = random_dense(n, seed=seed, empty_rows=(2,))
    blocks = _blocks(n, seed)
    bridge, context = topic.block_context_similarity(topic.TermMatrix.from_dense(dense), blocks, window=3)
    for i in range(n):
        rows = np.flatnonzero(blocks == blocks[i])
        before = dense[max(rows[0] - 3, 0) : rows[0]].sum(axis=0)
        after = dense[rows[-1] + 1 : rows[-1] + 4].sum(axis=0)
        assert bridge[i] == pytest.approx(cosine(before, after), abs=1e-9)
        assert context[i] == pytest.approx(cosine(dense[rows].sum(axis=0), before + after), abs=1e-9)


def test_an_inserted_block_does_not_bridge_while_the_story_flows_over_it():
    texts = PORT_STRIKE[:3] + FOOTBALL + PORT_STRIKE[3:]
    stats = textstats.compute(texts, "en")
    blocks = np.array([0, 1, 2, 3, 3, 4, 5, 6])  # the two football lines form one block
    bridge, context = topic.block_context_similarity(stats.terms, blocks)
    assert bridge[3] > context[3]  # the story before and after the box is more alike than the box is to either


@pytest.mark.parametrize("n,seed", [(1, 0), (3, 1), (8, 2), (30, 3)])
def test_block_support_share_matches_a_loop(n, seed):
    dense = random_dense(n, seed=seed, empty_rows=(2,))
    weights = np.random.default_rng(seed).random(n) * 5 * (np.arange(n) % 3 != 0)  # some rows weigh nothing
    blocks = _blocks(n, seed)
    got = topic.block_support_share(topic.TermMatrix.from_dense(dense), weights, blocks)
    for i in range(n):
        inside = blocks == blocks[i]
        outside_mass = (weights[~inside, None] * (dense[~inside] != 0)).sum(axis=0)
        pairs = [(r, c) for r in np.flatnonzero(inside) for c in np.flatnonzero(dense[r])]
        want = np.mean([outside_mass[c] > 0 for _, c in pairs]) if pairs else -1.0
        assert got[i] == pytest.approx(want, abs=1e-9)


def test_a_leaked_box_is_unsupported_while_the_storys_own_list_is_supported():
    own_list = ["• Dockworkers' wage deal", "• Container port strike ballot"]
    texts = PORT_STRIKE[:3] + FOOTBALL + PORT_STRIKE[3:5] + own_list + PORT_STRIKE[5:]
    stats = textstats.compute(texts, "en")
    blocks = np.array([0, 1, 2, 3, 3, 4, 5, 6, 6, 7])
    share = topic.block_support_share(stats.terms, stats.n_words * 1.0, blocks)
    assert share[3] == share[4] < 0.2
    assert share[7] == share[8] > 0.5
