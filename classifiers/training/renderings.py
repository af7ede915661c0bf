"""More renderings of the shared pages to train the text model on (training only, never evaluated).

The datasets render each page two ways (Resiliparse blocks, a naive BeautifulSoup pass); scrapers
use many more converters, and a model that saw only two learns their habits as well as what makes
a line boilerplate. Here a page is rendered again by another converter and labelled line by line
against its ground truth (`align.py`, the datasets' own recipe). Held-out pages are never rendered
into a training fold: these documents carry their page's domain, and the grouped folds drop them
with it.
"""
from __future__ import annotations

import gzip
import json
from pathlib import Path

from .align import line_labels
from .data import EXTRA_RENDERINGS, PAGES_FILE, LabeledDoc, domain_of, rendered_dataset
from .metrics import word_f1


def render_function(renderer: str):
    """page HTML → text for `renderer`; a clear error when its package is not installed."""
    if renderer not in EXTRA_RENDERINGS:
        raise ValueError(f"unknown rendering {renderer!r}; known: {', '.join(EXTRA_RENDERINGS)}")
    try:
        from inscriptis import get_text
    except ImportError as exc:
        raise SystemExit("training on inscriptis renderings needs inscriptis: pip install 'boilercut[train]'") from exc
    return get_text


def rendered_docs(data_dir: Path, renderers: tuple[str, ...]) -> list[LabeledDoc]:
    """Each page with a ground truth, rendered by each of `renderers` and labelled per line."""
    if not renderers:
        return []
    render = {name: render_function(name) for name in renderers}
    docs = []
    with gzip.open(data_dir / PAGES_FILE, "rt", encoding="utf-8") as fh:
        for line in fh:
            page = json.loads(line)
            if not (page.get("article") or "").strip():
                continue
            for name, fn in render.items():
                # lines stripped, as in the datasets' renderings; empty lines stay (they separate blocks)
                text = "\n".join(part.strip() for part in fn(page["html"]).split("\n"))
                labels = line_labels(text, page["article"])
                content = "\n".join(part for part, y in zip(text.split("\n"), labels) if y)
                docs.append(LabeledDoc(
                    id=page["id"], dataset=rendered_dataset(name), page_type=page["page_type"],
                    domain=domain_of(page.get("url", ""), page["id"]), text=text, line_labels=labels,
                    article=page["article"], ceiling_f1=word_f1(content, page["article"])))
    return docs
