"""Leaked blocks of kinds the training data hardly has: how well does the cleaning carry over?

The shared contaminated set leaks four kinds of block into articles (fact boxes, teasers,
boilerplate, other stories' paragraphs), all cut from the same 1,358 pages. Scrapers meet many
more: weather widgets, league tables, polls, job ads, horoscopes, quote boxes, corrections. This
script builds documents from the invented articles and blocks of `fixtures/leak_probe.json` (no
shared data needed): every block kind at the top, between two paragraphs and after the last one,
each on three different host articles, plus each article alone (a control) and a few documents
with two or three blocks. It cleans them with the shipped model and reports, by kind and position,
the share of the block's lines dropped and of blocks dropped whole, and the host lines kept.

    .venv/bin/python benchmarks/leak_probe.py [--html [div|aside|widget]] [--model M.json] [--json F] [--show-misses]

`--html` builds each document as a page instead (a site header and footer; the article's lines as
<h2>/<p>/<li> inside <article>; a block as a bare <div> of <p> at its place, like a widget a CMS
drops into the story, or as an <aside>, or a <div class="widget">) and cleans it with the HTML model.
"""
from __future__ import annotations

import argparse
import html as html_lib
import json
import os
import random
import sys
from collections import defaultdict
from pathlib import Path

os.environ.setdefault("OMP_NUM_THREADS", "1")
REPO = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(REPO))

CONTENT = REPO / "fixtures" / "leak_probe.json"
POSITIONS = ("top", "middle", "tail")
HOSTS_PER_CELL = 3  # host articles per (block kind, position)
SEED = 25


def host_lines(lines: list[str]) -> list[tuple[str, str]]:
    """(text, role) of an article's lines: role is subheading, list or paragraph."""
    out = []
    for line in lines:
        if line.startswith("## "):
            out.append((line[3:], "subheading"))
        elif line.startswith(("• ", "- ")):
            out.append((line, "list"))
        else:
            out.append((line, "paragraph"))
    return out


def middle_gap(host: list[tuple[str, str]], rng: random.Random) -> int:
    """Where a middle block goes: before a line, between two paragraphs, near the middle."""
    gaps = [g for g in range(1, len(host)) if host[g - 1][1] == host[g][1] == "paragraph"
            and not host[g - 1][0].rstrip().endswith(":")]
    gaps.sort(key=lambda g: abs(g - len(host) / 2))
    return gaps[rng.randrange(min(2, len(gaps)))]


def build_doc(doc_id: str, host_name: str, host: list[tuple[str, str]], inserts: list[tuple[str, list[str], str]],
              rng: random.Random) -> dict:
    """A document: lines with their owner ("host" or the block's kind) and position; inserts are
    (kind, lines, position)."""
    placed = {p: [] for p in POSITIONS}
    for number, (kind, lines, position) in enumerate(inserts):
        placed[position] += [{"text": t, "owner": kind, "block": number, "position": position} for t in lines]
    gap = middle_gap(host, rng)
    lines = list(placed["top"])
    for i, (text, role) in enumerate(host):
        if i == gap:
            lines += placed["middle"]
        lines.append({"text": text, "owner": "host", "role": role})
    lines += placed["tail"]
    return {"id": doc_id, "host": host_name, "lines": lines, "n_blocks": len(inserts)}


def build_docs(content: dict) -> list[dict]:
    rng = random.Random(SEED)
    articles = {name: host_lines(lines) for name, lines in content["articles"].items()}
    names = list(articles)
    blocks = {**content["foreign"], **content["furniture"]}
    docs = [build_doc(f"control/{n}", n, articles[n], [], rng) for n in names]
    for i, kind in enumerate(blocks):
        for p, position in enumerate(POSITIONS):
            for k in range(HOSTS_PER_CELL):
                name = names[(i + 4 * p + 3 * k) % len(names)]
                variant = blocks[kind][(p + k) % len(blocks[kind])]
                inserts = [(kind, variant, position)]
                docs.append(build_doc(f"{kind}/{position}/{name}", name, articles[name], inserts, rng))
    foreign = list(content["foreign"])
    for name in names:  # two or three blocks in one document, page furniture only at the top
        for k in range(2):
            inserts = []
            if rng.random() < 0.5:
                kind = rng.choice(list(content["furniture"]))
                inserts.append((kind, content["furniture"][kind][0], "top"))
            for kind in rng.sample(foreign, rng.choice((2, 3)) - len(inserts)):
                inserts.append((kind, rng.choice(blocks[kind]), rng.choice(POSITIONS)))
            docs.append(build_doc(f"multi{k}/{name}", name, articles[name], inserts, rng))
    return docs


