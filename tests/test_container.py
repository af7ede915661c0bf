"""The container files, checked without Docker (scripts/container-smoke.sh runs the real thing).

The Dockerfile and docker-compose.yml only use settings that exist, the image's label version is the
package's, and the sidecar example (examples/sidecar/crawler.py) cleans every input file against the
real app.
"""
from __future__ import annotations

import json
import os
import re
import subprocess
import sys
import threading
from dataclasses import fields
from pathlib import Path

import pytest

from service.config import Settings, env_name

REPO = Path(__file__).resolve().parent.parent
DOCKERFILE = (REPO / "Dockerfile").read_text(encoding="utf-8")
COMPOSE = (REPO / "docker-compose.yml").read_text(encoding="utf-8")
SIDECAR = REPO / "examples" / "sidecar"


def test_container_files_name_only_real_settings():
    known = {env_name(f.name) for f in fields(Settings)}
    used = set(re.findall(r"BOILERCUT_[A-Z_]+", DOCKERFILE + COMPOSE))
    assert used, "the compose file documents the service's settings"
    assert used <= known, f"not settings of the service: {sorted(used - known)}"


def test_dockerfile_defaults():
    version = re.search(r'^version = "([^"]+)"', (REPO / "pyproject.toml").read_text(encoding="utf-8"), re.MULTILINE)[1]
    assert "ARG BASE=python:3.11-slim" in DOCKERFILE  # a public base by default
    assert f"ARG VERSION={version}\n" in DOCKERFILE, "keep ARG VERSION in step with pyproject.toml"
    user = re.findall(r"^USER (\S+)", DOCKERFILE, re.MULTILINE)[-1]
    assert user.split(":")[0] not in ("root", "0")
    assert re.search(r"^HEALTHCHECK .*CMD \[\"boilercut-healthcheck\"\]", DOCKERFILE, re.MULTILINE)
    assert 'ENTRYPOINT ["boilercut"]' in DOCKERFILE and 'CMD ["serve"]' in DOCKERFILE


def test_compose_service_is_locked_down():
    boilercut = COMPOSE.split("\n  crawler:")[0]
    for line in ("read_only: true", "- /tmp:", "cap_drop: [ALL]", "restart: unless-stopped", "mem_limit:",
                 '"127.0.0.1:8080:8080"', 'test: ["CMD", "boilercut-healthcheck"]'):
        assert line in boilercut, line
    assert "condition: service_healthy" in COMPOSE


@pytest.fixture(scope="module")
def app_url():
    from werkzeug.serving import make_server

    from service import create_app

    server = make_server("127.0.0.1", 0, create_app(), threaded=True)
    thread = threading.Thread(target=server.serve_forever, daemon=True)
    thread.start()
    yield f"http://127.0.0.1:{server.server_port}"
    server.shutdown()


def _crawl(url: str, out: Path, attempts: int = 10) -> subprocess.CompletedProcess:
    env = {**os.environ, "CLEAN_URL": url, "INPUT_DIR": str(SIDECAR / "input"), "OUTPUT_DIR": str(out),
           "ATTEMPTS": str(attempts)}
    return subprocess.run([sys.executable, str(SIDECAR / "crawler.py")], env=env, capture_output=True, text=True,
                          timeout=120, check=False)


def test_sidecar_crawler_cleans_every_input_file_once(app_url, tmp_path):
    inputs = sorted(p.stem for p in (SIDECAR / "input").glob("*.txt"))
    assert len(inputs) >= 2
    run = _crawl(app_url, tmp_path)
    assert run.returncode == 0, run.stderr
    assert sorted(p.stem for p in tmp_path.glob("*.json")) == inputs
    for name in inputs:
        answer = json.loads((tmp_path / f"{name}.json").read_text(encoding="utf-8"))
        assert answer["id"] == name and len(answer["article"]) > 200
        assert "©" not in answer["article"] and "Sign up" not in answer["article"]
    again = _crawl(app_url, tmp_path)  # a rerun only does new work
    assert again.returncode == 0 and "cleaned 0 file(s)" in again.stdout


def test_sidecar_crawler_fails_when_the_service_is_down(tmp_path):
    run = _crawl("http://127.0.0.1:9", tmp_path, attempts=1)  # the discard port: nothing listens
    assert run.returncode == 1 and "FAILED" in run.stderr
