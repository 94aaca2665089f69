# One command to set up and build, one to set up and test. See README.md.
PYTHON ?= python3
VENV   := .venv
PY     := $(VENV)/bin/python

.PHONY: build test check lint serve clean setup

setup: $(VENV)/.installed

$(VENV)/.installed: pyproject.toml scripts/install-system-deps
	./scripts/install-system-deps
	$(PYTHON) -m venv $(VENV)
	$(PY) -m pip install --quiet --upgrade pip
	$(PY) -m pip install --quiet -e '.[test]'
	touch $@

build: setup
	$(PY) build.py

check: setup
	$(PY) build.py check

serve: setup
	$(PY) build.py serve

lint: setup
	$(PY) -m ruff check .
	$(PY) -m ruff format --check .
	$(PY) -m mypy
	$(VENV)/bin/lint-imports  # the layers and no cycles: see [tool.importlinter] in pyproject.toml

# pytest exits 5 when it collects no tests; that is not a failure of the code.
test: lint
	$(PY) -m pytest -q -n auto || [ $$? -eq 5 ]

clean:
	rm -rf output .omnipress-cache .output.check-cache.json
