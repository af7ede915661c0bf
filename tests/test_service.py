"""The HTTP service, started for real (gunicorn) on a free loopback port.

Every JSON answer is validated against the service's own OpenAPI schemas.
"""
from __future__ import annotations

import contextlib
import http.client
import json
import os
import signal
import socket
import struct
import subprocess
import sys
import threading
import time
import urllib.error
import urllib.request
from pathlib import Path

import pytest

from fixture_docs import fully_right_example
from service.openapi import spec

jsonschema = pytest.importorskip("jsonschema")
HTML_PAGE = Path(__file__).resolve().parent.parent / "fixtures" / "html" / "article_leaked.html"
HAS_HTML_MODEL = (Path(__file__).resolve().parent.parent / "classifiers" / "models" / "boilercut-html.json").exists()


def _free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


def _start(env_overrides: dict[str, str]) -> tuple[subprocess.Popen, str]:
    port = _free_port()
    env = {**os.environ, **env_overrides, "BOILERCUT_WORKERS": env_overrides.get("BOILERCUT_WORKERS", "1")}
    proc = subprocess.Popen([sys.executable, "-m", "classifiers.cli", "serve", "--host", "127.0.0.1", "--port",
                             str(port)], stdout=subprocess.DEVNULL, stderr=subprocess.PIPE, env=env)
    base = f"http://127.0.0.1:{port}"
    deadline = time.time() + 90
    while time.time() < deadline:
        try:
            urllib.request.urlopen(base + "/healthz", timeout=1)
            return proc, base
        except OSError:
            if proc.poll() is not None:
                pytest.fail(f"server exited: {proc.stderr.read().decode()[-2000:]}")
            time.sleep(0.2)
    proc.kill()
    pytest.fail("server did not start")


def _stop(proc: subprocess.Popen) -> int:
    proc.send_signal(signal.SIGTERM)  # gunicorn's graceful shutdown
    return proc.wait(timeout=40)


@pytest.fixture(scope="module")
def server():
    proc, base = _start({})
    yield base
    assert _stop(proc) == 0


@pytest.fixture(scope="module")
def tight_server():
    """Small limits: 64 KB bodies, 3-record JSON batches, one document at a time, a 50 ms queue, 10 ms per document."""
    proc, base = _start({"BOILERCUT_MAX_BODY_BYTES": str(64 * 1024), "BOILERCUT_MAX_BATCH_RECORDS": "3",
                         "BOILERCUT_MAX_IN_FLIGHT": "1", "BOILERCUT_QUEUE_TIMEOUT": "0.05",
                         "BOILERCUT_DOC_TIME_BUDGET": "0.01"})
    yield base
    _stop(proc)


_COMPONENTS = {"components": spec()["components"]}


def conforms(instance, schema_name: str) -> None:
    schema = {"$ref": f"#/components/schemas/{schema_name}", **_COMPONENTS}
    jsonschema.validate(instance, schema)


def call(url: str, body: bytes | None = None, content_type: str | None = None, headers: dict | None = None,
         method: str | None = None, timeout: float = 60):
    hdrs = dict(headers or {})
    if content_type:
        hdrs["Content-Type"] = content_type
    req = urllib.request.Request(url, data=body, headers=hdrs, method=method or ("POST" if body is not None else "GET"))
    try:
        with urllib.request.urlopen(req, timeout=timeout) as resp:
            return resp.status, resp.headers, resp.read()
    except urllib.error.HTTPError as err:
        return err.code, err.headers, err.read()


def call_json(*args, **kwargs):
    status, headers, raw = call(*args, **kwargs)
    return status, headers, json.loads(raw)


def assert_error(status: int, body: dict, expected_status: int, code: str | None = None) -> None:
    assert status == expected_status, body
    conforms(body, "Error")
    if code:
        assert body["error"]["code"] == code


STORY = fully_right_example()  # a story with menus, boxes and teasers the model removes entirely


# --- /v1/clean, every content type -----------------------------------------------------------------------------

def test_plain_text(server):
    status, headers, body = call_json(server + "/v1/clean", STORY.text.encode(), "text/plain; charset=utf-8")
    assert status == 200 and headers["Content-Type"].startswith("application/json")
    conforms(body, "CleanResult")
    kept = {line.strip() for line in body["article"].split("\n") if line.strip()}
    assert set(STORY.article_lines) <= kept and not kept & set(STORY.foreign_lines)
    assert body["lang"] == "en" and body["title"] is None and body["timing_ms"] > 0


