"""Does the text model carry over to text converters it was never trained on?

The text model learns from two renderings of the shared pages (Resiliparse blocks and a naive
BeautifulSoup rendering). Scrapers use many others. This script trains the text model on four
of the five domain folds (exactly as `boilercut evaluate` does), then cleans the held-out
fold's pages rendered by each converter and scores the article against the ground truth:

    .venv/bin/python benchmarks/converters.py [--fold 0] [--out reports/converters.json]

Converters: the two training renderings (from the dataset files), the same blocks text
hard-wrapped at 72 columns, and inscriptis, html2text (no links; and wrapped at 78; and as
markdown with its links and images, `[text](url)` and `![alt](src)`, as crawlers that feed language
models write pages) and html-text rendered here from the page HTML (each skipped when not installed:
`pip install inscriptis html2text html-text`), plus the text browsers lynx (`-dump`, with its
`[n]` link marks and reference list, and `-nolist`) and w3m (`-dump`), when on the PATH
(`apt-get install lynx w3m`). "keep all" is the score of returning the
whole rendering, i.e. how much boilerplate the converter lets through. `tags-stripped` is the most
naive scraper of all, a regular expression deleting tags (character references left in; and
`tags-stripped-unescaped`, decoded by the scraper).
"""
from __future__ import annotations

import argparse
import dataclasses
import gzip
import html
import json
import re
import shutil
import subprocess
import sys
import textwrap
import time
from collections import defaultdict
from pathlib import Path
from statistics import mean

REPO = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(REPO))

from classifiers import clean  # noqa: E402
from classifiers.training.data import default_data_dir  # noqa: E402
from classifiers.training.fit import assign_folds, fit_two_stage, fold_training_rows  # noqa: E402
from classifiers.training.metrics import shingle_f1, word_f1  # noqa: E402
from classifiers.training.train import load_rows  # noqa: E402
from classifiers.model import SegmentModel, load as load_model  # noqa: E402


def fold_model(data_dir: Path, fold: int, folds: int = 5,
               renderings: tuple[str, ...] = ()) -> tuple[SegmentModel, set[str]]:
    """The text model trained without the domains of `fold` (and, with `renderings`, also on the other
    folds' pages rendered by those converters, as `boilercut train --renderings` does), and the page
    ids of that fold."""
    if not 0 <= fold < folds:
        raise SystemExit(f"--fold must be within 0..{folds - 1}")
    everything = load_rows(data_dir, workers=2, max_docs=None, progress=False, renderings=renderings)
    rows = [r for r in everything if r.doc.evaluated]
    training_only = [r for r in everything if not r.doc.evaluated]  # joins every training fold, as in evaluate
    assignment = assign_folds([r.doc.domain for r in rows], folds)
    held_out = {d for d, f in assignment.items() if f == fold}
    model = fit_two_stage(fold_training_rows(rows, training_only, assignment, fold))  # as cross_validate does
    shipped = load_model()  # its calibration and threshold: the decision rule users get
    model = dataclasses.replace(model, calibration=shipped.calibration, threshold=shipped.threshold,
                                metadata=shipped.metadata)
    ids = {r.doc.id for r in rows if r.doc.dataset != "contaminated" and r.doc.domain in held_out}
    return model, ids


def _html2text(width: int, markup: bool = False):
    """html2text without links and images, or (`markup`) with them, as markdown crawlers write it."""
    import html2text

    def render(page: str) -> str:
        converter = html2text.HTML2Text()
        converter.body_width, converter.ignore_images, converter.ignore_links = width, not markup, not markup
        return converter.handle(page)
    return render


def _command(*args: str):
    def render(page: str) -> str:
        done = subprocess.run(args, input=page.encode("utf-8", "surrogatepass"), capture_output=True, timeout=120)
        return done.stdout.decode("utf-8", "replace")
    return render


_INVISIBLE_ELEMENTS = re.compile(r"<(script|style|noscript|template)\b.*?</\1\s*>|<!--.*?-->", re.IGNORECASE | re.DOTALL)
_TAG = re.compile(r"<[^>]*>")


def tags_stripped(page: str) -> str:
    """The most naive scraper: scripts, styles and comments cut out, every other tag deleted by a regular
    expression. Lines are where the page's source breaks them, and character references ("&amp;",
    "&#8217;") are left as they are."""
    return _TAG.sub("", _INVISIBLE_ELEMENTS.sub("", page))


