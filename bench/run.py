"""`make bench`: every figure of the engine, side by side with plain readability-lxml, in one run.

    .venv/bin/python bench/run.py [--only seed,extraction,readability-js,paywall,speed] [--rounds N]
                                  [--skip-service] [--skip-batch] [--json OUT]
"""
from __future__ import annotations

import argparse
import gzip
import json
import resource
import statistics
import subprocess
import sys
import time
from pathlib import Path

HERE = Path(__file__).resolve().parent
sys.path.insert(0, str(HERE))
import metrics as m  # noqa: E402

CORPUS = HERE / "corpus"
SEED_URL = "https://www.business-standard.com/article/international/us-asks-iraq.html"


def read_gz(p: Path) -> bytes:
    with gzip.open(p, "rb") as f:
        return f.read()


def baseline_text(html: bytes | str) -> str:
    """Plain readability-lxml, as a user of it would call it."""
    import lxml.html
    from readability import Document
    try:
        out = Document(html if isinstance(html, str) else html.decode("utf-8", "replace")).summary(html_partial=True)
        return lxml.html.fromstring(out).text_content() if out.strip() else ""
    except Exception:
        return ""


def ours(html=None, text=None, url=None):
    import quietpage
    try:
        r = quietpage.clean(html, text=text, url=url) if text is None else quietpage.clean(text=text, url=url)
        return r.text or "", r.paywall.kind, None
    except Exception as e:  # counted, never hidden
        return "", None, type(e).__name__


def bench_seed():
    d = CORPUS / "seed"
    exp = json.loads((d / "expected.json").read_text(encoding="utf-8"))
    cases = [("seed-page.html", dict(html=(d / "seed-page.html").read_bytes())),
             ("seed-page-plain.html", dict(html=(d / "seed-page-plain.html").read_bytes())),
             ("seed.txt", dict(text=(d / "seed.txt").read_text(encoding="utf-8")))]
    rows = []
    for name, kw in cases:
        for who in ("quietpage", "readability-lxml"):
            if who == "quietpage":
                text, kind, _ = ours(**kw, url=SEED_URL)
            else:
                text = baseline_text(kw["html"]) if "html" in kw else kw["text"]
                kind = None
            t = m.norm(text)
            kept = [k for k in exp["keep"] if m.norm(k) in t]
            pos = [t.find(m.norm(k)) for k in kept]
            leaked = [x for x in exp["remove"] if m.norm(x) in t]
            exact = len(kept) == len(exp["keep"]) and pos == sorted(pos) and not leaked and kind == "metered"
            rows.append((name, who, len(kept), len(exp["keep"]), len(leaked), len(exp["remove"]), kind, exact))
    return rows


def bench_extraction():
    d = CORPUS / "scrapinghub"
    gt = json.loads((d / "ground-truth.json").read_text(encoding="utf-8"))
    a, b, errors = [], [], 0
    for k, item in gt.items():
        html = read_gz(d / "html" / f"{k}.html.gz")
        text, _, err = ours(html, url=item.get("url"))
        errors += err is not None
        a.append(m.tp_fp_fn(item.get("articleBody", ""), text))
        b.append(m.tp_fp_fn(item.get("articleBody", ""), baseline_text(html)))
    return {"pages": len(gt), "errors": errors, "quietpage": m.prf(a), "readability-lxml": m.prf(b)}


def bench_readability_js():
    import lxml.html
    d = CORPUS / "readability-js" / "pages"
    a, b, errors = [], [], 0
    for page in sorted(p.name for p in d.iterdir()):
        exp_html = read_gz(d / page / "expected.html.gz").decode("utf-8")
        exp = lxml.html.fromstring(exp_html).text_content() if exp_html.strip() else ""
        src = read_gz(d / page / "source.html.gz")
        text, _, err = ours(src, url=f"http://fakehost/test/{page}")
        errors += err is not None
        a.append(m.tp_fp_fn(exp, text))
        b.append(m.tp_fp_fn(exp, baseline_text(src)))
    return {"pages": len(a), "errors": errors, "quietpage": m.prf(a), "readability-lxml": m.prf(b)}