def test_plain_text_in_a_declared_legacy_charset(server):
    text = "Café owners in Zürich said the new rules were “unworkable” for small businesses this winter."
    status, _, body = call_json(server + "/v1/clean", text.encode("cp1252"), "text/plain; charset=windows-1252")
    assert status == 200 and "Zürich" in body["segments"][0]["text"]


def test_utf8_text_sent_with_a_wrong_legacy_charset_comes_back_repaired(server):
    # A client that declares Latin-1 for UTF-8 bytes: decoding as declared gives "Caf\u00c3\u00a9".
    text = "Café owners in Zürich said the new rules were “unworkable” for small businesses this winter."
    status, _, body = call_json(server + "/v1/clean", text.encode("utf-8"), "text/plain; charset=iso-8859-1")
    assert status == 200 and body["segments"][0]["text"] == text


def test_plain_text_without_charset_is_detected(server):
    text = "Die Gemeinde Zürich plant für nächstes Jahr größere Änderungen an den Buslinien der Stadt."
    status, _, body = call_json(server + "/v1/clean", text.encode("utf-8"), "text/plain")
    assert status == 200 and "Zürich" in body["segments"][0]["text"]


def test_json_text_with_id_and_options(server):
    request = {"id": "doc-7", "text": STORY.text, "include_segments": False, "threshold": 0.5}
    conforms(request, "CleanRequest")
    status, _, body = call_json(server + "/v1/clean", json.dumps(request).encode(), "application/json")
    assert status == 200 and body["id"] == "doc-7" and "segments" not in body
    conforms(body, "CleanResult")


def test_lone_surrogate_escapes_travel_back_escaped(server):
    # "\\ud83d" alone is valid JSON but not encodable as UTF-8: the answer must still be JSON, not a 500.
    raw_text = '"Half an emoji \\ud83d sits in this sentence about the harbour strike and its end."'
    body_json = ('{"id": "s1", "text": ' + raw_text + '}').encode()
    status, _, raw = call(server + "/v1/clean", body_json, "application/json")
    assert status == 200
    answer = json.loads(raw)
    assert answer["id"] == "s1" and "\ud83d" in answer["segments"][0]["text"]
    status, _, raw = call(server + "/v1/clean/batch", body_json + b"\n", "application/x-ndjson")
    assert status == 200 and "\ud83d" in json.loads(raw.decode().splitlines()[0])["segments"][0]["text"]


@pytest.mark.skipif(not HAS_HTML_MODEL, reason="HTML model not trained")
def test_html_body_and_json_html(server):
    page = HTML_PAGE.read_bytes()
    status, _, body = call_json(server + "/v1/clean?id=p1&format=markdown", page, "text/html")
    assert status == 200 and body["id"] == "p1" and body["title"]
    conforms(body, "CleanResult")
    assert "## Rotas at the heart of the dispute" in body["article"]
    assert all("path" in s for s in body["segments"])
    status, _, as_json = call_json(server + "/v1/clean", json.dumps({"html": page.decode()}).encode(),
                                   "application/json")
    assert status == 200 and as_json["title"] == body["title"]


def test_accept_plain_text_and_markdown(server):
    status, headers, raw = call(server + "/v1/clean", STORY.text.encode(), "text/plain",
                                headers={"Accept": "text/plain"})
    assert status == 200 and headers["Content-Type"].startswith("text/plain")
    assert STORY.article_lines[0] in raw.decode()
    status, headers, raw = call(server + "/v1/clean", STORY.text.encode(), "text/plain",
                                headers={"Accept": "text/markdown"})
    assert status == 200 and headers["Content-Type"].startswith("text/markdown")


def test_request_id_is_honoured_and_echoed(server):
    _, headers, _ = call(server + "/healthz", headers={"X-Request-ID": "crawler-42"})
    assert headers["X-Request-ID"] == "crawler-42"
    _, headers, _ = call(server + "/healthz", headers={"X-Request-ID": "bad id with spaces"})
    assert headers["X-Request-ID"] and headers["X-Request-ID"] != "bad id with spaces"


# --- batch ---------------------------------------------------------------------------------------------------

