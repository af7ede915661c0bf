"""The allocator setting keeps a large document's freed memory for the next one (no page-fault churn)."""
from __future__ import annotations

import os
import subprocess
import sys

import pytest

PROBE = r"""
import resource, sys
from classifiers import clean
from classifiers.allocator import reuse_freed_memory
if sys.argv[1] == "tuned" and not reuse_freed_memory():
    print("unsupported"); sys.exit(0)
doc = "\n".join(f"Paragraph {i}: a sentence of scraped text with words that vary, {i * 7919 % 1000} and more."
                for i in range(1200))  # ~100 KB
for _ in range(3):
    clean(doc)  # warm-up: the process reaches its working size
before = resource.getrusage(resource.RUSAGE_SELF).ru_minflt
for _ in range(5):
    clean(doc)
print((resource.getrusage(resource.RUSAGE_SELF).ru_minflt - before) / 5)
"""


def _faults_per_document(mode: str) -> str:
    env = {k: v for k, v in os.environ.items() if not k.startswith("MALLOC_")} | {"OMP_NUM_THREADS": "1"}
    return subprocess.run([sys.executable, "-c", PROBE, mode], capture_output=True, text=True, check=True,
                          env=env).stdout.strip()


def test_a_tuned_process_reuses_memory_across_large_documents():
    tuned = _faults_per_document("tuned")
    if tuned == "unsupported":
        pytest.skip("no glibc mallopt here (e.g. musl)")
    default = float(_faults_per_document("default"))
    assert float(tuned) < 100 < default / 5, (tuned, default)
