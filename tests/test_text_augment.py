"""Synthetic contaminated articles: labels, donors and the training-only rule."""
from __future__ import annotations

import numpy as np
import pytest

from classifiers.training import fit
from classifiers.training.data import LabeledDoc
from classifiers.training.rows import prepare
from classifiers.training.text_augment import DATASET, donor_of, synthesize, synthetic_docs

PROSE = ("The council voted on Tuesday to extend the harbour wall by another forty metres.",
         "Engineers said the work would take two winters and cost less than the repairs it avoids.",
         "Fishermen welcomed the decision but asked for the slipway to stay open during the works.",
         "A public meeting on the timetable will be held in the town hall next month.",
         "The mayor said the town had waited long enough for a harbour that survives the storms, and that the "
         "council would publish every contract and every change to the budget as the work goes on.")


def _page(i: int, page_type: str = "article", topic: str = "harbour") -> LabeledDoc:
    nav = ["Home", "News", "Sport", "Contact us"]
    facts = [f"Length: {40 + i} m", f"Cost: {i + 2} million", "Start: spring", "Finish: autumn"]
    body = [p.replace("harbour", topic) + f" Item {i}." for p in PROSE]
    lines = nav + body + facts + ["© Example Media", "Privacy policy"]
    labels = [0] * len(nav) + [1] * (len(body) + len(facts)) + [0, 0]
    return LabeledDoc(id=f"p-{i}", dataset="text-blocks", page_type=page_type, domain=f"site{i}.example",
                      text="\n".join(lines), line_labels=np.asarray(labels, np.int8), article="\n\n".join(body),
                      ceiling_f1=1.0)


@pytest.fixture
def pages() -> list[LabeledDoc]:
    return [_page(i, topic=t) for i, t in enumerate(["harbour", "bridge", "library", "school", "railway", "park"])]


def test_donor_blocks_come_from_the_right_lines(pages):
    donor = donor_of(pages[0], title="Harbour wall to be extended by forty metres")
    assert ("Home", "News", "Sport", "Contact us") in donor.blocks["boilerplate"]
    assert any("Length: 40 m" in block for block in donor.blocks["fact_box"])
    assert [len(block) for block in donor.blocks["foreign_paragraph"]] == [1]
    assert donor.blocks["foreign_paragraph"][0][0].startswith("The mayor said")
    assert donor.blocks["teaser"] == [("Harbour wall to be extended by forty metres",)]


def test_synthetic_document_keeps_every_host_line_and_labels_only_inserted_lines_zero(pages):
    host = pages[0]
    donors = [donor_of(p, title=f"Story number {i} about the town") for i, p in enumerate(pages[1:], 1)]
    made = [synthesize(host, donors, [], variant=v) for v in range(30)]
    made = [d for d in made if d is not None]
    assert made
    host_lines = [line for line, y in zip(host.text.split("\n"), host.line_labels) if y]
    with_blocks = whole_pages = 0
    for doc in made:
        lines = doc.text.split("\n")
        assert len(lines) == len(doc.line_labels)
        assert [line for line, y in zip(lines, doc.line_labels) if y] == host_lines  # order kept, nothing lost
        inserted = np.zeros(len(lines), bool)
        for block in doc.blocks:
            inserted[block["start_line"] : block["end_line"]] = True
            assert set(block["donors"]) <= {d.id for d in donors}
        assert not doc.line_labels[inserted].any()
        # Outside the inserted blocks: the host's article lines, or its whole page with its own labels.
        rest = [(line, int(y)) for line, y, ins in zip(lines, doc.line_labels, inserted) if not ins]
        page = [(line, int(y)) for line, y in zip(host.text.split("\n"), host.line_labels) if line.strip()]
        assert rest in ([p for p in page if p[1]], page)
        whole_pages += rest == page
        assert doc.dataset == DATASET and not doc.evaluated and doc.trainable
        assert doc.domain == host.domain and host.id not in doc.donor_ids
        with_blocks += bool(doc.blocks)
    assert 0 < with_blocks < len(made)  # mostly contaminated, some negative controls
    assert 0 < whole_pages < len(made)
    assert {b["position"] for d in made for b in d.blocks} == {"top", "middle", "tail"}


def test_synthesis_is_deterministic_and_skips_non_articles(pages):
    docs = pages + [_page(9, page_type="product")]
    first = synthetic_docs(docs, titles={})
    second = synthetic_docs(docs, titles={})
    assert [d.text for d in first] == [d.text for d in second]
    assert {d.extra["host_id"] for d in first} <= {p.id for p in pages}
    domain_of = {p.id: p.domain for p in docs}
    assert all(d.domain != domain_of[donor] for d in first for donor in d.donor_ids)


def test_cross_validation_never_scores_training_only_documents(pages, monkeypatch):
    monkeypatch.setitem(fit.STAGE1_PARAMS, "max_iter", 5)
    monkeypatch.setitem(fit.STAGE2_PARAMS, "max_iter", 5)
    rows = [prepare(p) for p in pages]
    extra = [prepare(d) for d in synthetic_docs(pages, titles={})]
    used: list[list[str]] = []
    real_fit = fit.fit_two_stage

    def recording_fit(training_rows, progress=False):
        used.append([r.doc.id for r in training_rows])
        return real_fit(training_rows, progress)

    monkeypatch.setattr(fit, "fit_two_stage", recording_fit)
    scores, folds, _ = fit.cross_validate(rows, k=2, progress=False, train_only=extra)
    assert len(scores) == len(rows)
    domain_of = {p.id: p.domain for p in pages}
    for fold, ids in enumerate(used):
        eval_domains = {d for d, f in folds.items() if f == fold}
        for r in extra:
            if r.doc.id in ids:  # a synthetic document trains a fold only if host and donors are outside it
                assert r.doc.domain not in eval_domains
                assert not {domain_of[d] for d in r.doc.donor_ids} & eval_domains
    assert any(r.doc.id in ids for ids in used for r in extra)