def test_ndjson_batch_keeps_order_and_reports_errors_inline(server):
    lines = [json.dumps({"id": 1, "text": STORY.text}), "{truncated", json.dumps([1, 2]),
             json.dumps({"id": "no-text"}), "", json.dumps({"id": 5, "text": "A short line.", "threshold": 7}),
             json.dumps({"id": 6, "text": "Another document, one line long."})]
    status, headers, raw = call(server + "/v1/clean/batch", ("\n".join(lines) + "\n").encode(), "application/x-ndjson")
    assert status == 200 and headers["Content-Type"].startswith("application/x-ndjson")
    answers = [json.loads(line) for line in raw.decode().splitlines()]
    assert len(answers) == 6  # the blank line is skipped, every other line answered
    for a in answers:
        conforms(a, "BatchAnswer")
    assert [a.get("id") for a in answers] == [1, None, None, "no-text", 5, 6]
    assert [("error" in a) for a in answers] == [False, True, True, True, True, False]
    assert answers[4]["error"]["code"] == "invalid_option"


def test_json_array_batch(server):
    records = [{"id": i, "text": f"Document number {i} has one sentence in it."} for i in range(3)] + [{"id": 9}]
    status, _, body = call_json(server + "/v1/clean/batch", json.dumps(records).encode(), "application/json")
    assert status == 200 and [a["id"] for a in body] == [0, 1, 2, 9] and "error" in body[3]
    for a in body:
        conforms(a, "BatchAnswer")


def test_json_array_batch_is_capped(tight_server):
    records = [{"text": "x"}] * 4
    status, _, body = call_json(tight_server + "/v1/clean/batch", json.dumps(records).encode(), "application/json")
    assert_error(status, body, 413, "too_many_records")


# --- errors and limits ---------------------------------------------------------------------------------------

@pytest.mark.parametrize("body, content_type, status, code", [
    (b'{"text": "unterminated', "application/json", 400, "bad_json"),
    (b"[1, 2]", "application/json", 400, "bad_request"),
    (b'{"text": "a", "html": "<p>b</p>"}', "application/json", 400, "bad_request"),
    (b'{"text": 5}', "application/json", 400, "bad_request"),
    (b'{"text": "a", "threshold": NaN}', "application/json", 400, "bad_json"),
    (b'{"text": "a", "threshold": 1.5}', "application/json", 422, "invalid_option"),
    (b'{"text": "a", "format": "pdf"}', "application/json", 422, "invalid_option"),
    (b'{"text": "a", "include_segments": "yes"}', "application/json", 422, "invalid_option"),
    (b"\x89PNG\r\n\x1a\n" + bytes(3000), "text/plain", 400, "bad_encoding"),
    (b"caf\xe9 broken \xfa", "text/plain; charset=utf-8", 400, "bad_encoding"),
    (b"text", "text/plain; charset=no-such-charset", 400, "bad_encoding"),
    (b"\x89PNG\r\n\x1a\n" + bytes(3000), "text/html", 400, "bad_encoding"),
    (b"<p>x</p>", "application/pdf", 415, "unsupported_media_type"),
])
def test_bad_requests_get_clear_4xx(server, body, content_type, status, code):
    got, _, answer = call_json(server + "/v1/clean", body, content_type)
    assert_error(got, answer, status, code)


def test_query_options_are_validated(server):
    got, _, answer = call_json(server + "/v1/clean?threshold=high", b"some text", "text/plain")
    assert_error(got, answer, 422, "invalid_option")


def test_unknown_route_and_method(server):
    status, _, body = call_json(server + "/v2/nothing")
    assert_error(status, body, 404, "not_found")
    status, _, body = call_json(server + "/v1/clean")  # GET
    assert_error(status, body, 405, "method_not_allowed")


def test_body_over_the_limit_is_413_before_reading_it(tight_server):
    status, _, body = call_json(tight_server + "/v1/clean", b"x" * (65 * 1024), "text/plain")
    assert_error(status, body, 413, "too_large")


def test_fifty_megabyte_body_is_refused_and_the_server_lives(server):
    # The answer comes before the body is read (from Content-Length), so send a first megabyte and read it.
    host, port = server.removeprefix("http://").split(":")
    with socket.create_connection((host, int(port)), timeout=30) as sock:
        sock.sendall(b"POST /v1/clean HTTP/1.1\r\nHost: x\r\nContent-Type: text/plain\r\n"
                     b"Content-Length: %d\r\n\r\n" % (50 * 1024 * 1024) + b"a" * (1024 * 1024))
        received = b""
        while b'"too_large"' not in received:  # the answer may arrive in pieces
            chunk = sock.recv(65536)
            if not chunk:
                break
            received += chunk
    answer = received.decode("latin-1")
    assert answer.startswith("HTTP/1.1 413") and '"too_large"' in answer
    assert call(server + "/healthz")[0] == 200


