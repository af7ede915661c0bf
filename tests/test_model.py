"""Tests for classifiers.model: save/load round trip and every refusal of a bad artifact."""
from __future__ import annotations

import dataclasses
import json
import pathlib
import zipfile

import numpy as np
import pytest

from classifiers import model as model_mod
from classifiers.decision import DecisionRule
from classifiers.extracted import EXTRACTED_WEIGHT, GATE_FEATURE_NAMES, MIN_SEGMENTS, gate_features
from classifiers.features import featurize
from classifiers.lexicon import Lexicon
from classifiers.model import STAGE1_FEATURE_NAMES as FEATURE_NAMES
from classifiers.model import Calibration, ModelError, SegmentModel
from classifiers.sequence import SEQUENCE_FEATURE_NAMES
from classifiers.trees import TreeEnsemble

N1 = len(FEATURE_NAMES)
N2 = N1 + len(SEQUENCE_FEATURE_NAMES)

TEXTS = [
    "Home",
    "News",
    "The harbour authority confirmed on Friday that the new ferry terminal will open in the spring.",
    "Construction crews finished the passenger hall and the car ramps ahead of schedule, officials said.",
    "Share this article",
    "© 2024 Example Media. All rights reserved.",
]


def stump_trees(splits: list[tuple[int, float, float, float]], baseline: float) -> TreeEnsemble:
    """Depth-one trees from (feature, threshold, left value, right value)."""
    return TreeEnsemble(
        feature=np.array([[f] for f, _, _, _ in splits], np.int32),
        threshold=np.array([[t] for _, t, _, _ in splits], np.float64),
        leaf_value=np.array([[lo, hi] for _, _, lo, hi in splits], np.float64),
        baseline=baseline,
    )


def tiny_model() -> SegmentModel:
    log_words = FEATURE_NAMES.index("log_words")
    stop_ratio = FEATURE_NAMES.index("stop_ratio")
    p1 = N1 + SEQUENCE_FEATURE_NAMES.index("p1")
    p1_mean2 = N1 + SEQUENCE_FEATURE_NAMES.index("p1_mean2")
    stage1 = stump_trees([(log_words, 2.0, -2.0, 1.5), (stop_ratio, 0.2, -0.5, 0.5)], baseline=-0.2)
    stage2 = stump_trees([(p1, 0.5, -1.0, 1.0), (p1_mean2, 0.4, -0.3, 0.6), (log_words, 1.0, -0.4, 0.1)], baseline=0.1)
    calibration = Calibration(np.array([0.0, 0.3, 0.7, 1.0]), np.array([0.02, 0.2, 0.85, 0.97]))
    lexicon = Lexicon(("home", "story"), np.array([-2.0, 1.5], dtype=np.float32))
    return SegmentModel(lexicon, stage1, stage2, calibration, threshold=0.42, metadata={"name": "tiny", "version": "7"})


@pytest.fixture(scope="module")
def doc():
    return featurize(TEXTS, "en")


@pytest.fixture
def saved(tmp_path) -> tuple[pathlib.Path, pathlib.Path]:
    json_path, npz_path = tiny_model().save(tmp_path / "models", "tiny-model")
    return json_path, npz_path


def edit_json(json_path: pathlib.Path, **changes) -> None:
    meta = json.loads(json_path.read_text(encoding="utf-8"))
    meta.update(changes)
    json_path.write_text(json.dumps(meta), encoding="utf-8")


def _savez(npz_path: pathlib.Path, arrays: dict, allow_pickle: bool) -> None:
    # np.savez pickles object arrays; write the members one by one so allow_pickle is explicit.
    with zipfile.ZipFile(npz_path, "w") as zf:
        for key, value in arrays.items():
            with zf.open(key + ".npy", "w") as fh:
                np.lib.format.write_array(fh, np.asanyarray(value), allow_pickle=allow_pickle)


def _rewrite(npz_path: pathlib.Path, changes: dict, allow_pickle: bool = False) -> None:
    with np.load(npz_path, allow_pickle=False) as npz:
        arrays = {k: npz[k] for k in npz.files}
    arrays.update(changes)
    _savez(npz_path, arrays, allow_pickle)


