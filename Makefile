# Quietpage: `make run` sets up and starts the service; `make test` sets up and runs every test.
SHELL := /bin/bash
PYTHON ?= python3
VENV := .venv
PY := $(VENV)/bin/python
STAMP := $(VENV)/.installed
PORT ?= 8765
CHROMIUM ?= /usr/bin/chromium

.PHONY: install browser test test-fast bench run extension clean-venv

install: $(STAMP)

$(STAMP): pyproject.toml
	@test -x $(PY) || $(PYTHON) -m venv $(VENV)
	$(PY) -m pip install -q --upgrade pip
	$(PY) -m pip install -q -e '.[test,dask]'
	@touch $@

# Headless Chromium for the browser tests: Debian's package (Playwright's own download is not used).
browser:
	@if [ -x $(CHROMIUM) ]; then exit 0; fi; \
	if [ "$$(id -u)" = 0 ] && command -v apt-get >/dev/null; then \
	  echo "installing chromium with apt-get"; \
	  (apt-get update -q || true) && DEBIAN_FRONTEND=noninteractive apt-get install -y -q chromium fonts-dejavu-core \
	    || echo "could not install chromium: browser tests will skip (and fail when CI=true)"; \
	else echo "chromium not found at $(CHROMIUM) and not root: browser tests will skip (and fail when CI=true)"; fi

test: install browser
	$(PY) -m pytest -q -p no:cacheprovider tests

test-fast: install
	$(PY) -m pytest -q -p no:cacheprovider -m "not browser and not slow" tests

bench: install
	$(PY) bench/run.py

run: install
	$(VENV)/bin/quietpage serve --port $(PORT)

extension: install
	$(PY) extension/build.py

clean-venv:
	rm -rf $(VENV)
