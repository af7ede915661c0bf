"""Load benchmark of `boilercut serve`: req/s and p50/p95/p99 under wrk, next to in-process clean() docs/s.

Starts the service on a free loopback port, drives `POST /v1/clean` (text/plain) with wrk at each
concurrency for documents of each size (built from fixtures/text, so no shared data is needed), and
times `clean()` on the same documents in this process.
Usage: .venv/bin/python benchmarks/load_benchmark.py   (see benchmarks/README.md)
"""
from __future__ import annotations

import argparse
import itertools
import json
import os
import platform
import re
import shutil
import signal
import socket
import statistics
import subprocess
import sys
import tempfile
import time
import urllib.error
import urllib.request
from importlib import metadata
from pathlib import Path

# One BLAS/OpenMP thread here and in the server (it inherits the environment), so that "in-process"
# and "per worker" both mean one core. Must happen before numpy is imported.
for _var in ("OMP_NUM_THREADS", "OPENBLAS_NUM_THREADS", "MKL_NUM_THREADS"):
    os.environ.setdefault(_var, "1")

# The script lives in benchmarks/, so make the repo root importable even without `pip install -e`.
REPO = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(REPO))

from service.config import Settings  # noqa: E402  (after the thread settings above)

FIXTURES = REPO / "fixtures" / "text"
RESULT_MARK = "BOILERCUT_RESULT "  # prefix of the JSON line our Lua done() prints after wrk's own report
WRK_TIMEOUT_S = 10
RATIO_TARGET = 0.80  # the criterion: per-worker throughput >= 80% of in-process clean() (10 KiB)


# --- Documents ------------------------------------------------------------------------------------

def fixture_lines() -> list[str]:
    """Every fixture's lines as a scraper delivers them: `+ `/`- ` markers stripped, blank lines kept."""
    lines = []
    for path in sorted(FIXTURES.glob("*.txt")):
        lines += [raw[2:] if raw.strip() else "" for raw in path.read_text(encoding="utf-8").split("\n")]
        lines.append("")  # a blank line between two fixtures, as between two blocks of a page
    return lines


def build_doc(lines: list[str], size: int) -> str:
    """Fixture lines, cycled, up to `size` UTF-8 bytes. Whole lines only, so no line is cut mid-sentence."""
    out, used = [], 0
    for i in itertools.count():
        line = lines[i % len(lines)]
        cost = len(line.encode("utf-8")) + 1  # + the newline
        if out and used + cost > size:
            break
        out.append(line)
        used += cost
    return "\n".join(out)


def parse_size(text: str) -> int:
    """`2k` = 2 KiB, `1m` = 1 MiB, a bare number = bytes."""
    m = re.fullmatch(r"(\d+)([km]?)", text.strip().lower())
    if not m or int(m.group(1)) < 1:
        raise argparse.ArgumentTypeError(f"bad size {text!r}: use e.g. 2k, 10k, 100k or a byte count")
    return int(m.group(1)) * {"": 1, "k": 1024, "m": 1024 * 1024}[m.group(2)]


# --- In-process baseline --------------------------------------------------------------------------

def in_process_rate(doc: str, seconds: float) -> dict:
    """clean() docs/s on one thread: one untimed warm-up call (model load, lazy imports), then a timed loop."""
    from classifiers import clean

    clean(doc)
    n, start = 0, time.perf_counter()
    while (elapsed := time.perf_counter() - start) < seconds:
        clean(doc)  # the server's default too: text input, include_segments=True
        n += 1
    return {"docs": n, "seconds": elapsed, "docs_per_s": n / elapsed}


# --- The server -----------------------------------------------------------------------------------

def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


def server_command() -> list[str]:
    """The `boilercut` script of the running interpreter's venv, else the same CLI through `-m`."""
    script = Path(sys.executable).parent / "boilercut"
    return [str(script)] if script.exists() else [sys.executable, "-m", "classifiers.cli"]


