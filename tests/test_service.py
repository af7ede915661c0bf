"""The HTTP service, started for real on a free loopback port."""
from __future__ import annotations

import json
import socket
import subprocess
import sys
import time
import urllib.error
import urllib.request

import pytest

from fixture_docs import all_fixtures


def _free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


@pytest.fixture(scope="module")
def server():
    port = _free_port()
    proc = subprocess.Popen([sys.executable, "-m", "classifiers.cli", "serve", "--host", "127.0.0.1", "--port", str(port)],
                            stdout=subprocess.DEVNULL, stderr=subprocess.PIPE)
    base = f"http://127.0.0.1:{port}"
    deadline = time.time() + 60
    while time.time() < deadline:
        try:
            urllib.request.urlopen(base + "/healthz", timeout=1)
            break
        except OSError:
            if proc.poll() is not None:
                pytest.fail(f"server exited: {proc.stderr.read().decode()}")
            time.sleep(0.2)
    yield base
    proc.terminate()
    proc.wait(timeout=10)


def post(url: str, body: bytes, content_type: str) -> tuple[int, dict]:
    req = urllib.request.Request(url, data=body, headers={"Content-Type": content_type}, method="POST")
    try:
        with urllib.request.urlopen(req, timeout=30) as resp:
            return resp.status, json.loads(resp.read())
    except urllib.error.HTTPError as err:
        return err.code, json.loads(err.read())


def test_clean_plain_text(server):
    doc = next(d for d in all_fixtures() if d.name == "port_strike")
    status, body = post(server + "/v1/clean", doc.text.encode(), "text/plain; charset=utf-8")
    assert status == 200
    kept = {line.strip() for line in body["article"].split("\n") if line.strip()}
    assert set(doc.article_lines) <= kept
    assert not kept & set(doc.foreign_lines)
    assert body["lang"] == "en" and body["segments"]


def test_wrong_content_type_is_415(server):
    status, body = post(server + "/v1/clean", b"<p>x</p>", "application/octet-stream")
    assert status == 415 and body["error"]["code"] == "unsupported_media_type"


def test_bad_encoding_is_400_and_server_keeps_answering(server):
    status, body = post(server + "/v1/clean", b"\xff\xfe\xfa broken", "text/plain; charset=utf-8")
    assert status == 400 and body["error"]["code"] == "bad_encoding"
    status, _ = post(server + "/v1/clean", b"A sentence of text.", "text/plain")
    assert status == 200


def test_undecodable_body_in_an_exotic_charset_is_400(server):
    status, body = post(server + "/v1/clean", b"\xff\xfe not punycode", "text/plain; charset=punycode")
    assert status == 400 and body["error"]["code"] == "bad_encoding"


def test_chunked_body_over_the_limit_is_413_without_buffering_it_all(server):
    import http.client

    host, port = server.removeprefix("http://").split(":")
    conn = http.client.HTTPConnection(host, int(port), timeout=60)
    chunk = b"word " * 20_000  # 100 KB

    def body():
        for _ in range(100):  # 10 MB in total, over the 8 MB limit
            yield chunk

    try:
        conn.request("POST", "/v1/clean", body=body(), headers={"Content-Type": "text/plain"}, encode_chunked=True)
        response = conn.getresponse()
        assert response.status == 413
        assert json.loads(response.read())["error"]["code"] == "too_large"
    except (BrokenPipeError, ConnectionResetError):
        pass  # the server may close the connection once the limit is hit; what matters is that it lives on
    finally:
        conn.close()
    status, _ = post(server + "/v1/clean", b"A sentence of text.", "text/plain")
    assert status == 200
