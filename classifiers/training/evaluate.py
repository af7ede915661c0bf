"""Quality report of per-segment scores against the labeled data."""
from __future__ import annotations

from collections import defaultdict

import numpy as np

from ..decision import DecisionRule
from .data import segment_line_index
from .metrics import prf, shingle_f1, word_f1
from .rows import DocRows


def _doc_lines(r: DocRows, keep: np.ndarray) -> np.ndarray:
    """Predicted keep/drop of every line of the original text."""
    seg_of_line, _ = segment_line_index(r.doc.text, r.seg_starts, r.seg_ends)
    return np.where(seg_of_line >= 0, keep[np.maximum(seg_of_line, 0)] if len(keep) else False, False)


def _mean(values: list[float]) -> float | None:
    return float(np.mean(values)) if values else None


def evaluate(rows: list[DocRows], scores: list[np.ndarray], rule: DecisionRule) -> dict:
    groups: dict[str, dict[str, list]] = defaultdict(lambda: defaultdict(list))
    lines: dict[str, np.ndarray] = defaultdict(lambda: np.zeros(4, dtype=np.int64))  # tp fp fn tn (content)
    tallies = {"contaminated": _ContaminationTally(), "html-contaminated": _ContaminationTally()}
    for r, s in zip(rows, scores):
        keep, _ = rule.keep(s, r.texts, r.features.terms)
        article = "\n\n".join(t for t, k in zip(r.texts, keep) if k)
        pred_lines = _doc_lines(r, keep)
        gold = r.doc.line_labels[: len(pred_lines)].astype(bool)
        pred_lines = pred_lines[: len(gold)]
        counts = np.array([(pred_lines & gold).sum(), (pred_lines & ~gold).sum(),
                           (~pred_lines & gold).sum(), (~pred_lines & ~gold).sum()])
        for key in (r.doc.dataset, f"{r.doc.dataset}/{r.doc.page_type}"):
            lines[key] += counts
            if r.doc.article.strip():
                groups[key]["word_f1"].append(word_f1(article, r.doc.article))
                groups[key]["shingle_f1"].append(shingle_f1(article, r.doc.article))
        if r.doc.dataset in tallies:
            tallies[r.doc.dataset].add(r, pred_lines)
    report: dict = {"threshold": rule.threshold, "relative_threshold": rule.relative, "threshold_floor": rule.floor,
                    "groups": {}}
    for key in sorted(lines):
        tp, fp, fn, tn = (int(v) for v in lines[key])
        report["groups"][key] = {
            "docs": len(groups[key]["word_f1"]),
            "word_f1": _mean(groups[key]["word_f1"]),
            "shingle_f1": _mean(groups[key]["shingle_f1"]),
            "content_lines": prf(tp, fp, fn),
            "removed_lines": prf(tn, fn, fp),
        }
    for name, tally in tallies.items():
        if tally.docs:
            report[name] = tally.summary()
    return report


def gate_shares(rows: list[DocRows], extracted: list[bool]) -> dict[str, float]:
    """Share of documents the extracted-text gate took, per dataset; the contaminated set's documents
    without insertions (negative controls: a clean article) also on their own."""
    taken: dict[str, list[int]] = defaultdict(lambda: [0, 0])
    for r, e in zip(rows, extracted):
        keys = [r.doc.dataset] + ([f"{r.doc.dataset} without insertions"] if r.doc.dataset.endswith("contaminated")
                                  and not r.doc.blocks else [])
        for key in keys:
            taken[key][0] += int(e)
            taken[key][1] += 1
    return {k: v[0] / v[1] for k, v in sorted(taken.items())}