# The page around the story: a site header with its menu and a footer, as every real page has. Their
# lines are not scored; without them the whole page is one <article>, which no model should be
# asked to cut (the article is all there is).
PAGE_HEAD = ("<html><head><title>{title} | The Courier</title></head><body><header><a href=\"/\">The Courier</a>"
             "<nav><ul><li><a href=\"/local\">Local</a></li><li><a href=\"/world\">World</a></li>"
             "<li><a href=\"/money\">Money</a></li><li><a href=\"/culture\">Culture</a></li>"
             "<li><a href=\"/login\">Log in</a></li></ul></nav></header><main><article><h1>{title}</h1>")
PAGE_TAIL = ("</article></main><footer><p><a href=\"/about\">About us</a> | <a href=\"/privacy\">Privacy</a> | "
             "<a href=\"/terms\">Terms</a></p><p>© 2024 The Courier Ltd</p></footer></body></html>")


# How a leaked block is wrapped in a page: with no markup of its own (a bare <div>), as an <aside>,
# or with the class names widgets usually carry.
BLOCK_MARKUP = {"div": ("<div>", "</div>"), "aside": ("<aside>", "</aside>"),
                "widget": ('<div class="widget">', "</div>")}


def as_page(doc: dict, markup: str = "div") -> str:
    """The document as HTML: the article in <article>, each block a wrapper (`BLOCK_MARKUP`) of
    paragraphs at its place."""
    opening, closing = BLOCK_MARKUP[markup]
    title = html_lib.escape(doc["host"].replace("_", " ").capitalize())
    out, block, in_list = [PAGE_HEAD.format(title=title)], None, False
    for line in doc["lines"]:
        text = html_lib.escape(line["text"])
        if in_list and line.get("role") != "list":
            out.append("</ul>")
            in_list = False
        if block is not None and line.get("block") != block:
            out.append(closing)
            block = None
        if line["owner"] != "host":
            if block is None:
                out.append(opening)
                block = line["block"]
            out.append(f"<p>{text}</p>")
        elif line["role"] == "subheading":
            out.append(f"<h2>{text}</h2>")
        elif line["role"] == "list":
            if not in_list:
                out.append("<ul>")
                in_list = True
            out.append(f"<li>{text.removeprefix('• ').removeprefix('- ')}</li>")
        else:
            out.append(f"<p>{text}</p>")
    out.append("</ul>" if in_list else "")
    out.append(closing if block is not None else "")
    out.append(PAGE_TAIL)
    return "".join(out)


def verdicts(doc: dict, html_markup: str | None, model) -> None:
    """Set `kept`, `score` and `kind` on each line of the document from one clean() call, on its text
    (`html_markup` None) or on it as a page with blocks in that markup."""
    from classifiers import clean

    if html_markup:
        result = clean(html=as_page(doc, html_markup), model=model)
        # One block element per line: match lines to segments by their text, in reading order.
        segments, at = list(result.segments), 0
        for line in doc["lines"]:
            wanted = " ".join(line["text"].removeprefix("• ").removeprefix("- ").split())
            hit = next((j for j in range(at, len(segments))
                        if segments[j].text == wanted and "article" in (segments[j].path or "")), None)
            if hit is not None:
                at = hit + 1
            line["segments"] = [segments[hit]] if hit is not None else []
    else:
        text = "\n".join(line["text"] for line in doc["lines"])
        result = clean(text, model=model)
        start = 0
        for line in doc["lines"]:
            end = start + len(line["text"])
            line["segments"] = [s for s in result.segments if s.start < end and s.end > start]
            start = end + 1
    for line in doc["lines"]:
        segs = line.pop("segments")
        line["kept"] = any(s.label.value == "article" for s in segs)
        best = max(segs, key=lambda s: s.score, default=None)
        line["score"] = round(best.score, 3) if best else None
        line["kind"] = best.kind.value if best else None


