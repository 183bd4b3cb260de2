# wiretrace: every target creates and uses a local virtual environment in .venv.
PYTHON ?= python3
VENV := .venv
BIN := $(VENV)/bin
STAMP := $(VENV)/.installed
DEMO_DB := demo.db
DEMO_HTML := demo-report.html
DEMO_CORPUS := demo-corpus
# Corpus mode reads the articles and the composites made from them (not truth.jsonl, which
# is the composites' answer key, not articles).
DEMO_CORPUS_INPUTS := data/demo/wikinews.jsonl $(wildcard data/demo/composites/*.txt)

.PHONY: demo test bench format lint typecheck clean

$(STAMP): pyproject.toml
	$(PYTHON) -m venv $(VENV)
	$(BIN)/python -m pip install --quiet --upgrade pip
	$(BIN)/python -m pip install --quiet -e '.[dev,eval,serve,spark]'
	touch $(STAMP)

demo: $(STAMP)
	@rm -f $(DEMO_DB) $(DEMO_DB)-wal $(DEMO_DB)-shm
	@echo "== Indexing the bundled Wikinews articles into $(DEMO_DB)"
	$(BIN)/wiretrace index --db $(DEMO_DB) data/demo/wikinews.jsonl
	@echo "== Tracing a content-farm composite made from several of them"
	$(BIN)/wiretrace trace --db $(DEMO_DB) data/demo/composites/showcase.txt --html $(DEMO_HTML) --show
	@echo "== The same report as JSON: $(BIN)/wiretrace trace --db $(DEMO_DB) data/demo/composites/showcase.txt --json"
	@echo "== As one offline HTML page: open $(DEMO_HTML) in a browser"
	@echo "== In the web page: run '$(BIN)/wiretrace serve --db $(DEMO_DB)', open http://127.0.0.1:8000/"
	@echo "   and paste or upload data/demo/composites/showcase.txt"
	@echo "== Corpus mode: every pair of the bundled documents that shares passages"
	$(BIN)/wiretrace corpus reuse $(DEMO_CORPUS_INPUTS) --out $(DEMO_CORPUS) --quiet
	$(BIN)/wiretrace corpus report $(DEMO_CORPUS) --html $(DEMO_CORPUS)/overview.html
	@echo "== The corpus overview (families, pairs side by side, outlets, plots):"
	@echo "   open $(DEMO_CORPUS)/overview.html in a browser; the tables are in $(DEMO_CORPUS)/"

test: $(STAMP)
	$(BIN)/python -m pytest -q

bench: $(STAMP)
	$(BIN)/python bench/bench_core.py
	$(BIN)/python bench/bench_ingest.py
	$(BIN)/python bench/bench_serve.py
	$(BIN)/python bench/bench_corpus.py
	$(BIN)/python bench/bench_long.py
	$(BIN)/python bench/bench_page.py
	$(BIN)/python bench/bench_million.py --sizes 10000

# Not part of lint: ruff's layout changes between releases, and CI installs the newest.
format: $(STAMP)
	$(BIN)/ruff format src tests bench scripts research

lint: $(STAMP)
	$(BIN)/ruff check src tests bench scripts research
	$(BIN)/mypy src
	$(BIN)/lint-imports

clean:
	rm -rf $(VENV) $(DEMO_HTML) $(DEMO_CORPUS) $(DEMO_DB) $(DEMO_DB)-wal $(DEMO_DB)-shm .pytest_cache .mypy_cache
