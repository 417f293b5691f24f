"""Directory, JSONL and WARC inputs; bad records become error records, never stop the run or vanish."""
import gzip
import json
import zlib

from quietpage.batch import run
from quietpage.batch.sources import InputFile, iter_tasks

from batch_helpers import by_source, make_warc, page, read_out, tmp  # noqa: F401

HTML_OK = ("<html><head><title>Harbour vote</title></head><body><article><h1>Harbour vote</h1>"
           + "<p>The council approved the harbour plan after a long public meeting on Tuesday night.</p>" * 6
           + "</article></body></html>")


def test_directory_of_html(tmp):
    d = tmp / "pages"
    (d / "sub").mkdir(parents=True)
    (d / "a.html").write_bytes(page(0))
    (d / "b.htm").write_bytes(page(1))
    (d / "sub" / "c.html.gz").write_bytes(gzip.compress(page(2)))
    (d / "notes.md").write_text("not an input")
    (d / ".hidden.html").write_bytes(page(3))
    s = run([str(d)], str(tmp / "out.jsonl"), workers=2, progress=False)
    recs = read_out(tmp / "out.jsonl")
    assert [r["id"] for r in recs] == ["a.html", "b.htm", "sub/c.html.gz"]
    assert all("result" in r and r["result"]["word_count"] > 50 for r in recs)
    assert all(set(r) == {"id", "url", "source", "result"} for r in recs)
    assert s.stats.records == 3 and s.stats.skipped["unknown file type"] == 1
    # lean by default: removals say what and why, not the text
    assert all(x["text"] == "" for r in recs for x in r["result"]["removed"])


def test_jsonl_records(tmp):
    src = tmp / "in.jsonl"
    lines = [
        {"id": "p1", "html": page(0).decode("utf-8", "replace"), "url": "https://www.example.com/a"},
        {"id": 7, "text": "First line of scraped text.\n\nSubscribe now for unlimited access.\n\nLast line."},
        {"html": HTML_OK},
    ]
    src.write_text("\n".join(json.dumps(x) for x in lines) + "\n\n", encoding="utf-8")   # a blank line is not a record
    run([str(src)], str(tmp / "out.jsonl"), workers=1, progress=False)
    recs = read_out(tmp / "out.jsonl")
    assert [r["id"] for r in recs] == ["p1", 7, f"{src}:3"]
    assert [r["source"] for r in recs] == [f"{src}:1", f"{src}:2", f"{src}:3"]
    assert recs[0]["url"] == "https://www.example.com/a" and recs[0]["result"]["url"] == "https://www.example.com/a"
    assert recs[1]["result"]["input_kind"] == "text"
    assert "Subscribe now" not in recs[1]["result"]["text"]


def test_jsonl_gz_and_ranges(tmp):
    recs_in = [{"id": f"r{i}", "html": HTML_OK.replace("Harbour", f"Harbour {i}")} for i in range(40)]
    body = "".join(json.dumps(x) + "\n" for x in recs_in)
    (tmp / "a.jsonl").write_text(body)
    (tmp / "b.jsonl.gz").write_bytes(gzip.compress(body.encode()))
    run([str(tmp / "a.jsonl")], str(tmp / "a.out"), workers=2, chunk=3, progress=False)
    run([str(tmp / "b.jsonl.gz")], str(tmp / "b.out"), workers=2, chunk=5, progress=False)
    a, b = read_out(tmp / "a.out"), read_out(tmp / "b.out")
    assert [r["id"] for r in a] == [f"r{i}" for i in range(40)] == [r["id"] for r in b]
    assert [r["result"] for r in a] == [r["result"] for r in b]


