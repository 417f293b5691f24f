"""The `quietpage` command as a user runs it."""
import json
import subprocess
import sys
from pathlib import Path

EXE = str(Path(sys.executable).parent / "quietpage")


def run(*args, stdin=None):
    return subprocess.run([EXE, *args], capture_output=True, text=True, input=stdin, timeout=120)


def test_clean_formats(corpus):
    seed = str(corpus / "seed" / "seed-page.html")
    out = run("clean", seed, "--format", "json")
    assert out.returncode == 0
    d = json.loads(out.stdout)
    assert d["paywall"]["kind"] == "metered" and "Smart Quarterly" not in d["text"]
    md = run("clean", seed, "--format", "markdown").stdout
    assert md.startswith("# US asks Iraq")
    assert "<p>" in run("clean", seed, "--format", "html").stdout
    txt = run("clean", str(corpus / "seed" / "seed.txt"))
    assert "Tehran wields" in txt.stdout and "paywall: metered" in txt.stderr


def test_clean_stdin_and_keep():
    text = "A long article paragraph about the town and its river, told in full sentences.\nNewsletter"
    out = run("clean", "-", "--input", "text", "--keep", "newsletter", stdin=text)
    assert "Newsletter" in out.stdout


def test_clean_errors_are_messages(tmp_path):
    p = tmp_path / "empty.html"
    p.write_bytes(b"")
    out = run("clean", str(p))
    assert out.returncode == 2 and "error" in out.stderr and "Traceback" not in out.stderr
    out = run("clean", str(tmp_path / "missing.html"))
    assert out.returncode == 2 and "Traceback" not in out.stderr


def test_rules_list_and_test():
    out = run("rules", "list")
    assert out.returncode == 0 and "en.meter.limit-reached" in out.stdout
    out = run("rules", "test")
    assert out.returncode == 0 and " 0 failed" in out.stdout
