"""The same input gives byte-identical output whatever the engine, the worker count or the task size;
work in flight stays bounded (memory flat)."""
import json
import os

import pytest

from quietpage.batch import run
from quietpage.batch.engines import InlineEngine, LocalEngine

from batch_helpers import make_warc, page, read_out, tmp  # noqa: F401


@pytest.fixture(scope="module")
def mixed(tmp_path_factory):
    """HTML files, a JSONL file with a bad line, a WARC file: 30 records."""
    d = tmp_path_factory.mktemp("mixed")
    (d / "html").mkdir()
    for i in range(14):
        (d / "html" / f"{i:02d}.html").write_bytes(page(i))
    (d / "html" / "bad.html").write_bytes(b"")
    with open(d / "in.jsonl", "w", encoding="utf-8") as f:
        for i in range(14, 22):
            f.write(json.dumps({"id": f"j{i}", "html": page(i).decode("utf-8", "replace"),
                                "url": f"https://site{i % 3}.example/{i}"}) + "\n")
        f.write("not json\n")
    make_warc(d / "c.warc.gz", [("response", f"https://w.example/{i}", page(i), "text/html", "200 OK")
                                for i in range(22, 28)])
    return d


def _inputs(d):
    return [str(d / "html"), str(d / "in.jsonl"), str(d / "c.warc.gz")]


def test_local_output_is_the_same_for_any_workers_and_chunking(mixed, tmp):
    ref = tmp / "w0.jsonl"
    run(_inputs(mixed), str(ref), workers=0, progress=False)
    data = ref.read_bytes()
    assert len(read_out(ref)) == 30
    for workers, chunk in ((1, 16), (2, 1), (2, 5)):
        out = tmp / f"w{workers}-{chunk}.jsonl"
        run(_inputs(mixed), str(out), workers=workers, chunk=chunk, progress=False)
        assert out.read_bytes() == data, (workers, chunk)


def test_dask_engine_matches_local(mixed, tmp):
    pytest.importorskip("dask.distributed")
    local, dask_out, shipped = tmp / "local.jsonl", tmp / "dask.jsonl", tmp / "shipped.jsonl"
    run(_inputs(mixed), str(local), workers=2, progress=False)
    s = run(_inputs(mixed), str(dask_out), engine="dask", workers=2, chunk=4, progress=False)
    assert s.workers == 2 and s.engine == "dask"
    assert dask_out.read_bytes() == local.read_bytes()
    # a running cluster by its scheduler address, in the data-shipping mode (workers without a shared
    # filesystem): the same output again
    import logging
    from dask.distributed import LocalCluster
    with LocalCluster(n_workers=2, threads_per_worker=1, processes=True, dashboard_address=None,
                      silence_logs=logging.ERROR) as cluster:
        s = run(_inputs(mixed), str(shipped), engine="dask", scheduler=cluster.scheduler_address, chunk=7,
                ship_data=True, progress=False)
    assert s.workers == 2
    assert shipped.read_bytes() == local.read_bytes()


def test_dask_resume(mixed, tmp):
    pytest.importorskip("dask.distributed")
    ref, out = tmp / "ref.jsonl", tmp / "out.jsonl"
    run(_inputs(mixed), str(ref), workers=2, progress=False)
    lines = ref.read_bytes().splitlines(keepends=True)
    out.write_bytes(b"".join(lines[:11]))
    s = run(_inputs(mixed), str(out), engine="dask", workers=2, progress=False)
    assert s.resumed == 11 and s.stats.records == 19
    assert out.read_bytes() == ref.read_bytes()


def _tasks(n, pulled):
    for i in range(n):
        pulled.append(i)
        yield {"k": "records", "recs": [], "seq": i, "nbytes": 0}


@pytest.mark.parametrize("engine", ["local", "inline"])
def test_work_in_flight_is_bounded(engine):
    """The parent pulls input only as results are written: memory does not grow with the input."""
    pulled = []
    eng = LocalEngine(2, inflight=6) if engine == "local" else InlineEngine()
    try:
        from quietpage.batch.work import process_task
        seen = 0
        for t, r in eng.map_ordered(process_task, _tasks(500, pulled), {}):
            assert t["seq"] == seen
            seen += 1
            assert len(pulled) - seen <= 6
    finally:
        eng.close()
    assert seen == 500


def test_a_dying_worker_is_retried_then_reported(tmp):
    """A task that kills its worker becomes error records once it has died running alone; the tasks that
    shared the broken pool with it are re-run and keep their results."""
    from quietpage.batch import engines
    eng = LocalEngine(2, inflight=4)
    tasks = [{"k": "files", "kind": "html", "files": [(f"/x/{i}.html", f"{i}.html", 1)], "seq": i, "nbytes": 1}
             for i in range(6)]
    try:
        out = [(t["seq"], r) for t, r in eng.map_ordered(_die_on_3, iter(tasks))]
    finally:
        eng.close()
    assert [s for s, _ in out] == list(range(6))
    bad = json.loads(out[3][1][1])
    assert bad["error"]["code"] == "worker_crashed" and bad["source"] == "/x/3.html"
    assert all(r[1] == b"ok\n" for s, r in out if s != 3)
    assert engines  # module under test


def _die_on_3(task):
    if task["seq"] == 3:
        os._exit(1)
    return task["seq"], b"ok\n", {}


def _echo_task(task, cfg=None):
    """Reads the task's records like the real worker, but does not clean: the parent's side alone."""
    from quietpage.batch.sources import read_task
    lines = [json.dumps({"source": r.source, "n": len(r.payload or "")}).encode() + b"\n"
             for r in read_task(task, 1 << 24)]
    return task.get("seq", 0), b"".join(lines), {"records": len(lines), "errors": {}, "verdicts": {},
                                                  "removed": {}, "skipped": {}, "words": 0, "bytes_in": 0}


def test_parent_memory_does_not_grow_with_the_input(tmp, monkeypatch):
    """A 60 MB JSONL input: the parent's Python allocations peak far below the input's size."""
    import tracemalloc
    from quietpage.batch import runner
    monkeypatch.setattr(runner, "process_task", _echo_task)
    body = json.dumps({"html": "<p>" + "harbour vote " * 1500 + "</p>"}) + "\n"
    peaks = {}
    for mb in (6, 60):
        src = tmp / f"in{mb}.jsonl"
        with open(src, "w") as f:
            for _ in range(mb * 1_000_000 // len(body)):
                f.write(body)
        tracemalloc.start()
        s = run([str(src)], str(tmp / f"out{mb}.jsonl"), workers=2, progress=False)
        peaks[mb] = tracemalloc.get_traced_memory()[1] / 1e6
        tracemalloc.stop()
        assert s.stats.records == mb * 1_000_000 // len(body)
    assert peaks[60] < 12, peaks            # input, outputs and tasks are never all held at once
    assert peaks[60] < peaks[6] + 6, peaks