def pages_available() -> bool:
    from classifiers.training.data import PAGES_FILE, default_data_dir

    return (default_data_dir() / PAGES_FILE).is_file()


def real_page_probe(content: dict, markup: str, model, pages_per_cell: int = HOSTS_PER_CELL) -> dict:
    """The same blocks spliced into real article pages of the shared data (`--real-pages`): as `markup`
    right before the first paragraph of the ground truth, after a middle one, or after the last one.
    Prints the table; returns (kind or shape or "all", position or "all") → [lines dropped, lines,
    blocks dropped whole, blocks]."""
    import gzip

    import lxml.html

    from classifiers import clean
    from classifiers.training.data import PAGES_FILE, default_data_dir

    hosts = []
    with gzip.open(default_data_dir() / PAGES_FILE, "rt", encoding="utf-8") as fh:
        for raw in fh:
            page = json.loads(raw)
            if page["page_type"] == "article" and page["article"].strip():
                hosts.append(page)
    hosts = hosts[::7]  # a spread of sites, fixed
    opening, closing = BLOCK_MARKUP[markup]
    blocks = {**content["foreign"], **content["furniture"]}
    tally = defaultdict(lambda: [0, 0, 0, 0])
    used = 0
    for kind, variants in blocks.items():
        for p, position in enumerate(POSITIONS):
            done = 0
            while done < pages_per_cell and used < 10 * len(hosts):
                page = hosts[used % len(hosts)]
                used += 1
                root = lxml.html.fromstring(page["html"])
                paragraphs = [el for el in root.iter("p") if len(text := el.text_content().strip()) > 40
                              and text[:60] in page["article"]]  # paragraphs of the ground truth
                if len(paragraphs) < 3:
                    continue
                lines = variants[(p + done) % len(variants)]
                block = lxml.html.fragment_fromstring(
                    opening + "".join(f"<p>{html_lib.escape(t)}</p>" for t in lines) + closing)
                if position == "top":
                    paragraphs[0].addprevious(block)
                else:
                    (paragraphs[len(paragraphs) // 2] if position == "middle" else paragraphs[-1]).addnext(block)
                result = clean(html=lxml.html.tostring(root, encoding="unicode"), model=model)
                wanted = {" ".join(t.split()) for t in lines}
                kept = sum(s.text in wanted and s.label.value == "article" for s in result.segments)
                count_block(tally, kind, position, content["shapes"], len(lines) - kept, len(lines))
                done += 1
    print(f"real article pages of the shared data, blocks as {markup}: share of a block's lines dropped "
          "(blocks dropped whole)")
    print_table(tally, sorted(blocks) + sorted(set(content["shapes"].values())) + ["furniture", "all"])
    return dict(tally)


def count_block(tally: dict, kind: str, position: str, shapes: dict[str, str], dropped: int, lines: int) -> None:
    """Add one block to the tally of its kind, its shape and all blocks, at its position and overall:
    (row, column) → [lines dropped, lines, blocks dropped whole, blocks]."""
    shape = shapes.get(kind, "furniture")
    for row in (kind, shape, "all"):
        for column in (position, "all"):
            t = tally[(row, column)]
            t[0] += dropped
            t[1] += lines
            t[2] += dropped == lines
            t[3] += 1


def print_table(tally: dict, rows: list[str | None]) -> None:
    """One line per row (None: the "by shape:" divider), one column per position and "all"."""
    print(f"{'kind':24}" + "".join(f"{p:>18}" for p in POSITIONS + ("all",)))
    for row in rows:
        if row is None:
            print("by shape:")
            continue
        cells = [f"{share(t[0], t[1])} ({t[2]}/{t[3]})" if (t := tally.get((row, p))) else "-"
                 for p in POSITIONS + ("all",)]
        print(f"{row:24}" + "".join(f"{c:>18}" for c in cells))


def share(hits: int, total: int) -> str:
    return f"{100 * hits / total:5.1f}%" if total else "    -"


def report(docs: list[dict], shapes: dict[str, str], show_misses: bool) -> dict:
    host = [line for d in docs for line in d["lines"] if line["owner"] == "host"]
    controls = [d for d in docs if d["n_blocks"] == 0]
    whole = sum(all(line["kept"] for line in d["lines"]) for d in controls)
    tally = defaultdict(lambda: [0, 0, 0, 0])
    for d in docs:
        groups = defaultdict(list)
        for line in d["lines"]:
            if line["owner"] != "host":
                groups[(line["owner"], line["position"], line["block"])].append(line)
        for (kind, position, _), lines in groups.items():
            count_block(tally, kind, position, shapes, sum(not line["kept"] for line in lines), len(lines))
    kept_host = sum(line["kept"] for line in host)
    print(f"documents {len(docs)}: host lines kept {share(kept_host, len(host))} ({kept_host}/{len(host)}); "
          f"controls returned whole {whole}/{len(controls)}")
    print("\nshare of a block's lines dropped (blocks dropped whole), by kind and position")
    kinds = sorted({k for k, _ in tally if k not in set(shapes.values()) | {"all", "furniture"}})
    print_table(tally, kinds + [None] + sorted(set(shapes.values())) + ["furniture", "all"])
    if show_misses:
        print("\nforeign lines kept / host lines dropped:")
        for d in docs:
            for line in d["lines"]:
                if (line["owner"] == "host") != line["kept"]:
                    who = "host dropped" if line["owner"] == "host" else f"kept {line['owner']}/{line['position']}"
                    print(f"  {d['id']:40} {who:32} {line['score']!s:>6} {line['kind']!s:10} {line['text'][:70]}")
    return {"documents": len(docs), "host_lines_kept": kept_host / len(host), "controls_whole": whole / len(controls),
            "lines_dropped": {f"{k}/{p}": v[0] / v[1] for (k, p), v in sorted(tally.items()) if v[1]},
            "blocks_dropped_whole": {f"{k}/{p}": v[2] / v[3] for (k, p), v in sorted(tally.items()) if v[3]}}


def main(argv: list[str] | None = None) -> int:
    ap = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    ap.add_argument("--html", nargs="?", const="div", choices=sorted(BLOCK_MARKUP),
                    help="build pages and clean them with the HTML model; a block is a bare <div> of <p> "
                         "(default), an <aside>, or a <div class=\"widget\">")
    ap.add_argument("--json", type=Path, help="also write the numbers to this file")
    ap.add_argument("--show-misses", action="store_true", help="list every kept foreign and dropped host line")
    ap.add_argument("--model", type=Path, help="a model artifact (.json) instead of the shipped one")
    ap.add_argument("--real-pages", action="store_true",
                    help="with --html: splice the blocks into real article pages of the shared data instead")
    args = ap.parse_args(argv)
    if args.real_pages and not args.html:
        ap.error("--real-pages splices the blocks into pages: it needs --html")
    from classifiers.model import load

    content = json.loads(CONTENT.read_text(encoding="utf-8"))
    model = load(args.model, mode="html" if args.html else "text")
    if args.html and args.real_pages:
        tally = real_page_probe(content, args.html, model)
        if args.json:
            dropped = {f"{k}/{p}": t[0] / t[1] for (k, p), t in sorted(tally.items()) if t[1]}
            args.json.write_text(json.dumps({"mode": "html-real-pages", "block_markup": args.html,
                                             "lines_dropped": dropped}, indent=1))
        return 0
    docs = build_docs(content)
    for doc in docs:
        verdicts(doc, args.html, model)
    mode = f"HTML ({args.html} blocks)" if args.html else "text"
    print(f"# {mode} model {model.name} {model.version}; content {CONTENT.relative_to(REPO)}")
    numbers = report(docs, content["shapes"], args.show_misses)
    if args.json:
        args.json.write_text(json.dumps({"mode": "html" if args.html else "text", "block_markup": args.html,
                                         **numbers}, indent=1))
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
