"""The demo page at `GET /`, driven in a real headless Chromium against the real server.

Skipped where playwright or Debian's /usr/bin/chromium is missing (`playwright install` is never used).
"""
from __future__ import annotations

import json
import os
import socket
import subprocess
import sys
import time
import urllib.error
import urllib.request
from pathlib import Path
from urllib.parse import urlsplit

import pytest

sync_api = pytest.importorskip("playwright.sync_api")

CHROMIUM = "/usr/bin/chromium"
if not os.access(CHROMIUM, os.X_OK):
    pytest.skip(f"{CHROMIUM} is missing (apt-get install chromium)", allow_module_level=True)

HTML_MODEL = Path(__file__).resolve().parents[1] / "classifiers" / "models" / "boilercut-html.json"
needs_html_model = pytest.mark.skipif(not HTML_MODEL.exists(), reason="the HTML model is not trained yet")

NAV = "Home | World | Business | Science | Sport | Opinion | Subscribe"
COOKIES = ("We use cookies to improve your experience. By continuing to browse you accept our cookie policy. "
           "Accept all")
PARAGRAPHS = [
    "The town council of Kessel Bay voted on Tuesday evening to restore the nineteenth-century lighthouse that has "
    "stood dark on the northern breakwater since 1987, ending a dispute that had divided residents for more than a "
    "decade.",
    "Under the plan, the stone tower will be repaired over the next two summers and its lantern room fitted with a "
    "modern beacon. The work is expected to cost about 1.4 million euros, most of which will come from a regional "
    "heritage fund and private donations collected by a local society.",
    "Supporters argued that the lighthouse is part of the town's identity and could draw visitors during the quiet "
    "months. \"People come here for the harbour and the walks along the pier, and the tower is the first thing they "
    "see,\" said Marta Lindqvist, who chairs the restoration society.",
    "Opponents had questioned whether the money would be better spent on the harbour itself, where several moorings "
    "need repair. The council said a separate budget for the moorings would be presented in the spring, and that the "
    "two projects would not compete for the same funds.",
]
FOOTER = "Privacy policy | Terms of use | Contact us | © 2024 Kessel Bay Gazette"
SCRAPED = "\n".join([NAV, COOKIES, "Harbour town votes to restore its old lighthouse", *PARAGRAPHS, FOOTER])

XSS_IMG = '<img src=x onerror="window.__pwned=1">'
XSS_SCRIPT = "<script>window.__pwned=2</script>"

PAGE_HTML = f"""<!doctype html><html><head><title>Lighthouse to be restored - Kessel Bay Gazette</title></head>
<body><nav><ul><li><a href="/">Home</a></li><li><a href="/world">World</a></li><li><a href="/sport">Sport</a></li>
</ul></nav><main><article><h1>Harbour town votes to restore its old lighthouse</h1>
{"".join(f"<p>{p}</p>" for p in PARAGRAPHS)}</article></main>
<footer><p>{FOOTER}</p></footer></body></html>"""


def _free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


@pytest.fixture(scope="module")
def server():
    port = _free_port()
    cmd = [sys.executable, "-m", "classifiers.cli", "serve", "--host", "127.0.0.1", "--port", str(port)]
    proc = subprocess.Popen(cmd, stdout=subprocess.DEVNULL, stderr=subprocess.PIPE,
                            env={**os.environ, "OMP_NUM_THREADS": os.environ.get("OMP_NUM_THREADS", "1")})
    base = f"http://127.0.0.1:{port}"
    deadline = time.time() + 60
    try:
        while True:
            try:
                urllib.request.urlopen(base + "/healthz", timeout=1)
                break
            except OSError:
                if proc.poll() is not None:
                    pytest.fail(f"server exited: {proc.stderr.read().decode()}")
                if time.time() > deadline:
                    pytest.fail("server did not answer /healthz within 60 s")
                time.sleep(0.2)
        yield base
    finally:
        proc.terminate()
        try:
            proc.wait(timeout=10)
        except subprocess.TimeoutExpired:
            proc.kill()
            proc.wait()


