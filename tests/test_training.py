"""The training and evaluation commands, end to end.

A tiny dataset is written from the hand-made fixtures so the whole path
(load → segments → features → lexicon → two stages → calibration → artifact →
load → clean) runs on every machine; the real datasets are used when present.
"""
from __future__ import annotations

import gzip
import html
import json
from pathlib import Path

import numpy as np
import pytest

from classifiers import clean, load_model
from classifiers.training import data, evaluate, fit, html_data, train
from fixture_docs import all_fixtures


@pytest.fixture(autouse=True)
def few_trees(monkeypatch):
    # The same code path with fewer boosting rounds: these tests check the plumbing, not the quality.
    for params in (fit.STAGE1_PARAMS, fit.STAGE2_PARAMS, fit.HTML_STAGE1_PARAMS, fit.HTML_STAGE2_PARAMS):
        monkeypatch.setitem(params, "max_iter", 15)


DOCS = 2 * len(all_fixtures())  # the fixtures, twice: the toy data set's documents per file


def _write_dataset(root: Path) -> None:
    records = []
    for i, doc in enumerate(all_fixtures() * 2):
        lines = doc.text.split("\n")
        keep = set(doc.article_lines)
        labels = [int(line.strip() in keep) for line in lines]
        records.append({
            "id": f"fx-{i}", "page_type": "article", "url": f"https://site{i}.example/story",
            "text": doc.text, "labels": labels, "article": "\n\n".join(doc.article_lines), "ceiling_f1": 1.0,
        })
    for name, rel in data.TEXT_FILES.items():
        path = root / rel
        path.parent.mkdir(parents=True, exist_ok=True)
        with gzip.open(path, "wt", encoding="utf-8") as fh:
            for r in records:
                fh.write(json.dumps({**r, "blocks": []} if name == "contaminated" else r) + "\n")
    with gzip.open(root / html_data.HTML_FILE, "wt", encoding="utf-8") as fh:
        for r in records:  # the same documents as pages: a nav list, then one <p> per line
            body = "".join(f"<p>{html.escape(line)}</p>" for line in r["text"].split("\n") if line.strip())
            page = f"<html><head><title>t</title></head><body><nav><ul><li>Home</li><li>News</li></ul></nav>{body}"
            fh.write(json.dumps({**r, "html": page + "</body></html>"}) + "\n")


def test_html_trees_are_bigger_and_otherwise_share_the_text_settings():
    text1, text2 = fit.stage_params(html=False)
    html1, html2 = fit.stage_params(html=True)
    assert (text1, text2) == (fit.STAGE1_PARAMS, fit.STAGE2_PARAMS)
    size = {"max_iter", "max_depth", "max_leaf_nodes", "min_samples_leaf"}
    for text, bigger in ((text1, html1), (text2, html2)):
        assert bigger["max_depth"] > text["max_depth"] and bigger["max_leaf_nodes"] > text["max_leaf_nodes"]
        assert {k: v for k, v in bigger.items() if k not in size} == {k: v for k, v in text.items() if k not in size}


def test_train_writes_a_loadable_model_with_card(tmp_path):
    _write_dataset(tmp_path / "data")
    json_path, html_path = train.train_command(tmp_path / "data", tmp_path / "model", folds=2, workers=1,
                                               max_docs=None, progress=False)
    model = load_model(json_path)
    meta = json.loads(json_path.read_text())
    assert meta["training"]["documents"]["contaminated"] == 2 * len(all_fixtures())
    assert model.decision == train.shipped_rule("text")  # the rule the CV measured is the one shipped
    assert meta["cv"]["relative_threshold"] == model.decision.relative
    assert set(meta["cv"]["groups"]) >= {"text-blocks", "text-naive", "contaminated"}
    assert "text-synthetic" not in meta["training"]["documents"]  # opt-in: `--synthetic`
    card = (tmp_path / "model" / "boilercut-text.md").read_text()
    assert "CC-BY-4.0" in card and "Murrough Foley" in card
    doc = all_fixtures()[0]
    result = clean(doc.text, model=model)
    assert result.segments and result.model["version"] == train.MODEL_VERSION
    html_model = load_model(html_path)
    assert html_model.mode == "html" and html_model.name == "boilercut-html"
    assert html_model.decision == train.shipped_rule("html")
    documents = json.loads(html_path.read_text())["training"]["documents"]
    assert documents["html"] == DOCS and documents["html-contaminated"] >= 1  # leaked-block variants of articles
    assert "DOM" in (tmp_path / "model" / "boilercut-html.md").read_text()
    page = clean(html="<body><p>" + "</p><p>".join(doc.article_lines) + "</p></body>", model=html_model)
    assert page.segments and page.segments[0].path
    with pytest.raises(Exception, match="HTML"):
        clean(doc.text, model=html_model)


