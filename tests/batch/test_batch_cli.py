"""The `quietpage batch` command: arguments, exit codes, summary, stdout output."""
import json
import subprocess
import sys
from pathlib import Path

from quietpage.cli import main

from batch_helpers import page, read_out, tmp  # noqa: F401

QUIETPAGE = str(Path(sys.executable).parent / "quietpage")


def test_cli_runs_and_prints_a_summary(tmp, capsys):
    (tmp / "a.html").write_bytes(page(0))
    (tmp / "b.jsonl").write_text('{"id": "t", "text": "Subscribe now for unlimited access.\\n\\nThe vote was close."}\n'
                                 "{oops\n")
    rc = main(["batch", str(tmp / "a.html"), str(tmp / "b.jsonl"), "-o", str(tmp / "out.jsonl"), "--workers", "1",
               "--summary-json", str(tmp / "s.json")])
    assert rc == 0
    err = capsys.readouterr().err
    assert "3 records (2 cleaned, 1 errors)" in err
    for part in ("errors by kind:      invalid_json 1", "paywall verdicts:", "removals by category:", "records/s"):
        assert part in err
    s = json.loads((tmp / "s.json").read_text())
    assert s["records"] == 3 and s["errors"] == {"invalid_json": 1}
    assert len(read_out(tmp / "out.jsonl")) == 3


def test_cli_errors_exit_2(tmp, capsys):
    assert main(["batch", str(tmp / "missing"), "-o", str(tmp / "o.jsonl")]) == 2
    assert "input not found" in capsys.readouterr().err
    (tmp / "a.html").write_bytes(page(0))
    assert main(["batch", str(tmp / "a.html"), "-o", str(tmp / "o.jsonl"), "--keep", "nonsense"]) == 2
    assert main(["batch", str(tmp / "a.html"), "-o", str(tmp / "o.jsonl"), "--site-repeats", "1.5"]) == 2
    assert not (tmp / "o.jsonl").exists()


def test_cli_stdin_to_stdout_and_removed_text(tmp):
    line = json.dumps({"id": "x", "text": "The harbour vote was close.\n\nSubscribe now for unlimited access."})
    p = subprocess.run([QUIETPAGE, "batch", "-", "-o", "-", "--workers", "0", "-q", "--removed-text"],
                       input=line + "\n", capture_output=True, text=True, timeout=60)
    assert p.returncode == 0, p.stderr
    (rec,) = [json.loads(x) for x in p.stdout.splitlines()]
    assert rec["id"] == "x" and rec["source"] == "-:1"
    assert any(r["text"].startswith("Subscribe now") for r in rec["result"]["removed"])


def test_cli_format_override_and_timings(tmp):
    d = tmp / "d"
    d.mkdir()
    (d / "page.txt").write_text("The vote was close.\n\nSubscribe now for unlimited access.\n")
    (d / "page-noext").write_bytes(page(1))
    out = tmp / "o.jsonl"
    assert main(["batch", str(d / "page.txt"), "-o", str(out), "--format", "text", "--workers", "0", "-q",
                 "--timings"]) == 0
    (rec,) = read_out(out)
    assert rec["result"]["input_kind"] == "text" and rec["timings_ms"]["clean"] >= 0
    assert main(["batch", str(d), "-o", str(tmp / "p.jsonl"), "--workers", "0", "-q"]) == 0
    assert read_out(tmp / "p.jsonl") == []          # nothing of a known type in the directory
    assert main(["batch", str(d), "-o", str(tmp / "q.jsonl"), "--format", "html", "--workers", "0", "-q"]) == 0
    assert len(read_out(tmp / "q.jsonl")) == 2


def test_cli_site_repeats_before_the_inputs(tmp):
    from quietpage.batch.synth import site_corpus, write_jsonl
    write_jsonl(site_corpus(pages_per_site=6), str(tmp / "s.jsonl"))
    assert main(["batch", "--site-repeats", str(tmp / "s.jsonl"), "-o", str(tmp / "o.jsonl"), "-q",
                 "--workers", "1"]) == 0
    recs = read_out(tmp / "o.jsonl")
    assert any(x["category"] == "repeated" for r in recs for x in r["result"]["removed"])
    assert main(["batch", "--site-repeats", "-o", str(tmp / "p.jsonl")]) == 2