def start_server(workers: int, worker_class: str, threads: int, port: int, log) -> subprocess.Popen:
    cmd = server_command() + ["serve", "--host", "127.0.0.1", "--port", str(port), "--workers", str(workers),
                              "--worker-class", worker_class, "--threads", str(threads)]
    # Own session: a Ctrl-C reaches only this script, whose `finally` then stops the server cleanly.
    return subprocess.Popen(cmd, stdout=log, stderr=subprocess.STDOUT, cwd=REPO, start_new_session=True)


def get(url: str, timeout: float = 5.0) -> tuple[int, bytes]:
    try:
        with urllib.request.urlopen(url, timeout=timeout) as r:
            return r.status, r.read()
    except urllib.error.HTTPError as exc:
        return exc.code, exc.read()


def wait_ready(proc: subprocess.Popen, base: str, timeout: float = 120.0) -> dict:
    """The /readyz body once the text model is loaded. A 503 that only misses the HTML model is fine:
    this benchmark sends text, and the HTML model is optional."""
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        if proc.poll() is not None:
            raise RuntimeError(f"the server exited with code {proc.returncode} before it was ready")
        try:
            status, body = get(base + "/readyz", timeout=2.0)
            info = json.loads(body)
            if status == 200 or (status == 503 and (info.get("models") or {}).get("text")):
                return info
        except (OSError, ValueError):  # not listening yet, or a half-started worker
            pass
        time.sleep(0.2)
    raise RuntimeError(f"the server was not ready after {timeout:.0f} s")


def check_answers(base: str, body: bytes, n: int) -> None:
    """A few real requests before wrk: they warm every worker up and catch a wrong request format early,
    which would otherwise show up only as a table full of errors."""
    for _ in range(n):
        req = urllib.request.Request(base + "/v1/clean", data=body, method="POST",
                                     headers={"Content-Type": "text/plain; charset=utf-8"})
        try:
            with urllib.request.urlopen(req, timeout=60) as r:
                answer = json.loads(r.read())
        except urllib.error.HTTPError as exc:
            raise RuntimeError(f"POST /v1/clean answered {exc.code}: {exc.read()[:300]!r}") from None
        if "article" not in answer:
            raise RuntimeError(f"POST /v1/clean answered without an article: {str(answer)[:300]}")


def cleaned_so_far(base: str) -> float | None:
    """POST /v1/clean requests the server has finished (all statuses, all workers), from /metrics."""
    try:
        _, text = get(base + "/metrics")
    except OSError:
        return None
    total = 0.0
    for line in text.decode("utf-8", "replace").splitlines():
        if line.startswith("boilercut_http_requests_total{") and 'route="/v1/clean"' in line:
            total += float(line.rsplit(" ", 1)[1])
    return total


def wait_idle(base: str, fallback: float, limit: float = 30.0) -> float:
    """Wait until the server has finished the requests wrk left in flight when it stopped, so they do
    not eat into the next run: idle = the finished-request count unchanged for one second. Without
    /metrics (a broken server), sleep `fallback` seconds instead: about the time to drain one request
    per connection at the measured rate."""
    start, last, still = time.monotonic(), None, 0
    while time.monotonic() - start < limit:
        now = cleaned_so_far(base)
        if now is None:
            time.sleep(max(0.0, min(fallback, limit) - (time.monotonic() - start)))
            break
        still = still + 1 if now == last else 0
        if still >= 2:
            break
        last = now
        time.sleep(0.5)
    return time.monotonic() - start


def server_log_summary(log_path: Path) -> dict[str, int]:
    """Warnings, errors and worker restarts in the server's JSON log, counted by message: when a run has
    errors, this says whether the server saw them too, and why."""
    counts: dict[str, int] = {}
    for line in log_path.read_text(encoding="utf-8", errors="replace").splitlines():
        try:
            entry = json.loads(line)
        except ValueError:
            continue
        msg = str(entry.get("msg") or entry.get("message") or "")
        if msg == "request" and int(entry.get("status") or 0) >= 400:
            key = f"answered {entry.get('status')} on {entry.get('method')} {entry.get('path')}"
            counts[key] = counts.get(key, 0) + 1
            continue
        if entry.get("level") in ("warning", "error", "critical") or "restart" in msg.lower():
            cause = str(entry.get("exc") or "").strip().splitlines()[-1:]  # the exception's last line
            key = f"{entry.get('level')}: {msg[:100]}" + (f" ({cause[0][:140]})" if cause else "")
            key = re.sub(r"\d{3,}", "N", key)  # one line per kind of problem, not per worker pid or port
            counts[key] = counts.get(key, 0) + 1
    return counts


