"""The worker side: the JSON reader (orjson where it gives json's answer) and the pipe messages."""
from __future__ import annotations

import json

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from quietpage.web import work

JSON_VALUES = st.recursive(
    st.none() | st.booleans() | st.integers(min_value=-(10 ** 30), max_value=10 ** 30)
    | st.floats(allow_nan=True, allow_infinity=True) | st.text(),
    lambda kids: st.lists(kids, max_size=4) | st.dictionaries(st.text(max_size=8), kids, max_size=4),
    max_leaves=12)


def _json_answer(body: bytes):
    try:
        return "ok", json.loads(body)
    except (ValueError, RecursionError) as e:
        return "error", type(e).__name__


def _our_answer(body: bytes):
    try:
        return "ok", work._loads(body)[0]
    except (ValueError, RecursionError) as e:
        return "error", type(e).__name__


def _same(a, b) -> bool:
    return json.dumps(a, sort_keys=True, default=repr) == json.dumps(b, sort_keys=True, default=repr) \
        and type(a) is type(b)


@settings(max_examples=300, deadline=None)
@given(value=st.dictionaries(st.sampled_from(["html", "text", "url", "options", "x"]), JSON_VALUES, max_size=4),
       escape=st.booleans())
def test_loads_answers_as_json_module(value, escape):
    body = json.dumps(value, ensure_ascii=escape).encode("utf-8", "surrogatepass")
    a, b = _our_answer(body), _json_answer(body)
    assert a[0] == b[0] and _same(a[1], b[1])


@pytest.mark.parametrize("body", [
    b'{"html": "x", "options": {"max_bytes": 123456789012345678901234567890}}',   # past 64 bits
    b'{"html": "\\ud800 lone"}', b'{"text": "\xed\xa0\x80 raw surrogate bytes"}',
    b'{"html": "x", "options": {"regex_timeout": NaN}}', b'{"options": {"max_bytes": 1e400}}',
    b'\xef\xbb\xbf{"html": "with a BOM"}', '{"html": "utf-16"}'.encode("utf-16"),
    b'[' * 5000 + b']' * 5000, b'{"html": "a\x01b"}', b'', b'{"html": "x",}', b'{"a": 1, "a": 2}',
])
def test_loads_edge_cases(body):
    a, b = _our_answer(body), _json_answer(body)
    assert a[0] == b[0] and _same(a[1], b[1])


def test_lone_surrogates_become_replacement_characters():
    for body in (b'{"html": "<p>odd \\udc00 text</p>"}', b'{"html": "<p>odd \xed\xb0\x80 text</p>"}'):
        kw = work._from_json(body)["kwargs"]
        assert kw["html"] == "<p>odd \ufffd text</p>"


def test_messages_round_trip():
    spec = {"kind": "html", "body": b"<p>\x00\xff bytes as they came</p>", "charset": "latin-1",
            "url": "https://example.com/a", "keep": ["newsletter"]}
    back = work.unpack_request(work.pack_request(spec), ("extra.toml",))
    assert back == {**spec, "rule_files": ("extra.toml",)}
    ok = {"status": 200, "body": b'{"title": "\xc3\xa9"}', "ms": 12.5}
    assert work.unpack_response(work.pack_response(ok)) == ok
    problem = {"status": 422, "code": "not_html", "title": "Not an HTML page", "detail": "binary"}
    assert work.unpack_response(work.pack_response(problem)) == problem
