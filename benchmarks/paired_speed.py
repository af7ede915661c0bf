"""Which of two checkouts cleans faster: paired chunks, back to back, in two warm processes.

This VM's speed drifts by ±10-15% within minutes, so two whole benchmark runs one after the other
compare the machine's phases as much as the code. Here each checkout gets a persistent worker
process (model loaded, caches warm) and both clean the same chunk of documents one after the
other, alternating which goes first; the median of the per-chunk time ratios is the answer.

Usage: .venv/bin/python benchmarks/paired_speed.py OLD_CHECKOUT NEW_CHECKOUT [--rounds 2] [--chunks 8]
       [--dataset text-blocks|text-naive|contaminated|pages]
       (e.g. `git worktree add /tmp/old HEAD~1` for the old one)
"""
from __future__ import annotations

import argparse
import os
import statistics
import subprocess
import sys
from pathlib import Path

REPO = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(REPO / "benchmarks"))

from text_benchmark import DATASETS, default_data_dir  # noqa: E402

# The worker: imports `classifiers` from its checkout, then cleans chunk k of n of the documents
# for every "k n" line it reads, and answers with the seconds it took.
WORKER = r"""
import gzip, json, sys, time
sys.path.insert(0, sys.argv[1])
from classifiers import clean
field = sys.argv[3]  # "text", or "html" for the pages
with gzip.open(sys.argv[2], "rt", encoding="utf-8") as fh:
    docs = [json.loads(line)[field] for line in fh]
run = (lambda doc: clean(html=doc, include_segments=False)) if field == "html" else (
    lambda doc: clean(doc, include_segments=False))
for doc in docs[:50]:
    run(doc)
print("ready", flush=True)
for line in sys.stdin:
    k, n = map(int, line.split())
    chunk = docs[k::n]
    start = time.perf_counter()
    for doc in chunk:
        run(doc)
    print(time.perf_counter() - start, len(chunk), flush=True)
"""
PAGES = "wcxb-dev/pages.jsonl.gz"  # the HTML pages: --dataset pages times clean(html=...)


def main(argv: list[str] | None = None) -> None:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("old", type=Path, help="checkout A (its `classifiers` package is imported)")
    ap.add_argument("new", type=Path, help="checkout B")
    ap.add_argument("--data", type=Path, default=None, help="dataset directory (default as text_benchmark.py)")
    ap.add_argument("--dataset", default="text-blocks", choices=sorted(DATASETS) + ["pages"],
                    help="a text rendering, or `pages` for the HTML pages (default text-blocks)")
    ap.add_argument("--chunks", type=int, default=8, help="the documents are cut into this many chunks")
    ap.add_argument("--rounds", type=int, default=2, help="passes over all chunks")
    args = ap.parse_args(argv)
    html = args.dataset == "pages"
    path = (args.data or default_data_dir()) / (PAGES if html else DATASETS[args.dataset])
    env = dict(os.environ, OMP_NUM_THREADS="1")
    workers = [subprocess.Popen([sys.executable, "-c", WORKER, str(c.resolve()), str(path), "html" if html else "text"],
                                stdin=subprocess.PIPE, stdout=subprocess.PIPE, text=True, env=env)
               for c in (args.old, args.new)]
    try:
        for w in workers:
            if w.stdout.readline().strip() != "ready":
                raise SystemExit("a worker failed to start")
        seconds, docs, ratios = [0.0, 0.0], [0, 0], []
        for r in range(args.rounds):
            for k in range(args.chunks):
                order = (0, 1) if (k + r) % 2 == 0 else (1, 0)
                took = [0.0, 0.0]
                for i in order:
                    workers[i].stdin.write(f"{k} {args.chunks}\n")
                    workers[i].stdin.flush()
                    answer = workers[i].stdout.readline().split()
                    if len(answer) != 2:  # the worker died: its traceback is on stderr above
                        raise SystemExit(f"the worker for {(args.old, args.new)[i]} stopped")
                    t, n = answer
                    took[i] = float(t)
                    seconds[i] += float(t)
                    docs[i] += int(n)
                ratios.append(took[0] / took[1])
    finally:
        for w in workers:
            w.stdin.close()
            w.wait()
    for name, s, n in zip(("old", "new"), seconds, docs):
        print(f"{name}: {n / s:.1f} docs/s over {n} documents")
    print(f"old time / new time per chunk: median {statistics.median(ratios):.3f} "
          f"(min {min(ratios):.3f}, max {max(ratios):.3f}, {len(ratios)} pairs); above 1 means new is faster")


if __name__ == "__main__":
    main()