def stop_server(proc: subprocess.Popen) -> None:
    if proc.poll() is None:
        proc.send_signal(signal.SIGTERM)  # gunicorn's graceful shutdown; the workers are idle by now
        try:
            proc.wait(timeout=40)
        except subprocess.TimeoutExpired:
            proc.kill()
            proc.wait()


# --- wrk ------------------------------------------------------------------------------------------
# The Lua script POSTs one file's bytes. wrk's own report has no p95, so done() prints one JSON line
# with everything we need: counts, socket errors, answers with status >= 400, latency percentiles.

LUA_REQUEST = """
local f = assert(io.open([==[@BODY@]==], "rb"))
wrk.method = "POST"
wrk.body = f:read("*a")
f:close()
wrk.headers["Content-Type"] = "text/plain; charset=utf-8"

-- No response() hook: with one, wrk copies every answer's headers and body into Lua, client work
-- that would count against the server at concurrency 1. wrk's own tally of status >= 400 answers
-- (summary.errors.status) is all we need here; the server log gives the statuses one by one.
"""

# Constant-rate mode (wrk has no -R, unlike wrk2): every request of a wrk thread reserves the next
# slot of that thread's schedule, `interval` ms after the previous one, and delay() waits until it.
# A slot already in the past is moved to now instead of being caught up, so a server that falls
# behind gets no burst: the run then simply achieves less than the target, and we report what it got.
LUA_PACING = """
local ffi = require("ffi")
ffi.cdef[[
typedef struct { long tv_sec; long tv_nsec; } bc_timespec;
int clock_gettime(int clk_id, bc_timespec *tp);
]]
local ts = ffi.new("bc_timespec")
local function now_ms()
  ffi.C.clock_gettime(1, ts)  -- CLOCK_MONOTONIC
  return tonumber(ts.tv_sec) * 1000 + tonumber(ts.tv_nsec) / 1e6
end

local interval = @INTERVAL_MS@
local next_slot = nil
function delay()
  local now = now_ms()
  if next_slot == nil or next_slot < now then next_slot = now end
  local wait = next_slot - now
  next_slot = next_slot + interval
  return math.floor(wait)
end
"""

LUA_DONE = """
function done(summary, latency, requests)
  local e = summary.errors
  local ms = function(p) return latency:percentile(p) / 1000 end
  io.write(string.format('@MARK@{"requests": %d, "duration_s": %.6f, "bytes": %d, '
    .. '"socket_errors": {"connect": %d, "read": %d, "write": %d, "timeout": %d}, '
    .. '"non2xx": %d, '
    .. '"latency_ms": {"mean": %.3f, "max": %.3f, "p50": %.3f, "p75": %.3f, "p90": %.3f, "p95": %.3f, "p99": %.3f}}\\n',
    summary.requests, summary.duration / 1e6, summary.bytes,
    e.connect, e.read, e.write, e.timeout, e.status,
    latency.mean / 1000, latency.max / 1000, ms(50), ms(75), ms(90), ms(95), ms(99)))
end
"""


def write_lua(path: Path, body_file: Path, interval_ms: float | None = None) -> Path:
    script = LUA_REQUEST.replace("@BODY@", str(body_file))
    if interval_ms is not None:
        script += LUA_PACING.replace("@INTERVAL_MS@", f"{interval_ms:.6f}")
    script += LUA_DONE.replace("@MARK@", RESULT_MARK)
    path.write_text(script, encoding="utf-8")
    return path


def drain_estimate(r: dict) -> float:
    return r["connections"] / max(r["ok_per_s"], 1.0) + 0.5


