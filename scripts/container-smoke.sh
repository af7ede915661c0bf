#!/usr/bin/env bash
# Container smoke test, the real thing: Docker engine and compose from Debian packages, a local Debian
# base image (no registry needed), the boilercut image built on it from pre-downloaded wheels, the
# compose stack up with its health check, real requests checked, then everything torn down.
#
#   bash scripts/container-smoke.sh            # as root on Debian/Ubuntu (installs packages if missing)
#
# Environment:
#   BOILERCUT_SKIP_CONTAINER=1   skip (exit 0) when Docker cannot be installed or started; without it,
#                                that is a failure: CI must not pass without having run the container.
#   BOILERCUT_BASE_IMAGE=IMG     base image (default local/debian:bookworm, made here with mmdebstrap;
#                                python:3.11-slim works where a registry is reachable)
#   BOILERCUT_SMOKE_PORT=N       loopback port for the service (default 18080)
#   BOILERCUT_CONTAINER_CACHE=D  where the base tarball and the wheels are kept between runs
#   BOILERCUT_CONTAINER_BENCH=1  also measure docs/s (10 KiB text) in the container vs `boilercut serve`
#                                outside, one worker each, and memory per worker; fails below 90%.
#                                BOILERCUT_CONTAINER_BENCH_SECONDS per run (default 10) and
#                                BOILERCUT_CONTAINER_BENCH_ROUNDS (default 2): ~1.5 min in all
#
# Host networking only: the containers share the host's loopback; no bridge, no published port is used.
set -euo pipefail
export LC_NUMERIC=C   # a dot in the timings (EPOCHREALTIME)
cd "$(dirname "$0")/.."
REPO=$PWD

PROJECT=boilercut-smoke
IMAGE=boilercut:local                       # the name docker-compose.yml uses: compose finds it built
BASE_IMAGE=${BOILERCUT_BASE_IMAGE:-local/debian:bookworm}
PORT=${BOILERCUT_SMOKE_PORT:-18080}
CACHE=${BOILERCUT_CONTAINER_CACHE:-${XDG_CACHE_HOME:-$HOME/.cache}/boilercut-container}
WORK=$(mktemp -d /tmp/boilercut-smoke.XXXXXX)
DOCKERD_PID=""
COMPOSE=()
OUTSIDE_PIDS=()
T0=$EPOCHREALTIME

elapsed_since() { awk -v now="$EPOCHREALTIME" -v then="$1" 'BEGIN { printf "%.1f", now - then }'; }
log() { printf '[container-smoke %6ss] %s\n' "$(elapsed_since "$T0")" "$*" >&2; }
fail() { log "FAILED: $*"; exit 1; }

# No Docker here (no apt, no root, no engine): skip only when told to.
unavailable() {
    if [ "${BOILERCUT_SKIP_CONTAINER:-0}" = 1 ]; then
        log "SKIPPED (BOILERCUT_SKIP_CONTAINER=1): $*"
        exit 0
    fi
    fail "$* -- the container test needs root, apt and a kernel that can run containers; set BOILERCUT_SKIP_CONTAINER=1 to skip it on such machines"
}

