"""The `boilercut` command: clean, serve, train, evaluate."""
from __future__ import annotations

import argparse
import json
import sys
from pathlib import Path

EXIT_BAD_INPUT = 2


def _threshold(value: str) -> float:
    t = float(value)
    if not 0.0 <= t <= 1.0:
        raise argparse.ArgumentTypeError("threshold must be within [0, 1]")
    return t


def _renderings(value: str) -> tuple[str, ...]:
    from .training.data import EXTRA_RENDERINGS  # no training imports on the cleaning path

    names = tuple(dict.fromkeys(n.strip() for n in value.split(",") if n.strip()))
    unknown = [n for n in names if n not in EXTRA_RENDERINGS]
    if unknown:
        raise argparse.ArgumentTypeError(f"unknown rendering {', '.join(unknown)}; known: {', '.join(EXTRA_RENDERINGS)}")
    return names


def _parser() -> argparse.ArgumentParser:
    p = argparse.ArgumentParser(prog="boilercut", description="Scraped web text → the clean main article.")
    sub = p.add_subparsers(dest="command", required=True)

    c = sub.add_parser("clean", help="clean a file, stdin, or a JSON Lines stream")
    c.add_argument("file", nargs="?", default="-", help="text file, or - for stdin (default)")
    c.add_argument("--jsonl", action="store_true",
                   help='read {"id", "text"} or {"id", "html"} records from stdin, write one result per line')
    c.add_argument("--html", action="store_true", help="FILE is an HTML page (bytes; its encoding is detected)")
    c.add_argument("--format", choices=("text", "markdown"), default="text",
                   help="article as plain text (default) or markdown (headings, lists, tables)")
    c.add_argument("--links", action="store_true", help="with --format markdown: keep link URLs")
    c.add_argument("--json", action="store_true", help="print the whole result as JSON instead of the article")
    c.add_argument("--encoding", help="encoding of FILE (default utf-8; with --html: detected)")
    c.add_argument("--threshold", type=_threshold, help="decision threshold on the article probability")
    c.add_argument("--no-segments", action="store_true", help="leave the per-segment list out of JSON output")
    c.add_argument("--workers", type=int, default=1, help="processes for --jsonl (default 1)")

    s = sub.add_parser("serve", help="run the HTTP service (gunicorn; flags override BOILERCUT_* variables)")
    s.add_argument("--host", help="interface (default 0.0.0.0, $BOILERCUT_HOST)")
    s.add_argument("--port", type=int, help="TCP port (default 8080, $BOILERCUT_PORT)")
    s.add_argument("--workers", type=int, help="worker processes (default 2, $BOILERCUT_WORKERS)")
    s.add_argument("--worker-class", dest="worker_class", choices=("gevent", "gthread"),
                   help="gevent (default) or gthread ($BOILERCUT_WORKER_CLASS)")
    s.add_argument("--threads", type=int, help="threads per gthread worker (default 4, $BOILERCUT_THREADS)")
    s.add_argument("--log-level", dest="log_level", help="debug|info|warning|error ($BOILERCUT_LOG_LEVEL)")

    for name, helptext in (("train", "train the model from the labeled datasets"),
                           ("evaluate", "cross-validate grouped by site domain and report quality")):
        t = sub.add_parser(name, help=helptext)
        t.add_argument("--data", type=Path, help="datasets folder (default ../shared/datasets or $BOILERCUT_DATA)")
        t.add_argument("--folds", type=int, default=5)
        t.add_argument("--workers", type=int, default=2, help="processes for feature extraction")
        t.add_argument("--max-docs", type=int, help="use a subset of the documents (quick runs)")
        t.add_argument("--quiet", action="store_true", help="no progress bars")
        t.add_argument("--mode", choices=("text", "html", "all"), default="all",
                       help="which model: scraped text, HTML pages, or both (default)")
        t.add_argument("--synthetic", action="store_true",
                       help="text mode: also train on synthetic contaminated articles (an experiment; "
                            "the shipped text model is trained without them, see docs/model-report.md)")
        t.add_argument("--renderings", type=_renderings, default=(),
                       help="text mode: also train on the pages rendered by these converters, comma-separated "
                            "(known: inscriptis; training only, never evaluated; needs boilercut[train])")
        if name == "train":
            t.add_argument("--out", type=Path, default=Path(__file__).parent / "models",
                           help="where to write the model (default: the package's models folder)")
        else:
            t.add_argument("--threshold", type=_threshold,
                           help="a fixed decision threshold (default: each model's own rule: text 0.5, html 0.5, "
                                "or half of a document's best score when that is lower)")
            t.add_argument("--report", type=Path, default=Path("reports/evaluation.json"))
        t.add_argument("--predictions", type=Path,
                       help="also write each document's out-of-fold article as JSON Lines (for benchmarks)")
    return p