def wrk_threads(connections: int) -> int:
    return min(connections, 4)


def run_wrk(wrk: str, url: str, lua: Path, connections: int, duration: int) -> dict:
    """One bounded wrk run (-d seconds; each request times out after 10 s) and its parsed result."""
    cmd = [wrk, "-c", str(connections), "-t", str(wrk_threads(connections)), "-d", f"{duration}s",
           "--latency", "--timeout", f"{WRK_TIMEOUT_S}s", "-s", str(lua), url]
    proc = subprocess.run(cmd, capture_output=True, text=True, timeout=duration + WRK_TIMEOUT_S + 30)
    for line in proc.stdout.splitlines():
        if line.startswith(RESULT_MARK):
            r = json.loads(line[len(RESULT_MARK):])
            break
    else:
        raise RuntimeError(f"wrk printed no result (exit {proc.returncode}): {(proc.stderr or proc.stdout)[-500:]}")
    r["errors"] = sum(r["socket_errors"].values()) + r["non2xx"]
    # A quick 503 "overloaded" is no cleaned document: only 2xx answers count as throughput.
    r["ok_per_s"] = (r["requests"] - r["non2xx"]) / r["duration_s"] if r["duration_s"] > 0 else 0.0
    r["connections"], r["wrk_threads"] = connections, wrk_threads(connections)
    return r


def wrk_version(wrk: str) -> str:
    out = subprocess.run([wrk, "--version"], capture_output=True, text=True)
    first = (out.stdout or out.stderr or "?").splitlines()[0]
    return first.split(" Copyright")[0].removeprefix("wrk ").strip()


# --- Reporting ------------------------------------------------------------------------------------

def size_label(size: int) -> str:
    if size % (1024 * 1024) == 0:
        return f"{size // (1024 * 1024)}m"
    return f"{size // 1024}k" if size % 1024 == 0 else str(size)


def print_row(label: str, conc: int, r: dict) -> None:
    lat = r["latency_ms"]
    print(f"{label:>6} {conc:>5} {r['requests']:>9} {r['ok_per_s']:>9.1f} {lat['p50']:>9.1f} "
          f"{lat['p95']:>9.1f} {lat['p99']:>9.1f} {r['errors']:>7}", flush=True)


def summarize(report: dict) -> None:
    """Per-worker throughput vs in-process clean(), the half-peak latency and the error total."""
    print("\n== server vs in-process: peak req/s per worker / clean() docs/s ==")
    print(f"{'size':>6} {'peak req/s':>11} {'at conc':>8} {'per worker':>11} {'in-process':>11} {'ratio':>7}"
          "   (in-process: mean of before and after)")
    for label, peak in report["peaks"].items():
        # This machine's speed drifts by ±10% over minutes: the baseline is the mean of the runs
        # before and after the load runs (both are in the report).
        rates = [r[label]["docs_per_s"] for r in (report["in_process"], report.get("in_process_after") or {})
                 if label in r]
        base = sum(rates) / len(rates)
        ratio = peak["per_worker"] / base if base else float("nan")
        peak["ratio_to_in_process"] = ratio
        verdict = ""
        if label == "10k":
            verdict = f"  (target >= {RATIO_TARGET:.0%}: {'met' if ratio >= RATIO_TARGET else 'NOT met'})"
        print(f"{label:>6} {peak['req_per_s']:>11.1f} {peak['concurrency']:>8} {peak['per_worker']:>11.1f} "
              f"{base:>11.1f} {ratio:>7.1%}{verdict}")
    paired = report.get("paired")
    if paired:
        verdict = ""
        if paired["size"] == "10k":  # the target is stated for 10 KB documents, as in the table above
            verdict = f" (target >= {RATIO_TARGET:.0%}: {'met' if paired['median_ratio'] >= RATIO_TARGET else 'NOT met'})"
        print(f"  paired rounds ({paired['size']}, {len(paired['rounds'])} rounds): median ratio "
              f"{paired['median_ratio']:.1%}{verdict}; rounds "
              + ", ".join(f"{x['ratio']:.1%}" for x in paired["rounds"]))
    half = report.get("half_peak")
    if half:
        lat = half["latency_ms"]
        print(f"\n== p99 at half of peak load ({half['size']}) ==\n"
              f"target {half['target_per_s']:.1f} req/s (half of {half['peak_per_s']:.1f}), achieved "
              f"{half['ok_per_s']:.1f} req/s with {half['connections']} connections: p50 {lat['p50']:.1f} ms, "
              f"p95 {lat['p95']:.1f} ms, p99 {lat['p99']:.1f} ms, errors {half['errors']}")
    every_run = report["runs"] + ([half] if half else []) + (paired["rounds"] if paired else [])
    total = sum(r["errors"] for r in every_run)
    report["errors_total"] = total
    print(f"\nerrors in the load runs: {total} (target 0: {'met' if total == 0 else 'NOT met'})")
    if total:
        sockets: dict[str, int] = {}
        for r in every_run:
            for k, v in r["socket_errors"].items():
                sockets[k] = sockets.get(k, 0) + v
        answers = sum(r["non2xx"] for r in every_run)
        print(f"  answers with status >= 400: {answers} (by status: the server log counts below); "
              f"socket errors: {sockets}")