def test_jsonl_range_cutting_covers_every_line(tmp):
    """Ranges cut at newlines only, blank and whitespace lines are not records, no final newline is fine."""
    p = tmp / "x.jsonl"
    p.write_bytes(b'{"a":1}\n\n   \n{"b":2}\r\n' + b'{"c":3}\n' * 50 + b'{"d":4}')
    f = InputFile(str(p), str(p), "jsonl", p.stat().st_size)
    tasks = list(iter_tasks([f], 7, set()))
    assert tasks[0]["start"] == 0 and tasks[-1]["end"] == p.stat().st_size
    assert all(a["end"] == b["start"] for a, b in zip(tasks, tasks[1:]))
    from quietpage.batch.sources import read_task
    srcs = [r.source for t in tasks for r in read_task(t, 1 << 20)]
    assert srcs == [f"{p}:1", f"{p}:4"] + [f"{p}:{i}" for i in range(5, 55)] + [f"{p}:55"]


def test_warc_input(tmp):
    w = tmp / "crawl.warc.gz"
    make_warc(w, [
        ("request", "https://news.example.com/a", b"", "", ""),
        ("response", "https://news.example.com/a", page(0), "text/html; charset=utf-8", "200 OK"),
        ("response", "https://news.example.com/logo.png", b"\x89PNG....", "image/png", "200 OK"),
        ("response", "https://news.example.com/old", b"", "text/html", "301 Moved Permanently"),
        ("response", "https://news.example.com/b", HTML_OK.encode(), "text/html", "200 OK"),
        ("resource", "file:///c.html", page(1), "text/html", ""),
    ])
    plain = tmp / "crawl.warc"
    make_warc(plain, [("response", "https://news.example.com/b", HTML_OK.encode(), "text/html", "200 OK")], gz=False)
    s = run([str(w), str(plain)], str(tmp / "out.jsonl"), workers=2, progress=False)
    recs = read_out(tmp / "out.jsonl")
    assert [r["url"] for r in recs] == ["https://news.example.com/a", "https://news.example.com/b",
                                        "file:///c.html", "https://news.example.com/b"]
    assert all("result" in r for r in recs)
    assert all(r["id"].startswith("<urn:uuid:") for r in recs)
    assert recs[0]["result"]["url"] == "https://news.example.com/a"
    assert recs[1]["result"] == recs[3]["result"]
    assert s.stats.skipped == {"WARC warcinfo record": 2, "WARC request record": 1,
                               "not HTML (content type)": 1, "HTTP 3xx response": 1}


