"""Side-by-side quality and speed benchmark of article extractors on the shared text renderings.

Every extractor runs in ONE process on the SAME documents, so the numbers are directly comparable.
Usage: .venv/bin/python benchmarks/text_benchmark.py --limit 200   (see benchmarks/README.md)
"""
from __future__ import annotations

import argparse
import gzip
import html
import json
import os
import platform
import re
import sys
import time
from collections import defaultdict
from importlib import metadata
from pathlib import Path

# The script lives in benchmarks/, so make the repo root importable even without `pip install -e`.
REPO = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(REPO))

from classifiers.training.metrics import shingle_f1, word_f1  # noqa: E402

DATASETS = {
    "text-blocks": "wcxb-dev/text-blocks.jsonl.gz",
    "text-naive": "wcxb-dev/text-naive.jsonl.gz",
    "contaminated": "contaminated-dev.jsonl.gz",
}


def default_data_dir() -> Path:
    """$BOILERCUT_DATA, else the first `shared/datasets` next to an ancestor of this script."""
    if os.environ.get("BOILERCUT_DATA"):
        return Path(os.environ["BOILERCUT_DATA"])
    for parent in Path(__file__).resolve().parents:
        if (parent.parent / "shared" / "datasets").is_dir():
            return parent.parent / "shared" / "datasets"
    return REPO.parent / "shared" / "datasets"


def load(path: Path, limit: int | None) -> list[dict]:
    """The first `limit` records, keeping only the fields we need (the files are large)."""
    docs = []
    with gzip.open(path, "rt", encoding="utf-8") as fh:
        for line in fh:
            if limit is not None and len(docs) >= limit:
                break
            r = json.loads(line)
            docs.append({k: r.get(k) or "" for k in ("id", "page_type", "text", "article")})
    return docs


# --- Extractors -----------------------------------------------------------------------------------
# Each factory does its imports and one-off setup (model/stoplist loading) up front, so that cost is
# not timed, and returns a function text -> article text. ImportError / ModelError = skip it.

# C4 (Raffel et al. 2020): keep lines ending in terminal punctuation (optionally followed by a
# closing quote) with >= 5 words; drop javascript / lorem ipsum / code-brace / cookie-policy lines.
# C4 drops whole *pages* for "lorem ipsum" and "{" and pages with < 3 sentences; we only filter
# lines, because here the page always has to yield some article.
_C4_END = re.compile(r"[.!?][\"'\u201d\u2019]?$")
_C4_BAD = ("javascript", "lorem ipsum", "{", "cookie policy", "use of cookies", "uses cookies",
           "use cookies", "privacy policy", "terms of use")


def make_c4_filter():
    def extract(text: str) -> str:
        kept = []
        for line in text.split("\n"):
            s = line.strip()
            low = s.lower()
            if _C4_END.search(s) and len(s.split()) >= 5 and not any(b in low for b in _C4_BAD):
                kept.append(s)
        return "\n".join(kept)
    return extract


def as_html(text: str) -> str:
    """HTML-based extractors need markup: one <p> per line is the most neutral wrapping."""
    body = "".join(f"<p>{html.escape(line)}</p>" for line in text.split("\n"))
    return f"<html><body>{body}</body></html>"


def make_trafilatura():
    import trafilatura

    def extract(text: str) -> str:
        return trafilatura.extract(as_html(text), include_comments=False) or ""
    return extract


def make_justext():
    import justext
    stoplist = justext.get_stoplist("English")  # loading it reads a file: do it once, untimed

    def extract(text: str) -> str:
        paragraphs = justext.justext(as_html(text), stoplist)
        return "\n".join(p.text for p in paragraphs if not p.is_boilerplate)
    return extract


def make_boilercut():
    import classifiers
    classifiers.default_model()  # load the model now so it is not counted as extraction time

    def extract(text: str) -> str:
        return classifiers.clean(text, include_segments=False).article
    return extract


def make_keep_all():
    return lambda text: text  # the baseline: return the scraped text unchanged


EXTRACTORS = {"boilercut": make_boilercut, "c4-filter": make_c4_filter,
              "trafilatura": make_trafilatura, "justext": make_justext, "keep-all": make_keep_all}


# --- Running and scoring --------------------------------------------------------------------------

def run(extract, docs: list[dict]) -> tuple[list[str], float, int]:
    """Outputs, wall-clock seconds and error count; only the extraction is inside the timer."""
    try:
        extract(docs[0]["text"])  # warm-up (lazy imports, caches) so small --limit runs are fair
    except Exception:
        pass
    outputs, errors = [], 0
    start = time.perf_counter()
    for doc in docs:
        try:
            out = extract(doc["text"])
        except Exception:  # a crash is a failed extraction: score it as empty output
            out, errors = "", errors + 1
        outputs.append(out)
    return outputs, time.perf_counter() - start, errors


def mean(xs: list[float]) -> float:
    return sum(xs) / len(xs) if xs else float("nan")


