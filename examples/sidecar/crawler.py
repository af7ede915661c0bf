"""A crawler stand-in for the sidecar example: every scraped page in a folder goes through boilercut.

Reads INPUT_DIR/*.txt (scraped text, as a crawler would have saved it), POSTs each file to the
boilercut sidecar at CLEAN_URL/v1/clean, and writes the JSON answer to OUTPUT_DIR/<name>.json
(atomically, so a reader never sees half a file). Files already cleaned are skipped, so a rerun
only does new work. A 503 (busy, or still starting) or a refused connection is retried, up to
ATTEMPTS times per file. Exits 1 if any file failed. Standard library only: it runs in the
boilercut image (docker-compose.yml) or with any Python 3.
"""
import json
import os
import sys
import time
import urllib.error
import urllib.parse
import urllib.request
from pathlib import Path

CLEAN_URL = os.environ.get("CLEAN_URL", "http://127.0.0.1:8080").rstrip("/")
INPUT_DIR = Path(os.environ.get("INPUT_DIR", "/sidecar/input"))
OUTPUT_DIR = Path(os.environ.get("OUTPUT_DIR", "/data/results"))
ATTEMPTS = int(os.environ.get("ATTEMPTS", "10"))  # per file, for 503s and refused connections


def clean(path: Path, attempts: int = ATTEMPTS) -> dict:
    query = urllib.parse.urlencode({"id": path.stem, "include_segments": "false"})
    request = urllib.request.Request(f"{CLEAN_URL}/v1/clean?{query}", data=path.read_bytes(), method="POST",
                                     headers={"Content-Type": "text/plain; charset=utf-8"})
    for attempt in range(1, attempts + 1):
        try:
            with urllib.request.urlopen(request, timeout=60) as response:
                return json.load(response)
        except urllib.error.HTTPError as exc:
            if exc.code != 503 or attempt == attempts:
                raise RuntimeError(f"HTTP {exc.code}: {exc.read()[:200].decode('utf-8', 'replace')}") from None
            time.sleep(float(exc.headers.get("Retry-After") or 1))
        except urllib.error.URLError:  # not listening yet
            if attempt == attempts:
                raise
            time.sleep(1)
    raise AssertionError("unreachable")


def main() -> int:
    OUTPUT_DIR.mkdir(parents=True, exist_ok=True)
    failed = done = 0
    for path in sorted(INPUT_DIR.glob("*.txt")):
        out = OUTPUT_DIR / f"{path.stem}.json"
        if out.exists():
            continue
        try:
            result = clean(path)
        except (OSError, RuntimeError) as exc:
            print(f"{path.name}: FAILED {exc}", file=sys.stderr)
            failed += 1
            continue
        tmp = out.with_suffix(".json.tmp")
        tmp.write_text(json.dumps(result, ensure_ascii=False, indent=2) + "\n", encoding="utf-8")
        tmp.replace(out)
        done += 1
        print(f"{path.name}: {path.stat().st_size} bytes in, {len(result.get('article') or '')} characters of "
              f"article out ({result.get('lang')}, {result.get('timing_ms')} ms) -> {out}")
    print(f"cleaned {done} file(s), {failed} failed, results in {OUTPUT_DIR}")
    return 1 if failed else 0


if __name__ == "__main__":
    sys.exit(main())
