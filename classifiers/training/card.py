"""The model card: a readable summary of what the model was trained on and how well it does."""
from __future__ import annotations

from .. import decision
from ..extracted import MIN_SEGMENTS
from .evaluate import format_table

ATTRIBUTION = (
    "Trained on data adapted from WCXB: Web Content eXtraction Benchmark, version 1.0, by Murrough "
    "Foley (2026), dev split, licensed under Creative Commons Attribution 4.0 International "
    "(CC-BY-4.0). The pages were rendered to text (two renderers), lines were labeled by alignment "
    "with the ground truth, and article lines were recombined with lines of other pages to build the "
    "contaminated-article set. Cite: Murrough Foley, \"WCXB: A Multi-Type Web Content Extraction "
    "Benchmark\", 2026."
)


SYNTHETIC_NOTE = (
    " This model was also trained (`--synthetic`) on synthetic contaminated articles built the same "
    "way from the article pages (text-synthetic: another site's menu or footer lines, short fact-box "
    "runs or generated spec/score boxes, teaser lists of other pages' titles, another page's paragraph; "
    "inserted at the top, between paragraphs or at the tail; some documents left clean); they are "
    "never scored."
)


def _renderings_note(training: dict) -> str:
    renderers = training.get("renderings") or {}
    if not renderers:
        return ""
    names = ", ".join(f"{name} {version}" if version else name for name, version in renderers.items())
    return (f" The pages were also rendered to text by {names} (`--renderings`), each line labeled by the same "
            "alignment with the ground truth, so that the model learns from more converters than the two of the "
            "shared files; these renderings are used for training only and never scored.")


HTML_ATTRIBUTION = (
    "Trained on data adapted from WCXB: Web Content eXtraction Benchmark, version 1.0, by Murrough "
    "Foley (2026), dev split, licensed under Creative Commons Attribution 4.0 International "
    "(CC-BY-4.0). The HTML pages (their mojibake repaired, as at run time) were segmented into text "
    "blocks by boilercut's DOM segmenter and "
    "each block was labeled by aligning its words with the ground-truth article; for each article "
    "page, a variant with a block of another site's page spliced into its article container "
    "(html-contaminated) was added. Cite: Murrough "
    "Foley, \"WCXB: A Multi-Type Web Content Extraction Benchmark\", 2026."
)
_SUBJECT = {
    "text": "Segment classifier for scraped web text: scores every line (segment) of a page with the\n"
            "probability that it belongs to the main article.",
    "html": "Segment classifier for web pages (HTML input): scores every text block of the DOM (paragraph,\n"
            "heading, list item, table row, ...) with the probability that it belongs to the main article,\n"
            "from the text features of the text model plus DOM features (tag and ancestor context,\n"
            "class/id vocabulary, link density, container share of the page's prose, JSON-LD and title hints,\n"
            "whether the block sits in a hidden element that a script may reveal).",
}


