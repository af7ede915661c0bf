"""glibc malloc settings for processes that clean documents one after another.

Cleaning a 100 KB document allocates numpy arrays of a few hundred KB to a few MB
and frees them again. With glibc's defaults, the freed memory goes back to the
kernel (unmapped, or trimmed off the top of the heap) after every document, and
the next document faults the same pages in afresh: about 3,000 page faults per
100 KB document in a server's cleaning thread, a fifth of its time. Raising the
mmap and trim thresholds keeps that memory in the process for the next
document: 24.8 → 19.4 ms per 100 KB document in-process, no change for 10 KB
ones, and a worker's resident size grew by ~5 MB (131 → 137 MB after 100 KB documents).

The CLI and the HTTP server call this for their own processes. A library must
not change its host process's allocator behind its back, so `clean()` never does;
an embedding pipeline (a Spark or Dask worker that cleans many documents) can call
it, or set `MALLOC_MMAP_THRESHOLD_` and `MALLOC_TRIM_THRESHOLD_` before start.
"""
from __future__ import annotations

import ctypes

# mallopt() parameters, from glibc's <malloc.h>.
_M_TRIM_THRESHOLD = -1
_M_MMAP_THRESHOLD = -3
# The largest mmap threshold glibc accepts on 64-bit systems (HEAP_MAX_SIZE / 2); smaller limits
# measured worse: 4 MB gave no gain on 100 KB documents, 1 MB made them 60% slower.
DEFAULT_LIMIT = 32 * 1024 * 1024


def reuse_freed_memory(limit: int = DEFAULT_LIMIT) -> bool:
    """Keep up to `limit` bytes of freed memory for reuse instead of returning it to the kernel at once.

    Returns False (and changes nothing) where the C library has no glibc `mallopt`, e.g. musl.
    Process-wide and inherited by forked children; idempotent."""
    try:
        mallopt = ctypes.CDLL(None).mallopt
    except (OSError, AttributeError):
        return False
    mallopt.argtypes, mallopt.restype = (ctypes.c_int, ctypes.c_int), ctypes.c_int
    # Setting either threshold also turns off glibc's own adjustment of both: set both.
    return bool(mallopt(_M_MMAP_THRESHOLD, limit)) and bool(mallopt(_M_TRIM_THRESHOLD, limit))
