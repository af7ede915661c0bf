"""Side-by-side quality, speed and memory benchmark of main-content extractors on real HTML pages.

Each extractor runs in its own child process (one after the other) on the SAME pages, so its peak
RSS is its own and one library's caches cannot slow down or speed up another.
Usage: .venv/bin/python benchmarks/html_benchmark.py --limit 200   (see benchmarks/README.md)
"""
from __future__ import annotations

import argparse
import contextlib
import gzip
import json
import math
import os
import platform
import subprocess
import sys
import tempfile
import time
import zlib
from collections.abc import Iterator
from datetime import datetime, timezone
from importlib import metadata
from pathlib import Path

# The script lives in benchmarks/: make the repo root (classifiers) and this folder (the text
# benchmark's helpers) importable even without `pip install -e`.
HERE = Path(__file__).resolve().parent
REPO = HERE.parent
sys.path[:0] = [str(REPO), str(HERE)]

from text_benchmark import default_data_dir, score

PAGES = "wcxb-dev/pages.jsonl.gz"
PAGE_TYPES = ("article", "forum", "product", "collection", "listing", "documentation", "service")
BOILERCUT = "boilercut-html"
# Single-threaded BLAS/OpenMP in the workers: every other extractor uses one core, so docs/s stays a
# per-core figure for all of them. An explicit value in the environment wins.
ONE_THREAD = {v: "1" for v in ("OMP_NUM_THREADS", "OPENBLAS_NUM_THREADS", "MKL_NUM_THREADS")}


def records(path: Path, limit: int | None) -> Iterator[dict]:
    """The first `limit` records, one at a time (the whole file is ~1 GB of Python strings)."""
    with gzip.open(path, "rt", encoding="utf-8") as fh:
        for i, line in enumerate(fh):
            if limit is not None and i >= limit:
                return
            yield json.loads(line)


def load(path: Path, limit: int | None, fields: tuple[str, ...]) -> list[dict]:
    """The first `limit` pages with only `fields`: the parent never needs the (large) HTML."""
    return [{k: r.get(k) or "" for k in fields} for r in records(path, limit)]


def load_compressed(path: Path, limit: int | None) -> list[tuple[str, bytes]]:
    """(id, zlib-compressed UTF-8 HTML) of the first `limit` pages.

    Held as plain strs the pages would take ~900 MB and make every extractor's peak RSS about the
    data set; compressed they take ~75 MB, and decompressing a page (outside the timer) is ~1 ms.
    """
    return [(r["id"], zlib.compress(r["html"].encode("utf-8"), 1)) for r in records(path, limit)]


# --- Extractors -----------------------------------------------------------------------------------
# Each factory does its imports and one-off setup (model/stoplist loading) up front, so that cost is
# not timed, and returns a function html -> article text. Any exception here = skip the extractor.

def make_boilercut():
    import classifiers
    # The probe also loads the HTML model, so that is not timed. It is a call rather than a version
    # check because the html= entry point is newer than the text one.
    try:
        classifiers.clean(html="<html><body><p>probe</p></body></html>", include_segments=False)
    except TypeError as exc:
        raise RuntimeError(f"classifiers.clean does not accept html= yet ({exc})") from None

    def extract(page_html: str) -> str:
        return classifiers.clean(html=page_html, include_segments=False).article
    return extract


def make_trafilatura(**options):
    def factory():
        import trafilatura

        def extract(page_html: str) -> str:
            return trafilatura.extract(page_html, **options)  # defaults otherwise (comments included)
        return extract
    return factory


def make_readability():
    import readability
    html_to_text("<p>warm</p>")  # import lxml now, untimed

    def extract(page_html: str) -> str:
        return html_to_text(readability.Document(page_html).summary())
    return extract


