# Image Studio. `make run` starts the app; `make test` runs every test. Both set up what
# they need first: a virtualenv in .venv, the Python packages, and (for tests) Debian's
# chromium and zip packages.

VENV   := .venv
PY     := $(VENV)/bin/python
PORT   ?= 8501
PYTEST_ARGS ?=
SUDO   := $(shell [ "$$(id -u)" = 0 ] || echo sudo)

.PHONY: run test test-fast e2e bench bench-quick lint emulator system-deps clean

$(VENV)/.runtime: requirements.txt
	@test -x $(PY) || python3 -m venv $(VENV)
	$(PY) -m pip install -q --disable-pip-version-check -r requirements.txt
	@touch $@

$(VENV)/.dev: requirements-dev.txt $(VENV)/.runtime
	$(PY) -m pip install -q --disable-pip-version-check -r requirements-dev.txt
	@touch $@

## Start the app on http://localhost:$(PORT) (offline emulator unless a key is configured).
run: $(VENV)/.runtime
	$(VENV)/bin/streamlit run app.py --server.port $(PORT) --server.address localhost

## Serve the Gemini API emulator over HTTP (point GOOGLE_GEMINI_BASE_URL at it).
emulator: $(VENV)/.runtime
	$(PY) -m studio.emulator --port 8600

## System packages the tests and benchmarks use: Chromium for the browser tests, zip as the
## export benchmark's baseline, sqlite3 for recovering a damaged gallery database,
## Tesseract for the text page's proofreading, PostgreSQL (with pg_trgm, in its contrib) for the
## store's tests on the team backend.
system-deps:
	@missing=""; \
	  command -v chromium >/dev/null 2>&1 || missing="$$missing chromium"; \
	  command -v zip >/dev/null 2>&1 || missing="$$missing zip"; \
	  command -v sqlite3 >/dev/null 2>&1 || missing="$$missing sqlite3"; \
	  command -v tesseract >/dev/null 2>&1 || missing="$$missing tesseract-ocr"; \
	  ls /usr/share/postgresql/*/extension/pg_trgm.control >/dev/null 2>&1 || missing="$$missing postgresql"; \
	  if [ -n "$$missing" ]; then \
	    echo "Installing system packages:$$missing"; \
	    $(SUDO) apt-get update -qq && \
	    DEBIAN_FRONTEND=noninteractive $(SUDO) apt-get install -y -qq --no-install-recommends $$missing >/dev/null; \
	  fi

lint: $(VENV)/.dev
	$(VENV)/bin/ruff check .

## Every test: unit, AppTest, reliability, the quick benchmark run (two workers), then the
## browser journeys in Chromium (one worker: they share one server per session).
test: $(VENV)/.dev system-deps lint
	$(VENV)/bin/pytest -n 2 -m "not e2e" $(PYTEST_ARGS)
	$(VENV)/bin/pytest -m e2e $(PYTEST_ARGS)

## Everything but the browser.
test-fast: $(VENV)/.dev lint
	$(VENV)/bin/pytest -n 2 -m "not e2e" $(PYTEST_ARGS)

e2e: $(VENV)/.dev system-deps
	$(VENV)/bin/pytest tests/e2e $(PYTEST_ARGS)

## Benchmarks: prints a table of figures against same-run baselines, writes bench/results.json.
bench: $(VENV)/.dev system-deps
	$(PY) -m bench

clean:
	rm -rf $(VENV) .pytest_cache .ruff_cache tests/e2e/screenshots bench/results.json