@pytest.fixture(scope="module")
def browser():
    with sync_api.sync_playwright() as p:
        b = p.chromium.launch(executable_path=CHROMIUM, headless=True, args=["--no-sandbox", "--disable-gpu"])
        yield b
        b.close()


class Demo:
    """One fresh page on the demo, with everything it requested and every console error it logged."""

    def __init__(self, page, base: str):
        self.page, self.base = page, base
        self.requests: list[str] = []
        self.console_errors: list[str] = []
        self.page_errors: list[str] = []
        page.on("request", lambda r: self.requests.append(r.url))
        page.on("console", lambda m: self.console_errors.append(m.text) if m.type == "error" else None)
        page.on("pageerror", lambda e: self.page_errors.append(str(e)))
        page.goto(base + "/")

    def foreign_requests(self) -> list[str]:
        origin = urlsplit(self.base)[:2]
        return [u for u in self.requests if not u.startswith("data:") and urlsplit(u)[:2] != origin]

    def clean(self, text: str) -> None:
        self.page.fill("#input", text)
        with self.page.expect_response("**/v1/clean"):
            self.page.click("#clean")
        self.idle()

    def idle(self) -> None:
        """Wait until the page has rendered the last answer (the button is disabled while a request runs)."""
        self.page.wait_for_function("() => !document.getElementById('clean').disabled")

    def segments(self) -> list[dict]:
        return self.page.eval_on_selector_all("#segments li.seg", """els => els.map(li => ({
            label: li.dataset.label, cls: li.className,
            score: li.querySelector('.score').textContent, kind: li.querySelector('.kind').textContent,
            path: li.querySelector('.path') ? li.querySelector('.path').textContent : null,
            text: li.querySelector('.seg-text').textContent}))""")


@pytest.fixture
def demo(server, browser):
    context = browser.new_context()
    page = context.new_page()
    page.set_default_timeout(30_000)
    yield Demo(page, server)
    context.close()


def api(base: str, payload: dict) -> tuple[int, dict]:
    req = urllib.request.Request(base + "/v1/clean", data=json.dumps(payload).encode(),
                                 headers={"Content-Type": "application/json"}, method="POST")
    try:
        with urllib.request.urlopen(req, timeout=30) as resp:
            return resp.status, json.loads(resp.read())
    except urllib.error.HTTPError as err:
        return err.code, json.loads(err.read())


def test_page_is_served_as_utf8_html(server):
    with urllib.request.urlopen(server + "/", timeout=10) as resp:
        assert resp.headers["Content-Type"] == "text/html; charset=utf-8"
        body = resp.read().decode()
    assert "<textarea" in body and 'id="clean"' in body
    for external in ("http://", "https://", "//cdn", "@import", "<link rel=\"stylesheet\""):
        assert external not in body


def test_page_loads_without_console_errors_or_foreign_requests(demo):
    page = demo.page
    page.wait_for_load_state("networkidle")
    assert page.title() == "boilercut demo"
    for control in ("Scraped text or HTML", "Threshold", "Article format", "Text", "HTML"):
        assert page.get_by_label(control, exact=True).count() == 1, control
    assert page.text_content("#threshold-value") == "model default"
    assert page.is_hidden("#threshold-default")
    assert page.is_checked("input[name=mode][value=text]")
    assert page.is_hidden("#results") and page.is_hidden("#error")
    assert demo.console_errors == [] and demo.page_errors == []
    assert demo.foreign_requests() == []
    assert [u for u in demo.requests if not u.startswith("data:")] == [demo.base + "/"]