def versions(wrk: str) -> dict[str, str]:
    try:
        boilercut = metadata.version("boilercut")
    except metadata.PackageNotFoundError:
        boilercut = "not installed"
    return {"boilercut": boilercut, "wrk": wrk_version(wrk)}


# --- Main -----------------------------------------------------------------------------------------

def main(argv: list[str] | None = None) -> int:
    ap = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    ap.add_argument("--duration", type=int, default=10, help="seconds per wrk run (default 10)")
    ap.add_argument("--sizes", nargs="+", type=parse_size, default=[parse_size(s) for s in ("2k", "10k", "100k")],
                    help="document sizes, e.g. 2k 10k 100k (KiB; a bare number is bytes). Default: 2k 10k 100k")
    ap.add_argument("--concurrency", nargs="+", type=int, default=[1, 8, 32],
                    help="wrk connections per run (default: 1 8 32)")
    ap.add_argument("--workers", type=int, default=1, help="server worker processes (default 1: per-worker numbers)")
    ap.add_argument("--worker-class", dest="worker_class", choices=("gevent", "gthread"),
                    default=Settings().worker_class, help=f"default {Settings().worker_class}, the service default")
    ap.add_argument("--threads", type=int, default=Settings().threads,
                    help=f"threads per gthread worker (default {Settings().threads}, the service default)")
    ap.add_argument("--baseline-seconds", type=float, default=3.0,
                    help="seconds of in-process clean() per size (default 3, at least 2)")
    ap.add_argument("--no-half-peak", action="store_true", help="skip the constant-rate run at half of peak")
    ap.add_argument("--paired-rounds", type=int, default=5,
                    help="rounds of in-process clean() then wrk at the peak's concurrency, back to back, on the "
                         "10k documents (default 5; 0 skips them): the ratio of each round, and their median")
    ap.add_argument("--wrk", default=shutil.which("wrk") or "/usr/bin/wrk", help="wrk binary")
    ap.add_argument("--json", type=Path, default=None, help="also write all numbers to this JSON file")
    args = ap.parse_args(argv)
    if args.duration < 1 or args.workers < 1 or args.threads < 1 or min(args.concurrency) < 1:
        ap.error("--duration, --workers, --threads and every --concurrency must be at least 1")
    if args.baseline_seconds < 2:
        ap.error("--baseline-seconds must be at least 2")
    if args.paired_rounds < 0:
        ap.error("--paired-rounds must be 0 or more")
    if not Path(args.wrk).is_file():
        ap.error(f"wrk not found at {args.wrk} (install it, or pass --wrk PATH)")

    sizes = list(dict.fromkeys(args.sizes))  # keep order, drop repeats
    concurrency = list(dict.fromkeys(args.concurrency))
    n_runs = len(sizes) * len(concurrency) + (0 if args.no_half_peak else 1)
    started = time.perf_counter()
    machine = {"python": platform.python_version(), "cpu_count": os.cpu_count(), "platform": platform.platform()}
    libs = versions(args.wrk)
    print(f"# python {machine['python']} | {machine['cpu_count']} CPUs | {machine['platform']} | "
          + " | ".join(f"{k} {v}" for k, v in libs.items()))
    kind = f"{args.threads} threads" if args.worker_class == "gthread" else "gevent (loop + 1 cleaning thread)"
    print(f"# server: {args.workers} worker(s), {kind}, on 127.0.0.1 | {n_runs} wrk runs of "
          f"{args.duration} s (each request times out after {WRK_TIMEOUT_S} s) | wrk shares this machine's CPUs")
    boilercut_env = {k: v for k, v in os.environ.items() if k.startswith("BOILERCUT_")}
    if boilercut_env:
        print(f"# server settings from the environment: {boilercut_env}")

    lines = fixture_lines()
    docs = {size_label(s): build_doc(lines, s) for s in sizes}
    report: dict = {"machine": machine, "versions": libs, "settings": vars(args) | {"json": str(args.json),
                    "sizes": [size_label(s) for s in sizes]}, "server_env": boilercut_env,
                    "doc_bytes": {k: len(d.encode("utf-8")) for k, d in docs.items()},
                    "in_process": {}, "runs": [], "peaks": {}, "half_peak": None}

    # Baseline first, with no server running, so the two never compete for a core.
    print("\n== in-process clean(), one thread ==")
    print(f"{'size':>6} {'bytes':>8} {'docs':>6} {'docs/s':>9} {'ms/doc':>8}")
    for label, doc in docs.items():
        r = in_process_rate(doc, args.baseline_seconds)
        report["in_process"][label] = r
        print(f"{label:>6} {report['doc_bytes'][label]:>8} {r['docs']:>6} {r['docs_per_s']:>9.1f} "
              f"{1000 / r['docs_per_s']:>8.2f}", flush=True)

    with tempfile.TemporaryDirectory(prefix="boilercut-load-") as tmp_name:
        tmp = Path(tmp_name)
        log_path = tmp / "server.log"
        port = free_port()
        base, url = f"http://127.0.0.1:{port}", f"http://127.0.0.1:{port}/v1/clean"
        with open(log_path, "wb") as log:
            proc = start_server(args.workers, args.worker_class, args.threads, port, log)
            try:
                report["readyz"] = wait_ready(proc, base)
                if not report["readyz"]["models"].get("html"):
                    print("# note: the HTML model is not loaded (/readyz 503); text requests are unaffected")
                lua = {}
                for label, doc in docs.items():
                    body = tmp / f"{label}.txt"
                    body.write_bytes(doc.encode("utf-8"))
                    check_answers(base, body.read_bytes(), 2 * args.workers)
                    lua[label] = (body, write_lua(tmp / f"{label}.lua", body))

                print(f"\n== wrk: POST /v1/clean, text/plain, {args.workers} worker(s) ==")
                print(f"{'size':>6} {'conc':>5} {'requests':>9} {'req/s':>9} {'p50 ms':>9} {'p95 ms':>9} "
                      f"{'p99 ms':>9} {'errors':>7}")
                for label in docs:
                    for conc in concurrency:
                        r = run_wrk(args.wrk, url, lua[label][1], conc, args.duration)
                        r.update(size=label, drain_s=wait_idle(base, drain_estimate(r)))
                        report["runs"].append(r)
                        print_row(label, conc, r)
                    best = max((r for r in report["runs"] if r["size"] == label), key=lambda r: r["ok_per_s"])
                    report["peaks"][label] = {"req_per_s": best["ok_per_s"], "concurrency": best["connections"],
                                              "per_worker": best["ok_per_s"] / args.workers}

                if not args.no_half_peak:
                    report["half_peak"] = half_peak_run(args, report, lua, url, base, tmp)
                if args.paired_rounds:
                    report["paired"] = paired_rounds(args, report, docs, lua, url, base)
            except BaseException:
                log.flush()
                tail = log_path.read_text(encoding="utf-8", errors="replace").splitlines()[-15:]
                print("# server log (last lines):\n" + "\n".join(tail), file=sys.stderr)
                raise
            finally:
                stop_server(proc)
        report["server_log"] = server_log_summary(log_path)

    print("\n== in-process clean() again, after the load runs ==")
    report["in_process_after"] = {}
    for label, doc in docs.items():
        r = in_process_rate(doc, args.baseline_seconds)
        report["in_process_after"][label] = r
        print(f"{label:>6} {report['doc_bytes'][label]:>8} {r['docs']:>6} {r['docs_per_s']:>9.1f} "
              f"{1000 / r['docs_per_s']:>8.2f}", flush=True)

    summarize(report)
    if report["server_log"]:
        print("\nserver log, warnings/errors/restarts by message:")
        for msg, n in sorted(report["server_log"].items(), key=lambda kv: -kv[1])[:10]:
            print(f"  {n:>6}  {msg}")
    report["total_seconds"] = time.perf_counter() - started
    print(f"\ntotal runtime {report['total_seconds']:.1f} s")
    if args.json:
        args.json.write_text(json.dumps(report, indent=2))
        print(f"# wrote {args.json}")
    return 0