# Elements that start a new line in the text of readability's summary; cells only get a space, so
# a table row stays on one line. Token metrics ignore line breaks, but not glued words.
_BLOCK_TAGS = frozenset((
    "address", "article", "aside", "blockquote", "body", "br", "dd", "div", "dl", "dt", "figcaption",
    "figure", "footer", "form", "h1", "h2", "h3", "h4", "h5", "h6", "header", "hr", "li", "main",
    "nav", "ol", "p", "pre", "section", "table", "tbody", "tfoot", "thead", "tr", "ul"))
_CELL_TAGS = frozenset(("td", "th"))


def html_to_text(fragment: str) -> str:
    """Text of an HTML fragment, one line per block element, whitespace collapsed."""
    # Imported here so that only the extractors that use lxml pay for it in their RSS.
    from lxml import etree
    from lxml import html as lxml_html

    if not fragment.strip():
        return ""
    root = lxml_html.fromstring(fragment)
    parts = []
    # iterwalk instead of recursion: broken pages can nest deeper than Python's recursion limit.
    for event, el in etree.iterwalk(root, events=("start", "end")):
        is_element = isinstance(el.tag, str)  # comments and processing instructions are not text
        if event == "start":
            if is_element and el.tag in _BLOCK_TAGS:
                parts.append("\n")
            if is_element and el.text:
                parts.append(el.text)
            continue
        if is_element and el.tag in _BLOCK_TAGS:
            parts.append("\n")
        elif is_element and el.tag in _CELL_TAGS:
            parts.append(" ")
        if el.tail and el is not root:
            parts.append(el.tail)
    lines = (" ".join(line.split()) for line in "".join(parts).split("\n"))
    return "\n".join(line for line in lines if line)


def make_justext():
    import justext
    stoplist = justext.get_stoplist("English")  # loading it reads a file: do it once, untimed

    def extract(page_html: str) -> str:
        paragraphs = justext.justext(page_html, stoplist)
        return "\n\n".join(p.text for p in paragraphs if not p.is_boilerplate)
    return extract


def make_resiliparse(main_content: bool):
    def factory():
        from resiliparse.extract.html2text import extract_plain_text

        def extract(page_html: str) -> str:
            return extract_plain_text(page_html, main_content=main_content)
        return extract
    return factory


EXTRACTORS = {
    BOILERCUT: make_boilercut,
    "trafilatura": make_trafilatura(),
    "trafilatura-precision": make_trafilatura(favor_precision=True),
    "readability-lxml": make_readability,
    "justext": make_justext,
    "resiliparse": make_resiliparse(main_content=True),
    "keep-all": make_resiliparse(main_content=False),  # the whole page as text: the baseline
}

VERSIONED = {"boilercut": "boilercut", "trafilatura": "trafilatura", "justext": "jusText",
             "readability-lxml": "readability-lxml", "resiliparse": "resiliparse", "lxml": "lxml"}


# --- Worker: one extractor in its own process -----------------------------------------------------

def peak_rss_mb() -> float:
    """Peak resident memory of this process in MiB.

    On Linux ru_maxrss also carries the peak of the image this process was exec'ed from, i.e. of
    the parent benchmark (subprocess forks/vforks it), so a worker started after the parent had
    grown would report the parent's peak. VmHWM belongs to this process's own memory map only.
    """
    with contextlib.suppress(OSError, StopIteration, ValueError):
        with open("/proc/self/status", encoding="ascii") as fh:
            line = next(line for line in fh if line.startswith("VmHWM:"))
        return int(line.split()[1]) / 2**10  # "VmHWM:  123456 kB"
    import resource  # not Linux: Unix only, like the peak-RSS figure itself
    peak = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss
    return peak / 2**20 if sys.platform == "darwin" else peak / 2**10  # bytes on macOS, KiB elsewhere


def page_html(doc: tuple[str, bytes]) -> str:
    """A fresh str per call, dropped right after it: CPython caches inside a str the UTF-8 copy
    that a C extension asks for, so long-lived strs would bill such an extractor (resiliparse:
    +400 MB on all pages) for a second copy of the data set."""
    return zlib.decompress(doc[1]).decode("utf-8")


