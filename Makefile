# The workbook's two commands: `make demo` and `make test`. Both create .venv when missing.
PYTHON ?= python3
VENV   := .venv
BIN    := $(VENV)/bin
KERNEL := $(VENV)/share/jupyter/kernels/nps-workbook/kernel.json
PYTEST_ARGS ?=

.PHONY: demo test setup lint clean-outputs bench bench-analytics profile

# The venv is rebuilt when pyproject.toml changes.
$(BIN)/nps-wave: pyproject.toml
	test -x $(BIN)/python || $(PYTHON) -m venv $(VENV)
	$(BIN)/python -m pip install --quiet --upgrade pip
	$(BIN)/python -m pip install --quiet -e '.[dev]'
	touch $@

$(KERNEL): $(BIN)/nps-wave
	$(BIN)/python -m ipykernel install --sys-prefix --name nps-workbook \
		--display-name "Python (nps-workbook)" >/dev/null

setup: $(BIN)/nps-wave $(KERNEL)  ## create .venv, install the workbook, register its kernel

demo: setup  ## make the synthetic demo data (when missing) and run both demo waves
	$(BIN)/nps-wave demo

test: setup  ## run the whole test suite
	$(BIN)/python -m pytest -n 2 $(PYTEST_ARGS)

lint: setup
	$(BIN)/ruff check src tests
	$(BIN)/ruff format --check src tests

bench: setup  ## whole-wave benchmark against the floor (2k, 20k, 200k responses; ~15 min)
	$(BIN)/python benchmarks/run.py

WAVE ?= 2026-H2
profile: setup  ## flame graph of one wave run: the CLI and its kernel (py-spy): reports/profile-$(WAVE).svg
	$(BIN)/py-spy record --subprocesses --rate 200 -o reports/profile-$(WAVE).svg -- \
		$(BIN)/nps-wave run params/$(WAVE).yaml
	$(BIN)/python benchmarks/cells.py reports/$(WAVE)/executed

bench-analytics: setup  ## time every analytics table on 1,000,000 responses in 8 waves
	$(BIN)/python benchmarks/analytics.py

clean-outputs:  ## remove generated data, processed data and reports
	rm -rf data/raw/2026-* data/raw/demo_manifest.json data/processed/* reports/*