def bench_paywall(d=None):
    d = CORPUS / "paywall" if d is None else d
    labels = json.loads((d / "labels.json").read_text(encoding="utf-8"))
    out = {}
    for who in ("quietpage", "readability-lxml"):
        rem = rem_ok = keep = keep_ok = vt = vok = errors = 0
        tp = fp = fn = 0
        by_cat: dict[str, list[int]] = {}
        for pid, item in labels.items():
            html = read_gz(d / "pages" / item["file"])
            if who == "quietpage":
                raw, kind, err = ours(html, url=item.get("url"))
                errors += err is not None
            else:
                raw, kind = baseline_text(html), "none"
            raw = m.nfc(raw)
            text = m.norm(raw)
            lines = [m.norm(x) for x in raw.splitlines() if x.strip()]
            for x in item.get("remove", []):
                rem += 1
                c = by_cat.setdefault(x["category"], [0, 0])
                c[1] += 1
                if not m.leaked(m.nfc(x["text"]), lines, text):
                    rem_ok += 1
                    c[0] += 1
            for x in item.get("keep", []):
                keep += 1
                keep_ok += m.norm(m.nfc(x)) in text
            if item.get("verdict") in ("none", "metered", "hard", "registration") and kind is not None:
                vt += 1
                vok += kind == item["verdict"]
                truth, said = item["verdict"] != "none", kind != "none"
                tp += truth and said
                fp += said and not truth
                fn += truth and not said
        out[who] = {"remove_recall": rem_ok / max(rem, 1), "keep_recall": keep_ok / max(keep, 1),
                    "verdict_accuracy": vok / max(vt, 1), "detection_precision": tp / max(tp + fp, 1),
                    "detection_recall": tp / max(tp + fn, 1), "errors": errors, "by_category": by_cat,
                    "counts": (rem_ok, rem, keep_ok, keep, vok, vt)}
    out["pages"] = len(labels)
    return out


def bench_speed(rounds: int = 1):
    import quietpage
    from readability import Document
    pages = [read_gz(p) for p in sorted((CORPUS / "scrapinghub" / "html").glob("*.html.gz"))]
    quietpage.clean(pages[0])  # rule compilation

    def timed(batch, mine, base):
        for h in batch:  # interleaved, same process, same run
            t = time.perf_counter()
            Document(h.decode("utf-8")).summary(html_partial=True)
            base.append(time.perf_counter() - t)
            t = time.perf_counter()
            quietpage.clean(h)
            mine.append(time.perf_counter() - t)

    # first pass: every page seen once, its class names and texts new to the caches (what score.py measures)
    cold_mine, cold_base = [], []
    timed(pages[1:], cold_mine, cold_base)
    mine, base = [], []
    for _ in range(rounds):
        timed(pages, mine, base)
    p95 = lambda xs: sorted(xs)[int(0.95 * len(xs))]
    return {"pages": len(pages) * rounds, "median_ms": statistics.median(mine) * 1e3, "p95_ms": p95(mine) * 1e3,
            "base_median_ms": statistics.median(base) * 1e3, "base_p95_ms": p95(base) * 1e3,
            "ratio": statistics.median(mine) / statistics.median(base), "pages_per_s": len(mine) / sum(mine),
            "cold_median_ms": statistics.median(cold_mine) * 1e3, "cold_base_median_ms": statistics.median(cold_base) * 1e3,
            "cold_ratio": statistics.median(cold_mine) / statistics.median(cold_base),
            "peak_rss_mib": resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024}