def extract_all(extract, docs: list[tuple[str, bytes]]) -> tuple[list[str], float, int, int]:
    """Outputs, wall-clock seconds, exceptions and None results; only the calls are timed."""
    with contextlib.suppress(Exception):  # a failing page fails again below, where it counts
        extract(page_html(docs[0]))  # warm-up (lazy imports, caches) so small --limit runs are fair
    outputs, raised, seconds = [], 0, 0.0
    for doc in docs:
        page = page_html(doc)
        start = time.perf_counter()
        try:
            out = extract(page)
        except Exception:  # noqa: BLE001 - any crash is a failed extraction: score it as empty
            out, raised = "", raised + 1
        seconds += time.perf_counter() - start
        outputs.append(out)
    # None (the library gave up, e.g. trafilatura finding nothing) is an empty article too.
    nones = sum(out is None for out in outputs)
    return [out or "" for out in outputs], seconds, raised, nones


def worker(name: str, pages: Path, limit: int | None) -> dict:
    docs = load_compressed(pages, limit)
    rss_docs = peak_rss_mb()
    try:
        extract = EXTRACTORS[name]()
    except Exception as exc:  # noqa: BLE001 - ImportError, ModelError, the html= probe: skip it
        return {"skipped": f"{type(exc).__name__}: {exc}"}
    outputs, seconds, raised, nones = extract_all(extract, docs)
    return {"ids": [doc_id for doc_id, _ in docs], "outputs": outputs, "seconds": seconds,
            "errors": raised + nones, "exceptions": raised, "none_results": nones,
            "rss_after_load_mb": rss_docs, "peak_rss_mb": peak_rss_mb()}


def run_worker(name: str, data_dir: Path, limit: int | None) -> dict:
    """Run `name` in a fresh interpreter; a crash (segfault, OOM kill) becomes a skip note."""
    with tempfile.TemporaryDirectory() as tmp:
        result = Path(tmp) / "result.json"
        cmd = [sys.executable, str(Path(__file__).resolve()), "--worker", name,
               "--worker-result", str(result), "--data", str(data_dir)]
        if limit is not None:
            cmd += ["--limit", str(limit)]
        # Library chatter (trafilatura's logging, warnings) would garble the tables: keep it, but
        # show it only when the worker fails.
        proc = subprocess.run(cmd, capture_output=True, text=True, check=False,
                              env={**ONE_THREAD, **os.environ})
        if proc.returncode != 0 or not result.is_file():
            tail = (proc.stderr or proc.stdout).strip().splitlines()[-3:]
            return {"skipped": f"worker exited with {proc.returncode}: {' | '.join(tail)}"}
        return json.loads(result.read_text(encoding="utf-8"))


# --- Scoring and reporting ------------------------------------------------------------------------

def load_oof(path: Path, docs: list[dict]) -> tuple[list[str], int]:
    """Cross-validated boilercut articles in the order of `docs`, and how many pages were missing."""
    by_id = {}
    with path.open(encoding="utf-8") as fh:
        for line in fh:
            if line.strip():
                r = json.loads(line)
                by_id[r["id"]] = r.get("article") or ""
    missing = sum(d["id"] not in by_id for d in docs)
    return [by_id.get(d["id"], "") for d in docs], missing


def result_row(run: dict | None, quality: dict) -> dict:
    """Quality plus the speed/memory of `run`; those are None when the extractor did not run."""
    run = run or {}
    seconds, n = run.get("seconds"), len(run.get("ids", ()))
    peak, after_load = run.get("peak_rss_mb"), run.get("rss_after_load_mb")
    return {**quality, "seconds": seconds, "docs_per_s": n / seconds if seconds else None,
            **{k: run.get(k) for k in ("errors", "exceptions", "none_results")},
            "peak_rss_mb": peak, "rss_after_load_mb": after_load,
            "extractor_rss_mb": peak - after_load if run else None}