def test_clean_shows_every_segment_coloured_by_label_and_the_article(demo):
    status, expected = api(demo.base, {"text": SCRAPED, "threshold": 0.5})
    assert status == 200
    demo.clean(SCRAPED)
    page = demo.page
    page.wait_for_selector("#segments li.seg")
    shown = demo.segments()
    assert len(shown) == len(expected["segments"]) == len(SCRAPED.splitlines())
    for got, want in zip(shown, expected["segments"], strict=True):
        assert got["text"] == want["text"]
        assert got["label"] == want["label"] and want["label"] in got["cls"].split()
        assert got["score"] == f"score {want['score']:.2f}"
        assert got["kind"] == want["kind"]
        assert got["path"] is None  # text input has no DOM paths
    by_text = {s["text"]: s for s in shown}
    assert all(by_text[p]["label"] == "article" for p in PARAGRAPHS)
    # Menu and cookie notice: clear-cut. (The footer names the town the story is about, which pulls
    # its score towards 0.5; whichever side it falls on, the page shows what the API answered.)
    assert by_text[NAV]["label"] == by_text[COOKIES]["label"] == "boilerplate"

    colour = "el => getComputedStyle(el).backgroundColor"
    article_bg = page.eval_on_selector("#segments li.seg.article", colour)
    boilerplate_bg = page.eval_on_selector("#segments li.seg.boilerplate", colour)
    assert article_bg != boilerplate_bg
    r, g, b = (int(x) for x in article_bg[article_bg.index("(") + 1:-1].split(",")[:3])
    assert g > r and g > b  # green-ish

    meta = page.text_content("#meta")
    assert "Language: en" in meta and expected["model"]["name"] in meta and "Round trip:" in meta

    page.get_by_role("button", name="Article").click()
    assert page.is_visible("#article") and page.is_hidden("#segments")
    assert page.get_attribute("#view-article", "aria-pressed") == "true"
    article = page.text_content("#article")
    assert all(p in article for p in PARAGRAPHS)
    assert article == expected["article"] and NAV not in article and "cookies" not in article
    page.get_by_role("button", name="Segments").click()
    assert page.is_visible("#segments") and page.is_hidden("#article")

    assert demo.console_errors == [] and demo.page_errors == []
    assert demo.foreign_requests() == []


def test_threshold_and_format_controls_reach_the_api(demo):
    page = demo.page
    sent = []
    page.on("request", lambda r: sent.append(r.post_data_json) if r.url.endswith("/v1/clean") else None)
    demo.clean(SCRAPED)
    # An untouched slider sends nothing: the model decides at its own default, which the answer reports.
    assert "threshold" not in sent[0]
    _, default = api(demo.base, {"text": SCRAPED})
    assert page.text_content("#threshold-value") == f"{default['threshold']:.2f} (model default)"
    assert float(page.input_value("#threshold")) == pytest.approx(default["threshold"], abs=0.005)  # step 0.01
    with page.expect_response("**/v1/clean"):
        page.select_option("#format", "markdown")  # re-cleans on change
    demo.idle()
    page.fill("#threshold", "0.99")  # the slider's input + change events
    demo.idle()
    page.click("#clean")
    demo.idle()
    assert page.text_content("#threshold-value") == "0.99"
    assert sent[1]["format"] == "markdown" and "threshold" not in sent[1] and sent[1]["text"] == SCRAPED
    assert sent[-1]["threshold"] == 0.99
    assert {"text", "format", "threshold", "include_segments"} == set(sent[-1])
    _, strict = api(demo.base, {"text": SCRAPED, "threshold": 0.99})
    assert [s["label"] for s in demo.segments()] == [s["label"] for s in strict["segments"]]
    with page.expect_response("**/v1/clean"):
        page.click("#threshold-default")  # back to the model's own threshold, re-cleaned
    demo.idle()
    assert "threshold" not in sent[-1] and page.is_hidden("#threshold-default")
    assert page.text_content("#threshold-value") == f"{default['threshold']:.2f} (model default)"
    assert [s["label"] for s in demo.segments()] == [s["label"] for s in default["segments"]]
    assert demo.page_errors == []