def _stalled_uploads(base: str, n: int, sent: bytes) -> list[socket.socket]:
    """`n` uploads declaring 65,000 bytes that send `sent` and then nothing more."""
    host, port = base.removeprefix("http://").split(":")
    head = b"POST /v1/clean HTTP/1.1\r\nHost: x\r\nContent-Type: text/plain\r\nContent-Length: 65000\r\n\r\n"
    uploads = [socket.create_connection((host, int(port))) for _ in range(n)]
    for s in uploads:
        s.sendall(head + sent)
    time.sleep(0.5)  # read by the worker as far as they go
    return uploads


def test_stalled_uploads_hold_only_what_they_sent(tight_server):
    # Counted as declared, four of them would hold 260,000 of the 262,144 bytes, and refuse the next 3 KB.
    uploads = _stalled_uploads(tight_server, 4, b"a few bytes")
    try:
        status = call_json(tight_server + "/v1/clean", b"A line of scraped text. " * 130, "text/plain")[0]
        assert status in (200, 422)  # 422: this server's 10 ms time budget; not a 503
    finally:
        for s in uploads:
            s.close()


def test_uploads_past_the_body_budget_get_503_at_once(tight_server):
    # 64 KB bodies at most here, so a worker holds 256 KB of bodies at once. Five uploads stalled after
    # 60,000 bytes hold 48 KB each (read in 16 KB steps): the next 20 KB body passes that at its 2nd step.
    uploads = _stalled_uploads(tight_server, 5, b"x" * 60_000)
    try:
        started = time.monotonic()
        status, headers, body = call_json(tight_server + "/v1/clean", b"x" * 20_000, "text/plain")
        assert_error(status, body, 503, "overloaded")
        assert headers.get("Retry-After") == "1" and time.monotonic() - started < 2
    finally:
        for s in uploads:
            s.close()
    deadline = time.monotonic() + 10  # the aborted uploads give their share back
    while (status := call_json(tight_server + "/v1/clean", b"A short line of text.", "text/plain")[0]) != 200:
        assert time.monotonic() < deadline, status
        time.sleep(0.2)


def test_a_body_shorter_than_its_length_is_a_400(server):
    host, port = server.removeprefix("http://").split(":")
    with socket.create_connection((host, int(port))) as s:
        s.sendall(b"POST /v1/clean HTTP/1.1\r\nHost: x\r\nContent-Type: text/plain\r\nContent-Length: 1000\r\n\r\n"
                  b"only the start of a document")
        s.shutdown(socket.SHUT_WR)  # the client gives up sending, and waits for the answer
        answer = b""
        while chunk := s.recv(65536):
            answer += chunk
    head, _, body = answer.partition(b"\r\n\r\n")
    assert head.startswith(b"HTTP/1.1 400")
    assert json.loads(body)["error"]["code"] == "incomplete_body"


def test_chunked_body_over_the_limit_is_413(tight_server):
    def chunks():
        for _ in range(200):
            yield b"y" * 1024

    # The client is still sending when the answer is ready: the server reads on (a bounded amount)
    # before closing, else the kernel resets the connection and the client never sees its 413.
    # Before that, about one upload in four here ended in "connection reset by peer".
    for _ in range(8):
        req = urllib.request.Request(tight_server + "/v1/clean", data=chunks(), method="POST",
                                     headers={"Content-Type": "text/plain", "Transfer-Encoding": "chunked"})
        with pytest.raises(urllib.error.HTTPError) as err:
            urllib.request.urlopen(req, timeout=30)
        assert err.value.code == 413


def test_document_over_its_time_budget_is_422(tight_server):
    big = "".join(f"Menu item {i} of many\n" for i in range(2800))  # ~60 KB, 2,800 segments: far over 10 ms
    status, _, body = call_json(tight_server + "/v1/clean", big.encode(), "text/plain")
    assert_error(status, body, 422, "time_budget_exceeded")
    status, _, body = call_json(tight_server + "/v1/clean", b"A short line of text.", "text/plain")
    assert status == 200