def render(meta: dict) -> str:
    t = meta["training"]
    mode = meta.get("mode", "text")
    libs = ", ".join(f"{k} {v}" for k, v in meta["libraries"].items())
    docs = ", ".join(f"{k}: {v}" for k, v in t["documents"].items())
    return f"""# Model card: {meta['name']} {meta['version']}

{_SUBJECT[mode]}

## Model
- Stage one: gradient-boosted trees (scikit-learn HistGradientBoostingClassifier, exported to
  arrays) over {len(meta['feature_names'])} features of the segment, its neighbours (±2), the
  whole document (position, distance to the main mass of prose) and its lexical similarity to the
  document's main content.
- Sequence step: a second tree ensemble over the stage-one features plus the first pass's scores
  of the neighbours (±3 and windows up to ±10), content mass before/after, and similarity to the
  content the first pass found.
{_extracted(meta)}- Isotonic calibration fitted on out-of-fold scores; decision threshold {meta['threshold']}{_relative(meta)}.
- Stored as plain arrays (`.npz`, loaded with `allow_pickle=False`) plus this JSON metadata;
  evaluated with numpy, so it loads under any scikit-learn version.

## Training data
{(ATTRIBUTION + (SYNTHETIC_NOTE if "text-synthetic" in t["documents"] else "") + _renderings_note(t)) if mode == "text" else HTML_ATTRIBUTION}

Documents: {docs} ({t['trainable_documents']} used for training: pages whose rendering holds less
than 80% of the ground truth are left out of training but kept in evaluation); {t['segments']}
segments. SHA-256 of the data files: {', '.join(f'{k} `{v[:16]}…`' for k, v in t['data_sha256'].items())}.
Reproduce with `boilercut train` (took {t['seconds']} s on 2 cores).

## Metrics
{meta['cv']['folds']}-fold cross-validation grouped by site domain (contaminated documents
grouped by their host page's domain; training folds drop contaminated documents, shared or
synthetic, whose host or inserted blocks come from the evaluation fold's domains). Word F1 and 4-gram shingle F1 of the returned
article against the ground truth, macro-averaged over documents; line P/R/F1 of content lines.

```
{format_table(meta['cv'])}
```

Calibration (Brier score of segment scores, out of fold): raw
{meta['calibration']['brier_raw']:.4f}, calibrated {meta['calibration']['brier_calibrated']:.4f}.

## Libraries
{libs}

## Limits
- Trained on English-dominated data (1,345 of 1,358 pages are English); stop-word features exist
  for de, fr, es, it, nl, pt, and Chinese and Japanese are read as characters with their particles
  as stop words, but quality outside English is not measured.
- Labels come from aligning page text with a human ground truth that usually excludes
  headlines, bylines and captions, so the model drops those too.
"""


def _relative(meta: dict) -> str:
    relative = meta.get("relative_threshold") or 0.0
    if not relative:
        return ""
    teaser = ("; the text is also cut at a teaser heading (\"You might also like\", \"More on …:\") that follows "
              "at least 80% of the kept words when no confident long paragraph comes after it"
              if meta.get("tail_teaser_cut") else "")
    teaser += ("; runs of at least 50 words of kept segments that repeat earlier kept text word for word are dropped"
               if meta.get("repeat_runs") else "")
    teaser += (f"; a run of short segments with {decision.FACT_MIN_LINES} or more \"key: value\" lines, whose kept "
               f"ones are all such lines scored below {decision.FACT_MAX_SCORE:g} and whose words the rest of the "
               "kept text hardly uses (a spec sheet or match box of another page), is dropped"
               if meta.get("fact_box_cut") else "")
    teaser += (f"; so is any other run of short segments with {decision.FACT_MIN_KEPT_ANY} or more kept lines whose "
               f"lines share hardly a word (at most 1 in {round(1 / decision.FACT_MAX_SUPPORT_ANY)}) with the rest of "
               "the kept text" if meta.get("foreign_run_cut") else "")
    reach = meta["threshold"] / relative  # best scores below this lower the cut
    lowered = ("on every document" if reach >= 1.0 else
               f"on a document whose best segment scores less than {reach:g}")
    return (f", lowered {lowered} to {relative:g} × the best segment's score, never below "
            f"{meta.get('threshold_floor', 0.0):g}{teaser} (a threshold a caller asks for is used as it is)")


def _extracted(meta: dict) -> str:
    if "gate_feature_names" not in meta:
        return ""
    return ("- Already-extracted text: a second sequence-step ensemble of the same inputs, trained on the\n"
            "  contaminated-article documents alone (an article with blocks of other pages inserted). When a\n"
            f"  gate takes a document of {MIN_SEGMENTS} segments or more for extracted text, its score is the mean of the two\n"
            f"  steps'. The gate is a small tree ensemble over {len(meta['gate_feature_names'])} statistics of the first pass's\n"
            "  scores (share of sure words, doubtful segments at the head and tail, ...), trained to tell those\n"
            "  documents from whole pages.\n")