class _ContaminationTally:
    """Inserted-block removal and host-line keeping on the contaminated-article set."""

    def __init__(self) -> None:
        self.docs = 0
        self.dropped_lines: dict[str, list[int]] = defaultdict(lambda: [0, 0])
        self.blocks_removed: dict[str, list[int]] = defaultdict(lambda: [0, 0])
        self.host_kept = [0, 0]
        self.controls_whole = [0, 0]

    def add(self, r: DocRows, pred_lines: np.ndarray) -> None:
        self.docs += 1
        gold = r.doc.line_labels[: len(pred_lines)].astype(bool)
        self.host_kept[0] += int((pred_lines & gold).sum())
        self.host_kept[1] += int(gold.sum())
        if not r.doc.blocks:
            self.controls_whole[0] += int(bool(pred_lines[gold].all()))
            self.controls_whole[1] += 1
        for b in r.doc.blocks:
            dropped = ~pred_lines[b["start_line"] : b["end_line"]]
            for key in (b["kind"], "all"):
                self.dropped_lines[key][0] += int(dropped.sum())
                self.dropped_lines[key][1] += len(dropped)
            for key in (f"{b['kind']}/{b['position']}", b["kind"], "all"):
                self.blocks_removed[key][0] += int(dropped.all())
                self.blocks_removed[key][1] += 1

    def summary(self) -> dict:
        def share(pair: list[int]) -> float | None:
            return pair[0] / pair[1] if pair[1] else None

        return {
            "inserted_lines_dropped": {k: share(v) for k, v in sorted(self.dropped_lines.items())},
            "blocks_removed_completely": {k: share(v) for k, v in sorted(self.blocks_removed.items())},
            "host_lines_kept": share(self.host_kept),
            "controls_returned_whole": share(self.controls_whole),
        }


def format_table(report: dict) -> str:
    relative = report.get("relative_threshold") or 0.0
    out = [f"threshold {report['threshold']:.2f}" + (f", lowered to {relative:.2f} × a document's best score when that "
                                                     f"is less (never below {report.get('threshold_floor', 0):.2f})"
                                                     if relative else ""),
           f"{'group':38} {'docs':>5} {'word F1':>8} {'4-gram F1':>9} {'line P':>7} {'line R':>7} {'line F1':>7}"]
    for key, g in report["groups"].items():
        cl = g["content_lines"]
        wf = f"{g['word_f1']:.4f}" if g["word_f1"] is not None else "-"
        sf = f"{g['shingle_f1']:.4f}" if g["shingle_f1"] is not None else "-"
        out.append(f"{key:38} {g['docs']:>5} {wf:>8} {sf:>9} {cl['precision']:>7.3f} {cl['recall']:>7.3f} {cl['f1']:>7.3f}")
    for name in ("contaminated", "html-contaminated"):
        if report.get(name):
            out += _contamination_lines(name, report[name])
    gate = report.get("extracted_text_gate")
    if gate:
        out.append("documents the gate took for already-extracted text: "
                   + ", ".join(f"{k} {v:.3f}" for k, v in gate.items()))
    sweep = report.get("threshold_sweep")
    if sweep:
        columns = list(next(iter(sweep.values())))
        out.append("fixed thresholds (same out-of-fold scores): word F1 per set, contaminated line shares")
        out.append("  " + f"{'threshold':>9} " + " ".join(f"{c[:26]:>26}" for c in columns))
        for t, row in sweep.items():
            out.append("  " + f"{t:>9} " + " ".join(f"{row[c]:>26.4f}" if row.get(c) is not None else f"{'-':>26}"
                                                     for c in columns))
    return "\n".join(out)


def _contamination_lines(name: str, c: dict) -> list[str]:
    out = []
    if c:
        out.append(f"{name} set: share of inserted lines dropped by kind")
        out += [f"  {k:20} {v:.3f}" for k, v in c["inserted_lines_dropped"].items()]
        out.append("  blocks removed completely:")
        out += [f"  {k:30} {v:.3f}" for k, v in c["blocks_removed_completely"].items()]
        whole = c["controls_returned_whole"]
        out.append(f"  host lines kept {c['host_lines_kept']:.4f}; negative controls returned whole "
                   + (f"{whole:.4f}" if whole is not None else "- (none in this set)"))
    return out