def test_bad_documents_leave_no_traceback_in_the_log():
    # A 422 or a 400 raised while cleaning is the client's input, not a server fault: one JSON log line.
    proc, base = _start({"BOILERCUT_DOC_TIME_BUDGET": "0.01"})
    try:
        big = "".join(f"Menu item {i} of many\n" for i in range(2800))
        assert call_json(base + "/v1/clean", big.encode(), "text/plain")[0] == 422
        assert call(base + "/v1/clean", bytes(range(256)) * 40, "text/html")[0] == 400
        host, port = base.removeprefix("http://").split(":")
        with socket.create_connection((host, int(port))) as gone:  # resets the connection mid-upload
            gone.sendall(b"POST /v1/clean HTTP/1.1\r\nHost: x\r\nContent-Type: text/plain\r\n"
                         b"Content-Length: 100000\r\n\r\n" + b"x" * 20_000)
            time.sleep(0.3)
            gone.setsockopt(socket.SOL_SOCKET, socket.SO_LINGER, struct.pack("ii", 1, 0))
        time.sleep(0.3)
    finally:
        _stop(proc)
    log = proc.stderr.read().decode()
    assert "Traceback" not in log, log[-2000:]


@pytest.fixture(scope="module", params=["gevent", "gthread"])
def busy_server(request):
    """One document at a time, and a request waits at most 10 ms for its turn; both worker classes."""
    proc, base = _start({"BOILERCUT_MAX_IN_FLIGHT": "1", "BOILERCUT_QUEUE_TIMEOUT": "0.01",
                         "BOILERCUT_WORKER_CLASS": request.param})
    yield base
    _stop(proc)


def test_saturated_worker_answers_503_with_retry_after(busy_server):
    doc = "\n".join(f"Line {i} of a long scraped page, with words that vary: {i * 7919 % 1000}." for i in range(6000))
    results: list[tuple[int, dict]] = []

    def send():
        status, headers, raw = call(busy_server + "/v1/clean", doc.encode(), "text/plain")
        results.append((status, headers.get("Retry-After")))

    threads = [threading.Thread(target=send) for _ in range(8)]
    for t in threads:
        t.start()
    for t in threads:
        t.join()
    statuses = [s for s, _ in results]
    assert set(statuses) <= {200, 422, 503} and 503 in statuses
    assert all(retry == "1" for s, retry in results if s == 503)


def test_undecodable_text_is_a_400_even_while_the_worker_is_busy(busy_server):
    # Bad input is refused before it queues for the cleaning slot: retrying a 503 would never succeed.
    doc = "\n".join(f"Line {i} of a long scraped page, with words that vary: {i * 7919 % 1000}." for i in range(20000))
    client = threading.Thread(target=lambda: call(busy_server + "/v1/clean", doc.encode(), "text/plain"))
    client.start()
    time.sleep(0.3)
    try:
        status, _, body = call_json(busy_server + "/v1/clean", bytes(range(256)) * 8, "text/plain")
        assert_error(status, body, 400, "bad_encoding")
        status, _, body = call_json(busy_server + "/v1/clean", "déjà".encode("latin-1"), "text/plain; charset=utf-8")
        assert_error(status, body, 400, "bad_encoding")
    finally:
        client.join(60)


def test_a_batch_client_that_stops_reading_does_not_hold_the_worker(server):
    # 1,500 records whose answers (~25 MB with their segments) fill the socket buffers long before the
    # end: the batch then waits for its reader, and must do so without holding the worker's one
    # cleaning slot (held, the other requests would wait their 5 s in the queue and get 503).
    doc = "\n".join(f"Menu item {i}, a short line" for i in range(120))
    records = b"".join(json.dumps({"id": i, "text": doc}).encode() + b"\n" for i in range(1500))
    host, port = server.removeprefix("http://").split(":")
    stalled = socket.create_connection((host, int(port)))
    head = (f"POST /v1/clean/batch HTTP/1.1\r\nHost: x\r\nContent-Type: application/x-ndjson\r\n"
            f"Content-Length: {len(records)}\r\n\r\n").encode()
    sender = threading.Thread(target=lambda: stalled.sendall(head + records), daemon=True)  # never reads
    sender.start()
    try:
        time.sleep(4)  # long enough to clean far more than the buffers hold
        statuses = [call(server + "/v1/clean", b"A line of text.", "text/plain")[0] for _ in range(3)]
        assert statuses == [200, 200, 200]
    finally:
        stalled.close()