def cv_row(run: dict | None, docs: list[dict], oof: Path) -> dict:
    """boilercut's row: quality from the out-of-fold file, speed and memory from the shipped model."""
    outputs, missing = load_oof(oof, docs)
    if missing:
        print(f"# WARNING: {missing} of {len(docs)} pages are missing from {oof}: scored as empty")
    in_sample = score(docs, run["outputs"]) if run else None  # kept in the JSON for comparison
    return {**result_row(run, score(docs, outputs)), "quality": "cross-validated",
            "oof_file": str(oof), "oof_missing": missing, "in_sample": in_sample}


def fmt(x: float | None, spec: str) -> str:
    return "-" if x is None or math.isnan(x) else format(x, spec)  # None: not measured, NaN: no page


def print_main_table(results: dict, n_docs: int) -> None:
    scored = next(iter(results.values()))["n"]
    print(f"\n== wcxb-dev HTML: {n_docs} pages, {scored} with a non-empty ground truth scored ==")
    print(f"{'extractor':<24} {'word F1':>8} {'4-gram F1':>9} {'docs/s':>8} {'peak RSS MB':>11} "
          f"{'after load':>10} {'+extractor':>10} {'errors':>6}")
    for label, r in results.items():
        print(f"{label:<24} {r['word_f1']:>8.4f} {r['shingle_f1']:>9.4f} {fmt(r['docs_per_s'], ',.1f'):>8} "
              f"{fmt(r['peak_rss_mb'], ',.0f'):>11} {fmt(r['rss_after_load_mb'], ',.0f'):>10} "
              f"{fmt(r['extractor_rss_mb'], ',.0f'):>10} {fmt(r['errors'], 'd'):>6}")
    print("# peak RSS: max resident memory of the extractor's process; after load: with the pages "
          "loaded, before the extractor is imported; +extractor: the difference. errors: exceptions "
          "+ None results (scored as empty)")


def print_page_type_table(results: dict, metric: str, title: str) -> None:
    types = [t for t in PAGE_TYPES if any(t in r["page_types"] for r in results.values())]
    counts = next(iter(results.values()))["page_types"]
    print(f"\n{title} by page type")
    print(f"{'extractor':<24} " + " ".join(f"{t:>13}" for t in types))
    print(f"{'(pages scored)':<24} " + " ".join(f"{counts.get(t, {}).get('n', 0):>13}" for t in types))
    for label, r in results.items():
        cells = (fmt(r["page_types"].get(t, {}).get(metric), ".4f") for t in types)
        print(f"{label:<24} " + " ".join(f"{c:>13}" for c in cells))


def versions() -> dict[str, str]:
    out = {}
    for name, dist in VERSIONED.items():
        try:
            out[name] = metadata.version(dist)
        except metadata.PackageNotFoundError:
            out[name] = "not installed"
    return out


def benchmark(names: list[str], data_dir: Path, limit: int | None, oof: Path | None) -> dict:
    """Run every extractor in turn and score it; returns the JSON report (minus machine info)."""
    docs = load(data_dir / PAGES, limit, ("id", "page_type", "article"))
    ids = [d["id"] for d in docs]
    results, skipped = {}, {}
    for name in names:
        run = run_worker(name, data_dir, limit)
        if "skipped" in run:
            skipped[name] = run["skipped"]
            print(f"# skipping {name}: {run['skipped']}", flush=True)
            run = None
        elif run["ids"] != ids:  # would make every score meaningless, so refuse loudly
            raise RuntimeError(f"{name}: the worker read different pages than the parent")
        else:
            print(f"# ran {name}: {len(ids)} pages in {run['seconds']:.1f} s", flush=True)
        if name == BOILERCUT and oof:  # the CV quality is worth showing even if the model can't run
            results[f"{BOILERCUT} (CV)"] = cv_row(run, docs, oof)
        elif run:
            results[name] = result_row(run, score(docs, run["outputs"]))
            if name == BOILERCUT:  # trained on these very pages: say so in the JSON as well
                results[name]["quality"] = "in-sample"
    return {"pages": len(docs), "skipped": skipped, "extractors": results}


