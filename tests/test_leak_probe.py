"""The leak probe (benchmarks/leak_probe.py) builds what it says and reads every verdict back.

The probe's numbers are only as good as its bookkeeping: a document whose block sits elsewhere
than its label says, or a line matched to the wrong segment, would report drop rates of nothing.
"""
from __future__ import annotations

import json
import sys
from pathlib import Path

import pytest

REPO = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(REPO / "benchmarks"))

import leak_probe  # noqa: E402

from classifiers import clean, default_model  # noqa: E402


@pytest.fixture(scope="module")
def docs():
    content = json.loads(leak_probe.CONTENT.read_text(encoding="utf-8"))
    return content, leak_probe.build_docs(content)


def test_every_kind_sits_at_every_position_on_several_hosts_and_every_article_alone(docs):
    content, built = docs
    kinds = {**content["foreign"], **content["furniture"]}
    singles = [d for d in built if d["n_blocks"] == 1]
    for kind in kinds:
        for position in leak_probe.POSITIONS:
            hosts = {d["host"] for d in singles if d["id"].startswith(f"{kind}/{position}/")}
            assert len(hosts) == leak_probe.HOSTS_PER_CELL, (kind, position)
    assert {d["host"] for d in built if d["n_blocks"] == 0} == set(content["articles"])
    assert leak_probe.build_docs(content) == built  # seeded: the same documents on every run


def test_blocks_sit_where_their_position_says_and_the_article_stays_whole_and_in_order(docs):
    content, built = docs
    for d in built:
        owners = [line["owner"] for line in d["lines"]]
        host = [i for i, o in enumerate(owners) if o == "host"]
        article = [t for t, _ in leak_probe.host_lines(content["articles"][d["host"]])]
        assert [d["lines"][i]["text"] for i in host] == article
        for i, line in enumerate(d["lines"]):
            if line["owner"] == "host":
                continue
            if line["position"] == "top":
                assert i < host[0]
            elif line["position"] == "tail":
                assert i > host[-1]
            else:  # between two of the article's paragraphs
                assert host[0] < i < host[-1]


@pytest.mark.parametrize("markup", [None, *leak_probe.BLOCK_MARKUP])
def test_each_line_gets_the_verdict_of_its_own_segment(docs, markup):
    _, built = docs
    doc = next(d for d in built if d["id"].startswith("lottery_results/middle/"))
    model = default_model("html" if markup else "text")
    leak_probe.verdicts(doc, markup, model)
    assert all(line["score"] is not None for line in doc["lines"])  # every line found among the segments
    result = clean(html=leak_probe.as_page(doc, markup), model=model) if markup else clean(
        "\n".join(line["text"] for line in doc["lines"]), model=model)
    for line in doc["lines"]:
        wanted = " ".join(line["text"].removeprefix("• ").split())
        assert line["kept"] == (wanted in result.article)


@pytest.mark.skipif(not leak_probe.pages_available(), reason="shared datasets absent")
def test_real_page_splices_count_every_line_of_every_block_once(docs):
    content, _ = docs
    box = content["foreign"]["lottery_results"][0]
    one_kind = {**content, "foreign": {"lottery_results": [box]}, "furniture": {}}
    tally = leak_probe.real_page_probe(one_kind, "aside", default_model("html"), pages_per_cell=1)
    for position in leak_probe.POSITIONS:  # one page per position, every line of its block counted
        dropped, lines, whole, blocks = tally[("lottery_results", position)]
        assert (lines, blocks) == (len(box), 1) and 0 <= dropped <= lines and whole == (dropped == lines)
    assert tally[("all", "all")][1:4:2] == [3 * len(box), 3]
    assert tally[("numeric/tabular", "all")] == tally[("all", "all")]


def test_real_pages_without_html_is_a_usage_error_not_a_text_run(capsys):
    with pytest.raises(SystemExit) as stop:
        leak_probe.main(["--real-pages"])
    assert stop.value.code == 2
    assert "--real-pages" in capsys.readouterr().err