def _clean_file(args: argparse.Namespace) -> int:
    from .pipeline import clean

    try:
        raw = sys.stdin.buffer.read() if args.file == "-" else Path(args.file).read_bytes()
    except OSError as exc:
        print(f"boilercut: cannot read {args.file}: {exc.strerror}", file=sys.stderr)
        return EXIT_BAD_INPUT
    if args.html:
        return _clean_html_file(raw, args)
    args.encoding = args.encoding or "utf-8"
    encoding = "utf-8-sig" if args.encoding.lower().replace("_", "-") in ("utf-8", "utf8") else args.encoding
    try:
        text = raw.decode(encoding)
    except LookupError:
        print(f"boilercut: unknown encoding {args.encoding!r}", file=sys.stderr)
        return EXIT_BAD_INPUT
    except UnicodeDecodeError as exc:
        print(f"boilercut: {args.file} is not valid {args.encoding} ({exc.reason} at byte {exc.start}); "
              "pass --encoding", file=sys.stderr)
        return EXIT_BAD_INPUT
    except (UnicodeError, ValueError) as exc:  # codecs such as idna or punycode raise their own errors
        print(f"boilercut: {args.file} cannot be decoded as {args.encoding}: {exc}", file=sys.stderr)
        return EXIT_BAD_INPUT
    result = clean(text, threshold=args.threshold, include_segments=not args.no_segments, format=args.format)
    return _print_result(result, args)


def _clean_html_file(raw: bytes, args: argparse.Namespace) -> int:
    from .decode import DecodeError
    from .pipeline import clean

    try:
        result = clean(html=raw, charset=args.encoding, threshold=args.threshold,
                       include_segments=not args.no_segments, format=args.format, links=args.links)
    except DecodeError as exc:
        print(f"boilercut: {args.file}: {exc}", file=sys.stderr)
        return EXIT_BAD_INPUT
    return _print_result(result, args)


def _print_result(result, args: argparse.Namespace) -> int:
    if args.json:
        print(json.dumps(result.to_dict(include_segments=not args.no_segments)))
    elif result.article:
        sys.stdout.buffer.write(result.article.encode("utf-8", "backslashreplace") + b"\n")
    return 0


def main(argv: list[str] | None = None) -> int:
    args = _parser().parse_args(argv)
    from .allocator import reuse_freed_memory

    reuse_freed_memory()  # this process is ours: keep freed memory for the next document (allocator.py)
    if args.command == "clean":
        if args.jsonl:
            from . import jsonl

            jsonl.run(sys.stdin.buffer, sys.stdout, workers=max(1, args.workers), threshold=args.threshold,
                      include_segments=not args.no_segments, fmt=args.format)
            return 0
        return _clean_file(args)
    if args.command == "serve":
        from service import serve
        from service.config import from_env

        try:
            settings = from_env(host=args.host, port=args.port, workers=args.workers, threads=args.threads,
                                worker_class=args.worker_class, log_level=args.log_level)
        except ValueError as exc:
            print(f"boilercut serve: {exc}", file=sys.stderr)
            return EXIT_BAD_INPUT
        serve(settings)
        return 0
    from .training import train

    if args.command == "train":
        train.train_command(args.data, args.out, args.folds, args.workers, args.max_docs, progress=not args.quiet,
                            mode=args.mode, predictions=args.predictions, synthetic=args.synthetic,
                            renderings=args.renderings)
    else:
        train.evaluate_command(args.data, args.report, args.folds, args.threshold, args.workers, args.max_docs,
                               progress=not args.quiet, mode=args.mode, predictions=args.predictions,
                               synthetic=args.synthetic, renderings=args.renderings)
    return 0


if __name__ == "__main__":
    sys.exit(main())
