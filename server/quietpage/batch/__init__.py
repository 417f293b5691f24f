"""Corpus cleaning at scale: `quietpage batch`.

Inputs (files or directories of HTML, JSONL records, WARC files) are cut into *tasks*: small picklable
descriptors (a few file paths, a byte range of a JSONL file, a list of WARC record offsets). Workers
read their own input from the descriptor, clean every record with `quietpage.clean` and return the
finished JSON lines, so the parent process only writes bytes in input order. The same tasks run on a
local process pool or on a Dask cluster; the output is identical.

    from quietpage.batch import run
    summary = run(["pages/"], "out.jsonl", workers=2)
"""
from .runner import BatchConfig, run

__all__ = ["BatchConfig", "run"]
