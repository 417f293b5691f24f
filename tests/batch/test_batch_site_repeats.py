"""Site-level repetition on a generated corpus: furniture that no rule knows goes, article text stays."""
import html
import json

import pytest

from quietpage.batch import run
from quietpage.batch import siterepeat as sr
from quietpage.batch.synth import SERIES, site_corpus, write_dir, write_jsonl

from batch_helpers import read_out, tmp  # noqa: F401


@pytest.fixture(scope="module")
def corpus():
    return site_corpus(pages_per_site=16, seed=3)


def _score(recs, pages):
    """(furniture blocks left in text, in html; article paragraphs lost; titles lost) on sites with >= 5 pages."""
    by_id = {p["id"]: p for p in pages}
    by_id.update({p["id"].replace("/", "_") + ".html": p for p in pages})     # write_dir's file names
    left_text = left_html = lost = titles = 0
    for r in recs:
        p = by_id[r["id"]]
        res = r["result"]
        h = html.unescape(res["content_html"])
        if p["site"] != "tinyweekly.example":
            left_text += sum(f in res["text"] for f in p["furniture"])
            left_html += sum(f in h for f in p["furniture"])
        lost += sum(a not in res["text"] or a not in h for a in p["article"])
        titles += p["title"] not in res["title"]
    return left_text, left_html, lost, titles


def test_rules_alone_miss_the_furniture_and_site_repeats_removes_it(corpus, tmp):
    src = tmp / "sites.jsonl"
    write_jsonl(corpus, str(src))
    plain, rep = tmp / "plain.jsonl", tmp / "rep.jsonl"
    run([str(src)], str(plain), workers=2, progress=False)
    s = run([str(src)], str(rep), workers=2, progress=False, site_repeats=0.5,
            options={"include_removed_text": True})
    before, after = read_out(plain), read_out(rep)
    assert [r["id"] for r in before] == [r["id"] for r in after]
    lt0, lh0, lost0, _ = _score(before, corpus)
    lt1, lh1, lost1, titles1 = _score(after, corpus)
    n_furniture = sum(len(p["furniture"]) for p in corpus if p["site"] != "tinyweekly.example")
    assert lt0 >= 0.8 * n_furniture           # the rules alone leave most of it
    assert lt1 == 0 and lh1 == 0               # site repeats take all of it, from text and HTML
    assert lost0 == 0 and lost1 == 0           # and no article paragraph (nor the shared series note)
    assert titles1 == 0
    for a, b in zip(before, after):            # the title and byline stay where the engine put them
        ra, rb = a["result"], b["result"]
        assert (ra["title"], ra["byline"]) == (rb["title"], rb["byline"])
        for t in (ra["title"], ra["byline"]):
            assert (t in ra["text"]) == (t in rb["text"])
    reps = [x for r in after for x in r["result"]["removed"] if x["category"] == "repeated"]
    assert reps and all(x["rule"] == "site.repeated" and x["stage"] == "site" and x["pages"] == 16
                        and 8 <= x["count"] <= 16 and x["text"] for x in reps)
    assert s.stats.removed["repeated"] == len(reps) == s.site["removed"]
    assert s.site["sites"] == 3                # the 3-page site is below the minimum: untouched
    tiny = [r for r in after if r["id"].startswith("tinyweekly")]
    assert all("converted boathouse" in r["result"]["text"] for r in tiny)
    for r in after:                            # word counts follow the text
        from quietpage.textnorm import word_count
        assert r["result"]["word_count"] == word_count(r["result"]["text"])
        assert "_site" not in r
    assert not (tmp / "rep.jsonl.pass1").exists()


def test_share_threshold_keeps_what_recurs_less(corpus, tmp):
    """The series note is on 25% of pages: a share of 0.2 takes it, the default 0.5 does not."""
    src = tmp / "sites.jsonl"
    write_jsonl(corpus, str(src))
    run([str(src)], str(tmp / "a.jsonl"), workers=2, progress=False, site_repeats=0.2)
    recs = read_out(tmp / "a.jsonl")
    assert not any(SERIES in r["result"]["text"] for r in recs if not r["id"].startswith("tiny"))


def test_sites_from_canonical_links_in_a_directory(corpus, tmp):
    write_dir(corpus, str(tmp / "pages"))
    s = run([str(tmp / "pages")], str(tmp / "out.jsonl"), workers=2, progress=False, site_repeats=0.5)
    left, _lh, lost, _ = _score(read_out(tmp / "out.jsonl"), corpus)
    assert left == 0 and lost == 0 and s.site["sites"] == 3


def test_site_repeats_with_dask_and_resume(corpus, tmp):
    pytest.importorskip("dask.distributed")
    src = tmp / "sites.jsonl"
    write_jsonl(corpus, str(src))
    local, dsk = tmp / "local.jsonl", tmp / "dask.jsonl"
    run([str(src)], str(local), workers=2, progress=False, site_repeats=0.5)
    run([str(src)], str(dsk), engine="dask", workers=2, progress=False, site_repeats=0.5)
    assert local.read_bytes() == dsk.read_bytes()
    # a finished site run: re-running is a no-op; new input cannot be folded into old counts
    s = run([str(src)], str(local), workers=2, progress=False, site_repeats=0.5)
    assert s.stats.records == 0 and s.resumed == len(corpus)
    from quietpage.batch.runner import BatchError
    extra = tmp / "more.jsonl"
    extra.write_text(json.dumps({"id": "new", "html": "<p>new page</p>"}) + "\n")
    with pytest.raises(BatchError):
        run([str(src), str(extra)], str(local), workers=2, progress=False, site_repeats=0.5)


