# The workbook's two commands: `make demo` and `make test`. Both create .venv when missing;
# `make test` also installs Debian's chromium for the browser tests when it is missing.
PYTHON ?= python3
VENV   := .venv
BIN    := $(VENV)/bin
KERNEL := $(VENV)/share/jupyter/kernels/nps-workbook/kernel.json
PYTEST_ARGS ?=
CHROMIUM := /usr/bin/chromium

.PHONY: demo test setup browser lint clean-outputs bench bench-analytics profile

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

# The browser tests drive Debian's chromium (tests/conftest.py: CHROMIUM); pip cannot
# install it. As root it is installed with apt; otherwise make stops and names the package.
browser: $(CHROMIUM)  ## install Debian's chromium when it is missing (as root)

$(CHROMIUM):
	@if [ "$$(id -u)" -ne 0 ]; then \
		echo "The browser tests need Debian's chromium: sudo apt-get install chromium" >&2; \
		exit 2; \
	fi
	DEBIAN_FRONTEND=noninteractive apt-get update -qq
	DEBIAN_FRONTEND=noninteractive apt-get install -y -qq --no-install-recommends chromium
	test -x $@

test: browser setup  ## run the whole test suite: unit, e2e, browser, notebooks (nbval), doctests
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
