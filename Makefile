# wiretrace: every target creates and uses a local virtual environment in .venv.
PYTHON ?= python3
VENV := .venv
BIN := $(VENV)/bin
STAMP := $(VENV)/.installed
DEMO_DB := demo.db

.PHONY: demo test bench lint typecheck clean

$(STAMP): pyproject.toml
	$(PYTHON) -m venv $(VENV)
	$(BIN)/python -m pip install --quiet --upgrade pip
	$(BIN)/python -m pip install --quiet -e '.[dev]'
	touch $(STAMP)

demo: $(STAMP)
	@rm -f $(DEMO_DB) $(DEMO_DB)-wal $(DEMO_DB)-shm
	@echo "== Indexing the bundled Wikinews articles into $(DEMO_DB)"
	$(BIN)/wiretrace index --db $(DEMO_DB) data/demo/wikinews.jsonl
	@echo "== Tracing a content-farm composite made from several of them"
	$(BIN)/wiretrace trace --db $(DEMO_DB) data/demo/composites/showcase.txt
	@echo "== The same report as JSON: $(BIN)/wiretrace trace --db $(DEMO_DB) data/demo/composites/showcase.txt --json"

test: $(STAMP)
	$(BIN)/python -m pytest -q

bench: $(STAMP)
	$(BIN)/python bench/bench_core.py

lint: $(STAMP)
	$(BIN)/ruff check src tests bench scripts
	$(BIN)/mypy src

clean:
	rm -rf $(VENV) $(DEMO_DB) $(DEMO_DB)-wal $(DEMO_DB)-shm .pytest_cache .mypy_cache