# --- round trip ------------------------------------------------------------------------------------


def test_save_writes_both_files_with_the_contract(saved):
    json_path, npz_path = saved
    assert json_path.name == "tiny-model.json" and npz_path.name == "tiny-model.npz"
    meta = json.loads(json_path.read_text(encoding="utf-8"))
    assert meta["format_version"] == model_mod.FORMAT_VERSION
    assert meta["feature_names"] == list(FEATURE_NAMES)
    assert meta["sequence_feature_names"] == list(SEQUENCE_FEATURE_NAMES)
    assert meta["threshold"] == 0.42 and meta["name"] == "tiny"


def test_loaded_model_scores_like_the_original(saved, doc):
    json_path, _ = saved
    original = tiny_model()
    loaded = model_mod.load(json_path)
    expected = original.score(doc)
    np.testing.assert_array_equal(loaded.score(doc), expected)
    np.testing.assert_array_equal(loaded.raw_score(doc), original.raw_score(doc))
    assert len(np.unique(expected)) > 1  # the stumps really separate the segments
    assert np.all((expected >= 0.02) & (expected <= 0.97))  # calibrated into the map's range
    assert loaded.threshold == 0.42 and loaded.name == "tiny" and loaded.version == "7"


def test_load_by_stem_without_suffix(saved, doc):
    json_path, _ = saved
    loaded = model_mod.load(json_path.with_suffix(""))
    np.testing.assert_array_equal(loaded.score(doc), tiny_model().score(doc))


def test_empty_document_scores_empty(saved):
    loaded = model_mod.load(saved[0])
    assert loaded.score(featurize([], "en")).shape == (0,)


def test_identity_calibration_when_no_knots(doc):
    m = tiny_model()
    raw = SegmentModel(m.lexicon, m.stage1, m.stage2, Calibration(np.zeros(0), np.zeros(0)), 0.5)
    from classifiers.sequence import sequence_features

    x1 = np.hstack([doc.matrix, m.lexicon.features(doc)])
    expected = m.stage2.predict_proba(sequence_features(doc, x1, m.stage1.predict_proba(x1)))
    np.testing.assert_allclose(raw.score(doc), expected)


def test_model_name_with_a_dot_round_trips(tmp_path, doc):
    json_path, _ = tiny_model().save(tmp_path, "tiny.v2")
    loaded = model_mod.load(json_path)
    np.testing.assert_array_equal(loaded.score(doc), tiny_model().score(doc))


# --- refusals --------------------------------------------------------------------------------------


@pytest.mark.parametrize("version", [0, 3, "1", "2", None])
def test_wrong_format_version_is_refused(saved, version):
    edit_json(saved[0], format_version=version)
    with pytest.raises(ModelError, match="format"):
        model_mod.load(saved[0])


@pytest.mark.parametrize(
    "change",
    [
        lambda names: names[:-1],  # a feature dropped
        lambda names: names + ["new_feature"],  # a feature added
        lambda names: [names[1], names[0]] + names[2:],  # same names, other order
        lambda names: ["renamed"] + names[1:],
    ],
)
def test_changed_feature_names_are_refused(saved, change):
    edit_json(saved[0], feature_names=change(list(FEATURE_NAMES)))
    with pytest.raises(ModelError, match="features"):
        model_mod.load(saved[0])


def test_changed_sequence_feature_names_are_refused(saved):
    edit_json(saved[0], sequence_feature_names=list(SEQUENCE_FEATURE_NAMES)[:-1])
    with pytest.raises(ModelError, match="sequence features"):
        model_mod.load(saved[0])


def test_missing_npz_is_refused(saved):
    saved[1].unlink()
    with pytest.raises(ModelError, match="cannot read"):
        model_mod.load(saved[0])


def test_missing_json_is_refused(saved):
    saved[0].unlink()
    with pytest.raises(ModelError):
        model_mod.load(saved[0])


def test_corrupt_json_is_refused(saved):
    saved[0].write_text("{not json", encoding="utf-8")
    with pytest.raises(ModelError):
        model_mod.load(saved[0])