cleanup() {
    local rc=$?
    set +e
    if [ "$rc" != 0 ] && [ ${#COMPOSE[@]} -gt 0 ]; then
        log "compose logs (last lines):"
        "${COMPOSE[@]}" logs --no-color --tail=30 >&2 2>/dev/null
    fi
    if [ ${#COMPOSE[@]} -gt 0 ]; then
        "${COMPOSE[@]}" down -v --remove-orphans >/dev/null 2>&1
    fi
    [ -n "${BENCH_CID:-}" ] && docker rm -f "$BENCH_CID" >/dev/null 2>&1
    for pid in "${OUTSIDE_PIDS[@]}"; do kill "$pid" 2>/dev/null; wait "$pid" 2>/dev/null; done
    if [ -n "$DOCKERD_PID" ]; then
        [ "$rc" != 0 ] && grep -q 'level=error' "$WORK/dockerd.log" \
            && { log "dockerd errors:"; grep 'level=error' "$WORK/dockerd.log" | tail -n 5 >&2; }
        kill "$DOCKERD_PID" 2>/dev/null
        for _ in $(seq 1 100); do kill -0 "$DOCKERD_PID" 2>/dev/null || break; sleep 0.1; done
    fi
    rm -rf "$WORK"
    exit "$rc"
}
trap cleanup EXIT
trap 'exit 130' INT TERM

# --- 1. Engine, compose and mmdebstrap from Debian packages -----------------------------------------
need=()
command -v dockerd >/dev/null 2>&1 || need+=(docker.io)
command -v docker-compose >/dev/null 2>&1 || docker compose version >/dev/null 2>&1 || need+=(docker-compose)
[ "$BASE_IMAGE" != local/debian:bookworm ] || command -v mmdebstrap >/dev/null 2>&1 || need+=(mmdebstrap)
if [ ${#need[@]} -gt 0 ]; then
    command -v apt-get >/dev/null 2>&1 || unavailable "no apt-get to install ${need[*]}"
    [ "$(id -u)" = 0 ] || unavailable "not root: cannot install ${need[*]}"
    log "installing ${need[*]} (apt)"
    { apt-get install -y -qq --no-install-recommends "${need[@]}" \
        || { apt-get update -qq && apt-get install -y -qq --no-install-recommends "${need[@]}"; }; } \
        >"$WORK/apt.log" 2>&1 || { tail -n 5 "$WORK/apt.log" >&2; unavailable "apt-get install ${need[*]} failed"; }
fi
if docker-compose version >/dev/null 2>&1; then COMPOSE_CMD=(docker-compose); else COMPOSE_CMD=(docker compose); fi
YAML_PY=""   # to derive the CI variant of docker-compose.yml (Debian's docker-compose brings python3-yaml)
for py in python3 /usr/bin/python3; do "$py" -c 'import yaml' 2>/dev/null && { YAML_PY=$py; break; }; done
[ -n "$YAML_PY" ] || fail "no python3 with PyYAML (apt-get install python3-yaml)"

if ! docker info >/dev/null 2>&1; then
    [ "$(id -u)" = 0 ] || unavailable "no Docker engine running and not root to start one"
    log "starting dockerd (no bridge, no iptables: containers use host networking only)"
    dockerd --bridge=none --iptables=false >"$WORK/dockerd.log" 2>&1 &
    DOCKERD_PID=$!
    for _ in $(seq 1 300); do docker info >/dev/null 2>&1 && break; kill -0 "$DOCKERD_PID" 2>/dev/null || break; sleep 0.1; done
    docker info >/dev/null 2>&1 || { tail -n 5 "$WORK/dockerd.log" >&2; unavailable "dockerd did not start"; }
fi
log "engine $(docker version -f '{{.Server.Version}}'), $("${COMPOSE_CMD[@]}" version --short 2>/dev/null || echo compose)"

# --- 2. Base image --------------------------------------------------------------------------------
mkdir -p "$CACHE/wheels"
if ! docker image inspect "$BASE_IMAGE" >/dev/null 2>&1; then
    if [ "$BASE_IMAGE" = local/debian:bookworm ]; then
        t=$EPOCHREALTIME
        # Like the slim images: no docs (but the copyright files), man pages or translations.
        base_args=(--variant=minbase --include=ca-certificates,python3,python3-venv
                   --dpkgopt='path-exclude=/usr/share/doc/*' --dpkgopt='path-include=/usr/share/doc/*/copyright'
                   --dpkgopt='path-exclude=/usr/share/man/*' --dpkgopt='path-exclude=/usr/share/locale/*'
                   bookworm)
        base_tar="$CACHE/debian-bookworm-$(echo "${base_args[*]}" | md5sum | cut -c1-8).tar"
        if [ ! -s "$base_tar" ]; then
            log "building the Debian base with mmdebstrap"
            mmdebstrap --quiet "${base_args[@]}" "$WORK/base.tar" >"$WORK/mmdebstrap.log" 2>&1 \
                || { tail -n 20 "$WORK/mmdebstrap.log" >&2; fail "mmdebstrap"; }
            mv "$WORK/base.tar" "$base_tar"
        fi
        docker import --change 'ENV PATH=/usr/local/sbin:/usr/local/bin:/usr/sbin:/usr/bin:/sbin:/bin' \
            --change 'ENV LANG=C.UTF-8' "$base_tar" "$BASE_IMAGE" >/dev/null
        log "base image $BASE_IMAGE ready in $(elapsed_since "$t") s"
    else
        docker pull -q "$BASE_IMAGE" >/dev/null || fail "cannot pull $BASE_IMAGE"
    fi
fi

# --- 3. Wheels on the host, so the build itself needs no network -----------------------------------
# Chosen for the base image's Python, C library and CPU (not the host's): first every dependency as a
# wheel for the host (this builds the few sdist-only ones, pure Python), then the exact set for the
# base, binary only, from the index and those wheels. The project's own wheel is built in the image.
# (This is also the first container started: where none can run, the machine cannot do this test.)
probe=$(docker run --rm --network none --entrypoint python3 "$BASE_IMAGE" -c \
    'import platform, sys; print("%d.%d.%d" % sys.version_info[:3], platform.libc_ver()[1].replace(".", "_"), platform.machine())' 2>&1) \
    || unavailable "cannot run a container of $BASE_IMAGE: $probe"
read -r base_py base_glibc base_arch <<<"$probe"
HOST_PY=""
for py in "$REPO/.venv/bin/python" python3; do
    if "$py" -c 'import tomllib' 2>/dev/null && "$py" -m pip --version >/dev/null 2>&1; then HOST_PY=$py; break; fi
done
[ -n "$HOST_PY" ] || fail "no Python >= 3.11 with pip on this host to fetch the wheels"
platforms=()   # pip takes each manylinux tag literally: list every glibc the base can run
for minor in $(seq 5 "${base_glibc#2_}"); do platforms+=(--platform "manylinux_2_${minor}_${base_arch}"); done
t=$EPOCHREALTIME
mapfile -t requirements < <("$HOST_PY" -c 'import tomllib
meta = tomllib.load(open("pyproject.toml", "rb"))
print("\n".join(meta["project"]["dependencies"] + meta["build-system"]["requires"]))')
{ "$HOST_PY" -m pip wheel -q --wheel-dir "$WORK/host-wheels" "${requirements[@]}" \
    && "$HOST_PY" -m pip download -q --only-binary=:all: --python-version "$base_py" --implementation cp \
        "${platforms[@]}" --find-links "$WORK/host-wheels" \
        --dest "$CACHE/wheels" "${requirements[@]}"; } >"$WORK/pip.log" 2>&1 \
    || { tail -n 20 "$WORK/pip.log" >&2; fail "fetching the wheels for Python $base_py"; }
log "wheels for Python $base_py (glibc ${base_glibc//_/.}, $base_arch) ready in $(elapsed_since "$t") s"

# --- 4. Build the image ---------------------------------------------------------------------------
# A copy of the working tree plus wheels/ as the build context (.dockerignore still applies), so the
# repository itself stays untouched.
mkdir -p "$WORK/context"
tar -C "$REPO" --exclude=./.git --exclude=./.venv --exclude=./reports --exclude=./wheels --exclude=./cache \
    --exclude=./build --exclude='*.egg-info' -cf - . | tar -C "$WORK/context" -xf -
cp -r "$CACHE/wheels" "$WORK/context/wheels"
version=$("$HOST_PY" -c 'import tomllib; print(tomllib.load(open("pyproject.toml", "rb"))["project"]["version"])')
revision=$(git -C "$REPO" rev-parse HEAD 2>/dev/null || echo unknown)
log "building $IMAGE on $BASE_IMAGE (version $version)"
t=$EPOCHREALTIME
docker build --force-rm --network none --build-arg BASE="$BASE_IMAGE" --build-arg VERSION="$version" \
    --build-arg REVISION="$revision" -t "$IMAGE" "$WORK/context" >"$WORK/build.log" 2>&1 \
    || { tail -n 40 "$WORK/build.log" >&2; fail "docker build"; }
BUILD_S=$(elapsed_since "$t")
SIZE_MB=$(docker image inspect -f '{{.Size}}' "$IMAGE" | awk '{printf "%.0f", $1 / 1e6}')
BASE_MB=$(docker image inspect -f '{{.Size}}' "$BASE_IMAGE" | awk '{printf "%.0f", $1 / 1e6}')
log "image built in $BUILD_S s: $SIZE_MB MB ($BASE_MB MB of it the base image)"
[ "$(docker image inspect -f '{{index .Config.Labels "org.opencontainers.image.version"}}' "$IMAGE")" = "$version" ] \
    || fail "image label version is not $version"

# --- 5. The compose stack: docker-compose.yml with one change for CI, host networking ------------
# Bridge networks route through a private address range that this CI must not use, so every service
# gets network_mode: host (which excludes published ports: they are dropped) and boilercut listens on
# 127.0.0.1:$PORT. Also a 1 s health interval, so that "healthy" is seen without waiting 10 s.
"$YAML_PY" - "$REPO/docker-compose.yml" "$WORK/compose.ci.yml" "$PORT" <<'EOF' || fail "cannot derive the CI compose file"
import sys, yaml
src, dst, port = sys.argv[1:]
config = yaml.safe_load(open(src, encoding="utf-8"))
for name, service in config["services"].items():
    service.pop("ports", None)
    service["network_mode"] = "host"
    service.setdefault("environment", {})
service = config["services"]["boilercut"]
service["environment"].update(BOILERCUT_HOST="127.0.0.1", BOILERCUT_PORT=port)
service["healthcheck"]["interval"] = "1s"
config["services"]["crawler"]["environment"]["CLEAN_URL"] = f"http://127.0.0.1:{port}"
yaml.safe_dump(config, open(dst, "w", encoding="utf-8"), sort_keys=False)
EOF
COMPOSE=("${COMPOSE_CMD[@]}" -p "$PROJECT" --project-directory "$REPO" -f "$WORK/compose.ci.yml")
"${COMPOSE[@]}" down -v --remove-orphans >/dev/null 2>&1 || true
python3 - "$PORT" <<'EOF' || fail "port $PORT is already in use on 127.0.0.1 (set BOILERCUT_SMOKE_PORT)"
import socket, sys
with socket.socket() as s:  # as a server binds (connections of a previous run may be in TIME_WAIT)
    s.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)
    s.bind(("127.0.0.1", int(sys.argv[1])))
    s.listen()
EOF

log "docker-compose up -d boilercut"
t=$EPOCHREALTIME
"${COMPOSE[@]}" up -d --no-build boilercut >"$WORK/up.log" 2>&1 || { cat "$WORK/up.log" >&2; fail "compose up"; }
CID=$("${COMPOSE[@]}" ps -q boilercut)
READY_S=""
for _ in $(seq 1 1200); do
    code=$(python3 -c "import sys, urllib.request as u
try: print(u.urlopen('http://127.0.0.1:$PORT/readyz', timeout=2).status)
except Exception as e: print(getattr(e, 'code', 0))" 2>/dev/null)
    if [ "$code" = 200 ] || [ "$code" = 503 ]; then READY_S=$(elapsed_since "$t"); break; fi
    [ "$(docker inspect -f '{{.State.Running}}' "$CID")" = true ] || fail "the boilercut container exited"
    sleep 0.1
done
[ -n "$READY_S" ] || fail "no answer from /readyz within 120 s"
for _ in $(seq 1 600); do
    health=$(docker inspect -f '{{.State.Health.Status}}' "$CID")
    [ "$health" = healthy ] && break
    [ "$health" = unhealthy ] && fail "the container is unhealthy: $(docker inspect -f '{{json .State.Health.Log}}' "$CID" | tail -c 600)"
    sleep 0.1
done
[ "$health" = healthy ] || fail "the container did not become healthy within 60 s"
HEALTHY_S=$(elapsed_since "$t")
log "cold start: /readyz answered after $READY_S s, healthy after $HEALTHY_S s (health check every 1 s here)"

# --- 6. Checks of the running container -----------------------------------------------------------
uid=$(docker exec "$CID" id -u)
[ "$uid" != 0 ] || fail "the service runs as root"
[ "$(docker inspect -f '{{.HostConfig.ReadonlyRootfs}}' "$CID")" = true ] || fail "the root filesystem is writable"
read -r mem_limit nano_cpus pids_limit < <(docker inspect -f '{{.HostConfig.Memory}} {{.HostConfig.NanoCpus}} {{.HostConfig.PidsLimit}}' "$CID")
[ "$mem_limit" -gt 0 ] && [ "$nano_cpus" -gt 0 ] && [ "${pids_limit:-0}" -gt 0 ] \
    || fail "compose did not apply the resource limits (memory $mem_limit, nano-CPUs $nano_cpus, pids $pids_limit)"
bridges=$(docker network ls -q --filter driver=bridge)
[ -z "$bridges" ] || fail "a bridge network exists ($(docker network ls --filter driver=bridge --format '{{.Name}}' | xargs)): CI must use host networking only"
log "runs as uid $uid, read-only root filesystem, limits $((mem_limit / 1048576)) MiB / $((nano_cpus / 1000000000)) CPUs / $pids_limit pids; host networking only"

python3 - "$PORT" "$REPO" <<'EOF' || fail "wrong answers from the service in the container"
import json, sys, urllib.error, urllib.request
from pathlib import Path

port, repo = sys.argv[1], Path(sys.argv[2])
base = f"http://127.0.0.1:{port}"

def post(body: bytes, content_type: str, path: str = "/v1/clean"):
    req = urllib.request.Request(base + path, data=body, method="POST", headers={"Content-Type": content_type})
    try:
        with urllib.request.urlopen(req, timeout=60) as r:
            return r.status, json.load(r)
    except urllib.error.HTTPError as exc:
        return exc.code, json.loads(exc.read() or b"{}")

problems = []
def check(ok: bool, what: str):
    print(("  ok   " if ok else "  FAIL ") + what, file=sys.stderr)
    if not ok:
        problems.append(what)

with urllib.request.urlopen(base + "/healthz", timeout=5) as r:
    check(r.status == 200, "GET /healthz is 200")
try:
    with urllib.request.urlopen(base + "/readyz", timeout=5) as r:
        ready = json.load(r)
except urllib.error.HTTPError as exc:
    ready = json.load(exc)
models = ready.get("models") or {}
check(bool(models.get("text")), f"/readyz: the text model is loaded ({models.get('text')})")

FOOTER = "Copyright 2024 Riverside Courier Ltd. All rights reserved. Terms | Privacy | Cookie settings"
PARAGRAPH = ("Volunteers at the Riverside repair café fixed 212 household items in its first year, from "
             "toasters and lamps to a 1970s sewing machine, according to a report published on Monday.")
text = "\n\n".join([
    "Home | Local news | Sport | What's on | Contact us",
    "Repair café marks first year with 200 items saved from landfill",
    PARAGRAPH,
    "The café opens on the first Saturday of every month in the church hall on Mill Road. Visitors bring "
    "broken items and sit with a volunteer while it is repaired, so that they can learn to fix it themselves "
    "next time.",
    "Organiser Priya Shah said the most common repairs were to kettles, vacuum cleaners and children's toys. "
    "\"People are surprised how often it is a blown fuse or a loose wire,\" she said. \"Half the job is "
    "opening the case.\"",
    "The group is looking for volunteers with electrical or sewing skills, and for donations of spare "
    "parts. Tools are provided, and tea and cake are free for everyone who comes along.",
    FOOTER,
]) + "\n"
status, answer = post(text.encode("utf-8"), "text/plain; charset=utf-8")
article = answer.get("article") or ""
check(status == 200, f"POST text/plain is 200 (got {status})")
check(PARAGRAPH in article, "the article contains the first paragraph")
check("Copyright 2024" not in article and "Cookie settings" not in article, "the article leaves out the footer")
check("Local news | Sport" not in article, "the article leaves out the menu")

status, answer = post(json.dumps({"id": "j1", "text": text, "include_segments": False}).encode(), "application/json")
check(status == 200 and answer.get("id") == "j1" and PARAGRAPH in (answer.get("article") or ""),
      f"POST application/json is 200 with its id and the article (got {status})")

html = (repo / "fixtures/html/clean_article.html").read_bytes()
status, answer = post(html, "text/html")
shipped = (repo / "classifiers/models/boilercut-html.npz").exists()
if models.get("html") is None and not shipped:
    print(f"  skip HTML: the repository ships no HTML model yet (POST text/html answered {status})", file=sys.stderr)
else:
    check(status == 200, f"POST text/html is 200 (got {status}: {str(answer)[:200]})")
    check(len((answer.get("article") or "").strip()) > 200, "the HTML answer has a non-empty article")
    expect = json.loads((repo / "fixtures/html/clean_article.expect.json").read_text())
    check(any(k in (answer.get("article") or "") for k in expect["keep"]), "the HTML article keeps the story")
sys.exit(1 if problems else 0)
EOF

# --- 7. The sidecar example: the crawler stand-in cleans every input file into the results volume --
log "docker-compose up crawler (the sidecar example)"
"${COMPOSE[@]}" up --no-build crawler >"$WORK/crawler.log" 2>&1 || { cat "$WORK/crawler.log" >&2; fail "compose up crawler"; }
crawler_cid=$("${COMPOSE[@]}" ps -a -q crawler)
crawler_rc=$(docker inspect -f '{{.State.ExitCode}}' "$crawler_cid")
[ "$crawler_rc" = 0 ] || { cat "$WORK/crawler.log" >&2; fail "the crawler exited with $crawler_rc"; }
inputs=$(find "$REPO/examples/sidecar/input" -maxdepth 1 -name '*.txt' | wc -l)
docker run --rm --network none -v "${PROJECT}_results:/data:ro" --entrypoint python "$IMAGE" -c '
import json, pathlib, sys
files = sorted(pathlib.Path("/data/results").glob("*.json"))
for f in files:
    answer = json.loads(f.read_text())
    assert answer["id"] == f.stem and len(answer["article"]) > 200, f"{f.name}: {str(answer)[:200]}"
    print("  ok   %s: %d characters of article" % (f.name, len(answer["article"])), file=sys.stderr)
print(len(files))' >"$WORK/outputs" || fail "the crawler's results are wrong"
[ "$(cat "$WORK/outputs")" = "$inputs" ] || fail "the crawler wrote $(cat "$WORK/outputs") results for $inputs input files"
log "crawler: $inputs input files, $inputs results in the volume"

# --- 8. Optional: throughput in the container vs outside, and memory per worker ------------------
# One worker each; the container as in production (read-only, tmpfs /tmp) but without CPU or memory
# limits, like the processes outside. "Outside" is first the same Python build as the image's (the
# host's /usr/bin/python3 when it is the same version: Debian's) with the same wheels, so that only
# the container differs; then, for information, the repository's .venv. Same client, same documents,
# alternating runs so that drift of the machine hits all alike. The container must reach 90% of the
# same-Python rate.
if [ "${BOILERCUT_CONTAINER_BENCH:-0}" = 1 ]; then
    "${COMPOSE[@]}" down -v >/dev/null 2>&1
    seconds=${BOILERCUT_CONTAINER_BENCH_SECONDS:-10}
    rounds=${BOILERCUT_CONTAINER_BENCH_ROUNDS:-2}
    bench() {  # URL SECONDS -> "docs/s non-2xx": 4 keep-alive connections POSTing 10 KiB text documents
        python3 - "$1" "$2" "$REPO" <<'EOF'
import http.client, sys, threading, time, urllib.parse
sys.path.insert(0, sys.argv[3] + "/benchmarks")
from load_benchmark import build_doc, fixture_lines  # the load benchmark's 10 KiB documents
url, seconds = urllib.parse.urlsplit(sys.argv[1]), float(sys.argv[2])
body = build_doc(fixture_lines(), 10 * 1024).encode("utf-8")
done, errors, stop = [], [], time.monotonic() + seconds
def client():
    conn, n = http.client.HTTPConnection(url.hostname, url.port, timeout=30), 0
    while time.monotonic() < stop:
        conn.request("POST", "/v1/clean", body, {"Content-Type": "text/plain; charset=utf-8"})
        r = conn.getresponse()
        r.read()
        n += r.status == 200
        if r.status != 200:
            errors.append(r.status)
    done.append(n)
start = time.monotonic()
threads = [threading.Thread(target=client) for _ in range(4)]
for t in threads: t.start()
for t in threads: t.join()
print(f"{sum(done) / (time.monotonic() - start):.1f} {len(errors)}")
EOF
    }
    wait_up() { for _ in $(seq 1 600); do python3 -c "import urllib.request as u; u.urlopen('$1/healthz', timeout=1)" 2>/dev/null && return 0; sleep 0.1; done; return 1; }
    start_container() {  # WORKERS -> container id
        docker run -d --network host --read-only --tmpfs /tmp:size=64m -e BOILERCUT_HOST=127.0.0.1 \
            -e BOILERCUT_PORT="$((PORT + 1))" -e BOILERCUT_WORKERS="$1" -e BOILERCUT_LOG_LEVEL=warning "$IMAGE"
    }
    start_outside() {  # BOILERCUT-SCRIPT PORT -> pid
        BOILERCUT_HOST=127.0.0.1 BOILERCUT_PORT=$2 BOILERCUT_WORKERS=1 BOILERCUT_LOG_LEVEL=warning \
            "$1" serve >>"$WORK/outside.log" 2>&1 &
        OUTSIDE_PIDS+=($!)
    }
    mem() { docker stats --no-stream --format '{{.MemUsage}}' "$1" | awk '{print $1}'; }

    names=(container); urls=(http://127.0.0.1:$((PORT + 1)))
    BENCH_CID=$(start_container 1)
    same_py=/usr/bin/python3
    if [ "$("$same_py" -c 'import sys; print("%d.%d.%d" % sys.version_info[:3])' 2>/dev/null)" = "$base_py" ] \
        && "$same_py" -m venv "$WORK/same-python" 2>/dev/null \
        && "$WORK/same-python/bin/pip" install -q --no-index --find-links "$CACHE/wheels" "$WORK/context" >"$WORK/pip-same.log" 2>&1; then
        start_outside "$WORK/same-python/bin/boilercut" $((PORT + 2))
        names+=("outside-same-python"); urls+=(http://127.0.0.1:$((PORT + 2)))
    else
        log "  (no host Python $base_py with venv: the container is compared with the repository's .venv only)"
    fi
    if [ -x "$REPO/.venv/bin/boilercut" ]; then
        start_outside "$REPO/.venv/bin/boilercut" $((PORT + 3))
        names+=("outside-.venv"); urls+=(http://127.0.0.1:$((PORT + 3)))
    fi
    [ ${#names[@]} -gt 1 ] || fail "benchmark: nothing to compare the container with"
    log "benchmark: 1 worker each (${names[*]}), 10 KiB text, 4 connections, $rounds x $seconds s each"
    for url in "${urls[@]}"; do wait_up "$url" || fail "benchmark server $url did not start"; done
    for url in "${urls[@]}"; do bench "$url" 2 >/dev/null; done   # warm-up: lazy imports, caches
    mem_idle1=$(mem "$BENCH_CID")
    for round in $(seq 1 "$rounds"); do
        line=""
        for i in "${!urls[@]}"; do
            read -r rate errs < <(bench "${urls[$i]}" "$seconds") || fail "benchmark client failed"
            [ "$errs" = 0 ] || fail "benchmark: $errs answers of ${names[$i]} were not 200"
            echo "${names[$i]} $rate" >>"$WORK/bench"
            line+=" ${names[$i]} $rate"
        done
        log "  round $round (docs/s):$line"
    done
    mem_busy1=$(mem "$BENCH_CID")
    for pid in "${OUTSIDE_PIDS[@]}"; do kill "$pid"; wait "$pid" 2>/dev/null || true; done; OUTSIDE_PIDS=()
    docker rm -f "$BENCH_CID" >/dev/null; BENCH_CID=$(start_container 2)
    wait_up "${urls[0]}" || fail "the 2-worker container did not start"
    bench "${urls[0]}" 3 >/dev/null
    mem_busy2=$(mem "$BENCH_CID")
    docker rm -f "$BENCH_CID" >/dev/null; BENCH_CID=""
    summary=$(awk '{sum[$1] += $2; n[$1]++} END {
        c = sum["container"] / n["container"]
        for (k in sum) { printf "%s %.1f docs/s", k, sum[k] / n[k]; if (k != "container") printf " (container %.1f%%)", 100 * c / (sum[k] / n[k]); printf "; " }
        print "" }' "$WORK/bench")
    log "throughput, 10 KiB text, 1 worker: $summary"
    log "memory (docker stats): 1 worker $mem_idle1 idle, $mem_busy1 after load; 2 workers $mem_busy2 after load"
    ref=${names[1]}
    ratio=$(awk -v ref="$ref" '{sum[$1] += $2} END {printf "%.1f", 100 * sum["container"] / sum[ref]}' "$WORK/bench")
    awk -v r="$ratio" 'BEGIN { exit !(r >= 90) }' || fail "the container reaches only $ratio% of $ref (< 90%)"
fi

log "PASSED: image $SIZE_MB MB, built in $BUILD_S s; cold start to /readyz $READY_S s (healthy $HEALTHY_S s); total $(elapsed_since "$T0") s"
