"""Tests for labelling renderings against the ground truth (training.align) and the extra renderings
the text model may train on (training.renderings)."""
from __future__ import annotations

import gzip
import json
import subprocess
import sys

import pytest

from classifiers.training.align import line_labels
from classifiers.training.data import TRAINING_ONLY_DATASETS

ARTICLE = (
    "Night trains return in October\n\n"
    "The regional rail operator announced that night trains between the two cities will resume in "
    "October, after a pause of almost three years.\n\n"
    "Tickets go on sale next month, and the company expects the first departures to be fully booked."
)
LEDE = ("The regional rail operator announced that night trains between the two cities will resume in "
        "October, after a pause of almost three years.")
TICKETS = "Tickets go on sale next month, and the company expects the first departures to be fully booked."


def test_article_lines_are_content_and_site_lines_are_not():
    text = "\n".join(["Home", "News", "Night trains return in October", LEDE, TICKETS, "Share this article",
                      "© 2026 Example Media"])
    assert line_labels(text, ARTICLE).tolist() == [0, 0, 1, 1, 1, 0, 0]


def test_one_label_per_line_with_blank_and_punctuation_only_lines_as_boilerplate():
    text = "\n" + LEDE + "\n\n---\n" + TICKETS + "\n"
    labels = line_labels(text, ARTICLE)
    assert len(labels) == len(text.split("\n"))
    assert labels.tolist() == [0, 1, 0, 0, 1, 0]


def test_content_placed_out_of_reading_order_is_still_found():
    # The page shows the tickets paragraph before the lede: one in-order alignment matches only one of
    # them; the extra passes re-align the leftover run.
    text = "\n".join([TICKETS, "Advertisement", LEDE])
    assert line_labels(text, ARTICLE).tolist() == [1, 0, 1]


def test_a_line_needs_half_of_its_words_in_the_article():
    mostly_menu = "Home News Sport Weather Travel Culture Tickets"
    half_article = "Tickets go on sale next month — subscribe to our newsletter"
    labels = line_labels("\n".join([mostly_menu, half_article, LEDE]), ARTICLE)
    assert labels.tolist() == [0, 1, 1]


def test_each_article_word_is_matched_once():
    # A teaser repeating the lede word for word: only one copy is the article's.
    labels = line_labels("\n".join([LEDE, TICKETS, LEDE]), ARTICLE)
    assert labels.tolist() == [1, 1, 0]


def test_empty_inputs():
    assert line_labels("", ARTICLE).tolist() == [0]
    assert line_labels("Home\nNews", "").tolist() == [0, 0]


def _pages_file(tmp_path, pages):
    folder = tmp_path / "wcxb-dev"
    folder.mkdir()
    with gzip.open(folder / "pages.jsonl.gz", "wt", encoding="utf-8") as fh:
        for page in pages:
            fh.write(json.dumps(page) + "\n")
    return tmp_path


def test_pages_are_rendered_labelled_and_kept_out_of_evaluation(tmp_path):
    pytest.importorskip("inscriptis")
    from classifiers.training.renderings import rendered_docs

    html = (f"<html><body><nav><a href='/'>Home</a> <a href='/news'>News</a></nav>"
            f"<h1>Night trains return in October</h1><p>{LEDE}</p><p>{TICKETS}</p>"
            f"<footer>© 2026 Example Media</footer></body></html>")
    data = _pages_file(tmp_path, [
        {"id": "p1", "page_type": "article", "url": "https://www.example.org/trains", "html": html, "article": ARTICLE},
        {"id": "p2", "page_type": "listing", "url": "", "html": "<p>No truth</p>", "article": ""},  # skipped
    ])
    [doc] = rendered_docs(data, ("inscriptis",))
    assert (doc.id, doc.dataset, doc.domain, doc.page_type) == ("p1", "text-inscriptis", "example.org", "article")
    lines = doc.text.split("\n")
    assert len(doc.line_labels) == len(lines)
    kept = [line for line, y in zip(lines, doc.line_labels) if y]
    assert kept == ["Night trains return in October", LEDE, TICKETS]
    assert doc.ceiling_f1 == pytest.approx(1.0)
    assert doc.dataset in TRAINING_ONLY_DATASETS and not doc.evaluated and doc.trainable


def test_no_renderings_reads_nothing(tmp_path):
    from classifiers.training.renderings import rendered_docs

    assert rendered_docs(tmp_path / "missing", ()) == []


def test_cli_refuses_an_unknown_rendering():
    done = subprocess.run([sys.executable, "-m", "classifiers.cli", "train", "--renderings", "inscriptis,lynx"],
                          capture_output=True, text=True)
    assert done.returncode == 2
    assert "unknown rendering lynx" in done.stderr
