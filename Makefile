# Two commands do everything: `make run` serves the API and the manager's page at /,
# `make test` runs lint, types and the whole test suite.
PYTHON ?= python3
VENV   := .venv
BIN    := $(VENV)/bin
HOST   ?= 127.0.0.1
PORT   ?= 8000

CHROMIUM := /usr/bin/chromium

.PHONY: run test lint chromium bench bench-huge load install dev clean scenario scenarios

$(BIN)/python:
	$(PYTHON) -m venv $(VENV)
	$(BIN)/pip install --quiet --upgrade pip

$(VENV)/.installed: pyproject.toml | $(BIN)/python
	$(BIN)/pip install --quiet -e .
	touch $@

$(VENV)/.installed-dev: pyproject.toml | $(BIN)/python
	$(BIN)/pip install --quiet -e '.[dev]'
	touch $(VENV)/.installed $@

install: $(VENV)/.installed

dev: $(VENV)/.installed-dev

run: $(VENV)/.installed
	@echo "binome on http://$(HOST):$(PORT)  — the program manager's page: http://$(HOST):$(PORT)/  (API docs: /docs)  — or try:"
	@echo "  curl -s -X POST http://$(HOST):$(PORT)/v1/match -H 'Content-Type: application/json' --data @scenarios/examples/company_pool.json"
	$(BIN)/uvicorn api.main:app --host $(HOST) --port $(PORT) --no-access-log

lint: $(VENV)/.installed-dev
	$(BIN)/ruff check .
	$(BIN)/ruff format --check .
	$(BIN)/mypy

# The browser tests (tests/browser/) drive Debian's Chromium; Playwright never brings its own.
chromium:
	@test -x $(CHROMIUM) || { echo "make test needs Chromium at $(CHROMIUM) for the browser tests: apt-get install chromium"; exit 2; }

test: chromium lint
	$(BIN)/pytest

# One scenario file: `make scenario FILE=scenarios/lower_capacity.yaml` (reports in build/).
scenario: $(VENV)/.installed
	@test -n "$(FILE)" || { echo "usage: make scenario FILE=scenarios/<name>.yaml"; exit 2; }
	@mkdir -p build
	$(BIN)/binome scenarios run $(FILE) --html build/$(basename $(notdir $(FILE))).html \
		--csv build/$(basename $(notdir $(FILE))).csv

# Every example scenario; fails if any expectation does.
scenarios: $(VENV)/.installed
	@status=0; for f in scenarios/*.yaml; do \
		$(MAKE) --no-print-directory scenario FILE=$$f || status=1; done; exit $$status

# The issue 6 table: binome over HTTP and alone at every size, then the baselines
# (scipy, one-boolean CP-SAT, PuLP + CBC) on the same pools, each in its own process;
# then the issue 16 rules table: each program rule and combinations against the baseline
# a user would try (one-boolean CP-SAT; the matching library for stable); then what-if
# jobs on Redis, one worker against two (needs redis-server); and the issue 17 dense caller
# scores (`program.score_matrix`) at the CVPR 2017 and 2018 shapes against scipy.
bench: $(VENV)/.installed-dev
	$(BIN)/python -m bench.run --sizes 300x100,1000x350,3000x1000,10000x3400 --repeats 5
	$(BIN)/python -m bench.run --sizes 10000x3400 --repeats 3 --no-example \
		--program '{"diversity": {"cross": {"department": 0.9}}, "weights": {"department": 0}}'
	$(BIN)/python -m bench.run --sizes 10000x3400 --repeats 3 --no-example \
		--program '{"objective": "fair"}'
	$(BIN)/python -m bench.baselines --sizes 300x100,1000x350 --cap 60
	$(BIN)/python -m bench.baselines --sizes 10000x3400 --methods binome,scipy --cap 120
	$(BIN)/python -m bench.rematch --sizes 3000x1000,10000x3400 --repeats 3
	$(BIN)/python -m bench.compact --sizes 10000x3400 --repeats 3
	$(BIN)/python -m bench.retain --sizes 10000x3400 --rounds 2 --repeats 5
	$(BIN)/python -m bench.dense --sizes 2623x1373,5062x2840 --repeats 3
	$(BIN)/python -m bench.groups --capacities 3,8
	$(BIN)/python -m bench.limits
	$(BIN)/python -m bench.rules --sizes 1000x350,10000x3400 --repeats 3 --cap 60
	$(BIN)/python -m bench.jobs --jobs 24 --size 400x140 --variants 3

# A whole multinational's pool (issue 17.5), 100,000 x 34,000 read by blocks, compact answer:
# its own target (minutes, several GB), not part of `make bench`.
bench-huge: $(VENV)/.installed-dev
	nice -n 10 $(BIN)/python -m bench.huge --size 100000x34000

# Load test against a local server: latency, throughput, 503s under a burst, recovery.
load: $(VENV)/.installed-dev
	$(BIN)/python -m bench.load

clean:
	rm -rf $(VENV) .pytest_cache .mypy_cache .ruff_cache build *.egg-info
