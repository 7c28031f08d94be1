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
test: install
	DATABASE_URL= $(BIN)/pytest -m "not browser"
	DATABASE_URL= $(BIN)/pytest -m browser
	@if [ -n "$$DATABASE_URL" ]; then echo "--- PostgreSQL: $$DATABASE_URL"; \
	  $(BIN)/pytest -m "not browser" && $(BIN)/pytest -m browser; fi

lint: install
	$(BIN)/ruff check hoso tests bench agent conftest.py
	$(BIN)/ruff format --check hoso tests bench agent conftest.py
	$(BIN)/mypy hoso

clean:
	rm -rf $(VENV) data .pytest_cache .mypy_cache .ruff_cache