def test_interrupted_site_run_resumes_from_the_spool(corpus, tmp, monkeypatch):
    from quietpage.batch import runner
    src = tmp / "sites.jsonl"
    write_jsonl(corpus, str(src))
    ref, out = tmp / "ref.jsonl", tmp / "out.jsonl"
    run([str(src)], str(ref), workers=2, progress=False, site_repeats=0.5)
    # an earlier run stopped half way through pass 1: its spool holds half the records
    with monkeypatch.context() as m:
        m.setattr(runner._Run, "_site_pass", lambda self, spool, out: None)
        run([str(src)], str(out), workers=2, progress=False, site_repeats=0.5)
    spool = tmp / "out.jsonl.pass1"
    lines = spool.read_bytes().splitlines(keepends=True)
    assert b'"_site":' in lines[0] and not out.exists()
    spool.write_bytes(b"".join(lines[: len(lines) // 2]) + lines[len(lines) // 2][:50])
    s = run([str(src)], str(out), workers=2, progress=False, site_repeats=0.5)
    assert s.resumed == len(lines) // 2
    assert out.read_bytes() == ref.read_bytes()


def test_keep_repeated_turns_it_off(corpus, tmp):
    src = tmp / "sites.jsonl"
    write_jsonl(corpus[:20], str(src))
    s = run([str(src)], str(tmp / "o.jsonl"), workers=0, progress=False, site_repeats=0.5,
            options={"keep_categories": ["repeated"]})
    assert s.site == {} and not any(x["category"] == "repeated" for r in read_out(tmp / "o.jsonl")
                                    for x in r["result"]["removed"])


@pytest.mark.parametrize("host,site", [
    ("www.example.com", "example.com"), ("news.bbc.co.uk", "bbc.co.uk"), ("example.com.au", "example.com.au"),
    ("a.b.example.org", "example.org"), ("localhost", "localhost"), ("127.0.0.1", "127.0.0.1"),
    ("WWW.Example.COM.", "example.com"), ("sub.example.de", "example.de"),
])
def test_registered_domain(host, site):
    assert sr.registered_domain(host) == site


def test_site_of_and_norm():
    assert sr.site_of("https://news.example.co.uk/a") == "example.co.uk"
    assert sr.site_of(None, b'<head><link rel="canonical" href="https://www.site.example/x"></head>') == "site.example"
    assert sr.site_of(None, "<meta property='og:url' content='https://m.site.example/y'>") == "site.example"
    assert sr.site_of(None, b"<p>no url</p>") is None
    assert sr.norm("Edition 4412 — Filed from  Portmere!") == sr.norm("edition 4413 - filed from portmere")
    assert sr.block_hash("abc") == sr.block_hash("abc") != sr.block_hash("abd")


def test_apply_never_empties_a_page_nor_drops_the_title():
    rep = {sr.block_hash(sr.norm(t)): 9 for t in ("Shared line one.", "Site Title")}
    table = {"s.example": (10, rep)}
    rec = {"_site": "s.example", "result": {"title": "Site Title", "byline": "", "text": "Site Title\n\nShared line one.",
                                            "content_html": "<h1>Site Title</h1><p>Shared line one.</p>",
                                            "removed": [], "word_count": 5}}
    assert sr.apply(rec, table) == 1
    assert rec["result"]["text"] == "Site Title" and "Shared" not in rec["result"]["content_html"]
    only = {"_site": "s.example", "result": {"title": "", "byline": "", "text": "Shared line one.",
                                             "content_html": "<p>Shared line one.</p>", "removed": []}}
    assert sr.apply(only, table) == 0 and only["result"]["text"] == "Shared line one."


def test_text_marked_as_the_article_by_haspart_stays(tmp):
    """A paragraph inside the schema.org hasPart.cssSelector section (the article's text, as the markup
    says) stays even when it recurs on every page; recurring furniture outside it goes."""
    from quietpage.batch.synth import _paragraph
    import random
    rnd = random.Random(4)
    marked = "Every report in this series is checked by two editors before it is published here."
    furniture = "The Lantern Post is printed on recycled paper at the Mill Road works."
    ld = json.dumps({"@context": "https://schema.org", "@type": "NewsArticle", "isAccessibleForFree": "False",
                     "hasPart": {"@type": "WebPageElement", "isAccessibleForFree": "False",
                                 "cssSelector": ".story-body"}})
    with open(tmp / "in.jsonl", "w") as f:
        for i in range(8):
            paras = "".join(f"<p>{_paragraph(rnd)}</p>" for _ in range(4))
            page = (f'<html><head><title>Story {i}</title><script type="application/ld+json">{ld}</script></head>'
                    f'<body><article><h1>Story {i}</h1><div class="story-body">{paras}<p>{marked}</p></div>'
                    f'<p>{furniture}</p></article></body></html>')
            f.write(json.dumps({"id": i, "url": f"https://lanternpost.example/{i}", "html": page}) + "\n")
    run([str(tmp / "in.jsonl")], str(tmp / "out.jsonl"), workers=0, progress=False, site_repeats=0.5)
    recs = read_out(tmp / "out.jsonl")
    assert all(marked in r["result"]["text"] for r in recs)
    assert not any(furniture in r["result"]["text"] for r in recs)
    assert all("_protect" not in r for r in recs)
    assert sr.protected_hashes(b"<p>no structured data</p>") == []