def test_evaluate_writes_a_report(tmp_path):
    _write_dataset(tmp_path / "data")
    predictions = tmp_path / "oof.jsonl"
    report = train.evaluate_command(tmp_path / "data", tmp_path / "eval.json", folds=2, threshold=None, workers=1,
                                    max_docs=None, progress=False, predictions=predictions)
    saved = json.loads((tmp_path / "eval.json").read_text())
    assert saved["text"]["groups"]["text-blocks"]["docs"] == DOCS
    assert 0.0 <= report["text"]["groups"]["text-blocks"]["word_f1"] <= 1.0
    assert saved["text"]["contaminated"]["controls_returned_whole"] is not None
    assert saved["html"]["groups"]["html"]["docs"] == DOCS
    assert saved["html"]["html-contaminated"]["inserted_lines_dropped"]["all"] is not None
    # the text models carry the extracted-text gate, and the report says which documents it took
    gate = saved["text"]["extracted_text_gate"]
    assert set(gate) == {"text-blocks", "text-naive", "contaminated", "contaminated without insertions"}
    assert all(0.0 <= share <= 1.0 for share in gate.values())
    assert gate["contaminated"] == gate["contaminated without insertions"]  # the tiny set has no insertions
    assert "extracted_text_gate" not in saved["html"]
    held_out = [json.loads(line) for line in predictions.with_suffix(".html.jsonl").read_text().splitlines()]
    assert sum(r["dataset"] == "html" for r in held_out) == DOCS
    assert all(set(r) == {"id", "dataset", "article", "scores"} for r in held_out)
    # the scores are the held-out segments' calibrated scores; the article holds as many segments as
    # the shipped rule keeps of them (scores within rounding of the cut are not counted)
    rule = train.shipped_rule("html")
    assert saved["html"]["relative_threshold"] == rule.relative
    checked = 0
    for r in held_out:
        scores = np.array(r["scores"])
        assert ((scores >= 0.0) & (scores <= 1.0)).all()
        cut = rule.cut(scores)
        if len(scores) and np.abs(scores - cut).min() > 1e-4:
            kept = len(r["article"].split("\n\n")) if r["article"] else 0
            assert kept == int((scores >= cut).sum())
            checked += 1
    assert checked >= 10


SHARED = data.default_data_dir()


@pytest.mark.skipif(not (SHARED / "wcxb-dev" / "text-blocks.jsonl.gz").exists(), reason="shared datasets absent")
def test_evaluate_runs_on_the_shared_datasets(tmp_path):
    report = train.evaluate_command(SHARED, tmp_path / "eval.json", folds=2, threshold=0.5, workers=2,
                                    max_docs=90, progress=False)
    assert report["text"]["groups"]["text-blocks"]["docs"] > 0
    assert "contaminated" in report["text"]
    assert report["html"]["groups"]["html"]["docs"] > 0


def test_synthetic_documents_are_opt_in_and_training_only(tmp_path):
    _write_dataset(tmp_path / "data")
    plain = train.load_rows(tmp_path / "data", workers=1, max_docs=None, progress=False, mode="text")
    more = train.load_rows(tmp_path / "data", workers=1, max_docs=None, progress=False, mode="text", synthetic=True)
    synthetic = [r for r in more if r.doc.dataset == "text-synthetic"]
    assert not any(r.doc.dataset == "text-synthetic" for r in plain)
    assert synthetic and len(more) == len(plain) + len(synthetic)
    assert all(r.doc.trainable and not r.doc.evaluated for r in synthetic)
    assert all(len(r.y) == len(r.texts) for r in synthetic)  # labels line up with the segments


def test_gate_shares_count_the_documents_taken_per_dataset():
    from types import SimpleNamespace

    def row(dataset, blocks=()):
        return SimpleNamespace(doc=SimpleNamespace(dataset=dataset, blocks=list(blocks)))

    rows = [row("text-blocks"), row("text-blocks"), row("contaminated", [{"kind": "teaser"}]), row("contaminated"),
            row("contaminated")]
    shares = evaluate.gate_shares(rows, [True, False, True, True, False])
    assert shares == {"text-blocks": 0.5, "contaminated": 2 / 3, "contaminated without insertions": 0.5}
    line = evaluate.format_table({"threshold": 0.5, "groups": {}, "extracted_text_gate": shares})
    assert "already-extracted text: contaminated 0.667, contaminated without insertions 0.500, text-blocks 0.500" in line
