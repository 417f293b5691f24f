"""Shared fixtures: the vendored corpora (bench/corpus) so that tests run on a fresh clone."""
import gzip
import json
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parent.parent
CORPUS = ROOT / "bench" / "corpus"
SEED_URL = "https://www.business-standard.com/article/international/us-asks-iraq.html"


def read_gz(p: Path) -> bytes:
    with gzip.open(p, "rb") as f:
        return f.read()


@pytest.fixture(scope="session")
def seed_url() -> str:
    return SEED_URL


@pytest.fixture(scope="session")
def corpus() -> Path:
    return CORPUS


@pytest.fixture(scope="session")
def seed_expected() -> dict:
    return json.loads((CORPUS / "seed" / "expected.json").read_text(encoding="utf-8"))


@pytest.fixture(scope="session")
def seed_inputs() -> dict:
    d = CORPUS / "seed"
    return {"seed-page.html": dict(html=(d / "seed-page.html").read_bytes()),
            "seed-page-plain.html": dict(html=(d / "seed-page-plain.html").read_bytes()),
            "seed.txt": dict(text=(d / "seed.txt").read_text(encoding="utf-8"))}