def converters() -> dict[str, object]:
    """name -> page HTML -> text, for the converters that are installed."""
    found = {"tags-stripped": tags_stripped, "tags-stripped-unescaped": lambda page: html.unescape(tags_stripped(page))}
    if shutil.which("lynx"):
        lynx = ("lynx", "-dump", "-stdin", "-force_html", "-assume_charset=utf-8", "-display_charset=utf-8")
        found["lynx"] = _command(*lynx)
        found["lynx-nolist"] = _command(*lynx, "-nolist")
    if shutil.which("w3m"):
        found["w3m"] = _command("w3m", "-dump", "-T", "text/html", "-I", "UTF-8", "-O", "UTF-8")
    try:
        from inscriptis import get_text
        found["inscriptis"] = get_text
    except ImportError:
        pass
    try:
        import html2text  # noqa: F401
        found["html2text"] = _html2text(0)
        found["html2text-wrap78"] = _html2text(78)
        found["html2text-markdown"] = _html2text(0, markup=True)
    except ImportError:
        pass
    try:
        import html_text
        found["html-text"] = lambda page: html_text.extract_text(page, guess_layout=True)
    except ImportError:
        pass
    return found


def renderings(data_dir: Path, ids: set[str], only: list[str] | None = None) -> tuple[dict[str, dict[str, str]], dict[str, tuple[str, str]]]:
    """rendering -> page id -> text, and page id -> (page type, ground truth)."""
    texts: dict[str, dict[str, str]] = defaultdict(dict)
    truth = {}
    for name in ("blocks", "naive"):
        with gzip.open(data_dir / "wcxb-dev" / f"text-{name}.jsonl.gz", "rt", encoding="utf-8") as fh:
            for line in fh:
                r = json.loads(line)
                if r["id"] in ids and r["article"].strip():
                    texts[name][r["id"]] = r["text"]
                    truth[r["id"]] = (r["page_type"], r["article"])
    texts["blocks-wrap72"] = {i: "\n".join(textwrap.fill(x, 72) for x in t.split("\n"))
                              for i, t in texts["blocks"].items()}
    render = {name: fn for name, fn in converters().items() if not only or name in only}
    with gzip.open(data_dir / "wcxb-dev" / "pages.jsonl.gz", "rt", encoding="utf-8") as fh:
        for line in fh:
            r = json.loads(line)
            if r["id"] in truth:
                for name, fn in render.items():
                    texts[name][r["id"]] = fn(r["html"])
    return texts, truth


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    ap.add_argument("--data", type=Path, default=None)
    ap.add_argument("--fold", type=int, default=0)
    ap.add_argument("--out", type=Path, default=None, help="also write the numbers as JSON")
    ap.add_argument("--only", action="append", default=None, metavar="RENDERING", help="score only these renderings")
    ap.add_argument("--train-renderings", default="", metavar="NAMES",
                    help="also train on the other folds' pages rendered by these converters (comma-separated, "
                         "as `boilercut train --renderings`)")
    args = ap.parse_args()
    data_dir = args.data or default_data_dir()
    started = time.time()
    extra = tuple(n for n in args.train_renderings.split(",") if n)
    model, ids = fold_model(data_dir, args.fold, renderings=extra)
    print(f"fold {args.fold}: model trained without its domains in {time.time() - started:.0f} s", flush=True)
    texts, truth = renderings(data_dir, ids, args.only)
    types = sorted({t for t, _ in truth.values()}, key=lambda t: -sum(v[0] == t for v in truth.values()))
    report = {}
    print(f"{'rendering':18s} {'docs':>5s} {'word F1':>8s} {'4-gram':>7s} {'keep all':>9s}  " +
          " ".join(f"{t[:8]:>8s}" for t in types))
    for name, by_id in texts.items():
        if args.only and name not in args.only:
            continue
        scores = defaultdict(list)
        for doc_id, text in by_id.items():
            page_type, gold = truth[doc_id]
            article = clean(text, model=model, include_segments=False).article
            row = (word_f1(article, gold), shingle_f1(article, gold), word_f1(text, gold))
            scores["all"].append(row)
            scores[page_type].append(row)
        report[name] = {k: {"docs": len(v), "word_f1": mean(x[0] for x in v), "shingle_f1": mean(x[1] for x in v),
                            "keep_all_word_f1": mean(x[2] for x in v)} for k, v in scores.items()}
        a = report[name]["all"]
        print(f"{name:18s} {a['docs']:5d} {a['word_f1']:8.4f} {a['shingle_f1']:7.4f} {a['keep_all_word_f1']:9.4f}  " +
              " ".join(f"{report[name][t]['word_f1']:8.3f}" if t in report[name] else f"{'-':>8s}" for t in types),
              flush=True)
    if args.out:
        args.out.parent.mkdir(parents=True, exist_ok=True)
        args.out.write_text(json.dumps({"fold": args.fold, "renderings": report}, indent=1) + "\n")


if __name__ == "__main__":
    main()