def test_slow_client_does_not_block_others(server):
    host, port = server.removeprefix("http://").split(":")
    slow = socket.create_connection((host, int(port)))
    try:
        slow.sendall(b"POST /v1/clean HTTP/1.1\r\nHost: x\r\nContent-Type: text/plain\r\nContent-Length: 100000\r\n\r\n"
                     b"only a few bytes")
        started = time.time()
        for _ in range(3):
            assert call(server + "/healthz")[0] == 200
            status, _, _ = call(server + "/v1/clean", b"A line of text.", "text/plain")
            assert status == 200
        assert time.time() - started < 30
    finally:
        slow.close()


@pytest.fixture(scope="module", params=["gevent", "gthread"])
def impatient_server(request):
    """Request bodies must arrive within one second; both worker classes."""
    proc, base = _start({"BOILERCUT_BODY_TIMEOUT": "1", "BOILERCUT_WORKER_CLASS": request.param})
    yield request.param, base
    _stop(proc)


def _read_until_closed(sock: socket.socket, within: float) -> bytes:
    """Everything the server sends until it closes the connection (fails after `within` seconds)."""
    sock.settimeout(within)
    received = b""
    while chunk := sock.recv(65536):
        received += chunk
    return received


def _dechunk(body: bytes) -> bytes:
    out = b""
    while body:
        size_line, _, body = body.partition(b"\r\n")
        size = int(size_line.split(b";")[0], 16)
        if size == 0:
            break
        out, body = out + body[:size], body[size + 2:]
    return out


def _connect(base: str) -> socket.socket:
    host, port = base.removeprefix("http://").split(":")
    return socket.create_connection((host, int(port)))


def _post_head(path: str, content_type: str, framing: str) -> bytes:
    """The request line and headers of a POST whose body the test then sends (or not) by hand."""
    return f"POST {path} HTTP/1.1\r\nHost: x\r\nContent-Type: {content_type}\r\n{framing}\r\n\r\n".encode()


def test_stalled_body_gets_408_and_the_connection_closes(impatient_server):
    _, base = impatient_server
    stalled = _connect(base)
    try:
        started = time.monotonic()
        stalled.sendall(_post_head("/v1/clean", "text/plain", "Content-Length: 100000") + b"only a few bytes")
        assert call(base + "/healthz")[0] == 200  # answered while that body waits
        answer = _read_until_closed(stalled, within=10)
        elapsed = time.monotonic() - started
    finally:
        stalled.close()
    head, _, body = answer.partition(b"\r\n\r\n")
    assert head.startswith(b"HTTP/1.1 408"), answer[:300]
    assert_error(408, json.loads(body), 408, "body_timeout")
    assert 0.9 <= elapsed < 6  # one second of waiting, then the answer and the end of the connection


def test_trickled_body_is_cut_at_the_deadline(impatient_server):
    _, base = impatient_server
    trickler = _connect(base)
    try:
        started = time.monotonic()
        trickler.sendall(_post_head("/v1/clean", "text/plain", "Content-Length: 1000"))
        trickler.settimeout(0.2)
        answer = b""
        while time.monotonic() - started < 8 and not answer:
            with contextlib.suppress(OSError):
                trickler.sendall(b"a")  # a byte every 0.2 s: each read makes progress, the body never ends
            with contextlib.suppress(TimeoutError):
                answer = trickler.recv(65536)
        elapsed = time.monotonic() - started
    finally:
        trickler.close()
    assert answer.startswith(b"HTTP/1.1 408"), answer[:300]
    assert elapsed < 3


def test_batch_whose_client_stops_sending_ends_with_an_inline_408_error(impatient_server):
    _, base = impatient_server
    records = b"".join(json.dumps({"id": i, "text": f"Record {i}: a line of text that arrived in time."}).encode()
                       + b"\n" for i in range(60))  # over 1 KB: gunicorn reads chunked bodies a kilobyte at a time
    stalled = _connect(base)
    try:
        stalled.sendall(_post_head("/v1/clean/batch", "application/x-ndjson", "Transfer-Encoding: chunked")
                        + f"{len(records):x}\r\n".encode() + records + b"\r\n")
        answer = _read_until_closed(stalled, within=10)
    finally:
        stalled.close()
    head, _, body = answer.partition(b"\r\n\r\n")
    assert head.startswith(b"HTTP/1.1 200"), answer[:300]
    *answers, last = [json.loads(line) for line in _dechunk(body).splitlines()]
    assert len(answers) >= 40 and [a["id"] for a in answers] == list(range(len(answers)))  # in order, no gap
    for a in answers:
        conforms(a, "CleanResult")
    conforms(last, "RecordError")
    assert last["error"]["code"] == "body_timeout" and "not cleaned" in last["error"]["message"]