def score(docs: list[dict], outputs: list[str]) -> dict:
    """Macro averages over documents with a non-empty ground truth, overall and per page type."""
    by_type: dict[str, list[tuple[float, float]]] = defaultdict(list)
    for doc, out in zip(docs, outputs):
        if doc["article"].strip():
            by_type[doc["page_type"]].append((word_f1(out, doc["article"]),
                                              shingle_f1(out, doc["article"])))
    every = [s for scores in by_type.values() for s in scores]
    summary = lambda s: {"n": len(s), "word_f1": mean([w for w, _ in s]),  # noqa: E731
                         "shingle_f1": mean([g for _, g in s])}
    return {**summary(every), "page_types": {t: summary(s) for t, s in by_type.items()}}


def versions() -> dict[str, str]:
    out = {}
    for name, dist in (("boilercut", "boilercut"), ("trafilatura", "trafilatura"), ("justext", "jusText")):
        try:
            out[name] = metadata.version(dist)
        except metadata.PackageNotFoundError:
            out[name] = "not installed"
    return out


def print_dataset(name: str, n_docs: int, results: dict) -> None:
    scored = next(iter(results.values()))["n"] if results else 0
    print(f"\n== {name}: {n_docs} docs, {scored} with a non-empty ground truth scored ==")
    print(f"{'extractor':<12} {'docs':>5} {'word F1':>8} {'4-gram F1':>9} {'docs/s':>11} {'errors':>6}")
    for ex, r in results.items():
        print(f"{ex:<12} {n_docs:>5} {r['word_f1']:>8.4f} {r['shingle_f1']:>9.4f} "
              f"{r['docs_per_s']:>11,.1f} {r['errors']:>6}")
    # Page types sorted by size, largest first; word F1 per extractor in columns.
    types = sorted(next(iter(results.values()))["page_types"].items(), key=lambda kv: -kv[1]["n"]) if results else []
    print(f"\nword F1 by page type ({name})")
    print(f"{'page type':<14} {'n':>4} " + " ".join(f"{ex:>12}" for ex in results))
    for t, info in types:
        cells = " ".join(f"{results[ex]['page_types'][t]['word_f1']:>12.4f}" for ex in results)
        print(f"{t:<14} {info['n']:>4} {cells}")


def main(argv: list[str] | None = None) -> int:
    ap = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    ap.add_argument("--data", type=Path, default=None, help="dataset dir (default: $BOILERCUT_DATA or ../shared/datasets)")
    ap.add_argument("--dataset", action="append", choices=list(DATASETS),
                    help="repeatable; default: text-blocks and text-naive")
    ap.add_argument("--limit", type=int, default=None, help="first N docs per dataset (default: all)")
    ap.add_argument("--extractors", default=",".join(EXTRACTORS), help="comma list of " + ", ".join(EXTRACTORS))
    ap.add_argument("--json", type=Path, default=None, help="also write all numbers to this JSON file")
    args = ap.parse_args(argv)

    data_dir = args.data or default_data_dir()
    datasets = args.dataset or ["text-blocks", "text-naive"]
    names = [e.strip() for e in args.extractors.split(",") if e.strip()]
    unknown = [e for e in names if e not in EXTRACTORS]
    if unknown:
        ap.error(f"unknown extractor(s): {', '.join(unknown)}; choose from {', '.join(EXTRACTORS)}")

    missing = [str(data_dir / DATASETS[ds]) for ds in datasets if not (data_dir / DATASETS[ds]).is_file()]
    if missing:  # fail before the slow setup, with a hint instead of a traceback
        print(f"data file(s) not found: {', '.join(missing)} (use --data DIR or $BOILERCUT_DATA)", file=sys.stderr)
        return 2

    machine = {"python": platform.python_version(), "cpu_count": os.cpu_count(),
               "platform": platform.platform()}
    libs = versions()
    print(f"# python {machine['python']} | {machine['cpu_count']} CPUs | {machine['platform']} | "
          + " | ".join(f"{k} {v}" for k, v in libs.items()))
    print(f"# data: {data_dir} | limit: {args.limit or 'all'} | single process, wall-clock")

    extractors, skipped = {}, {}
    for name in names:  # set up every extractor once; a missing extra or model only skips that one
        try:
            extractors[name] = EXTRACTORS[name]()
        except Exception as exc:  # ImportError, classifiers.ModelError, ...
            skipped[name] = f"{type(exc).__name__}: {exc}"
            print(f"# skipping {name}: {skipped[name]}")
    if not extractors:
        print("no extractor available", file=sys.stderr)
        return 1

    report = {"machine": machine, "versions": libs, "limit": args.limit,
              "skipped": skipped, "datasets": {}}
    for ds in datasets:
        docs = load(data_dir / DATASETS[ds], args.limit)
        if not docs:
            print(f"# {ds}: no documents", file=sys.stderr)
            continue
        results = {}
        for name, extract in extractors.items():
            outputs, seconds, errors = run(extract, docs)
            results[name] = {**score(docs, outputs), "seconds": seconds, "errors": errors,
                             "docs_per_s": len(docs) / seconds if seconds > 0 else float("inf")}
        report["datasets"][ds] = {"docs": len(docs), "extractors": results}
        print_dataset(ds, len(docs), results)

    if args.json:
        args.json.write_text(json.dumps(report, indent=2))
        print(f"\n# wrote {args.json}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
