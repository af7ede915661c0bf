"""Cost of clean() as the input grows: time and peak memory for inputs of 0.5 to 16 MB.

Builds documents by repeating the hand-written fixtures (so no shared data is needed) and
prints seconds and seconds per MB; a linear pipeline keeps s/MB flat.

    .venv/bin/python benchmarks/scaling.py
"""
from __future__ import annotations

import resource
import sys
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent.parent / "tests"))

from classifiers import clean, default_model  # noqa: E402
from fixture_docs import all_fixtures  # noqa: E402


def main() -> None:
    default_model()
    unit = "\n\n".join(d.text for d in all_fixtures())
    print(f"{'MB':>6} {'segments':>9} {'seconds':>8} {'s/MB':>6} {'peak RSS MB':>12}")
    for mb in (0.5, 1, 2, 4, 8, 16):
        text = (unit + "\n") * max(1, int(mb * 1e6 / (len(unit) + 1)))
        start = time.perf_counter()
        result = clean(text, include_segments=True)
        seconds = time.perf_counter() - start
        peak = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024
        print(f"{len(text) / 1e6:>6.1f} {len(result.segments):>9} {seconds:>8.2f} {seconds / (len(text) / 1e6):>6.2f} {peak:>12.0f}")
    one_line = "word " * 200_000
    start = time.perf_counter()
    clean(one_line)
    print(f"a single 1 MB line: {time.perf_counter() - start:.2f} s")


if __name__ == "__main__":
    main()