def _assert_probes_answered_while_busy(server: str, body: bytes, settle: float) -> None:
    """POST `body` (text/plain), wait `settle` s, then /healthz five times: each within 0.5 s, while
    that document is still being worked on."""
    client = threading.Thread(target=lambda: call(server + "/v1/clean", body, "text/plain"))
    client.start()
    time.sleep(settle)
    waits = []
    for _ in range(5):
        started = time.monotonic()
        assert call(server + "/healthz")[0] == 200
        waits.append(time.monotonic() - started)
    still_working = client.is_alive()
    client.join(60)
    assert max(waits) < 0.5, waits
    assert still_working, "the document was done before the probes: the test proved nothing"


def test_probes_are_answered_while_a_large_document_is_cleaned(server):
    # The worker's one cleaning slot is busy for about two seconds; its event loop must keep answering.
    doc = "".join(f"Line {i} of a long scraped page, with words that vary: {i * 7919 % 1000}.\n" for i in range(80_000))
    _assert_probes_answered_while_busy(server, doc.encode(), settle=0.5)  # 6 MB: uploaded, being cleaned


def test_probes_are_answered_while_a_body_of_unknown_charset_is_decoded(server):
    # No charset declared and not UTF-8: finding the encoding is CPU work too (seconds for this body with
    # chardet installed, as bs4 uses it when present), and neither it nor the cleaning may stall the loop.
    doc = "".join(f"Ligne {i} d'une page récupérée, café, déjà vu, {i * 7919 % 1000}.\n" for i in range(80_000))
    _assert_probes_answered_while_busy(server, doc.encode("latin-1"), settle=0.3)


# --- operations ----------------------------------------------------------------------------------------------

def test_health_ready_metrics(server):
    status, _, body = call_json(server + "/healthz")
    assert status == 200 and body == {"status": "ok"}
    status, _, body = call_json(server + "/readyz")
    assert body["models"]["text"]["name"] == "boilercut-text"
    assert status == (200 if HAS_HTML_MODEL else 503)
    call(server + "/v1/clean", b"Some text to count.", "text/plain")
    call(server + "/v1/clean", b"Some text to count.", "application/pdf")  # an error, to be counted
    status, headers, raw = call(server + "/metrics")
    text = raw.decode()
    assert status == 200 and headers["Content-Type"].startswith("text/plain")
    for name in ("boilercut_http_requests_total", "boilercut_http_request_duration_seconds_bucket",
                 "boilercut_documents_total", "boilercut_document_bytes_total", "boilercut_segments_total",
                 "boilercut_errors_total"):
        assert name in text
    assert 'route="/v1/clean"' in text and 'boilercut_errors_total{code="unsupported_media_type"}' in text


def test_openapi_and_docs_page(server):
    status, _, body = call_json(server + "/openapi.json")
    assert status == 200 and body["openapi"].startswith("3.1")
    assert {"/v1/clean", "/v1/clean/batch", "/healthz", "/readyz", "/metrics"} <= set(body["paths"])
    for name in spec()["components"]["schemas"]:
        jsonschema.Draft202012Validator.check_schema(spec()["components"]["schemas"][name])
    status, headers, raw = call(server + "/docs")
    assert status == 200 and headers["Content-Type"].startswith("text/html") and b"/openapi.json" in raw


def test_sigterm_finishes_the_request_in_flight_and_exits_cleanly():
    proc, base = _start({})
    doc = "".join(f"Line {i} of a long scraped page, with words that vary: {i * 7919 % 1000}.\n" for i in range(80_000))
    answers: list[tuple[int, float]] = []

    def post() -> None:
        status = call(base + "/v1/clean", doc.encode(), "text/plain")[0]
        answers.append((status, time.monotonic()))

    client = threading.Thread(target=post)
    client.start()
    time.sleep(0.3)  # the ~6 MB document is being cleaned (about two seconds here)
    asked_to_stop = time.monotonic()
    assert _stop(proc) == 0
    client.join(30)
    assert [status for status, _ in answers] == [200]
    assert answers[0][1] > asked_to_stop  # it was still in flight when SIGTERM came, and was answered


