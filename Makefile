# HoSo — the two commands: `make run` (the demo province) and `make test` (the whole suite).
PYTHON ?= python3
VENV   ?= .venv
BIN     = $(VENV)/bin
HOST   ?= 127.0.0.1
PORT   ?= 8000

.PHONY: run test install lint typecheck test-sqlite test-postgres bench clean

$(BIN)/hoso: pyproject.toml requirements.lock
	$(PYTHON) -m venv $(VENV)
	$(BIN)/pip install --quiet --upgrade pip
	$(BIN)/pip install --quiet -c requirements.lock -e '.[dev]'
	@touch $(BIN)/hoso

install: $(BIN)/hoso

run: install
	HOSO_DEMO_MODE=1 $(BIN)/hoso migrate --noinput -v0
	HOSO_DEMO_MODE=1 $(BIN)/hoso demo --if-empty
	@echo "HoSo đang chạy tại http://$(HOST):$(PORT)/  (Ctrl+C để dừng)"
	HOSO_DEMO_MODE=1 $(BIN)/hoso serve --host $(HOST) --port $(PORT)

# The whole suite on SQLite; again on PostgreSQL when DATABASE_URL points at one. Browser tests
# run in a process of their own: Playwright's sync API refuses a process where other tests have
# left asyncio state behind.
# The other tests run in parallel (pytest-xdist): each worker has its own test database
# (pytest-django appends _gw0, _gw1…), its own data directory (hoso/settings_test.py) and loads
# the demo province once; whole files go to one worker (module fixtures run once), longest
# first in the order conftest.py sorts them (xdist's own order would put the crash tests last).
# TEST_WORKERS=auto is one per CPU, at most TEST_MAX_WORKERS; TEST_WORKERS=0 runs serially.
TEST_WORKERS     ?= auto
TEST_MAX_WORKERS ?= 4
PYTEST_PARALLEL   = -n $(TEST_WORKERS) --maxprocesses $(TEST_MAX_WORKERS) --dist loadfile \
                    --no-loadscope-reorder
PYTEST_REPORT     = --durations=10
# The browser tests drive pages, not the database engine: they run once, on PostgreSQL when
# DATABASE_URL points at one (as a province runs), else on SQLite.
# Tests marked one_pass(engine) run in that engine's pass only (conftest.py); HOSO_TEST_PASSES
# names the passes this run makes.
# The browser tests run in parallel too: each worker has its own Chromium and live server.
TEST_PASSES = sqlite$(if $(DATABASE_URL),$(comma)postgresql)
comma := ,
test: install
	DATABASE_URL= HOSO_TEST_PASSES=$(TEST_PASSES) \
	  $(BIN)/pytest -m "not browser" $(PYTEST_PARALLEL) $(PYTEST_REPORT)
	@if [ -n "$$DATABASE_URL" ]; then echo "--- PostgreSQL: $$DATABASE_URL"; \
	  HOSO_TEST_PASSES=$(TEST_PASSES) \
	  $(BIN)/pytest -m "not browser" $(PYTEST_PARALLEL) $(PYTEST_REPORT); fi
	$(BIN)/pytest -m browser $(PYTEST_PARALLEL) $(PYTEST_REPORT)

lint: install
	$(BIN)/ruff check hoso tests bench agent conftest.py
	$(BIN)/ruff format --check hoso tests bench agent conftest.py
	$(BIN)/mypy hoso
	$(BIN)/python tests/architecture/imports.py

clean:
	rm -rf $(VENV) data .pytest_cache .mypy_cache .ruff_cache