def paired_rounds(args, report: dict, docs: dict, lua: dict, url: str, base: str) -> dict | None:
    """The throughput ratio measured in pairs: in-process clean() for a few seconds, then wrk for as
    long, back to back, several times. This machine's speed drifts by ±10% over minutes, which moves a
    ratio of two runs minutes apart by as much; within a pair both halves see the same machine. The
    server idles (and takes no CPU) while clean() runs in this process."""
    label = "10k" if "10k" in report["peaks"] else next(iter(report["peaks"]), None)
    if label is None:
        return None
    conc = report["peaks"][label]["concurrency"]
    seconds = max(args.baseline_seconds, 3.0)
    print(f"\n== paired rounds ({label}): in-process clean() {seconds:g} s, then wrk at {conc} connection(s) "
          f"for {seconds:g} s ==")
    print(f"{'round':>6} {'in-process':>11} {'req/s':>9} {'ratio':>7} {'errors':>7}")
    rounds = []
    for i in range(args.paired_rounds):
        inside = in_process_rate(docs[label], seconds)["docs_per_s"]
        r = run_wrk(args.wrk, url, lua[label][1], conc, int(round(seconds)))
        wait_idle(base, drain_estimate(r))
        ratio = r["ok_per_s"] / args.workers / inside
        rounds.append({**r, "size": label, "in_process": inside, "ratio": ratio})  # the whole wrk result
        print(f"{i + 1:>6} {inside:>11.1f} {r['ok_per_s']:>9.1f} {ratio:>7.1%} {r['errors']:>7}", flush=True)
    return {"size": label, "concurrency": conc, "seconds": seconds, "rounds": rounds,
            "median_ratio": statistics.median(x["ratio"] for x in rounds)}


def half_peak_run(args, report: dict, lua: dict, url: str, base: str, tmp: Path) -> dict | None:
    """Latency at a constant rate of half the peak: the 10k documents if measured, else the first size.
    As many connections as at the peak (at least 2), which is enough to carry half that rate."""
    label = "10k" if "10k" in report["peaks"] else next(iter(report["peaks"]), None)
    if label is None or report["peaks"][label]["req_per_s"] <= 0:
        return None
    peak = report["peaks"][label]
    target = peak["req_per_s"] / 2
    conc = max(2, peak["concurrency"])
    interval_ms = 1000 * wrk_threads(conc) / target  # each wrk thread carries 1/threads of the rate
    script = write_lua(tmp / f"{label}-paced.lua", lua[label][0], interval_ms)
    r = run_wrk(args.wrk, url, script, conc, args.duration)
    r.update(size=label, target_per_s=target, peak_per_s=peak["req_per_s"], drain_s=wait_idle(base, drain_estimate(r)))
    return r


if __name__ == "__main__":
    sys.exit(main())