@pytest.mark.parametrize("threshold", [1.5, 1.0, 0.0, -0.1])
def test_threshold_outside_open_unit_interval_is_refused(saved, threshold):
    edit_json(saved[0], threshold=threshold)
    with pytest.raises(ModelError, match="threshold"):
        model_mod.load(saved[0])


@pytest.mark.parametrize("relative, floor", [(1.0, 0.1), (-0.5, 0.1), (0.5, -0.1), (0.5, 0.5), (0.5, 0.0)])
def test_a_relative_cut_out_of_range_is_refused(saved, relative, floor):
    edit_json(saved[0], relative_threshold=relative, threshold_floor=floor)  # the threshold is 0.42
    with pytest.raises(ModelError, match="relative cut"):
        model_mod.load(saved[0])


def test_the_decision_rule_comes_from_the_artifact(saved):
    assert model_mod.load(saved[0]).decision == DecisionRule(0.42)  # an artifact without a relative cut
    edit_json(saved[0], relative_threshold=0.5, threshold_floor=0.15)
    assert model_mod.load(saved[0]).decision == DecisionRule(0.42, 0.5, 0.15)
    edit_json(saved[0], tail_teaser_cut=True)
    assert model_mod.load(saved[0]).decision == DecisionRule(0.42, 0.5, 0.15, tail_teasers=True)
    edit_json(saved[0], fact_box_cut=True)
    assert model_mod.load(saved[0]).decision == DecisionRule(0.42, 0.5, 0.15, tail_teasers=True, fact_boxes=True)
    edit_json(saved[0], foreign_run_cut=True)
    assert model_mod.load(saved[0]).decision.foreign_runs


def test_the_shipped_text_model_cuts_at_tail_teasers_and_the_html_model_does_not():
    assert model_mod.load(mode="text").decision.tail_teasers
    assert not model_mod.load(mode="html").decision.tail_teasers


def test_both_shipped_models_drop_foreign_fact_boxes_and_the_html_model_any_foreign_run():
    assert model_mod.load(mode="text").decision.fact_boxes and model_mod.load(mode="html").decision.fact_boxes
    assert model_mod.load(mode="html").decision.foreign_runs and not model_mod.load(mode="text").decision.foreign_runs


def test_missing_array_is_refused(saved):
    with np.load(saved[1], allow_pickle=False) as npz:
        arrays = {k: npz[k] for k in npz.files if k != "calibration.y"}
    _savez(saved[1], arrays, allow_pickle=False)
    with pytest.raises(ModelError, match="invalid"):
        model_mod.load(saved[0])


def test_out_of_range_split_feature_is_refused(saved):
    # A stage-one tree splitting on a stage-two column would read past the stage-one matrix.
    _rewrite(saved[1], {"stage1.feature": np.array([[N1], [0]], np.int32)})
    with pytest.raises(ModelError, match="out of range"):
        model_mod.load(saved[0])


class _Canary:
    """Unpickling this object creates `marker`: proof that the loader unpickled something."""

    def __init__(self, marker: pathlib.Path):
        self.marker = marker

    def __reduce__(self):
        return pathlib.Path.touch, (self.marker,)


def test_object_array_is_refused_without_unpickling(saved, tmp_path):
    marker = tmp_path / "unpickled"
    payload = np.empty(1, dtype=object)
    payload[0] = _Canary(marker)
    _rewrite(saved[1], {"stage1.leaf_value": payload}, allow_pickle=True)

    with pytest.raises(ModelError):
        model_mod.load(saved[0])
    assert not marker.exists()

    # The canary works: a loader that did unpickle would have created the marker.
    with np.load(saved[1], allow_pickle=True) as npz:
        npz["stage1.leaf_value"]
    assert marker.exists()


def test_shipped_model_loads_and_matches_this_code():
    shipped = model_mod.load()
    assert shipped.name == "boilercut-text"
    assert shipped.stage1.feature.shape[0] > 0 and len(shipped.lexicon.words) > 0
    assert 0.0 < shipped.threshold < 1.0


def test_lexicon_weights_apply_per_segment(doc):
    m = tiny_model()
    lex = m.lexicon.features(doc)
    assert lex.shape == (doc.matrix.shape[0], 5)
    assert np.isfinite(lex).all()


