"""Helpers for the batch tests: small real pages, WARC files made with warcio, output readers."""
import gzip
import io
import json
from pathlib import Path

import pytest


ROOT = Path(__file__).resolve().parents[2]
PAGES = sorted((ROOT / "bench" / "corpus" / "scrapinghub" / "html").glob("*.html.gz"))


def page(i: int) -> bytes:
    return gzip.decompress(PAGES[i].read_bytes())


def read_out(path) -> list[dict]:
    text = Path(path).read_text(encoding="utf-8")
    assert text == "" or text.endswith("\n"), "output must end with a complete line"
    return [json.loads(line) for line in text.splitlines()]


def by_source(recs):
    return {r["source"]: r for r in recs}


def make_warc(path, records, gz=True):
    """records: list of (type, url, body bytes, content type, status); type response|request|resource."""
    from warcio.statusandheaders import StatusAndHeaders
    from warcio.warcwriter import WARCWriter
    with open(path, "wb") as fh:
        w = WARCWriter(fh, gzip=gz)
        w.write_record(w.create_warcinfo_record("test.warc", {"software": "quietpage tests"}))
        for kind, url, body, ctype, status in records:
            if kind == "request":
                headers = StatusAndHeaders(f"GET {url} HTTP/1.1", [("Host", "x.example")], is_http_request=True)
                rec = w.create_warc_record(url, "request", payload=io.BytesIO(b""), http_headers=headers)
            elif kind == "resource":
                rec = w.create_warc_record(url, "resource", payload=io.BytesIO(body),
                                           warc_content_type=ctype)
            else:
                headers = StatusAndHeaders(status, [("Content-Type", ctype)], protocol="HTTP/1.1")
                rec = w.create_warc_record(url, "response", payload=io.BytesIO(body), http_headers=headers)
            w.write_record(rec)




@pytest.fixture
def tmp(tmp_path):
    """A fresh directory per test (imported by each test module: no conftest.py here, so that
    `from conftest import ...` in other test directories finds theirs)."""
    return tmp_path
