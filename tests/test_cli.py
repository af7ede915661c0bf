"""The `boilercut clean` command and its JSON Lines contract, run as a real subprocess."""
from __future__ import annotations

import json
import subprocess
import sys

import pytest

from classifiers import clean
from fixture_docs import KNOWN_MISSES, all_fixtures, fully_right_example

CLI = [sys.executable, "-m", "classifiers.cli"]
FIXTURES = all_fixtures()


def run(args: list[str], stdin: bytes = b"", timeout: float = 120) -> subprocess.CompletedProcess:
    return subprocess.run(CLI + args, input=stdin, capture_output=True, timeout=timeout)


def jsonl(records: list) -> bytes:
    return b"".join((r if isinstance(r, bytes) else json.dumps(r).encode()) + b"\n" for r in records)


def test_clean_file_prints_the_article(tmp_path):
    doc = fully_right_example()
    path = tmp_path / "doc.txt"
    path.write_text(doc.text, encoding="utf-8")
    out = run(["clean", str(path)])
    assert out.returncode == 0, out.stderr
    printed = {line.strip() for line in out.stdout.decode().splitlines() if line.strip()}
    assert set(doc.article_lines) <= printed
    assert not printed & set(doc.foreign_lines)


def test_clean_stdin_and_json_output():
    doc = FIXTURES[0]
    out = run(["clean", "-", "--json"], stdin=doc.text.encode())
    result = json.loads(out.stdout)
    assert set(result) >= {"article", "lang", "segments", "model"}


def test_invalid_utf8_file_is_a_clear_error(tmp_path):
    path = tmp_path / "latin1.txt"
    path.write_bytes("Caf\u00e9 cr\u00e8me".encode("latin-1"))
    out = run(["clean", str(path)])
    assert out.returncode == 2
    assert b"not valid utf-8" in out.stderr.lower()
    ok = run(["clean", str(path), "--encoding", "latin-1", "--json"])  # decoded right, whatever the label
    assert ok.returncode == 0 and [s["text"] for s in json.loads(ok.stdout)["segments"]] == ["Café crème"]


def test_missing_file_is_a_clear_error(tmp_path):
    out = run(["clean", str(tmp_path / "nope.txt")])
    assert out.returncode == 2 and b"cannot read" in out.stderr


@pytest.mark.parametrize("workers", [1, 2])
def test_jsonl_one_output_per_input_in_order_with_inline_errors(workers):
    records = [
        {"id": "a", "text": FIXTURES[0].text},
        b"{not json",
        {"id": 7, "text": 42},
        b"\xff\xfe binary \x00 junk",
        [1, 2, 3],
        {"id": "b", "text": FIXTURES[1].text},
        {"text": "no id here. A sentence that is long enough to be a paragraph of text."},
        {"id": "empty", "text": ""},
    ]
    out = run(["clean", "--jsonl", "--workers", str(workers)], stdin=jsonl(records))
    assert out.returncode == 0, out.stderr
    lines = [json.loads(x) for x in out.stdout.decode().splitlines()]
    assert len(lines) == len(records)
    assert [x.get("id") for x in lines] == ["a", None, 7, None, None, "b", None, "empty"]
    assert "article" in lines[0] and "segments" in lines[0] and lines[0]["lang"] == "en"
    assert all("error" in lines[i] for i in (1, 2, 3, 4))
    assert "invalid JSON" in lines[1]["error"] and "UTF-8" in lines[3]["error"]
    assert lines[5]["article"] and lines[6]["article"] is not None
    assert lines[7]["article"] == "" and lines[7]["segments"] == []


def test_jsonl_hostile_records_become_errors_and_the_stream_goes_on():
    records = [
        b'{"id": "\\ud800", "text": "A lone surrogate in the id, then ordinary text."}',
        b"[" * 100_000,
        b'{"id": ' + b"9" * 5000 + b', "text": "x"}',
        b'{"id": NaN, "text": "x"}',
        {"id": "last", "text": FIXTURES[0].text},
    ]
    out = run(["clean", "--jsonl", "--no-segments"], stdin=jsonl(records))
    assert out.returncode == 0, out.stderr
    lines = [json.loads(x) for x in out.stdout.decode().splitlines()]
    assert len(lines) == 5
    assert lines[0]["id"] == "\ud800" and "article" in lines[0]
    assert all("error" in x for x in lines[1:4])
    assert lines[4]["id"] == "last" and lines[4]["article"]


def test_jsonl_no_segments_option():
    out = run(["clean", "--jsonl", "--no-segments"], stdin=jsonl([{"id": 1, "text": FIXTURES[0].text}]))
    line = json.loads(out.stdout)
    assert "segments" not in line and line["article"]


def test_jsonl_large_stream_keeps_order():
    records = [{"id": i, "text": FIXTURES[i % len(FIXTURES)].text} for i in range(60)]
    out = run(["clean", "--jsonl", "--workers", "2", "--no-segments"], stdin=jsonl(records))
    ids = [json.loads(x)["id"] for x in out.stdout.decode().splitlines()]
    assert ids == list(range(60))


def test_jsonl_fixtures_article_lines_kept_and_foreign_lines_dropped():
    records = [{"id": d.name, "text": d.text} for d in FIXTURES]
    out = run(["clean", "--jsonl"], stdin=jsonl(records))
    results = {r["id"]: r for r in map(json.loads, out.stdout.decode().splitlines())}
    assert set(results) == {d.name for d in FIXTURES}
    for doc in FIXTURES:
        segments = results[doc.name]["segments"]
        assert segments == clean(doc.text).to_dict()["segments"]  # the CLI answers what the library does
        if doc.name in KNOWN_MISSES:
            continue
        kept = [s["text"] for s in segments if s["label"] == "article"]
        dropped = [s["text"] for s in segments if s["label"] == "boilerplate"]
        assert all(any(line in k for k in kept) for line in doc.article_lines), doc.name
        assert all(any(line in d for d in dropped) for line in doc.foreign_lines), doc.name
