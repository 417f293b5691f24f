"""Fixtures for the extension tests. Browser tests (marked `browser`) share one headless Chromium with
the unpacked extension, the real `quietpage serve`, and a local page server (see qp_ext_harness.py).
Without Chromium they skip with the reason shown in the summary; with CI=true they fail instead."""
import os

import pytest

from . import qp_ext_harness as H

_SKIPPED = []


def _in_ci() -> bool:
    return os.environ.get("CI", "").lower() in ("1", "true", "yes")


@pytest.fixture(scope="module")
def harness():
    # module scope: the browser and the services stop when the browser tests are done, not at the
    # end of the whole session
    reason = H.browser_missing_reason()
    if reason:
        if _in_ci():
            pytest.fail(f"browser tests cannot run in CI: {reason}", pytrace=False)
        _SKIPPED.append(reason)
        pytest.skip(f"browser tests skipped: {reason}")
    h = H.Harness()
    try:
        h.start_browser()
    except Exception:
        h.stop()
        raise
    yield h
    h.stop()


@pytest.fixture
def qp(harness):
    """The shared harness, with settings back to defaults and only the first tab left afterwards."""
    harness.reset_settings()
    yield harness
    harness.close_pages()
    harness.reset_settings()


def pytest_terminal_summary(terminalreporter):
    if _SKIPPED:
        terminalreporter.write_sep("-", "extension browser tests")
        terminalreporter.write_line(f"SKIPPED: {_SKIPPED[0]}  (set CI=true to make this a failure)")
