"""The `quietpage` command: clean, rules, and the subcommands that other modules register
(serve from quietpage.web, batch from quietpage.batch)."""
from __future__ import annotations

import argparse
import importlib
import json
import sys

from . import __version__
from .errors import QuietpageError

# Modules that add their own subcommands: each has register(subparsers) setting a `func` default.
PLUGINS = ("quietpage.web.cli", "quietpage.batch.cli")


def _read(path: str) -> bytes:
    if path == "-":
        return sys.stdin.buffer.read()
    with open(path, "rb") as f:
        return f.read()


def cmd_clean(a) -> int:
    from . import clean
    from .render import markdown
    data = _read(a.file)
    opts = {"rule_files": a.rules or [], "keep_categories": a.keep or []}
    if a.input == "text" or (a.input == "auto" and a.file.endswith(".txt")):
        from .parse import decode
        r = clean(text=decode(data)[0], url=a.url, options=opts)
    else:
        r = clean(data, url=a.url, options=opts)
    if a.format == "json":
        out = json.dumps(r.to_dict(), ensure_ascii=False, indent=2)
    elif a.format == "html":
        out = r.content_html
    elif a.format == "markdown":
        out = markdown(r)
    else:
        out = r.text
    sys.stdout.write(out + "\n")
    if a.format != "json" and not a.quiet:
        pw = r.paywall
        print(f"[quietpage] paywall: {pw.kind}{' (truncated)' if pw.truncated else ''}; "
              f"{len(r.removed)} pieces removed; {r.word_count} words", file=sys.stderr)
    return 0


def cmd_rules(a) -> int:
    from . import rules
    if a.action == "list":
        rs = rules.load(tuple(a.files or ()))
        for r in rs.rules:
            what = r.selector if r.is_dom else r.pattern
            print(f"{r.id:44s} {r.category:14s} {r.strength:6s} {r.source:16s} {what[:70] if a.long else ''}")
        print(f"{len(rs)} rules", file=sys.stderr)
        return 0
    files = a.files or [str(p) for p in rules.builtin_files()]
    total, fails = 0, []
    for f in files:
        rs = rules.load_file(f)
        total += sum(len(r.matches) + len(r.keeps) for r in rs)
        fails += rules.check_examples(rs)
    for line in fails:
        print("FAIL", line)
    print(f"{total - len(fails)} passed, {len(fails)} failed")
    return 1 if fails else 0


def build_parser() -> argparse.ArgumentParser:
    p = argparse.ArgumentParser(prog="quietpage", description="Reader mode without the nags.")
    p.add_argument("--version", action="version", version=f"quietpage {__version__}")
    sub = p.add_subparsers(dest="command", required=True)
    c = sub.add_parser("clean", help="clean one page or text file")
    c.add_argument("file", help="an HTML or text file, or - for standard input")
    c.add_argument("--url", help="the page's address (for links, images and site rules)")
    c.add_argument("--format", choices=("json", "text", "html", "markdown"), default="text")
    c.add_argument("--input", choices=("auto", "html", "text"), default="auto",
                   help="how to read FILE (auto: .txt is text, anything else HTML)")
    c.add_argument("--rules", action="append", metavar="FILE", help="an extra rule file (repeatable)")
    c.add_argument("--keep", action="append", metavar="CATEGORY", help="keep this category (repeatable)")
    c.add_argument("-q", "--quiet", action="store_true", help="no summary line on stderr")
    c.set_defaults(func=cmd_clean)
    r = sub.add_parser("rules", help="list the loaded rules or test rule files' examples")
    r.add_argument("action", choices=("list", "test"))
    r.add_argument("files", nargs="*", help="rule files (default: the built-in ones)")
    r.add_argument("--long", action="store_true", help="show patterns and selectors")
    r.set_defaults(func=cmd_rules)
    for mod in PLUGINS:
        try:
            importlib.import_module(mod).register(sub)
        except ImportError as e:  # a broken plugin must not take `clean` and `rules` down with it
            if not (isinstance(e, ModuleNotFoundError) and e.name and mod.startswith(e.name)):
                print(f"quietpage: warning: {mod} not loaded: {e}", file=sys.stderr)
    return p


def main(argv=None) -> int:
    a = build_parser().parse_args(argv)
    try:
        return a.func(a) or 0
    except QuietpageError as e:
        print(f"quietpage: error: {e.message}", file=sys.stderr)
        return 2
    except OSError as e:
        print(f"quietpage: error: {e}", file=sys.stderr)
        return 2
    except KeyboardInterrupt:
        return 130


if __name__ == "__main__":
    sys.exit(main())