def test_a_slider_move_during_a_request_is_applied_when_it_ends(demo):
    page = demo.page
    sent = []
    page.on("request", lambda r: sent.append(r.post_data_json) if r.url.endswith("/v1/clean") else None)
    big = "\n".join([SCRAPED] * 150)  # slow enough to move the slider while it is being cleaned
    page.fill("#input", big)
    moved = "() => { const t = document.getElementById('threshold'); t.value = '0.9';" \
            " t.dispatchEvent(new Event('input')); t.dispatchEvent(new Event('change')); }"
    with page.expect_response(lambda r: r.url.endswith("/v1/clean") and r.request.post_data_json.get("threshold") == 0.9):
        page.click("#clean")
        page.evaluate(moved)  # while the first request runs: its change event must not be lost
    demo.idle()
    assert len(sent) == 2 and "threshold" not in sent[0] and sent[1]["threshold"] == 0.9
    assert page.text_content("#threshold-value") == "0.90"  # not overwritten by the first answer's default
    _, strict = api(demo.base, {"text": big, "threshold": 0.9})
    assert [s["label"] for s in demo.segments()] == [s["label"] for s in strict["segments"]]
    assert demo.page_errors == []


@pytest.mark.skipif(not HTML_MODEL.exists(), reason="no HTML model")
def test_html_input_is_decided_at_the_html_models_own_threshold(demo):
    sent = []
    demo.page.on("request", lambda r: sent.append(r.post_data_json) if r.url.endswith("/v1/clean") else None)
    demo.clean(PAGE_HTML)
    demo.page.wait_for_selector("#segments li.seg")
    _, default = api(demo.base, {"html": PAGE_HTML})
    _, text_default = api(demo.base, {"text": SCRAPED})
    assert "threshold" not in sent[0] and "html" in sent[0]
    assert default["threshold"] != text_default["threshold"]  # the two models' defaults differ
    assert demo.page.text_content("#threshold-value") == f"{default['threshold']:.2f} (model default)"
    assert [s["label"] for s in demo.segments()] == [s["label"] for s in default["segments"]]
    assert demo.page_errors == []


def test_script_and_img_in_the_input_are_shown_as_text_not_run(demo):
    page = demo.page
    probe = "\n".join([NAV, XSS_IMG, PARAGRAPHS[0], XSS_SCRIPT, PARAGRAPHS[1], FOOTER])
    page.fill("#threshold", "0")  # keep every segment, so the probes are in the article too
    demo.idle()
    demo.clean(probe)
    page.wait_for_selector("#segments li.seg")
    page.wait_for_timeout(300)  # an injected <img src=x> would fail to load and fire onerror by now
    assert page.evaluate("() => typeof window.__pwned") == "undefined"
    texts = [s["text"] for s in demo.segments()]
    assert XSS_IMG in texts and XSS_SCRIPT in texts
    assert page.locator("#results img, #results script").count() == 0
    page.get_by_role("button", name="Article").click()
    article = page.text_content("#article")
    assert XSS_IMG in article and XSS_SCRIPT in article
    page.wait_for_timeout(300)
    assert page.evaluate("() => typeof window.__pwned") == "undefined"
    assert not any(urlsplit(u).path == "/x" for u in demo.requests)
    assert demo.console_errors == [] and demo.page_errors == []
    assert demo.foreign_requests() == []


def test_input_type_follows_the_pasted_content_until_chosen_by_hand(demo):
    page = demo.page
    page.fill("#input", "  <!doctype html><p>hello</p>")
    assert page.is_checked("input[name=mode][value=html]")
    page.fill("#input", "Plain scraped text")
    assert page.is_checked("input[name=mode][value=text]")
    page.get_by_label("HTML", exact=True).check()
    page.fill("#input", "Still plain text, but the user said HTML")
    assert page.is_checked("input[name=mode][value=html]")


@needs_html_model
def test_html_input_shows_paths_and_title(demo):
    page = demo.page
    demo.clean(PAGE_HTML)
    page.wait_for_selector("#segments li.seg")
    shown = demo.segments()
    assert shown and all(s["path"] for s in shown)
    assert "Title: Lighthouse to be restored" in page.text_content("#meta")
    by_text = {s["text"]: s for s in shown}
    assert all(by_text[p]["label"] == "article" for p in PARAGRAPHS if p in by_text)
    page.get_by_role("button", name="Article").click()
    assert PARAGRAPHS[0] in page.text_content("#article")
    assert demo.page_errors == []