def test_bad_records_are_reported_not_dropped(tmp):
    d = tmp / "d"
    d.mkdir()
    (d / "01-good.html").write_text(HTML_OK)
    (d / "02-binary.html").write_bytes(b"\x89PNG\r\n\x1a\n" + bytes(range(256)) * 20)
    (d / "03-empty.html").write_bytes(b"")
    (d / "04-truncated.html.gz").write_bytes(gzip.compress(page(0))[:3000])
    (d / "05-notgzip.html.gz").write_bytes(b"plain text, not gzip")
    (d / "06-nul.html").write_bytes(b"\x00\x01\x02\x03" * 3000)
    good = json.dumps({"id": "ok", "html": HTML_OK})
    (d / "07-lines.jsonl").write_text("\n".join([
        good, "{this is not json", '["a", "list"]', '{"id": "nothing"}', '{"id": "e", "html": ""}',
        '{"html": 5}', good]) + "\n")
    import random
    rnd = random.Random(5)
    body = "".join(json.dumps({"id": f"g{i}", "html": HTML_OK.replace("Tuesday", " ".join(
        rnd.choice(["alpha", "beta", "gamma", "delta", "omega"]) + str(rnd.random()) for _ in range(200)))}) + "\n"
        for i in range(30))
    zipped = gzip.compress(body.encode())
    (d / "08-trunc.jsonl.gz").write_bytes(zipped[: len(zipped) // 2])
    make_warc(d / "09-crawl.warc.gz", [
        ("response", f"https://x.example/{i}", HTML_OK.encode(), "text/html", "200 OK") for i in range(4)])
    raw = (d / "09-crawl.warc.gz").read_bytes()
    (d / "10-trunc.warc.gz").write_bytes(raw[: len(raw) - 200])
    (d / "09-crawl.warc.gz").unlink()
    s = run([str(d)], str(tmp / "out.jsonl"), workers=2, progress=False)
    recs = read_out(tmp / "out.jsonl")
    src = by_source(recs)
    code = lambda k: src[k]["error"]["code"]
    assert "result" in src[str(d / "01-good.html")]
    assert code(str(d / "02-binary.html")) == "not_html"
    assert code(str(d / "03-empty.html")) == "empty_input"
    assert code(str(d / "04-truncated.html.gz")) == "truncated_input"
    assert code(str(d / "05-notgzip.html.gz")) == "bad_gzip"
    assert code(str(d / "06-nul.html")) == "not_html"
    jl = str(d / "07-lines.jsonl")
    assert [code(f"{jl}:{i}") for i in (2, 3, 4, 5, 6)] == [
        "invalid_json", "invalid_record", "invalid_record", "empty_input", "invalid_record"]
    assert "result" in src[f"{jl}:1"] and "result" in src[f"{jl}:7"]
    assert src[f"{jl}:2"]["error"]["message"].startswith("line is not valid JSON")
    gz = [r for r in recs if r["source"].startswith(str(d / "08-trunc.jsonl.gz"))]
    assert "error" in gz[-1] and gz[-1]["error"]["code"] in ("truncated_input", "bad_gzip")
    assert all("result" in r for r in gz[:-1]) and len(gz) >= 2
    wa = [r for r in recs if r["source"].startswith(str(d / "10-trunc.warc.gz"))]
    assert [("result" in r) for r in wa] == [True, True, True, False]
    assert wa[-1]["error"]["code"] in ("truncated_input", "bad_warc")
    # every record is in the summary, errors by kind
    assert s.stats.records == len(recs)
    assert s.stats.errors["invalid_json"] == 1 and s.stats.errors["not_html"] == 2


def test_internal_errors_are_records(tmp, monkeypatch):
    """An exception escaping the engine (a bug) is reported on its record; the run goes on."""
    import quietpage
    from quietpage.batch import work
    real = quietpage.clean

    def flaky(html=None, **kw):
        if html and b"BOOM" in (html if isinstance(html, bytes) else html.encode()):
            raise zlib.error("simulated engine bug")
        return real(html, **kw)

    monkeypatch.setattr(quietpage, "clean", flaky)
    (tmp / "a.html").write_text(HTML_OK)
    (tmp / "b.html").write_text(HTML_OK.replace("Harbour vote", "BOOM"))
    run([str(tmp / "a.html"), str(tmp / "b.html")], str(tmp / "out.jsonl"), workers=0, progress=False)
    recs = read_out(tmp / "out.jsonl")
    assert "result" in recs[0]
    assert recs[1]["error"]["code"] == "internal_error" and "simulated" in recs[1]["error"]["message"]
    assert work  # imported for the monkeypatch target's module path


def test_warc_record_cut_mid_content_is_an_error_not_a_partial_page(tmp):
    """warcio reads a record cut short without complaint: the batch notices the missing bytes."""
    import random
    rnd = random.Random(2)
    body = ("<html><body><article>" + "".join(
        f"<p>{' '.join(str(rnd.random()) for _ in range(60))}</p>" for _ in range(40)) + "</article></body></html>").encode()
    for gz in (True, False):
        w = tmp / ("c.warc.gz" if gz else "c.warc")
        make_warc(w, [("response", f"https://x.example/{i}", body, "text/html", "200 OK") for i in range(3)], gz=gz)
        raw = w.read_bytes()
        w.write_bytes(raw[: len(raw) - 5000])
        out = tmp / f"out{gz}.jsonl"
        run([str(w)], str(out), workers=0, progress=False)
        recs = read_out(out)
        assert [("result" in r) for r in recs] == [True, True, False]
        assert recs[2]["error"]["code"] == "truncated_input" and recs[2]["url"] == "https://x.example/2"