def _keep_alive_clients(base: str, clients: int, pause: float, seconds: float) -> tuple[list, list[float]]:
    """`clients` threads, each POSTing on one kept-alive connection with `pause` s between requests,
    for `seconds`; no retries. Every answer's status (or the error) and every latency."""
    host, port = base.removeprefix("http://").split(":")
    doc = "\n".join(f"Paragraph {i} of a scraped story, with words that vary: {i * 7919 % 1000}." for i in range(150))
    statuses: list[int | str] = []
    latencies: list[float] = []
    stop_at = time.monotonic() + seconds

    def client() -> None:
        conn = http.client.HTTPConnection(host, int(port), timeout=10)
        while time.monotonic() < stop_at:
            started = time.monotonic()
            try:
                conn.request("POST", "/v1/clean", doc.encode(), {"Content-Type": "text/plain"})
                response = conn.getresponse()
                response.read()
                statuses.append(response.status)
            except (http.client.HTTPException, OSError) as exc:
                statuses.append(repr(exc))
                conn.close()  # http.client opens a new connection for the next request
            latencies.append(time.monotonic() - started)
            time.sleep(pause)
        conn.close()

    threads = [threading.Thread(target=client) for _ in range(clients)]
    for t in threads:
        t.start()
    for t in threads:
        t.join(seconds + 30)
    return statuses, latencies


def _clients_across_recycles(max_requests: int, clients: int, pause: float, seconds: float) -> list[float]:
    """One worker recycled every `max_requests` requests, under `_keep_alive_clients`: every request
    answered 200 across at least two recycles, and no socket error logged. The latencies."""
    proc, base = _start({"BOILERCUT_MAX_REQUESTS": str(max_requests)})
    log: list[bytes] = []  # read all along: a full stderr pipe would block the server's request log
    reader = threading.Thread(target=lambda: log.extend(proc.stderr), daemon=True)
    reader.start()
    try:
        statuses, latencies = _keep_alive_clients(base, clients, pause, seconds)
    finally:
        _stop(proc)
    reader.join(10)
    text = b"".join(log).decode()
    assert text.count("Autorestarting worker") >= 2, "the worker was not recycled: the test proved nothing"
    assert set(statuses) == {200}, [s for s in statuses if s != 200][:3]
    assert "Socket error" not in text
    return latencies


def test_a_recycled_worker_is_replaced_without_a_pause():
    # 8 clients back to back on kept-alive connections (as wrk and busy crawlers do). A worker that
    # looked at its stop flag once a second left every request waiting 1-2 s at each recycle.
    latencies = _clients_across_recycles(20, clients=8, pause=0.0, seconds=4.0)
    assert max(latencies) < 0.6, sorted(latencies)[-5:]


def test_requests_on_idle_kept_alive_connections_survive_recycling():
    # Clients that pause between requests: when a worker stops, their connections are idle, and the
    # next request must still be answered, not lost with a connection closed under it.
    _clients_across_recycles(5, clients=6, pause=0.4, seconds=5.0)


def test_recycled_workers_keep_serving_and_counting(tmp_path):
    # A fresh worker every ~5 requests; the server keeps its metrics files under TMPDIR.
    proc, base = _start({"BOILERCUT_MAX_REQUESTS": "5", "TMPDIR": str(tmp_path)})
    try:
        for _ in range(30):
            status, _, _ = call(base + "/v1/clean", b"One short line of text to clean.", "text/plain")
            assert status == 200
        status, _, raw = call(base + "/metrics")
        assert status == 200 and b'boilercut_documents_total{input="text",outcome="ok"}' in raw
        counted = float(raw.split(b'boilercut_documents_total{input="text",outcome="ok"} ')[1].split()[0])
        assert counted == 30  # what the recycled workers counted is kept
        (metrics_dir,) = tmp_path.glob("boilercut-metrics-*")
        files = sorted(p.name for p in metrics_dir.glob("*.db"))
        # ~6 workers have come and gone: their files are folded into one archive per metric type, and
        # what is left are those and the files of the worker serving now (and of one not yet reaped).
        assert {"counter_archive.db", "histogram_archive.db"} <= set(files) and len(files) <= 6, files
    finally:
        _stop(proc)