def test_html_answer_renders_paths_title_and_timing(demo):
    """The page's rendering of an HTML answer, independent of whether the HTML model is trained yet."""
    answer = {"id": "r1", "article": PARAGRAPHS[0], "title": "<b>Lighthouse</b> restored", "lang": "en",
              "segments": [{"text": NAV, "start": 0, "end": 0, "label": "boilerplate", "score": 0.031,
                            "kind": "navigation", "path": "/html/body/nav/ul"},
                           {"text": PARAGRAPHS[0], "start": 0, "end": len(PARAGRAPHS[0]), "label": "article",
                            "score": 0.976, "kind": "paragraph", "path": "/html/body/main/article/p[1]"}],
              "model": {"name": "boilercut-html", "version": "9.9"}, "timing_ms": 12.345}
    sent = []
    demo.page.route("**/v1/clean", lambda route: (sent.append(route.request.post_data_json), route.fulfill(
        status=200, content_type="application/json", body=json.dumps(answer))))
    demo.clean(PAGE_HTML)
    assert sent[0]["html"] == PAGE_HTML and "text" not in sent[0]
    shown = demo.segments()
    assert [s["path"] for s in shown] == ["/html/body/nav/ul", "/html/body/main/article/p[1]"]
    assert [s["score"] for s in shown] == ["score 0.03", "score 0.98"]
    meta = demo.page.text_content("#meta")
    assert "Title: <b>Lighthouse</b> restored" in meta and "Server: 12.3 ms" in meta and "boilercut-html 9.9" in meta
    assert demo.page.locator("#meta b").count() == 0
    assert demo.page_errors == []


@pytest.mark.skipif(HTML_MODEL.exists(), reason="the HTML model exists")
def test_html_input_without_html_model_shows_the_service_error(demo):
    demo.clean(PAGE_HTML)
    error = demo.page.locator("#error")
    assert error.is_visible()
    assert "503" in error.text_content() and "model_unavailable" in error.text_content()
    assert demo.page_errors == []


def test_api_error_is_shown_and_the_page_keeps_working(demo):
    page = demo.page
    demo.clean(SCRAPED)  # an earlier answer, which the error must replace
    page.evaluate("() => { const t = document.getElementById('threshold'); t.max = '5'; t.value = '5'; t.dispatchEvent(new Event('input')); }")
    with page.expect_response("**/v1/clean") as resp:
        page.click("#clean")
    assert resp.value.status == 422
    demo.idle()
    error = page.locator("#error")
    error.wait_for(state="visible")
    message = error.text_content()
    assert "422" in message and "invalid_option" in message and "[0, 1]" in message
    assert page.is_hidden("#results")
    assert page.get_attribute("#error", "role") == "alert"

    page.evaluate("() => { const t = document.getElementById('threshold'); t.value = '0.5'; t.max = '1'; }")
    with page.expect_response("**/v1/clean") as resp:
        page.click("#clean")
    assert resp.value.status == 200
    demo.idle()
    page.wait_for_selector("#results", state="visible")
    assert page.is_hidden("#error")
    assert demo.page_errors == []


def test_empty_input_is_refused_without_a_request(demo):
    page = demo.page
    page.click("#clean")
    assert "Paste some text" in page.text_content("#error")
    assert not any(u.endswith("/v1/clean") for u in demo.requests)
    assert demo.page_errors == []


def test_non_json_server_failure_is_readable(demo):
    page = demo.page
    page.route("**/v1/clean", lambda route: route.fulfill(status=502, content_type="text/html",
                                                          body="<html><body><h1>Bad Gateway</h1></body></html>"))
    demo.clean(SCRAPED)
    error = page.locator("#error")
    error.wait_for(state="visible")
    assert error.text_content().startswith("Error 502")
    assert "Bad Gateway" in error.text_content() and "<h1>" not in error.text_content()
    assert page.is_enabled("#clean")
    assert demo.page_errors == []
