# boilercut as a container: `boilercut serve` (gunicorn, gevent workers) on port 8080, configured
# only through BOILERCUT_* environment variables (README, "Configuration"). Runs as a non-root user
# and works with a read-only root filesystem plus a writable /tmp (see docker-compose.yml).
#
#   docker build -t boilercut:local .          # the public python:3.11-slim base; pip downloads wheels
#
# Offline builds (no registry, no index; scripts/container-smoke.sh does this): build from a locally
# made Debian base that has python3 + python3-venv, with every dependency wheel plus setuptools/wheel
# already in ./wheels of the build context:
#
#   docker build --build-arg BASE=local/debian:bookworm -t boilercut:local <context with wheels/>
ARG BASE=python:3.11-slim

# --- Stage 1: build the project's wheel (models included as package data) and install it into a venv.
FROM ${BASE} AS builder
# Training-only dependencies that `boilercut serve` never imports: not installed (with what only they
# pull in, about 150 MB). Build with --build-arg DROP_PACKAGES= to get the full dependency set.
ARG DROP_PACKAGES="scikit-learn scipy"
ENV PIP_DISABLE_PIP_VERSION_CHECK=1 PIP_NO_CACHE_DIR=1
WORKDIR /src
COPY . .
# With wheels/ in the context, nothing is downloaded (--no-index); without it, pip uses its index.
RUN set -eu; \
    if ls wheels/*.whl >/dev/null 2>&1; then set -- --no-index --find-links wheels; else set --; fi; \
    python3 -m venv /opt/boilercut; \
    /opt/boilercut/bin/pip wheel "$@" --no-deps --wheel-dir /tmp/dist .; \
    /opt/boilercut/bin/pip install --no-deps /tmp/dist/boilercut-*.whl; \
    /opt/boilercut/bin/python -c "import importlib.metadata as m, re, sys; \
name = lambda r: re.sub(r'[-_.]+', '-', re.match(r'[A-Za-z0-9._-]+', r).group()).lower(); \
drop = {name(d) for d in sys.argv[1:]}; \
print('\n'.join(r for r in m.requires('boilercut') if 'extra ==' not in r and name(r) not in drop))" \
        $DROP_PACKAGES > /tmp/requirements.txt; \
    echo "runtime requirements:" $(cat /tmp/requirements.txt); \
    /opt/boilercut/bin/pip install "$@" -r /tmp/requirements.txt; \
    /opt/boilercut/bin/pip uninstall -y pip setuptools wheel >/dev/null 2>&1 || true; \
    find /opt/boilercut/lib -depth -type d -name tests -path '*/site-packages/*' -exec rm -rf {} +
# Out of /src from here on, so that `classifiers` imports from the venv, not from the sources.
WORKDIR /
# Fail the build, not the first request, when a runtime import is missing (e.g. a dropped package).
RUN /opt/boilercut/bin/python -c "import service.server; from classifiers import clean; \
clean('Home | News\n\nA first paragraph of running text, long enough to be an article.\n\nContact us')"
# The HEALTHCHECK command (no curl in slim images): healthy when /readyz answers 200, or 503 only
# because a model is missing that this image does not ship (the HTML model is optional).
RUN set -eu; models="$(/opt/boilercut/bin/python -c 'import classifiers.models as m; print(m.__path__[0])')"; \
    case "$models" in /opt/boilercut/*) ;; *) echo "models found at $models, not in the venv" >&2; exit 1;; esac; \
    printf '%s\n' \
    '#!/opt/boilercut/bin/python' \
    '"""Docker health check: GET /readyz on this container (BOILERCUT_HOST/BOILERCUT_PORT)."""' \
    'import json, os, sys, urllib.error, urllib.request' \
    'host = os.environ.get("BOILERCUT_HOST", "").strip()' \
    'host = "127.0.0.1" if host in ("", "0.0.0.0", "::", "[::]") else host' \
    'port = os.environ.get("BOILERCUT_PORT", "").strip() or "8080"' \
    'try:' \
    '    urllib.request.urlopen(f"http://{host}:{port}/readyz", timeout=4).close()' \
    '    sys.exit(0)' \
    'except urllib.error.HTTPError as exc:' \
    '    models = (json.load(exc).get("models") or {}) if exc.code == 503 else {}' \
    'except (OSError, ValueError) as exc:' \
    '    sys.exit(f"not answering: {exc}")' \
    "missing = [k for k, v in models.items() if v is None and os.path.exists(f\"$models/boilercut-{k}.npz\")]" \
    'loaded = [k for k, v in models.items() if v is not None]' \
    'sys.exit(f"models not loaded: {missing}" if missing or not loaded else 0)' \
    > /opt/boilercut/bin/boilercut-healthcheck; \
    chmod 755 /opt/boilercut/bin/boilercut-healthcheck

# --- Stage 2: the runtime image: the base plus the venv, nothing else (no compiler, no pip run).
FROM ${BASE}
ARG VERSION=0.1.0
ARG SOURCE=""
ARG REVISION=""
LABEL org.opencontainers.image.title="boilercut" \
      org.opencontainers.image.description="Scraped web text or HTML in, the clean main article out (HTTP service)" \
      org.opencontainers.image.version="${VERSION}" \
      org.opencontainers.image.source="${SOURCE}" \
      org.opencontainers.image.revision="${REVISION}" \
      org.opencontainers.image.licenses="Apache-2.0"
RUN useradd --system --uid 10001 --user-group --no-create-home --home-dir /nonexistent \
        --shell /usr/sbin/nologin boilercut \
    && mkdir -p /data && chown 10001:10001 /data
COPY --from=builder /opt/boilercut /opt/boilercut
# The label must not lie: the installed package's version is the VERSION argument.
RUN /opt/boilercut/bin/python -c "import importlib.metadata as m, sys; v = m.version('boilercut'); \
sys.exit(0 if v == '${VERSION}' else f'Dockerfile VERSION=${VERSION} but the package is {v}: update ARG VERSION')"
# PATH spelled out: an image made with `docker import` (the offline base) has no PATH of its own.
ENV PATH=/opt/boilercut/bin:/usr/local/sbin:/usr/local/bin:/usr/sbin:/usr/bin:/sbin:/bin \
    PYTHONDONTWRITEBYTECODE=1 \
    PYTHONUNBUFFERED=1
# /data: owned by the app user, so a named volume mounted there is writable (the sidecar example).
WORKDIR /data
USER 10001:10001
EXPOSE 8080
HEALTHCHECK --interval=10s --timeout=5s --start-period=30s --retries=3 CMD ["boilercut-healthcheck"]
ENTRYPOINT ["boilercut"]
CMD ["serve"]
