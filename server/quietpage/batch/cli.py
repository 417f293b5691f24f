"""`quietpage batch INPUT... -o OUT.jsonl`: registered into the main command by quietpage.cli."""
from __future__ import annotations

import argparse
import json
import signal
import sys

HELP = """Clean many pages: files or directories of HTML (.html, .htm, also .gz), JSONL records
({"html"|"text", "url"?, "id"?} per line; .jsonl.gz and - for stdin too) and WARC files (.warc,
.warc.gz: response records). Writes one JSON line per input record, in input order:
{"id", "url", "source", "result"} or {"id", "url", "source", "error": {"code", "message"}}.
Re-running with the same output resumes (records already there are skipped)."""


def register(sub) -> None:
    p = sub.add_parser("batch", help="clean a corpus: HTML files, JSONL, WARC -> JSONL", description=HELP,
                       formatter_class=argparse.RawDescriptionHelpFormatter)
    p.add_argument("inputs", nargs="*", metavar="INPUT", help="files or directories (- : JSONL on stdin)")
    p.add_argument("-o", "--output", required=True, metavar="OUT.jsonl", help="output JSONL (- : stdout)")
    p.add_argument("--workers", type=int, default=None, metavar="N",
                   help="worker processes (default: every core; 0: no pool, clean in this process)")
    p.add_argument("--engine", choices=("local", "dask"), default="local",
                   help="local process pool (default) or dask.distributed")
    p.add_argument("--scheduler", metavar="ADDR",
                   help="dask scheduler address (tcp://host:8786); default: a local cluster of --workers processes")
    p.add_argument("--ship-data", action="store_true",
                   help="dask: read inputs here and send them to the workers (when they do not share this "
                        "filesystem)")
    p.add_argument("--site-repeats", nargs="?", const="0.5", default=None, metavar="SHARE",
                   help="also remove text blocks that recur on at least SHARE of a site's pages "
                        "(default share 0.5)")
    p.add_argument("--site-min-pages", type=int, default=5, metavar="N",
                   help="site repeats only on sites with at least N pages (default 5)")
    p.add_argument("--format", choices=("auto", "html", "text", "jsonl", "warc"), default="auto",
                   help="how to read inputs (auto: by file extension)")
    p.add_argument("--resume", action=argparse.BooleanOptionalAction, default=True,
                   help="skip records already in the output (default); --no-resume starts over")
    p.add_argument("--rules", action="append", metavar="FILE", help="an extra rule file (repeatable)")
    p.add_argument("--keep", action="append", metavar="CATEGORY", help="keep this category (repeatable)")
    p.add_argument("--removed-text", action="store_true",
                   help="removals carry the removed text (default: rule and category only, lean output)")
    p.add_argument("--chunk-size", type=int, default=16, metavar="N", help="records per task (default 16)")
    p.add_argument("--timings", action="store_true",
                   help='add "timings_ms" to each record (output then differs from run to run)')
    p.add_argument("--progress", action=argparse.BooleanOptionalAction, default=None,
                   help="progress bar on stderr (default: when stderr is a terminal)")
    p.add_argument("--summary-json", metavar="FILE", help="also write the summary as JSON")
    p.add_argument("-q", "--quiet", action="store_true", help="no summary on stderr")
    p.set_defaults(func=cmd_batch)


def _sigterm(_sig, _frame):
    raise KeyboardInterrupt


def cmd_batch(a) -> int:
    from .runner import BatchError, run
    share = a.site_repeats
    if share is not None:
        try:
            share = float(share)
        except ValueError:          # `--site-repeats pages/ ...`: the optional SHARE took an input
            a.inputs.insert(0, share)
            share = 0.5
    if not a.inputs:
        print("quietpage batch: error: no INPUT given (files, directories, or - for stdin)", file=sys.stderr)
        return 2
    options = {}
    if a.rules:
        options["rule_files"] = a.rules
    if a.keep:
        options["keep_categories"] = a.keep
    options["include_removed_text"] = bool(a.removed_text)
    old = signal.signal(signal.SIGTERM, _sigterm)
    try:
        summary = run(a.inputs, a.output, workers=a.workers, engine=a.engine, scheduler=a.scheduler,
                      site_repeats=share, site_min_pages=a.site_min_pages, format=a.format,
                      resume=a.resume, options=options, chunk=a.chunk_size, timings=a.timings,
                      progress=a.progress, ship_data=a.ship_data)
    except (BatchError, RuntimeError) as e:
        print(f"quietpage batch: error: {e}", file=sys.stderr)
        return 2
    finally:
        signal.signal(signal.SIGTERM, old)
    if not a.quiet:
        summary.print()
    if a.summary_json:
        with open(a.summary_json, "w", encoding="utf-8") as f:
            json.dump(summary.to_dict(), f, indent=2)
    return 130 if summary.interrupted else 0