def show(results: dict) -> None:
    print(f"{'figure':44s} {'quietpage':>12s} {'readability-lxml':>17s}")
    line = lambda name, a, b: print(f"{name:44s} {a:>12s} {b:>17s}")
    if "seed" in results:
        for name, who, k, kt, lk, lt, kind, exact in results["seed"]:
            if who == "quietpage":  # our row comes first, then the baseline's for the same input
                ours_row = f"{k}/{kt} kept {lk}/{lt} leaked {kind}{' (exact)' if exact else ''}"
            else:
                base_row = f"{k}/{kt} kept {lk}/{lt} leaked"
                line(f"seed {name}", "", "")
                print(f"    quietpage: {ours_row}; readability-lxml: {base_row}")
        n = sum(r[7] for r in results["seed"] if r[1] == "quietpage")
        line("seed inputs exact (of 3)", str(n), "0")
    for key, label in (("extraction", "scrapinghub"), ("readability-js", "readability-js pages")):
        if key in results:
            r = results[key]
            for i, name in enumerate(("precision", "recall", "F1")):
                line(f"{label} {name} ({r['pages']} pages)", f"{r['quietpage'][i]:.3f}", f"{r['readability-lxml'][i]:.3f}")
            line(f"{label} errors", str(r["errors"]), "-")
    for key in ("paywall", "paywall-extra"):
        if key not in results:
            continue
        r = results[key]
        q, b = r["quietpage"], r["readability-lxml"]
        for k in ("remove_recall", "keep_recall", "verdict_accuracy", "detection_precision", "detection_recall"):
            line(f"{key} {k.replace('_', '-')} ({r['pages']} pages)", f"{q[k]:.3f}", f"{b[k]:.3f}")
        line(f"{key} errors", str(q["errors"]), "-")
        print("    removed by category (quietpage): " + ", ".join(
            f"{c} {v[0]}/{v[1]}" for c, v in sorted(q["by_category"].items())))
    if "speed" in results:
        s = results["speed"]
        line("speed first pass median ms/page (cold caches)", f"{s['cold_median_ms']:.1f}", f"{s['cold_base_median_ms']:.1f}")
        line("speed first pass median ratio", f"{s['cold_ratio']:.2f}", "1.00")
        line(f"speed median ms/page ({s['pages']} pages, warm)", f"{s['median_ms']:.1f}", f"{s['base_median_ms']:.1f}")
        line("speed p95 ms/page", f"{s['p95_ms']:.1f}", f"{s['base_p95_ms']:.1f}")
        line("speed median ratio to readability-lxml", f"{s['ratio']:.2f}", "1.00")
        line("pages/s in process (one core)", f"{s['pages_per_s']:.1f}", "-")
        line("peak memory MiB (whole bench process)", f"{s['peak_rss_mib']:.0f}", "-")


def run_extra(script: str, args: list[str]) -> None:
    p = HERE / script
    if not p.exists():
        print(f"\n({script} not present: skipped)")
        return
    print(f"\n== {script} {' '.join(args)}")
    sys.stdout.flush()
    subprocess.run([sys.executable, str(p), *args], check=False)


def main(argv=None) -> int:
    ap = argparse.ArgumentParser(description=__doc__)
    ap.add_argument("--only", default="seed,extraction,readability-js,paywall,paywall-extra,speed")
    ap.add_argument("--rounds", type=int, default=1)
    ap.add_argument("--skip-service", action="store_true")
    ap.add_argument("--skip-batch", action="store_true")
    ap.add_argument("--json", help="also write the figures to this file")
    a = ap.parse_args(argv)
    todo = a.only.split(",")
    fns = {"seed": bench_seed, "extraction": bench_extraction, "readability-js": bench_readability_js,
           "paywall": bench_paywall, "paywall-extra": lambda: bench_paywall(CORPUS / "paywall-extra"),
           "speed": lambda: bench_speed(a.rounds)}
    results = {}
    t0 = time.perf_counter()
    for k in todo:
        results[k] = fns[k]()
    show(results)
    print(f"(engine bench took {time.perf_counter() - t0:.0f} s)")
    if a.json:
        Path(a.json).write_text(json.dumps(results, indent=2, default=list))
    if not a.skip_batch:
        run_extra("batch_bench.py", ["--quick"])
    if not a.skip_service:
        run_extra("load_test.py", ["--requests", "1000"])
    return 0


if __name__ == "__main__":
    sys.exit(main())
