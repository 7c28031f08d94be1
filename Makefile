# HoSo — the two commands: `make run` (the demo province) and `make test` (the whole suite).
PYTHON ?= python3
VENV   ?= .venv
BIN     = $(VENV)/bin
HOST   ?= 127.0.0.1
PORT   ?= 8000

.PHONY: run test install lint typecheck test-sqlite test-postgres bench clean

$(BIN)/hoso: pyproject.toml
	$(PYTHON) -m venv $(VENV)
	$(BIN)/pip install --quiet --upgrade pip
	$(BIN)/pip install --quiet -e '.[dev]'
	@touch $(BIN)/hoso

install: $(BIN)/hoso

run: install
	HOSO_DEMO_MODE=1 $(BIN)/hoso migrate --noinput -v0
	HOSO_DEMO_MODE=1 $(BIN)/hoso demo --if-empty
	@echo "HoSo đang chạy tại http://$(HOST):$(PORT)/  (Ctrl+C để dừng)"
	HOSO_DEMO_MODE=1 $(BIN)/hoso serve --host $(HOST) --port $(PORT)

# The whole suite on SQLite; again on PostgreSQL when DATABASE_URL points at one.
test: install
	DATABASE_URL= $(BIN)/pytest
	@if [ -n "$$DATABASE_URL" ]; then echo "--- PostgreSQL: $$DATABASE_URL"; $(BIN)/pytest; fi

lint: install
	$(BIN)/ruff check hoso tests bench
	$(BIN)/ruff format --check hoso tests bench
	$(BIN)/mypy hoso

clean:
	rm -rf $(VENV) data .pytest_cache .mypy_cache .ruff_cache