# --- the extracted-text stage two and its gate -----------------------------------------------------


def tiny_model_with_gate(gate_cut: float) -> SegmentModel:
    """The tiny model plus an extracted-text stage two that keeps everything, and a gate that takes a
    document for extracted text when its share of sure words is above `gate_cut`."""
    m = tiny_model()
    keep_all = stump_trees([(0, 0.0, 3.0, 3.0)], baseline=0.0)
    gate = stump_trees([(GATE_FEATURE_NAMES.index("sure_word_share"), gate_cut, -5.0, 5.0)], baseline=0.0)
    return dataclasses.replace(m, extracted_stage=keep_all, gate=gate)


def test_the_gate_picks_the_extracted_text_stage_two():
    doc = featurize(TEXTS * 2, "en")  # long enough for the gate (MIN_SEGMENTS)
    p1 = tiny_model().stage1.predict_proba(tiny_model().stage1_input(doc))
    share = gate_features(doc, p1)[0, GATE_FEATURE_NAMES.index("sure_word_share")]
    assert 0.0 < share < 1.0
    taken, passed = tiny_model_with_gate(share - 0.01), tiny_model_with_gate(share + 0.01)
    assert taken.is_extracted(doc, p1) and not passed.is_extracted(doc, p1)
    general = tiny_model().raw_score(doc)
    keep_all = 1.0 / (1.0 + np.exp(-3.0))  # the extracted-text stage two's probability for every segment
    np.testing.assert_allclose(taken.raw_score(doc), EXTRACTED_WEIGHT * keep_all + (1 - EXTRACTED_WEIGHT) * general)
    np.testing.assert_array_equal(passed.raw_score(doc), general)


def test_a_document_too_short_to_compare_its_parts_is_never_taken_for_extracted_text():
    short = featurize(TEXTS[:MIN_SEGMENTS - 1], "en")
    long = featurize((TEXTS * MIN_SEGMENTS)[:MIN_SEGMENTS], "en")
    model = tiny_model_with_gate(-1.0)  # a gate that takes every document it may
    assert not model.is_extracted(short, model.stage1.predict_proba(model.stage1_input(short)))
    assert model.is_extracted(long, model.stage1.predict_proba(model.stage1_input(long)))


def test_an_artifact_with_the_extracted_stage_round_trips(tmp_path, doc):
    model = tiny_model_with_gate(0.0)
    json_path, _ = model.save(tmp_path, "gated")
    meta = json.loads(json_path.read_text(encoding="utf-8"))
    assert meta["format_version"] == 2 and meta["gate_feature_names"] == list(GATE_FEATURE_NAMES)
    loaded = model_mod.load(json_path)
    assert loaded.gate is not None and loaded.extracted_stage is not None
    np.testing.assert_array_equal(loaded.score(doc), model.score(doc))


def test_a_format_1_artifact_without_the_extracted_stage_still_loads(saved, doc):
    edit_json(saved[0], format_version=1)
    loaded = model_mod.load(saved[0])
    assert loaded.gate is None
    np.testing.assert_array_equal(loaded.score(doc), tiny_model().score(doc))


@pytest.mark.parametrize("change", [
    {"format_version": 1},  # format 1 has no such stage
    {"gate_feature_names": list(GATE_FEATURE_NAMES)[:-1]},
    {"gate_threshold": 0.9},
])
def test_an_extracted_stage_this_code_cannot_read_is_refused(tmp_path, change):
    json_path, _ = tiny_model_with_gate(0.5).save(tmp_path, "gated")
    edit_json(json_path, **change)
    with pytest.raises(ModelError, match="extracted-text"):
        model_mod.load(json_path)


def test_gate_arrays_without_their_metadata_are_refused(tmp_path):
    json_path, npz_path = tiny_model_with_gate(0.5).save(tmp_path, "gated")
    meta = json.loads(json_path.read_text(encoding="utf-8"))
    del meta["gate_feature_names"]
    json_path.write_text(json.dumps(meta), encoding="utf-8")
    with pytest.raises(ModelError, match="extracted-text"):
        model_mod.load(json_path)