def main(argv: list[str] | None = None) -> int:
    ap = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    ap.add_argument("--data", type=Path, default=None,
                    help="dataset dir (default: $BOILERCUT_DATA or ../shared/datasets)")
    ap.add_argument("--limit", type=int, default=None, help="first N pages (default: all)")
    ap.add_argument("--only", action="append", choices=list(EXTRACTORS), metavar="NAME",
                    help="repeatable; default: all of " + ", ".join(EXTRACTORS))
    ap.add_argument("--boilercut-oof", type=Path, default=None, metavar="FILE",
                    help="JSONL of cross-validated {id, article} from "
                         "`boilercut evaluate --mode html --predictions FILE`: boilercut's quality "
                         "columns come from it (speed and memory still from the shipped model)")
    ap.add_argument("--json", type=Path, default=None, help="also write all numbers to this JSON file")
    ap.add_argument("--worker", choices=list(EXTRACTORS), help=argparse.SUPPRESS)
    ap.add_argument("--worker-result", type=Path, help=argparse.SUPPRESS)
    args = ap.parse_args(argv)
    if args.limit is not None and args.limit < 1:
        ap.error("--limit must be at least 1")

    data_dir = args.data or default_data_dir()
    pages = data_dir / PAGES
    if args.worker:  # child process: run one extractor, hand the results back through a file
        args.worker_result.write_text(json.dumps(worker(args.worker, pages, args.limit)), encoding="utf-8")
        return 0

    names = list(dict.fromkeys(args.only or EXTRACTORS))  # a repeated --only runs once
    hints = {pages: "use --data DIR or $BOILERCUT_DATA", args.boilercut_oof: "check --boilercut-oof"}
    for path, hint in hints.items():
        if path is not None and not path.is_file():  # fail before the slow runs, with a hint
            print(f"file not found: {path} ({hint})", file=sys.stderr)
            return 2
    oof = args.boilercut_oof if BOILERCUT in names else None
    if args.boilercut_oof and oof is None:
        print(f"# note: --boilercut-oof ignored, {BOILERCUT} is not selected")

    machine = {"python": platform.python_version(), "cpu_count": os.cpu_count(),
               "platform": platform.platform()}
    libs = versions()
    print(f"# python {machine['python']} | {machine['cpu_count']} CPUs | {machine['platform']} | "
          + " | ".join(f"{k} {v}" for k, v in libs.items()))
    print(f"# data: {pages} | limit: {args.limit or 'all'} | one worker process per extractor, "
          "one at a time, single-threaded, wall-clock", flush=True)

    report = benchmark(names, data_dir, args.limit, oof)
    results = report["extractors"]
    if not results:
        print("no extractor available", file=sys.stderr)
        return 1
    print_main_table(results, report["pages"])
    if BOILERCUT in results:
        print(f"# WARNING: {BOILERCUT} quality is IN-SAMPLE: the shipped model was trained on these "
              "pages, so it is optimistic. Pass --boilercut-oof FILE (from `boilercut evaluate "
              "--mode html --predictions FILE`) for cross-validated quality.")
    print_page_type_table(results, "word_f1", "word F1")
    print_page_type_table(results, "shingle_f1", "4-gram shingle F1")

    if args.json:
        date = datetime.now(timezone.utc).isoformat(timespec="seconds")
        args.json.write_text(json.dumps({"date": date, "machine": machine, "versions": libs,
                                         "data": str(pages), "limit": args.limit, **report}, indent=2))
        print(f"\n# wrote {args.json}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
